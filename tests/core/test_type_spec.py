"""tf.TensorSpec against TF: repr, equality (names count), compatibility (names do not; a
NumPy array is not compatible), from_tensor / from_spec, merging, errors; tf.manip names."""

import pytest

from oracle import run_here

SPECS = (
    "import numpy as np\n"
    "S = tf.TensorSpec\n"
    "a = S([2, None], tf.float32, name='a'); b = S([2, 3], tf.float32); c = S(None, tf.int32)\n"
    "def attempt(f):\n"
    "    try:\n"
    "        return repr(f())\n"
    "    except Exception as e:\n"
    "        return [type(e).__name__, str(e)]\n"
    "result = [repr(a), str(b), repr(c), a.name, a.shape.as_list(), a.dtype.name, repr(S([1])),\n"
    "    [a == S([2, None], tf.float32, 'a'), a == S([2, None], tf.float32), a == b, a != b,\n"
    "     b == S((2, 3)), a == 1, hash(b) == hash(S([2, 3]))],\n"
    "    [a.is_compatible_with(b), b.is_compatible_with(a), a.is_compatible_with(c),\n"
    "     c.is_compatible_with(S([1], tf.int32)), a.is_compatible_with(tf.zeros([2, 5])),\n"
    "     a.is_compatible_with(tf.zeros([3, 5])), a.is_compatible_with(np.zeros([2, 5], 'f')),\n"
    "     a.is_compatible_with([[1., 2.]]), a.is_compatible_with(tf.zeros([2, 5], tf.int32))],\n"
    "    [b.is_subtype_of(a), a.is_subtype_of(b), b.is_subtype_of(S(None))],\n"
    "    [attempt(f) for f in (lambda: S.from_tensor(tf.zeros([2, 5]), name='q'),\n"
    "     lambda: S.from_tensor(tf.placeholder(tf.float32, [None], name='ph')),\n"
    "     lambda: S.from_spec(a), lambda: S.from_spec(a, 'z'), lambda: S([1], 'int64'),\n"
    "     lambda: S([1], np.float64), lambda: S([1], 'foo'), lambda: S('foo'),\n"
    "     lambda: S([1], None), lambda: a.most_specific_compatible_type(b),\n"
    "     lambda: b.most_specific_compatible_type(S([2, 4])),\n"
    "     lambda: b.most_specific_compatible_type(S([2], tf.int32)),\n"
    "     lambda: b.most_specific_common_supertype([S([2, 4]), S([5, 4])]),\n"
    "     lambda: b.most_specific_common_supertype([a]), lambda: S([], tf.bool, 'x/y'),\n"
    "     lambda: tf.SparseTensorSpec([2, 3], tf.float32))],\n"
    "    [isinstance(a, tf.TypeSpec), tf.compat.v1.TensorSpec is tf.TensorSpec,\n"
    "     isinstance(tf.SparseTensorSpec([1]), tf.TypeSpec)]]\n")


@pytest.mark.oracle
def test_tensor_spec_matches_tf(oracle):
    assert run_here(SPECS) == oracle(SPECS)


MANIP = (
    "x = tf.reshape(tf.range(12.), [3, 4])\n"
    "ys = [tf.manip.roll(x, 1, 0), tf.manip.reshape(x, [2, 6]), tf.manip.tile(x, [1, 2]),\n"
    "      tf.manip.reverse(x, [1]), tf.manip.gather_nd(x, [[0, 1]]),\n"
    "      tf.manip.scatter_nd([[1]], [5.], [3])]\n"
    "with tf.Session() as s:\n"
    "    result = [[y.name for y in ys], [v.tolist() for v in s.run(ys)]]\n")


@pytest.mark.oracle
def test_manip_names_match_tf(oracle):
    assert run_here(MANIP) == oracle(MANIP)
