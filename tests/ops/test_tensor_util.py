"""tf.get_static_value, tf.make_tensor_proto, tf.make_ndarray (scopeflow/ops/tensor_util.py)
against TF: folded values, protos (as text), round trips and errors."""

import pytest
from oracle import ORACLE_HELPERS, run_here

FOLD = ORACLE_HELPERS + r"""
import numpy as np
x = tf.placeholder(tf.float32, [2, 3], name="x")
u = tf.placeholder(tf.float32, [None, 3], name="u")
v = tf.Variable(3.0, name="v")
c = tf.constant([[1, 2], [3, 4]])
cases = {
    "const": c, "fill_const": tf.constant(7, shape=[2, 2]), "shape": tf.shape(x),
    "shape_unknown": tf.shape(u), "size": tf.size(x), "rank": tf.rank(u),
    "range": tf.range(1, 9, 3), "cast": tf.cast(c, tf.float32),
    "concat": tf.concat([c, c], 1), "pack": tf.stack([tf.constant(1), tf.constant(2)]),
    "pack_axis1": tf.stack([tf.constant([1]), tf.constant([2])], axis=1),
    "pack_unknown": tf.stack([tf.constant(1.0), x[0, 0]]),
    "unpack": tf.unstack(c)[1], "split": tf.split(c, 2, axis=1)[1],
    "fill": tf.fill([2, 3], 5.0), "equal": tf.equal(c, 2), "not_equal": tf.not_equal(c, 2),
    "stop": tf.stop_gradient(c), "identity": tf.identity(c), "add": c + 1,
    "placeholder": x, "shape_add": tf.shape(x) + 1, "string": tf.constant([b"a", b"bc"]),
}
out = {}
for k, t in cases.items():
    val = tf.get_static_value(t)
    out[k] = None if val is None else [str(val.dtype), val.tolist() if val.dtype != object
                                       else [repr(e) for e in val]]
partial = tf.get_static_value(cases["pack_unknown"], partial=True)
out["partial"] = [str(partial.dtype), [None if e is None else float(e) for e in partial]]
out["variable"] = repr(tf.get_static_value(v))
out["python"] = [tf.get_static_value(3), tf.get_static_value([1, 2]),
                 tf.get_static_value("s")]
out["feedable"] = [tf.get_default_graph().is_feedable(cases[k])
                   for k in ("shape", "shape_unknown", "add")]
result = out
"""


@pytest.mark.oracle
def test_get_static_value_like_tf(oracle):
    assert run_here(FOLD) == oracle(FOLD)


PROTOS = ORACLE_HELPERS + r"""
import numpy as np
cases = [
    ([1, 2, 3], {}), ([1.5, 2.5], {}), (np.arange(6.0).reshape(2, 3), {}),
    (np.float64(2.5), {}), (3, {}), (2**40, {}), ([2**40, 1], {}), (True, {}),
    ([[True, False]], {}), (b"ab", {}), (["x", "yz"], {}), ([1 + 2j, 3j], {}),
    (np.float16([1.5, 2]), {}), (1.0, {"shape": [2, 3]}), ([1, 2], {"shape": [2, 2]}),
    ([1, 2], {"dtype": tf.float32}), (np.int64([1, 2]), {"dtype": tf.int32}),
    ([1, 2, 3, 4], {"shape": [2, 2]}), ([], {"shape": [0, 2]}), ([], {}),
    (7, {"shape": [3], "allow_broadcast": True}), ([[1, 2]], {"shape": [1, 2],
                                                           "verify_shape": True}),
    (np.arange(4, dtype=np.uint8), {}), ([[1.0]], {"dtype": tf.float64}),
    (1, {"dtype": tf.string}), (1.5, {"dtype": tf.int32}), ("a", {"dtype": tf.float32}),
    ([1, 2, 3], {"shape": [2]}), ([1, 2], {"shape": [3], "verify_shape": True}),
    ([1, 2], {"shape": [3], "allow_broadcast": True}),
    (1, {"verify_shape": True, "allow_broadcast": True}), (None, {}),
    ([[1, 2], [3]], {}), (tf.constant(1), {}), ([tf.constant(1)], {"dtype": tf.int32}),
    (np.arange(3), {"dtype": tf.string}),
]
out = []
for values, kw in cases:
    def go():
        p = tf.make_tensor_proto(values, **kw)
        arr = tf.make_ndarray(p)
        out.append([str(p), str(arr.dtype), arr.shape,
                    [repr(e) for e in arr.ravel().tolist()]])
    e = err(go)
    if e != "ok":
        out.append(e)
filled = tf.make_tensor_proto(1.0, shape=[2, 3])
out.append(tf.make_tensor_proto(filled) is filled)
p = tf.make_tensor_proto([1, 2, 3], shape=[5])
out.append(tf.make_ndarray(p).tolist())
empty = tf.make_tensor_proto([], shape=[2, 2], dtype=tf.float32)
out.append(str(empty))
result = out
"""


@pytest.mark.oracle
def test_make_tensor_proto_and_ndarray_like_tf(oracle):
    here, there = run_here(PROTOS), oracle(PROTOS)
    assert "ok" in here, here
    for mine, theirs in zip(here["ok"], there["ok"], strict=True):
        assert mine == theirs
