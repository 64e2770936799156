"""clear_after_read TensorArrays read in loops against TF: a second read of an index fails
with TF's error, in a loop compiled into one program and in a loop run on the host (a
py_func in its body: one compiled step per iteration, the read mask crossing them)."""

import pytest
from oracle import run_here

PROGRAM = r'''
import re
import numpy as np

def host(v):  # a py_func: the loop runs on the host
    h = tf.py_func(lambda x: x, [tf.constant(0.)], tf.float32)
    h.set_shape([])
    return v + h

def reads(index_of, on_host, size=3):
    ta = tf.TensorArray(tf.float32, size=size).unstack(tf.range(1., size + 1.))
    def body(i, acc):
        v = ta.read(index_of(i))
        return i + 1, acc + (host(v) if on_host else v)
    return tf.while_loop(lambda i, a: i < 2, body, [0, 0.])[1]

def made_inside(on_host):
    def body(i, acc):
        ta = tf.TensorArray(tf.float32, size=2).unstack(tf.stack([tf.cast(i, tf.float32), 5.]))
        v = ta.read(0)
        return i + 1, acc + (host(v) if on_host else v)
    return tf.while_loop(lambda i, a: i < 3, body, [0, 0.])[1]

def gathered(on_host):
    ta = tf.TensorArray(tf.float32, size=4).unstack(tf.range(1., 5.))
    def body(i, acc):
        v = tf.reduce_sum(ta.gather(tf.stack([i, i + 1])))
        return i + 1, acc + (host(v) if on_host else v)
    return tf.while_loop(lambda i, a: i < 2, body, [0, 0.])[1]

cases = []
for on_host in (False, True):
    tag = "host" if on_host else "compiled"
    cases += [(tag + " same index", reads(lambda i: 0, on_host)),
              (tag + " each index", reads(lambda i: i, on_host)),
              (tag + " made inside", made_inside(on_host)),
              (tag + " gather", gathered(on_host))]
twice = tf.TensorArray(tf.float32, size=3).unstack([1., 2., 3.])
cases.append(("gather an index twice", tf.reduce_sum(twice.gather([1, 0, 1]))))
result = []
with tf.Session() as sess:
    for name, t in cases:
        for run in range(2):  # a new run reads the array anew
            try:
                result.append([name, run, float(sess.run(t))])
            except tf.errors.OpError as e:
                text = re.search(r"Node: '([^']*)'\n(.*?)\n\t \[\[", str(e), re.S)
                msg = re.sub(r"TensorArray_\d+_\d+", "TensorArray_N", text.group(2))
                msg = re.sub(r"TensorArray(_\d+)?: ", "TensorArray_N: ", msg)
                result.append([name, run, type(e).__name__, text.group(1), msg])
'''


@pytest.mark.oracle
def test_second_read_fails_as_in_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert here == there
    assert any("Could not read index 0 twice" in str(r) for r in there["ok"])
