"""Reductions against TF, bit for bit: where the sum's order cannot matter (Mean's division),
and float32 Sum and Mean in Eigen's order (`ops/eigen_sum.py`): to a scalar (leaf, split tree,
two threads) and over trailing axes, keepdims too; leading axes and other dtypes are XLA's."""

import json

import numpy as np

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import RANKS, fed_cases_match, run_here, run_tf_script

# whole-number values sum exactly in any order, so only the division by the count can differ:
# TF's Mean kernel divides the sum (XLA alone multiplies by the count's reciprocal)
_MEAN_BITS = """
rng = np.random.default_rng(%(seed)d)
xv = rng.integers(-1000, 1000, %(shape)r).astype(np.%(dtype)s)
x = tf.placeholder(tf.%(dtype)s, xv.shape)
r = [tf.reduce_mean(x), tf.reduce_mean(x, %(axes)r), tf.reduce_mean(x, -1, keepdims=True)]
with tf.Session() as s:
    result = [np.ravel(v).view(np.int%(bits)d).tolist() for v in s.run(r, {x: xv})]
"""


@pytest.mark.oracle
@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=3), st.data(),
       st.sampled_from([("float32", 32), ("float64", 64)]), st.integers(0, 2**31))
def test_mean_bits_match_tf(oracle, shape, data, dtype, seed):
    axes = sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1)))
    code = _MEAN_BITS % dict(seed=seed, shape=tuple(shape), dtype=dtype[0], bits=dtype[1],
                             axes=axes)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there


SIZES = (7, 8, 16, 31, 32, 33, 40, 64, 100, 256, 1000, 4099, 8192, 8193, 20001, 150001)

# name -> (value's shape, axes); the result's bits and shape are compared, for Sum and Mean
CASES = {"rows": ((33, 10), -1), "rows3": ((5, 3), 1), "rows1000": ((64, 1000), 1),
         "trailing": ((4, 5, 6), [1, 2]), "ones": ((1, 40, 1, 9), [1, 3]),
         "long_rows": ((3, 8200), 1), "cols": ((100, 10), 0)}

SUMS = r"""
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
data = np.load(os.path.join(sys.argv[1], "x.npz"))
axes = json.loads(sys.argv[2])
out = {}
with tf.Session() as s:
    for name in data.files:
        x = data[name]
        p = tf.placeholder(tf.float32, x.shape)
        ax = axes.get(name)
        r = s.run([tf.reduce_sum(p, ax), tf.reduce_mean(p, ax),
                   tf.reduce_sum(p, ax, keepdims=True)], {p: x})
        out[name] = [np.ravel(r[0]).view(np.int32).tolist(),
                     np.ravel(r[1]).view(np.int32).tolist(), r[2].shape]
print(json.dumps(out))
"""


def _arrays():
    rng = np.random.RandomState(0)
    out = {"n%d" % n: (rng.standard_normal(n) ** 2).astype("float32") for n in SIZES}
    out["mat"] = rng.standard_normal((4, 3, 10)).astype("float32")
    out.update((k, rng.standard_normal(v[0]).astype("float32")) for k, v in CASES.items())
    return out


@pytest.mark.oracle
def test_float32_sums_and_means_equal_tfs_bit_for_bit(tf, tmp_path):
    arrays, axes = _arrays(), {k: v[1] for k, v in CASES.items()}
    np.savez(tmp_path / "x.npz", **arrays)
    script = SUMS.replace("sys.argv[2]", repr(json.dumps(axes)))
    want = json.loads(run_tf_script(script, tmp_path).strip().splitlines()[-1])
    with tf.Session() as s:
        for name, x in arrays.items():
            if name == "cols":  # Eigen's column reducer: not reproduced
                continue
            p, ax = tf.placeholder(tf.float32, x.shape), axes.get(name)
            got = s.run([tf.reduce_sum(p, ax), tf.reduce_mean(p, ax),
                         tf.reduce_sum(p, ax, keepdims=True)], {p: x})
            assert np.ravel(got[0]).view(np.int32).tolist() == want[name][0], name
            assert np.ravel(got[1]).view(np.int32).tolist() == want[name][1], name
            assert list(got[2].shape) == want[name][2] and got[0].dtype == np.float32


def test_partial_and_integer_sums_are_exact(tf):
    x = np.arange(60, dtype="float32").reshape(3, 20)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(tf.reduce_sum(x, 1)), x.sum(1))
        assert s.run(tf.reduce_sum(np.arange(100, dtype="int32"))) == 4950


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.int32, []); out = tf.argmax(tf.ones([2, 2]), p)',
     3),
    ('p = tf.placeholder(tf.int32, []); out = tf.argmin(tf.ones([2, 2]), p)',
     -3),
    ('p = tf.placeholder(tf.int32, []); out = tf.argmax([[1, 2], [4, 3]], p)',
     -1),
] + [  # a placeholder of unknown shape fed with ranks the op may not take
    ('p = tf.placeholder(tf.float32); out = ' + e, v) for v in RANKS for e in (
        'tf.reduce_sum(p, axis=2)',
        'tf.reduce_mean(p, [0, 1])',
        'tf.reduce_max(p, -1)',
        'tf.argmax(p, 1)',
        'tf.argmin(p, 0)',
    )
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])


@pytest.mark.oracle
@pytest.mark.parametrize("fn", ["reduce_prod", "reduce_sum", "reduce_max"])
def test_fed_duplicate_axes_fail_as_tf(oracle, fn):
    fed_cases_match(oracle, "p = tf.placeholder(tf.int32, [None]); "
                    "out = tf.%s(tf.ones([2, 2]), p)" % fn, [[0, 0], [1, -1], [0, 1]])
