"""`slim.summaries`: add_*_summary helpers naming summaries after their tensors.

>>> import scopeflow as tf
>>> x = tf.constant(1.0, name="x")
>>> tf.contrib.slim.summaries.add_scalar_summary(x, prefix="p").op.name
'p/x'
"""

from scopeflow.layers.core import tf_api

__all__ = [
    "add_histogram_summaries",
    "add_histogram_summary",
    "add_image_summaries",
    "add_image_summary",
    "add_scalar_summaries",
    "add_scalar_summary",
    "add_zero_fraction_summaries",
    "add_zero_fraction_summary",
]


def _summary_name(tensor, name=None, prefix=None, postfix=None):
    """`prefix/name/postfix`, where `name` defaults to the tensor's op name."""
    name = name or tensor.op.name
    if prefix:
        name = prefix + "/" + name
    if postfix:
        name = name + "/" + postfix
    return name


def _printed(op, tensor, name):
    """`op` behind a Print of `tensor`, added to the SUMMARIES collection."""
    tf = tf_api()
    op = tf.Print(op, [tensor], name)
    tf.add_to_collection(tf.GraphKeys.SUMMARIES, op)
    return op


def add_histogram_summary(tensor, name=None, prefix=None):
    """A histogram summary of `tensor`."""
    return tf_api().summary.histogram(_summary_name(tensor, name, prefix), tensor)


def add_image_summary(tensor, name=None, prefix=None, print_summary=False):
    """An image summary of `tensor` (printed too with `print_summary`)."""
    name = _summary_name(tensor, name, prefix)
    op = tf_api().summary.image(name=name, tensor=tensor,
                                collections=[] if print_summary else None)
    return _printed(op, tensor, name) if print_summary else op


def add_scalar_summary(tensor, name=None, prefix=None, print_summary=False):
    """A scalar summary of `tensor` (printed too with `print_summary`)."""
    name = _summary_name(tensor, name, prefix)
    op = tf_api().summary.scalar(name=name, tensor=tensor,
                                 collections=[] if print_summary else None)
    return _printed(op, tensor, name) if print_summary else op


def add_zero_fraction_summary(tensor, name=None, prefix=None, print_summary=False):
    """A scalar summary `<name>/Fraction_of_Zero_Values` of `tf.nn.zero_fraction(tensor)`."""
    name = _summary_name(tensor, name, prefix, "Fraction_of_Zero_Values")
    return add_scalar_summary(tf_api().nn.zero_fraction(tensor), name,
                              print_summary=print_summary)


def add_histogram_summaries(tensors, prefix=None):
    return [add_histogram_summary(t, prefix=prefix) for t in tensors]


def add_image_summaries(tensors, prefix=None):
    return [add_image_summary(t, prefix=prefix) for t in tensors]


def add_scalar_summaries(tensors, prefix=None, print_summary=False):
    return [add_scalar_summary(t, prefix=prefix, print_summary=print_summary) for t in tensors]


def add_zero_fraction_summaries(tensors, prefix=None):
    return [add_zero_fraction_summary(t, prefix=prefix) for t in tensors]
