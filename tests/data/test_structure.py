"""Element structures: TensorSpec, flatten/pack (lists are values), TF's spec text."""

import collections

import pytest
from oracle import ORACLE_HELPERS, run_here

from scopeflow.data import structure as st


def test_lists_are_values_tuples_and_dicts_are_structure(tf):
    s = st.TensorSpec([2], tf.int32)
    assert st.flatten([1, 2]) == [[1, 2]]
    assert st.flatten({"b": (s, 1), "a": 2}) == [2, s, 1]
    P = collections.namedtuple("P", "x y")
    assert st.pack(P(0, {"k": 0}), [5, 6]) == P(5, {"k": 6})


def test_spec_text_and_compatibility(tf):
    a, b = st.TensorSpec([None], tf.int64), st.TensorSpec([3], tf.int64)
    assert repr(a) == "TensorSpec(shape=(None,), dtype=tf.int64, name=None)" or \
        repr(a) == "TensorSpec(shape=(?,), dtype=tf.int64, name=None)"
    assert st.spec_text((a,)) == "(%r,)" % a
    assert a.is_compatible_with(b) and a.most_specific_compatible_type(b) == a
    assert st.TensorSpec([3], tf.int64) == b and b != a


def test_batched_and_unbatched_shapes(tf):
    s = {"x": st.TensorSpec([2], tf.float32)}
    assert st.batched(s, None)["x"].shape.as_list() == [None, 2]
    assert st.unbatched(st.batched(s, 4))["x"].shape.as_list() == [2]
    with pytest.raises(ValueError, match="scalar components"):
        st.unbatched(st.TensorSpec([], tf.int32))


def test_sparse_values_are_leaves(tf):
    v = tf.SparseTensorValue([[0]], [1], [2])
    assert st.flatten((v, 1)) == [v, 1] and not st.is_nested(v)


def test_normalize_names_components(tf):
    structure, flat = st.normalize(({"a": [1, 2]}, 3.0))
    assert [t.op.name for t in flat] == ["normalize_element/component_0",
                                         "normalize_element/component_1"]
    assert structure[0]["a"].shape.as_list() == [2]


# TF's legacy (output_types, output_shapes) are matched up to the types' structure: `()` and
# `[None]` are shapes there (Kyubyong/transformer's from_generator), with nest's errors.
_UP_TO = ORACLE_HELPERS + r"""
import numpy as np
def gen():
    yield ([1, 2], 3, b"s"), 4
types = ((tf.int32, tf.int32, tf.string), tf.int32)
result = []
for shapes in [(([None], (), ()), ()), (([None],), ()), ([None], ()), (([None], (), (), ()), ())]:
    def build():
        d = tf.data.Dataset.from_generator(gen, types, shapes)
        result.append(str(tf.data.get_output_shapes(d)))
        it = tf.data.Iterator.from_structure(types, shapes)
        batch = d.padded_batch(2, shapes, ((0, 0, b""), 0)).make_one_shot_iterator()
        with tf.Session() as s:
            s.run(it.make_initializer(d))
            result.append(np.asarray(s.run(it.get_next()[0][0])).tolist())
            result.append(np.asarray(s.run(batch.get_next()[0][0])).tolist())
    result.append(err(build))
"""


def test_legacy_shapes_match_up_to_the_types(oracle):
    assert run_here(_UP_TO) == oracle(_UP_TO)


RAGGED = """
def vals(ds, n=10):
    out = []
    for v in rows(ds, n):
        out.append(v.to_list() if hasattr(v, "to_list") else v.tolist()
                   if hasattr(v, "tolist") else v)
    return out
def spec(ds):
    cls = tf.data.get_output_classes(ds)
    return [str(ds.element_spec), str(tf.data.get_output_types(ds)),
            str(tf.data.get_output_shapes(ds)), str(cls) if isinstance(cls, tf.TypeSpec) else
            cls.__name__]
def err(f):
    try:
        f()
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
r = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
ds = tf.data.Dataset.from_tensor_slices(r)
b = ds.batch(2)
ft = tf.data.Dataset.from_tensors(r)
m = tf.data.Dataset.from_tensor_slices([[1, 2, 0], [3, 0, 0]]).map(
    lambda x: tf.RaggedTensor.from_tensor(x[None], padding=0))
m3 = ft.map(lambda x: (x + 1, x.row_lengths()))
z = tf.data.Dataset.zip((ds, tf.data.Dataset.range(3)))
nxt = tf.data.make_initializable_iterator(b).get_next()
rv = tf.data.Dataset.from_tensor_slices(tf.ragged.constant_value([[1, 2], [3]]))
legacy = lambda d: dict(output_types=tf.data.get_output_types(d), output_shapes=
                        tf.data.get_output_shapes(d), output_classes=tf.data.get_output_classes(d))
it = tf.data.Iterator.from_structure(**legacy(ds.batch(2)))
it0 = tf.data.Iterator.from_structure(**legacy(ds))
r2 = tf.ragged.constant([[[1], [2, 3]], [[4]]])
result = [[spec(d), vals(d)] for d in (ds, b, b.batch(2), b.unbatch(), ft, m, m.batch(2),
                                       ds.map(lambda x: x * 2), m3.map(lambda a, c: a),
                                       tf.data.Dataset.from_tensors(r2).unbatch().batch(2),
                                       tf.data.Dataset.from_tensor_slices(r2).batch(2))] + [
    spec(ds.batch(2, drop_remainder=True)), str(m3.element_spec), str(z.element_spec),
    [str(c) for c in tf.data.get_output_classes(z)][:1], vals(z.map(lambda a, c: a + 1)),
    type(nxt).__name__, nxt.shape.as_list(), nxt.ragged_rank,
    [t.shape.as_list() for t in tf.nest.flatten(nxt, expand_composites=True)],
    err(lambda: ds.padded_batch(2, [None])),
    [str(rv.element_spec), vals(rv)], err(lambda: it.make_initializer(ds.batch(2))),
    it0.make_initializer(ds).type, err(lambda: it0.make_initializer(
        tf.data.Dataset.range(3)))[0],
    err(lambda: tf.data.Dataset.zip((tf.data.Dataset.range(2), ds)).padded_batch(2))]
"""


@pytest.mark.oracle
def test_ragged_elements_match_tf(oracle):
    """A RaggedTensor as a dataset component (one variant, as TF's): sliced, as one element,
    returned by map, batched (one more ragged rank; batched ragged elements need equal row
    counts, others do not),
    unbatched, through an iterator (a Tensor for ragged rank 0; its RaggedTensorSpec output
    class compared by identity, as TF's); padded_batch refuses it."""
    from data_oracle import DATA_PRELUDE, matches_tf
    matches_tf(oracle, DATA_PRELUDE + ORACLE_HELPERS + RAGGED)
