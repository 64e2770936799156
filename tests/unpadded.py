"""Running a snippet with no padding of any kind (lowering/padding.py, lowering/entries.py):
each batch size and count of sparse entries compiled as it comes, the reference for the
padded runs' bits."""

from scopeflow.lowering import padding
from tests.oracle import run_here


def run_unpadded(code):
    """`run_here(code)` with padding off (SCOPEFLOW_PAD_BATCHES=0), then as it was."""
    old = padding.set_mode("0")
    try:
        return run_here(code)
    finally:
        padding.set_mode(old)


def padded_like_tf(code, oracle):
    """Runs `code` (its `result` a list of float lists), checks its values are TF's to float32
    rounding, the unpadded run's bit for bit, and that the unpadded run compiled more."""
    import numpy as np

    from scopeflow.lowering import cache
    before = cache.stats["compiles"]
    here = run_here(code)
    padded = cache.stats["compiles"] - before
    for a, b in zip(here["ok"], oracle(code)["ok"]):
        np.testing.assert_allclose(np.array(a), np.array(b), rtol=2e-6, atol=1e-7)
    before = cache.stats["compiles"]
    assert run_unpadded(code) == here
    assert padded < cache.stats["compiles"] - before
