"""The public convolution functions of tf.nn (conv2d, conv1d, convolution, transposes, ...)."""

import numpy as np

from scopeflow.core.tensor import SymbolicTensor
from scopeflow.ops.op_util import array_ops as array
from scopeflow.ops.op_util import name_scope, tensor

__all__ = ["atrous_conv2d", "atrous_conv2d_transpose", "conv1d", "conv1d_transpose", "conv2d",
           "conv2d_backprop_filter", "conv2d_backprop_input", "conv2d_transpose", "conv3d",
           "conv3d_transpose", "convolution", "depthwise_conv2d", "depthwise_conv2d_native",
           "separable_conv2d", "conv3d_backprop_input_v2", "conv_transpose",
           "conv3d_backprop_filter_v2", "depthwise_conv2d_native_backprop_filter",
           "depthwise_conv2d_native_backprop_input"]


def _nc():
    from scopeflow.ops import nn_conv
    return nn_conv


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """`tf.nn.conv2d`: one Conv2D op (SAME / VALID / explicit padding, NHWC or NCHW).

    >>> import scopeflow as tf
    >>> tf.nn.conv2d(tf.ones([1, 8, 8, 3]), tf.ones([3, 3, 3, 5]), 1, "SAME").shape.as_list()
    [1, 8, 8, 5]
    """
    nc = _nc()
    filter = nc.pick(filters, "filters", filter, "filter")
    attrs = nc.conv_attrs(strides, padding, data_format, dilations)
    if _expanded(input, 4):  # batch dims beyond the first: TF's squeeze_batch_dims
        return squeeze_batch_dims(input, lambda x: nc._conv2d(
            x, filter, name="Conv2D", use_cudnn_on_gpu=use_cudnn_on_gpu, **attrs), 3, name)
    return nc._conv2d(input, filter, name=name or "Conv2D", use_cudnn_on_gpu=use_cudnn_on_gpu,
                      **attrs)


def _expanded(input, rank):  # noqa: A002
    """Whether `input` (a tensor or array) has more dimensions than the op's `rank`."""
    ndims = getattr(getattr(input, "shape", None), "ndims", -1)
    if ndims == -1:
        ndims = np.ndim(input)
    return ndims is not None and ndims > rank


