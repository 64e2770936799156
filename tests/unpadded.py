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
