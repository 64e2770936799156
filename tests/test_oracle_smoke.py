"""The oracle harness itself: TF and scopeflow agree on a few basic names."""

import pytest

from oracle import explain, run_here, same

PROGRAMS = [
    "x = tf.placeholder(tf.float32, [2, 3]); result = [(x + 1.0).name, tf.add(x, 2.0).name]",
    "with tf.name_scope('a'):\n  c = tf.constant(1)\nresult = [c.name, tf.identity(c).name]",
    "result = tf.add(tf.constant([1., 2.]), tf.constant(1))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_a_crashed_worker_fails_its_snippet_and_starts_again():
    """One TF crash fails its own snippet only: the next snippet gets a new worker (a crash
    once failed every later oracle test of its pytest worker)."""
    import oracle as harness
    python = harness.tf_python()
    if python is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    o = harness.Oracle(python)
    try:
        assert o("result = 1 + 1") == {"ok": 2}
        with pytest.raises(RuntimeError, match="died"):
            o("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)")
        assert o("result = 2 + 2") == {"ok": 4}
        o._proc.kill()  # dead between two snippets
        o._proc.wait()
        assert o("result = 3 + 3") == {"ok": 6}
    finally:
        o.close()
