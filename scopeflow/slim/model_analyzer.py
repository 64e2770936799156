"""tf_slim.model_analyzer: sizes of a graph's op outputs and of variables, printed as tf_slim."""


def tensor_description(var):
    """`(dtype d0xd1x...)` of a tensor or variable, e.g. `(float32 1x8x8x1024)`.

    >>> tensor_description(tf.zeros([2, 3]))
    '(float32 2x3)'
    """
    dims = "x".join(str(size) for size in var.get_shape())
    return "(%s %s)" % (var.dtype.name, dims)


def _header(title):
    print("---------")
    print(title)
    print("---------")


def analyze_ops(graph, print_info=False):
    """The total number of elements of every op output in `graph` (unknown sizes count 0).

    >>> analyze_ops(tf.get_default_graph(), print_info=True)
    """
    if print_info:
        _header("Operations: name -> (type shapes) [size]")
    total = 0
    for op in graph.get_operations():
        shapes = [tensor_description(out) for out in op.outputs if out.get_shape()]
        op_size = sum(out.get_shape().num_elements() or 0 for out in op.outputs)
        if print_info:
            print(op.name, "\t->", ", ".join(shapes), "[" + str(op_size) + "]")
        total += op_size
    return total


def analyze_vars(variables, print_info=False):
    """(total elements, total bytes) of `variables`, each printed with its shape when asked.

    >>> analyze_vars(tf.model_variables(), print_info=True)
    """
    if print_info:
        _header("Variables: name (type shape) [size]")
    total_size = total_bytes = 0
    for var in variables:
        size = var.get_shape().num_elements() or 0
        nbytes = size * var.dtype.size
        total_size += size
        total_bytes += nbytes
        if print_info:
            print(var.name, tensor_description(var), "[%d, bytes: %d]" % (size, nbytes))
    if print_info:
        print("Total size of variables: %d" % total_size)
        print("Total bytes of variables: %d" % total_bytes)
    return total_size, total_bytes
