"""`tf.saved_model.utils`: TensorInfo protos for tensors, and tensors back from them.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     info = build_tensor_info(tf.placeholder(tf.float32, [None, 3], name="inp"))
>>> info.name, [d.size for d in info.tensor_shape.dim]
('inp:0', [-1, 3])
"""

from tensorboard.compat.proto import meta_graph_pb2, types_pb2

from scopeflow import dtypes as _dt
from scopeflow.checkpoint.meta_graph import prepend_name_scope
from scopeflow.core.frame import default_graph
from scopeflow.core.shape import unknown_shape
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["build_tensor_info", "get_tensor_from_tensor_info"]


def build_tensor_info(tensor):
    """The TensorInfo (name or COO sparse names, dtype, shape) of a Tensor or SparseTensor."""
    info = meta_graph_pb2.TensorInfo(
        dtype=_dt.as_dtype(tensor.dtype).as_datatype_enum,
        tensor_shape=tensor.get_shape().as_proto())
    if isinstance(tensor, SparseTensor):
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
    else:
        info.name = tensor.name
    return info


def build_tensor_info_from_op(op):
    """A TensorInfo naming an op (no dtype, unknown shape): how init/train ops are stored."""
    return meta_graph_pb2.TensorInfo(dtype=types_pb2.DT_INVALID,
                                     tensor_shape=unknown_shape().as_proto(), name=op.name)


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The Tensor (or SparseTensor) a TensorInfo names in `graph`."""
    graph = graph or default_graph()

    def tensor(name):
        return graph.get_tensor_by_name(prepend_name_scope(name, import_scope))

    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return tensor(tensor_info.name)
    if encoding == "coo_sparse":
        coo = tensor_info.coo_sparse
        return SparseTensor(tensor(coo.indices_tensor_name), tensor(coo.values_tensor_name),
                            tensor(coo.dense_shape_tensor_name))
    raise ValueError("Invalid TensorInfo.encoding: %s. Expected `coo_sparse`, "
                     "`composite_tensor`, or `name` for a dense tensor." % encoding)


def get_element_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The graph element (op or tensor) a TensorInfo names."""
    graph = graph or default_graph()
    return graph.as_graph_element(prepend_name_scope(tensor_info.name, import_scope))
