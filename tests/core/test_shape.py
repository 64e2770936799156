"""TensorShape from Python dims: the list/tuple shortcut agrees with Dimension conversion."""

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given
from scope_programs import check_tf

from scopeflow.core.shape import Dimension, TensorShape

PROGRAMS = [
    "result = [str(tf.TensorShape(d)) for d in ([], [0, 3], (3, None), [np.int64(2)], "
    "tf.TensorShape([1]), [tf.Dimension(4), None])]",
    "tf.TensorShape([-1])",
    "tf.TensorShape([2, -3])",
    "tf.TensorShape([2.0])",
    "tf.TensorShape([3])[4]",  # IndexError: TF's dims are a list
    "tf.zeros([3]).shape[-2]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def _via_dimensions(dims):
    out = []
    for d in dims:
        try:
            out.append(Dimension(d).value)
        except (TypeError, ValueError) as e:
            return type(e)
    return tuple(out)


@given(dims=st.lists(st.one_of(st.integers(-2, 5), st.none(),
                               st.integers(0, 5).map(np.int32)), max_size=4),
       as_tuple=st.booleans())
def test_list_shortcut_agrees_with_dimensions(dims, as_tuple):
    want = _via_dimensions(dims)
    try:
        got = TensorShape(tuple(dims) if as_tuple else dims)._dims
    except (TypeError, ValueError) as e:
        got = type(e)
    assert got == want
    if isinstance(got, tuple):
        assert all(d is None or type(d) is int for d in got)
