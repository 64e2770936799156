"""scopeflow.lowering.kernels: a run needing a kernel TF's CPU lacks fails as in TF."""

import json

import numpy as np
import pytest
from oracle import run_tf_script

import scopeflow.compat.v1 as tf

INT_TYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]

PROGRAM = """
import json, sys
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
out = {}
for dt in %r:
    tf.reset_default_graph()
    a = tf.constant([7, 8], dt)
    try:
        with tf.Session() as s:
            out[dt] = ["ok", s.run(tf.realdiv(a, a)).tolist()]
    except tf.errors.OpError as e:
        out[dt] = [type(e).__name__, e.message.split("\\n\\t [[")[0].split("Node: 'RealDiv'\\n")[-1]]
print(json.dumps(out))
"""


def _sf(dt):
    with tf.Graph().as_default():
        a = tf.constant([7, 8], dt)
        with tf.Session() as s:
            try:
                return ["ok", s.run(tf.realdiv(a, a)).tolist()]
            except tf.errors.OpError as e:
                return [type(e).__name__,
                        e.message.split("\n\t [[")[0].split("Node: 'RealDiv'\n")[-1]]


def test_realdiv_on_integers_has_no_cpu_kernel_as_in_tf(tmp_path):
    script = PROGRAM % (INT_TYPES + ["float32"],)
    want = json.loads(run_tf_script(script, tmp_path).strip().splitlines()[-1])
    got = {dt: _sf(dt) for dt in INT_TYPES + ["float32"]}
    assert got == want
    assert want["int32"][0] == "InvalidArgumentError" and want["float32"] == ["ok", [1.0, 1.0]]


def test_the_session_stays_usable_after_a_missing_kernel():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.int32, [2])
        q = tf.placeholder(tf.float32, [2])
        bad, good = tf.realdiv(p, p), tf.realdiv(q, q)
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"No OpKernel was registered to support Op 'RealDiv' used "
                                     r"by \{\{node RealDiv\}\} with these attrs: \[T=DT_INT32\]"):
                s.run(bad, {p: [1, 2]})
            np.testing.assert_array_equal(s.run(good, {q: [2, 4]}), [1, 1])


def test_ops_of_supported_types_are_untouched():
    with tf.Graph().as_default():
        x = tf.constant([1.4, 2.6])
        with tf.Session() as s:
            np.testing.assert_array_equal(s.run([tf.round(x), tf.reciprocal(x)])[0], [1, 3])
            assert s.run(tf.range(tf.constant(3, tf.int64))).tolist() == [0, 1, 2]



INSIDE = """
def build(case):
    x = tf.placeholder(tf.float32, [])
    a = tf.constant([4, 6])
    if case == "branch_not_taken":
        return x, tf.cond(x > 0, lambda: a, lambda: tf.realdiv(a, a))
    if case == "branch_taken":
        return x, tf.cond(x < 0, lambda: a, lambda: tf.realdiv(a, a))
    if case == "nested_in_loop":
        def body(i, acc):
            return i + 1, acc + tf.cond(x > 0, lambda: a, lambda: tf.realdiv(a, a))
        return x, tf.while_loop(lambda i, acc: i < 2, body, [0, a])[1]
    return x, tf.cond(x > 0, lambda: x, lambda: tf.realdiv(x, x))
out = {}
for case in ["branch_not_taken", "branch_taken", "nested_in_loop", "float_branch"]:
    with tf.Graph().as_default():
        x, t = build(case)
        with tf.Session() as s:
            try:
                out[case] = ["ok", s.run(t, {x: 1.0}).tolist()]
            except tf.errors.OpError as e:
                lines = str(e).splitlines()
                i = [n for n, ln in enumerate(lines) if ln.startswith("Node: ")][0]
                out[case] = [type(e).__name__, lines[i + 1]]
"""


def test_ops_inside_conds_and_loops_need_their_kernels_as_in_tf(tmp_path):
    """RealDiv on int32 inside a cond's branch (taken or not) or in a loop's body fails the
    run, as TF fails it placing the ops (it returned a value here before); float32 runs."""
    script = ("import json\nimport tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
              + INSIDE + "print(json.dumps(out))\n")
    want = json.loads(run_tf_script(script, tmp_path).strip().splitlines()[-1])
    space = {"tf": tf}
    exec(INSIDE, space)  # noqa: S102 - the same program as TF's
    assert space["out"] == want
    assert want["branch_not_taken"][0] == "InvalidArgumentError"
    assert want["float_branch"] == ["ok", 1.0]
