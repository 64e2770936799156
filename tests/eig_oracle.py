"""Shared by the Eig oracle tests (tests/ops/test_linalg_eig.py,
tests/gradients/test_eig_grad.py): a snippet's prelude and the comparison with TF.

TF's compat.v1 namespace has no linalg.eig (TF exports it for v2 only): snippets reach TF's
through tf.compat.v2, scopeflow's through tf.linalg."""

from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import numpy as np
linalg = tf.compat.v2.linalg if hasattr(tf.compat, "v2") else tf.linalg
rng = np.random.RandomState(0)
def cx(z):
    z = np.asarray(z)
    return np.stack([z.real, z.imag], -1).round(4).tolist()
def run(outs, feed=None):
    with tf.Session() as s:
        return s.run(outs, feed)
"""


def check(oracle, snippet, tol=2e-3):
    """Runs PRELUDE + `snippet` under TF and scopeflow; asserts their results agree."""
    code = PRELUDE + snippet
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert agree(here, there, tol=tol), explain(code, here, there)
