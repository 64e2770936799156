"""One comparison for the contrib oracle tests: a program's `result` dict under scopeflow and
under TF has equal entries for `keys` and equal `vals` (floats rounded to 5 places)."""

import numpy as np
from oracle import explain, run_here

from scopeflow.ops import nest


def compare(oracle, code, keys, rtol=1e-4, atol=2e-5):
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    for key in keys:
        assert mine[key] == theirs[key], (key, explain(code, mine[key], theirs[key]))
    np.testing.assert_allclose(nest.flatten(mine["vals"]), nest.flatten(theirs["vals"]),
                               rtol=rtol, atol=atol)