def squeeze_batch_dims(inp, op, inner_rank, name=None):
    """TF's nn_ops.squeeze_batch_dims: `op` of `inp` reshaped to one batch dimension, its
    result reshaped back (static shapes where known, `tf.shape` slices where not)."""
    from scopeflow.core.shape import TensorShape
    with name_scope(name, "squeeze_batch_dims", [inp]):
        inp = tensor(inp, name="input")
        shape = inp.shape
        inner = shape[-inner_rank:]
        if not inner.is_fully_defined():
            inner = array.shape(inp)[-inner_rank:]
        batch = shape[:-inner_rank]
        if not batch.is_fully_defined():
            batch = array.shape(inp)[:-inner_rank]
        if isinstance(inner, TensorShape):
            reshaped = array.reshape(inp, [-1] + inner.as_list())
        else:
            reshaped = array.reshape(inp, array.concat(([-1], inner), axis=-1))
        out = op(reshaped)
        out_inner = out.shape[-inner_rank:]
        out_inner = (out_inner.as_list() if out_inner.is_fully_defined()
                     else array.shape(out)[-inner_rank:])
        if isinstance(batch, TensorShape):
            batch = batch.as_list()
        result = array.reshape(out, array.concat((batch, out_inner), axis=-1))
        result.set_shape(inp.shape[:-inner_rank] + result.shape[-inner_rank:])
        return result


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",  # noqa: A002
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """`tf.nn.conv3d`: one Conv3D op."""
    nc = _nc()
    filter = nc.pick(filters, "filters", filter, "filter")
    attrs = nc.conv_attrs(strides, padding, data_format, dilations, 5, explicit=False)
    return nc._conv3d(input, filter, name=name or "Conv3D", **attrs)


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):  # noqa: A002
    """`tf.nn.conv1d`: Conv2D over the input and filter expanded with a unit height."""
    nc = _nc()
    value = nc.pick(input, "input", value, "value")
    with name_scope(name, "conv1d", [value, filters]) as scope:
        if data_format is None or data_format in ("NHWC", "NWC"):
            data_format, spatial_start, channel_index = "NHWC", -3, 2
        elif data_format in ("NCHW", "NCW"):
            data_format, spatial_start, channel_index = "NCHW", -2, 1
        else:
            raise ValueError("`data_format` must be 'NWC' or 'NCW'. Received: data_format=%s"
                             % data_format)
        strides = [1] + nc.get_sequence(stride, 1, channel_index, "stride")
        dilations = [1] + nc.get_sequence(dilations, 1, channel_index, "dilations")
        value = array.expand_dims(value, spatial_start)
        filters = array.expand_dims(filters, 0)
        attrs = dict(strides=strides, padding=padding, explicit_paddings=[],
                     use_cudnn_on_gpu=True if use_cudnn_on_gpu is None else use_cudnn_on_gpu,
                     data_format=data_format, dilations=dilations)
        if _expanded(value, 4):
            result = squeeze_batch_dims(
                value, lambda x: nc._conv2d(x, filters, name="Conv2D", **attrs), 3, scope)
        else:
            result = nc._conv2d(value, filters, name=scope, **attrs)
        return array.squeeze(result, [spatial_start])


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=(1, 1, 1, 1), name=None):
    """`tf.nn.depthwise_conv2d_native`: one DepthwiseConv2dNative op."""
    nc = _nc()
    padding, explicit = nc.convert_padding(padding)
    return nc._depthwise(input, filter, name=name or "DepthwiseConv2dNative",
                         strides=list(strides), padding=padding, explicit_paddings=explicit,
                         data_format=data_format, dilations=list(dilations))


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """`tf.nn.depthwise_conv2d`: DepthwiseConv2dNative in scope 'depthwise' (dilations through
    space-to-batch, as TF does)."""
    nc = _nc()
    from scopeflow.ops.nn_space import with_space_to_batch
    rate = nc.pick(dilations, "dilations", rate, "rate")
    with name_scope(name, "depthwise", [input, filter]) as scope:
        input = tensor(input, name="tensor_in")
        filter = tensor(filter, name="filter_in")
        rate = [1, 1] if rate is None else rate

        def op(x, _, pad):
            return depthwise_conv2d_native(x, filter, strides, pad,
                                           data_format=data_format or "NHWC", name=scope)

        return with_space_to_batch(input, rate, padding, op, filter_shape=array.shape(filter),
                                   data_format=data_format)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate=None,  # noqa: A002
                     name=None, data_format=None, dilations=None):
    """`tf.nn.separable_conv2d`: depthwise then 1x1 Conv2D (named 'separable_conv2d')."""
    nc = _nc()
    from scopeflow.ops.nn_space import with_space_to_batch
    rate = nc.pick(dilations, "dilations", rate, "rate")
    with name_scope(name, "separable_conv2d",
                    [input, depthwise_filter, pointwise_filter]) as scope:
        input = tensor(input, name="tensor_in")
        depthwise_filter = tensor(depthwise_filter, name="depthwise_filter")
        pointwise_filter = tensor(pointwise_filter, name="pointwise_filter")
        rate = [1, 1] if rate is None else rate

        def op(x, _, pad):
            return depthwise_conv2d_native(x, depthwise_filter, strides, pad,
                                           data_format=data_format or "NHWC", name="depthwise")

        depthwise = with_space_to_batch(input, rate, padding, op,
                                        filter_shape=array.shape(depthwise_filter),
                                        data_format=data_format)
        return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], padding="VALID",
                      data_format=data_format or "NHWC", name=scope)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=(1, 1, 1, 1), name=None, filters=None):
    """`tf.nn.conv2d_backprop_input`: one Conv2DBackpropInput op."""
    nc = _nc()
    filter = nc.pick(filters, "filters", filter, "filter")
    attrs = nc.conv_attrs(strides, padding, data_format, dilations)
    return nc._conv2d_backprop_input(input_sizes, filter, out_backprop,
                                     name=name or "Conv2DBackpropInput",
                                     use_cudnn_on_gpu=use_cudnn_on_gpu, **attrs)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC",
                           dilations=(1, 1, 1, 1), name=None):
    """`tf.nn.conv2d_backprop_filter`: one Conv2DBackpropFilter op."""
    nc = _nc()
    attrs = nc.conv_attrs(strides, padding, data_format, dilations)
    return nc._conv2d_backprop_filter(input, filter_sizes, out_backprop,
                                      name=name or "Conv2DBackpropFilter",
                                      use_cudnn_on_gpu=use_cudnn_on_gpu, **attrs)


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None, input=None, filters=None,
                     dilations=None):
    """`tf.nn.conv2d_transpose`: a Conv2DBackpropInput named 'conv2d_transpose'.

    >>> import scopeflow as tf
    >>> x, w = tf.ones([1, 4, 4, 5]), tf.ones([3, 3, 2, 5])
    >>> tf.nn.conv2d_transpose(x, w, [1, 8, 8, 2], 2).shape.as_list()
    [1, 8, 8, 2]
    """
    nc = _nc()
    value = nc.pick(input, "input", value, "value")
    filter = nc.pick(filters, "filters", filter, "filter")
    with name_scope(name, "conv2d_transpose", [value, filter, output_shape]) as scope:
        attrs = nc.conv_attrs(strides, padding, data_format or "NHWC", dilations)
        return nc._conv2d_backprop_input(output_shape, filter, value, name=scope,
                                         use_cudnn_on_gpu=True, **attrs)


