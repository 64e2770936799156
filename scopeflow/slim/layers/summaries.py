"""`tf_slim.layers.summaries`: summarize_* over tensors, collections and activations.

A scalar tensor gets a scalar summary, any other a histogram, tagged `<op name>_summary`;
string and bool tensors get none.

>>> import scopeflow as tf
>>> summarize_tensor(tf.constant(1.0, name="c")).op.name
'c_summary'
"""

import functools
import re

from scopeflow import dtypes
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.layers.core import tf_api

__all__ = [
    "summarize_activation",
    "summarize_activations",
    "summarize_biases",
    "summarize_collection",
    "summarize_tensor",
    "summarize_tensors",
    "summarize_variables",
    "summarize_weights",
]


def _scalar(tensor, tag=None):
    tensor.get_shape().assert_has_rank(0)
    return tf_api().summary.scalar(tag or "%s_summary" % tensor.op.name, tensor)


def _histogram(tensor, tag=None):
    return tf_api().summary.histogram(tag or "%s_summary" % tensor.op.name, tensor)


def _fraction(compare, x, bound):
    """mean(float(compare(x, bound))): the share of entries past `bound`."""
    tf = tf_api()
    return tf.reduce_mean(tf.to_float(compare(x, tf.cast(bound, x.dtype))))


def summarize_activation(op):
    """Histogram `<op>/activation`; for Relu/Softplus/Relu6 the zero share `<op>/zeros`,
    for Relu6 also the saturated share `<op>/sixes`."""
    tf = tf_api()
    name, pre = op.op.name, (op.op.inputs[0] if op.op.inputs else None)
    if op.op.type in ("Relu", "Softplus", "Relu6"):
        _scalar(_fraction(tf.less, pre, 0.0), "%s/zeros" % name)
    if op.op.type == "Relu6":
        _scalar(_fraction(tf.greater, pre, 6.0), "%s/sixes" % name)
    return _histogram(op, "%s/activation" % name)


def summarize_tensor(tensor, tag=None):
    """A scalar or histogram summary of `tensor`; None for a string or bool tensor."""
    if tensor.dtype.is_compatible_with(dtypes.string) or tensor.dtype.base_dtype == dtypes.bool:
        return None
    if tensor.get_shape().ndims == 0:
        return _scalar(tensor, tag)
    return _histogram(tensor, tag)


def summarize_tensors(tensors, summarizer=summarize_tensor):
    return [summarizer(t) for t in tensors]


def summarize_collection(collection, name_filter=None, summarizer=summarize_tensor):
    """Summaries of the members of `collection` whose op name matches `name_filter`."""
    members = [t for t in default_graph().get_collection(collection)
               if name_filter is None or re.match(name_filter, t.op.name)]
    return summarize_tensors(members, summarizer)


summarize_variables = functools.partial(summarize_collection, GraphKeys.GLOBAL_VARIABLES)
summarize_weights = functools.partial(summarize_collection, GraphKeys.WEIGHTS)
summarize_biases = functools.partial(summarize_collection, GraphKeys.BIASES)


def summarize_activations(name_filter=None, summarizer=summarize_activation):
    """summarize_activation over the ACTIVATIONS collection."""
    return summarize_collection(GraphKeys.ACTIVATIONS, name_filter, summarizer)
