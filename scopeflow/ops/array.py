"""Array ops: identity, shapes, reshapes, slicing, joining, gathering, with TF's names."""

from scopeflow.ops.registry import ANY, op


@op("Identity", types={"input": ANY})
def _identity(input):  # noqa: A002 - TF's arg name
    return input


def identity(input, name=None):  # noqa: A002
    """`tf.identity`: a new tensor with the same value.

    >>> import scopeflow as tf
    >>> tf.identity(tf.constant(1.0)).name
    'Identity:0'
    """
    if hasattr(input, "_identity_input"):
        input = input._identity_input()
    return _identity(input, name=name or "Identity")
