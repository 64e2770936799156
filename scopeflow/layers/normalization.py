"""`tf.layers.BatchNormalization`: batch statistics when training, moving ones otherwise.

Moving-average updates go to `layer.updates` and the UPDATE_OPS collection, as in TF1; 4-D
and 5-D inputs normalized over their channel axis use the fused kernel (FusedBatchNormV3), as
TF; the others take Keras' unfused graph (tf.keras and tf.layers share it in TF).
Batch renormalization (`renorm=True`, Ioffe 2017) lives in normalization_renorm.py.
"""

from scopeflow.layers.base import InputSpec, Layer
from scopeflow.layers.core import smart_cond, tf_api
from scopeflow.layers.normalization_renorm import (
    add_renorm_variables,
    renorm_config,
    renorm_correction,
)


class BatchNormalization(Layer):
    """`tf.layers.BatchNormalization`.

    >>> import scopeflow as tf
    >>> layer = tf.layers.BatchNormalization(name="bn")
    >>> y = layer(tf.zeros([2, 3]))
    >>> [v.name for v in layer.variables]
    ['bn/gamma:0', 'bn/beta:0', 'bn/moving_mean:0', 'bn/moving_variance:0']
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None,
                 moving_mean_initializer=None, moving_variance_initializer=None,
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                 fused=None, trainable=True, virtual_batch_size=None, adjustment=None,
                 name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        tf = tf_api()
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.momentum, self.epsilon = momentum, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = beta_initializer or tf.zeros_initializer()
        self.gamma_initializer = gamma_initializer or tf.ones_initializer()
        self.moving_mean_initializer = moving_mean_initializer or tf.zeros_initializer()
        self.moving_variance_initializer = moving_variance_initializer or tf.ones_initializer()
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused
        self.renorm, self.virtual_batch_size = renorm, virtual_batch_size
        self.adjustment = adjustment
        if renorm:
            self.renorm_clipping = renorm_config(renorm_clipping)
            self.renorm_momentum = renorm_momentum

    def build(self, input_shape):
        ndims = input_shape.ndims
        if not ndims:  # (tf_keras' validate_axis, its words)
            raise ValueError("Input has undefined rank. Received: input_shape=%s" % input_shape)
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        axes = [a + ndims if a < 0 else a for a in axes]
        for a in axes:
            if not 0 <= a < ndims:
                raise ValueError("Invalid value for `axis` argument. Expected 0 <= axis < "
                                 "inputs.rank (with inputs.rank=%d). Received: axis=%s"
                                 % (ndims, tuple(axes)))
        if len(axes) != len(set(axes)):
            raise ValueError("Duplicate axis: %s" % (tuple(axes),))
        self._axes = sorted(axes)
        dims = input_shape.as_list()
        self.input_spec = InputSpec(ndim=ndims, axes={a: dims[a] for a in axes})
        # TF1's layer fuses where it can, whatever `fused` says (None or True): one channel
        # axis, first or last, of a 4-D or 5-D input
        if self.fused is None or self.fused:
            self.fused = (ndims in (4, 5) and self._axes in ([1], [ndims - 1])
                          and not self.renorm and self.virtual_batch_size is None
                          and self.adjustment is None)
        if self.fused:
            self._data_format = {(4, 1): "NCHW", (4, 3): "NHWC", (5, 1): "NCDHW",
                                 (5, 4): "NDHWC"}[ndims, self._axes[0]]
        dims = input_shape.as_list()
        if None in [dims[a] for a in self._axes]:
            raise ValueError("Input has undefined `axis` dimension. Received input with "
                             "shape %s. Axis value: %s" % (tuple(dims), self.axis))
        # one axis: a vector; several (or ghost batches): the input's rank, 1 elsewhere
        shape = [dims[a] if a in self._axes else 1 for a in range(ndims)]
        if len(self._axes) == 1 and self.virtual_batch_size is None:
            shape = shape[self._axes[0]]
        elif self.virtual_batch_size is not None:
            self._check_virtual_batches()
            shape.insert(1, 1)  # the ghost batches' axis
        dtype = "float32" if self._dtype is None or self._dtype.name == "float16" else self._dtype
        self.gamma = self._param("gamma", shape, dtype, self.scale, self.gamma_initializer,
                                 self.gamma_regularizer, self.gamma_constraint)
        self.beta = self._param("beta", shape, dtype, self.center, self.beta_initializer,
                                self.beta_regularizer, self.beta_constraint)
        self._moving_statistics(shape, dtype)
        if self.renorm:
            add_renorm_variables(self, shape, dtype)
        self.built = True

    def _moving_statistics(self, shape, dtype):
        """moving_mean and moving_variance, never partitioned (as TF: assign_moving_average
        does not handle partitioned variables)."""
        from scopeflow.core.variables import VariableAggregation
        self._set_scope(None)
        partitioner = self._scope.partitioner
        self._scope.set_partitioner(None)
        try:
            self.moving_mean, self.moving_variance = (self.add_weight(
                name, shape=[shape] if isinstance(shape, int) else shape, dtype=dtype,
                initializer=init, trainable=False, aggregation=VariableAggregation.MEAN)
                for name, init in (("moving_mean", self.moving_mean_initializer),
                                   ("moving_variance", self.moving_variance_initializer)))
        finally:
            self._scope.set_partitioner(partitioner)

    def _param(self, name, shape, dtype, wanted, init, reg, constraint):
        if not wanted:
            return None
        return self.add_weight(name, shape=[shape] if isinstance(shape, int) else shape,
                               dtype=dtype, initializer=init, regularizer=reg,
                               constraint=constraint, trainable=True)

    def call(self, inputs, training=False, mask=None):
        if self.fused:  # (Keras warns that the fused kernel ignores a mask)
            return self._fused(inputs, training)
        return self._plain(inputs, training, mask)

    def _fused(self, inputs, training):
        tf = tf_api()
        n = self.moving_mean.shape.as_list()[0]
        gamma = self.gamma if self.gamma is not None else tf.constant(1.0, shape=[n])
        beta = self.beta if self.beta is not None else tf.constant(0.0, shape=[n])

        def run(is_training):
            return lambda: tf.nn.fused_batch_norm(
                inputs, gamma, beta, mean=self.moving_mean, variance=self.moving_variance,
                epsilon=self.epsilon, is_training=is_training, data_format=self._data_format)

        out, mean, variance = smart_cond(training, run(True), run(False))
        self._moving_updates(training, mean, variance)
        return out

    def _plain(self, inputs, training, mask):
        """Keras' unfused graph; ghost batches (virtual_batch_size) reshape the input to
        `(virtual_batch_size, -1, ...)` (TF1's legacy shape) around it."""
        tf = tf_api()
        vbs = self.virtual_batch_size
        if vbs is None:
            return self._normalize(inputs, training, self._axes, mask)
        original = tf.shape(inputs)
        original = tf.concat([tf.constant([-1]), original[1:]], axis=0)
        inputs = tf.reshape(inputs, tf.concat([tf.constant([vbs, -1]), original[1:]], axis=0))
        out = self._normalize(inputs, training, [a + 1 for a in self._axes], mask)
        return tf.reshape(out, original)

    def _normalize(self, inputs, training, axes, mask):
        """The batch moments, a cond per statistic choosing them or the moving one (read in
        its false branch), `batchnorm/...` over the chosen pair; in training a cond per moving
        statistic holds its update (`cond_2/AssignMovingAvg`, `cond_3/...`)."""
        tf = tf_api()
        ndims = inputs.shape.ndims
        reduce_axes = [i for i in range(ndims) if i not in axes]
        ghost = self.virtual_batch_size is not None
        if ghost:
            del reduce_axes[1]  # the ghost batches' axis
        keep = ghost or len(axes) > 1  # statistics of the input's rank
        shape = [1] * ndims
        shape[axes[0]] = inputs.shape.as_list()[axes[0]]

        def bcast(v):  # (C,) -> broadcastable against the input, where C is not last
            if v is None or v.shape.ndims == ndims or reduce_axes == list(range(ndims - 1)):
                return v
            return tf.reshape(v, shape)

        gamma, beta = bcast(self.gamma), bcast(self.beta)
        if training is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            if self.adjustment is not None:
                gamma, beta = self._adjusted(inputs, training, gamma, beta)
            batch_mean, batch_variance = self._moments(inputs, reduce_axes, keep, mask)
            moving = self.moving_mean, self.moving_variance
            mean = smart_cond(training, lambda: batch_mean,
                              lambda: tf.convert_to_tensor(moving[0]))
            variance = smart_cond(training, lambda: batch_variance,
                                  lambda: tf.convert_to_tensor(moving[1]))
            new_mean, new_variance = mean, variance
            if ghost:  # one update from the mean over the ghost batches
                new_mean, new_variance = (tf.reduce_mean(v, axis=1, keepdims=True)
                                          for v in (mean, variance))
            if self.renorm:
                # (ghost batches: from their averaged statistics, as tf_keras)
                r, d, new_mean, new_variance = renorm_correction(self, new_mean, new_variance,
                                                                 training)
                # (x * r + d) * gamma + beta = x * (r * gamma) + (d * gamma + beta)
                r = bcast(tf.stop_gradient(r, name="renorm_r"))
                d = bcast(tf.stop_gradient(d, name="renorm_d"))
                gamma, beta = _compose(r, d, gamma, beta)
            self._plain_updates(training, new_mean, new_variance)
        out = tf.nn.batch_normalization(inputs, bcast(mean), bcast(variance), beta, gamma,
                                        self.epsilon)
        out.set_shape(inputs.shape)
        return out

    def _moments(self, inputs, reduce_axes, keep_dims, mask):
        """The batch's moments; a (batch, ...) Keras mask weighs each sample."""
        tf = tf_api()
        if mask is None:
            return tf.nn.moments(inputs, reduce_axes, keep_dims=keep_dims)
        weights = tf.expand_dims(tf.cast(mask, inputs.dtype, name="mask_weights"), axis=-1,
                                 name="mask_weights_broadcasted")
        return tf.nn.weighted_moments(inputs, reduce_axes, weights, keep_dims=keep_dims)

    def _check_virtual_batches(self):
        if self.virtual_batch_size <= 0:
            raise ValueError("`virtual_batch_size` must be a positive integer that divides "
                             "the true batch size of the input tensor. Received: "
                             "virtual_batch_size=%s" % self.virtual_batch_size)
        if 0 in self._axes:
            raise ValueError("When using `virtual_batch_size`, the batch dimension must be 0 "
                             "and thus axis cannot include 0. Received axis=%s" % self._axes)
        if self.adjustment is not None:
            raise ValueError("When using `virtual_batch_size`, adjustment cannot be "
                             "specified")

    def _plain_updates(self, training, mean, variance):
        """The moving-average updates of the unfused layer: each a cond on `training` whose
        false branch reads the variable; with renorm the variance follows moving_stddev."""
        tf = tf_api()

        def variance_update():
            if not self.renorm:
                return self._assign_moving_average(self.moving_variance, variance,
                                                   self.momentum)
            # epsilon is part of the moving stddev, as in training
            stddev = self._assign_moving_average(
                self.moving_stddev, tf.sqrt(variance + self.epsilon), self.momentum)
            value = tf.nn.relu(stddev * stddev - self.epsilon)  # rounding may go below 0
            with tf.get_default_graph().name_scope("AssignNewValue") as scope:
                return tf.assign(self.moving_variance, value, name=scope)

        self.add_update(smart_cond(
            training, lambda: self._assign_moving_average(self.moving_mean, mean, self.momentum),
            lambda: self.moving_mean))
        self.add_update(smart_cond(training, variance_update, lambda: self.moving_variance))

    def _adjusted(self, inputs, training, gamma, beta):
        """(gamma, beta) after the `adjustment` (scale, bias) of training: the adjustment is
        applied first, then gamma and beta."""
        tf = tf_api()
        adj_scale, adj_bias = self.adjustment(tf.shape(inputs))
        adj_scale = smart_cond(training, lambda: adj_scale, lambda: tf.ones_like(adj_scale))
        adj_bias = smart_cond(training, lambda: adj_bias, lambda: tf.zeros_like(adj_bias))
        if gamma is not None:
            adj_scale, adj_bias = adj_scale * gamma, adj_bias * gamma
        return adj_scale, adj_bias if beta is None else adj_bias + beta

    def _moving_updates(self, training, mean, variance):
        if training is False:
            return
        tf = tf_api()
        momentum = tf.convert_to_tensor(self.momentum) if isinstance(training, bool) else \
            smart_cond(training, lambda: tf.constant(self.momentum), lambda: tf.constant(1.0))
        self.add_update(self._assign_moving_average(self.moving_mean, mean, momentum))
        self.add_update(self._assign_moving_average(self.moving_variance, variance, momentum))

    def _assign_moving_average(self, variable, value, momentum):
        tf = tf_api()
        g = tf.get_default_graph()
        with g.name_scope("AssignMovingAvg") as scope:
            decay = tf.convert_to_tensor(1.0 - momentum, name="decay")
            delta = (variable - tf.cast(value, variable.dtype.base_dtype)) * decay
            return tf.assign_sub(variable, delta, name=scope)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """`tf.layers.batch_normalization`: a BatchNormalization layer applied once.

    >>> import scopeflow as tf
    >>> tf.layers.batch_normalization(tf.zeros([2, 3])).shape.as_list()
    [2, 3]
    """
    layer = BatchNormalization(
        axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, fused=fused,
        renorm=renorm, renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum,
        virtual_batch_size=virtual_batch_size, adjustment=adjustment, trainable=trainable,
        name=name, _scope=name, _reuse=reuse)
    return layer(inputs, training=training)


def _compose(scale, offset, then_scale, then_offset):
    """(scale, offset) of `x * scale + offset`, then `* then_scale + then_offset`."""
    if then_scale is not None:
        scale, offset = scale * then_scale, offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale, offset


BatchNorm = BatchNormalization
