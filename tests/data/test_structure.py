"""Element structures: TensorSpec, flatten/pack (lists are values), TF's spec text."""

import collections

import pytest

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
