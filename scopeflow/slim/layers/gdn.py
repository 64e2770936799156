"""`slim.layers.gdn`: generalized divisive normalization (Balle et al.), per position:

    y[i] = x[i] / sqrt(beta[i] + sum_j gamma[j, i] * x[j]^2)      (IGDN multiplies instead)

beta and gamma are kept as bounded square roots (`reparam_beta`, `reparam_gamma`), as tf_slim.
"""

from scopeflow.layers.base import Layer
from scopeflow.layers.core import tf_api

_CHANNEL_AXIS = {"channels_first": 1, "channels_last": -1}


class GDN(Layer):
    """GDN over the channel axis of a 3-D to 5-D input (variables in scope `gdn`)."""

    def __init__(self, inverse=False, beta_min=1e-6, gamma_init=0.1, reparam_offset=2 ** -18,
                 data_format="channels_last", activity_regularizer=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.inverse = inverse
        self._beta_min, self._gamma_init = beta_min, gamma_init
        self._reparam_offset = reparam_offset
        self.data_format = data_format
        self._channel_axis()

    def _channel_axis(self):
        if self.data_format not in _CHANNEL_AXIS:
            raise ValueError(f"Unsupported `data_format` for GDN layer: {self.data_format}.")
        return _CHANNEL_AXIS[self.data_format]

    @staticmethod
    def _lower_bound(inputs, bound, name=None):
        """max(inputs, bound), its gradient looked up as `GDNLowerBound` (as tf_slim, which
        registers none)."""
        tf = tf_api()
        with tf.name_scope(name, "GDNLowerBound", [inputs, bound]) as scope:
            inputs = tf.convert_to_tensor(inputs, name="inputs")
            bound = tf.convert_to_tensor(bound, name="bound")
            with tf.get_default_graph().gradient_override_map({"Maximum": "GDNLowerBound"}):
                return tf.maximum(inputs, bound, name=scope)

    @staticmethod
    def _lower_bound_grad(op, grad):
        """Passes `grad` where the input is above the bound or the gradient pushes it up."""
        tf = tf_api()
        passes = tf.logical_or(op.inputs[0] >= op.inputs[1], grad < 0)
        return [tf.cast(passes, grad.dtype) * grad, None]

    def _check_rank(self, ndim, shape):
        """TF1 layers' InputSpec(min_ndim=3, max_ndim=5) check, in its words."""
        start = "Input 0 of layer %s is incompatible with the layer: " % self.name
        if ndim > 5:
            raise ValueError(start + "expected max_ndim=5, found ndim=%d" % ndim)
        if ndim < 3:
            raise ValueError(start + ": expected min_ndim=3, found ndim=%d. Full shape "
                             "received: (%s)" % (ndim, ", ".join(
                                 "Dimension(%s)" % d for d in shape.as_list())))

    def build(self, input_shape):
        tf = tf_api()
        input_shape = tf.TensorShape(input_shape)
        if input_shape.ndims is not None:
            self._check_rank(input_shape.ndims, input_shape)
        channels = input_shape.dims[self._channel_axis()].value if input_shape.dims else None
        if channels is None:
            raise ValueError("The channel dimension of the inputs to `GDN` must be defined.")
        self._input_rank = input_shape.ndims
        offset = self._reparam_offset
        pedestal = tf.constant(offset ** 2, dtype=self.dtype)
        beta_bound = tf.constant((self._beta_min + offset ** 2) ** 0.5, dtype=self.dtype)
        gamma_bound = tf.constant(offset, dtype=self.dtype)

        def beta_init(shape, dtype=None, partition_info=None):
            pedestal = tf.constant(offset ** 2, self.dtype)  # made first, as TF
            return tf.sqrt(tf.ones(shape, dtype=dtype) + pedestal)

        def gamma_init(shape, dtype=None, partition_info=None):
            eye = tf.eye(shape[0], dtype=dtype)
            pedestal = tf.constant(offset ** 2, self.dtype)
            return tf.sqrt(self._gamma_init * eye + pedestal)

        beta = self.add_weight("reparam_beta", shape=[channels], initializer=beta_init,
                               dtype=self.dtype, trainable=True)
        self.beta = tf.square(self._lower_bound(beta, beta_bound)) - pedestal
        gamma = self.add_weight("reparam_gamma", shape=[channels, channels],
                                initializer=gamma_init, dtype=self.dtype, trainable=True)
        self.gamma = tf.square(self._lower_bound(gamma, gamma_bound)) - pedestal
        self.built = True

    def call(self, inputs):
        tf = tf_api()
        inputs = tf.convert_to_tensor(inputs, dtype=self.dtype)
        ndim = self._input_rank
        gamma = tf.reshape(self.gamma, (ndim - 2) * [1] + self.gamma.shape.as_list())
        if self.data_format == "channels_first":  # a 1x1 convolution over channels, then beta
            pool = tf.nn.convolution(tf.square(inputs), gamma, "VALID",
                                     data_format="NC" + "DHW"[-(ndim - 2):])
            pool = self._channels_first_bias(pool, ndim)
        else:
            pool = tf.nn.bias_add(tf.nn.convolution(tf.square(inputs), gamma, "VALID"),
                                  self.beta, data_format="NHWC")
        pool = tf.sqrt(pool)
        outputs = inputs * pool if self.inverse else inputs / pool
        outputs.set_shape(inputs.shape)
        return outputs

    def _channels_first_bias(self, pool, ndim):
        tf = tf_api()
        if ndim == 3:
            pool = tf.nn.bias_add(tf.expand_dims(pool, 2), self.beta, data_format="NCHW")
            return tf.squeeze(pool, [2])
        if ndim == 5:
            shape = tf.shape(pool)
            pool = tf.nn.bias_add(tf.reshape(pool, shape[:3] + [-1]), self.beta,
                                  data_format="NCHW")
            return tf.reshape(pool, shape)
        return tf.nn.bias_add(pool, self.beta, data_format="NCHW")

    def compute_output_shape(self, input_shape):
        input_shape = tf_api().TensorShape(input_shape)
        if not 3 <= input_shape.ndims <= 5:
            raise ValueError("`input_shape` must be of rank 3 to 5, inclusive.")
        if input_shape.dims[self._channel_axis()].value is None:
            raise ValueError("The channel dimension of `input_shape` must be defined.")
        return input_shape


def gdn(inputs, inverse=False, beta_min=1e-6, gamma_init=0.1, reparam_offset=2 ** -18,
        data_format="channels_last", activity_regularizer=None, trainable=True, name=None,
        reuse=None):
    """GDN (or IGDN with `inverse`) of `inputs` over its channels.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.layers.gdn(tf.ones([1, 2, 3])).shape.as_list()
    [1, 2, 3]
    """
    layer = GDN(inverse=inverse, beta_min=beta_min, gamma_init=gamma_init,
                reparam_offset=reparam_offset, data_format=data_format,
                activity_regularizer=activity_regularizer, trainable=trainable, name=name,
                dtype=inputs.dtype.base_dtype, _scope=name, _reuse=reuse)
    return layer.apply(inputs)