def conv3d_transpose(value, filter=None, output_shape=None, strides=None, padding="SAME",  # noqa: A002
                     data_format="NDHWC", name=None, input=None, filters=None, dilations=None):
    """`tf.nn.conv3d_transpose`: a Conv3DBackpropInputV2 named 'conv3d_transpose'."""
    nc = _nc()
    value = nc.pick(input, "input", value, "value")
    filter = nc.pick(filters, "filters", filter, "filter")
    with name_scope(name, "conv3d_transpose", [value, filter, output_shape]) as scope:
        attrs = nc.conv_attrs(strides, padding, data_format or "NDHWC", dilations, 5,
                              explicit=False)
        return nc._conv3d_backprop_input(output_shape, filter, value, name=scope, **attrs)


def conv3d_backprop_input_v2(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                             data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    nc = _nc()
    return nc._conv3d_backprop_input(input_sizes, filter, out_backprop,
                                     name=name or "Conv3DBackpropInputV2", strides=strides,
                                     padding=padding, data_format=data_format,
                                     dilations=list(dilations))


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """`tf.nn.conv1d_transpose`: Conv2DBackpropInput over unit-height expansions."""
    nc = _nc()
    with name_scope(name, "conv1d_transpose", [input, filters, output_shape]) as scope:
        if data_format not in ("NWC", "NCW"):
            raise ValueError("`data_format` must be 'NWC' or 'NCW'. Received: data_format=%s"
                             % data_format)
        nhwc = data_format == "NWC"
        spatial_start = 1 if nhwc else 2
        channel_index = 2 if nhwc else 1
        strides = [1] + nc.get_sequence(strides, 1, channel_index, "stride")
        dilations = [1] + nc.get_sequence(dilations, 1, channel_index, "dilations")
        x = array.expand_dims(input, spatial_start)
        w = array.expand_dims(filters, 0)
        if not isinstance(output_shape, SymbolicTensor):
            output_shape = list(output_shape)
        # a ConcatV2 (a tensor's ends by StridedSlice, a list's as Consts), as TF
        shape = array.concat([output_shape[:spatial_start], [1],
                              output_shape[spatial_start:]], 0)
        result = nc._conv2d_backprop_input(shape, w, x, name=scope, strides=strides,
                                           padding=padding, use_cudnn_on_gpu=True,
                                           explicit_paddings=[],
                                           data_format="NHWC" if nhwc else "NCHW",
                                           dilations=dilations)
        return array.squeeze(result, spatial_start)


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    """`tf.nn.conv_transpose`: the 1-, 2- or 3-D transpose by the rank of `output_shape`."""
    n = len(np.asarray(output_shape)) - 2
    if n == 1:
        return conv1d_transpose(input, filters, output_shape, strides, padding,
                                data_format or "NWC", dilations, name)
    if n == 2:
        return conv2d_transpose(input, filters, output_shape, strides, padding,
                                data_format or "NHWC", name, dilations=dilations)
    return conv3d_transpose(input, filters, output_shape, strides, padding,
                            data_format or "NDHWC", name, dilations=dilations)


def convolution(input, filter, padding, strides=None, dilation_rate=None, name=None,  # noqa: A002
                data_format=None, filters=None, dilations=None):
    """`tf.nn.convolution`: N-d convolution in scope 'convolution' (dilated ones through
    space-to-batch, as TF does)."""
    nc = _nc()
    from scopeflow.ops.nn_space import with_space_to_batch
    filter = nc.pick(filters, "filters", filter, "filter")
    dilation_rate = nc.pick(dilations, "dilations", dilation_rate, "dilation_rate")
    filter = _internal(filter, "filters")
    input = _internal(input, "input")
    n = _spatial_dims(input, filter)
    channel_last = data_format is None or not data_format.startswith("NC")
    ci = n + 1 if channel_last else 1
    dil = nc.get_sequence(dilation_rate, n, ci, "dilations")
    st = nc.get_sequence(strides, n, ci, "strides")
    dilated = dilation_rate is not None and any(d != 1 for d in dil)
    with name_scope(name, None if name else "convolution", [input, filter]) as scope:
        if not dilated:
            return _plain_conv(n, input, filter, st, padding, data_format, dil, scope)
        st = st[1:-1] if channel_last else st[2:]
        dil = dil[1:-1] if channel_last else dil[2:]
        if any(s != 1 for s in st):
            raise ValueError("`strides > window_shape` not supported due to inconsistency "
                             "between CPU and GPU implementations. Received: strides=%s"
                             % (st,))

        def op(x, _, pad):
            return _plain_conv(n, x, filter, 1, pad, data_format, None, scope)

        fshape = (np.asarray(filter.shape.as_list(), np.int32)
                  if filter.shape.is_fully_defined() else array.shape(filter))
        # TF's Convolution: the spatial dims follow every batch dim (and the channels of NC*)
        batch_dims = 1 if input.shape.ndims is None else input.shape.ndims - n - 1
        start = batch_dims + (0 if channel_last else 1)
        out = with_space_to_batch(input, dil, padding, op, filter_shape=fshape,
                                  spatial_dims=range(start, start + n),
                                  data_format=data_format)
        dims = out.shape._dims
        if not channel_last and dims is not None and dims[1] is None:
            # channels of NC* come back unknown through run-time paddings: the filter's
            channels = filter.shape._dims[-1] if filter.shape._dims else None
            out.set_shape([dims[0], channels, *dims[2:]])
        return out


def _internal(value, name):
    """A tensor or variable as it is (a variable is read where the op uses it, in its scope);
    anything else a constant made in a scope 'convolution_internal' of its own, as TF does."""
    from scopeflow.core.variables import VariableV1
    if isinstance(value, (SymbolicTensor, VariableV1)):
        return value
    with name_scope("convolution_internal", values=[value]):
        return tensor(value, name=name)


def _spatial_dims(input, filter):  # noqa: A002
    if filter.shape.ndims:
        n = filter.shape.ndims - 2
    elif input.shape.ndims:
        n = input.shape.ndims - 2
    else:
        raise ValueError("When `num_spatial_dims` is not set, one of `input.shape.rank` or "
                         "`filters.shape.rank` must be known. Received: input.shape=%s of rank "
                         "%s and filters.shape=%s of rank %s" % (
                             input.shape, input.shape.ndims, filter.shape, filter.shape.ndims))
    if n not in (1, 2, 3):
        raise ValueError("`num_spatial_dims` must be 1, 2, or 3. Received: "
                         "num_spatial_dims=%d." % n)
    return n


def _plain_conv(n, x, w, strides, padding, data_format, dilations, scope):
    if n == 2:
        return conv2d(x, w, strides, padding, data_format=data_format or "NHWC",
                      dilations=dilations or (1, 1, 1, 1), name=scope)
    if n == 3:
        if _expanded(x, 5):  # TF's _conv3d_expanded_batch
            return squeeze_batch_dims(x, lambda v: conv3d(
                v, w, strides, padding, data_format=data_format or "NDHWC",
                dilations=dilations or (1, 1, 1, 1, 1)), 4, scope)
        return conv3d(x, w, strides, padding, data_format=data_format or "NDHWC",
                      dilations=dilations or (1, 1, 1, 1, 1), name=scope)
    fmt = None if data_format is None else ("NCW" if data_format.startswith("NC") else "NWC")
    st = strides if isinstance(strides, int) else strides[1:-1] if len(strides) == 3 else strides
    return conv1d(x, w, st, padding, data_format=fmt, name=scope,
                  dilations=None if dilations is None else dilations[1:-1])


def atrous_conv2d(value, filters, rate, padding, name=None):
    """`tf.nn.atrous_conv2d`: `convolution` with dilation `rate`."""
    return convolution(value, filters, padding, dilation_rate=np.broadcast_to(rate, (2,)).tolist(),
                       name=name)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """`tf.nn.atrous_conv2d_transpose`: the transpose of a dilated convolution."""
    with name_scope(name, "atrous_conv2d_transpose", [value, filters, output_shape]) as scope:
        return conv2d_transpose(value, filters, output_shape, 1, padding, "NHWC", scope,
                                dilations=[1, rate, rate, 1])


def _native_attrs(strides, padding, data_format, dilations):
    from scopeflow.ops.nn_conv import convert_padding
    padding, explicit = convert_padding(padding)
    return dict(strides=list(strides), padding=padding, explicit_paddings=explicit,
                data_format=data_format, dilations=list(dilations))


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                           padding, data_format="NHWC",
                                           dilations=(1, 1, 1, 1), name=None):
    """`tf.nn.depthwise_conv2d_backprop_input`: one DepthwiseConv2dNativeBackpropInput op."""
    return _nc()._depthwise_backprop_input(
        input_sizes, filter, out_backprop, name=name or "DepthwiseConv2dNativeBackpropInput",
        **_native_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                            padding, data_format="NHWC",
                                            dilations=(1, 1, 1, 1), name=None):
    """`tf.nn.depthwise_conv2d_backprop_filter`: one DepthwiseConv2dNativeBackpropFilter op."""
    return _nc()._depthwise_backprop_filter(
        input, filter_sizes, out_backprop, name=name or "DepthwiseConv2dNativeBackpropFilter",
        **_native_attrs(strides, padding, data_format, dilations))


def conv3d_backprop_filter_v2(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                              data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """`tf.nn.conv3d_backprop_filter_v2`: one Conv3DBackpropFilterV2 op."""
    return _nc()._conv3d_backprop_filter(input, filter_sizes, out_backprop,
                                         name=name or "Conv3DBackpropFilterV2",
                                         strides=list(strides), padding=padding,
                                         data_format=data_format, dilations=list(dilations))
