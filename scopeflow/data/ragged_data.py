"""tf.data's ragged pieces: `tf.data.experimental.dense_to_ragged_batch` (TF's
_DenseToRaggedDataset then `batch`): a component of unknown dimensions becomes a ragged one,
of ragged rank its last unknown dimension's axis (0: a Tensor carried as a ragged value), so
that elements of different lengths batch into a RaggedTensor.

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.range(x))
>>> dense_to_ragged_batch(2)(ds).element_spec.ragged_rank
1
"""

from scopeflow import dtypes as _dt
from scopeflow.core.type_spec import TensorSpec
from scopeflow.data import structure as st
from scopeflow.ragged.ragged_spec import RaggedTensorSpec


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype=_dt.int64):
    """A transformation (for `Dataset.apply`): `batch`, a component whose shape is not fully
    known batched as a RaggedTensor."""

    def apply(ds):
        return _dense_to_ragged(ds, _dt.as_dtype(row_splits_dtype)).batch(
            batch_size, drop_remainder)

    return apply


def _ragged_spec(spec, splits_dtype):
    if type(spec) is not TensorSpec or spec.shape.ndims is None or \
            spec.shape.is_fully_defined():
        return spec
    rank = max(i for i, d in enumerate(spec.shape.as_list()) if d is None)
    return RaggedTensorSpec(spec.shape, spec.dtype, rank, splits_dtype)


def _dense_to_ragged(ds, splits_dtype):
    from scopeflow.data import graph_ops as g
    from scopeflow.data.dataset import _attrs, _fn_attrs
    from scopeflow.data.functions import trace
    from scopeflow.ragged.ragged_tensor import RaggedTensor
    structure = ds._structure
    specs = st.map_structure(lambda s: _ragged_spec(s, splits_dtype), structure)
    flat_specs = st.flatten(specs)

    def convert(*args):
        element = args if type(structure) is tuple else args[0]
        out = [RaggedTensor.from_tensor(x, ragged_rank=s.ragged_rank,
                                        row_splits_dtype=splits_dtype)
               if isinstance(s, RaggedTensorSpec) and s.ragged_rank > 0 else x
               for x, s in zip(st.flatten(element), flat_specs)]
        return st.pack(element, out)

    fn = trace(convert, structure)
    # a ragged rank 0 component leaves the function as its Tensor, carried as a ragged value
    fn.out_sparse = tuple(s if isinstance(s, RaggedTensorSpec) else o
                          for s, o in zip(flat_specs, fn.out_sparse))
    fn.out_structure = specs
    variant = g.map_dataset(ds._variant_tensor, fn.captured, **_attrs(
        specs, f=fn, use_inter_op_parallelism=True, preserve_cardinality=True,
        **_fn_attrs(fn)))
    return type(ds)(variant, specs, "_MapDataset")
