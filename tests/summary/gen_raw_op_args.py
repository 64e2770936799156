"""Regenerates scopeflow/ops/raw_op_args.json: TF's tf.raw_ops parameters where they differ
from what scopeflow derives from the op signatures (api_def renames and reorderings).

    PYTHONPATH=. .venv/bin/python tests/summary/gen_raw_op_args.py derive > /tmp/derived.json
    .venv-tf/bin/python tests/summary/gen_raw_op_args.py compare /tmp/derived.json
"""

import inspect
import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "scopeflow", "ops",
                   "raw_op_args.json")


def derive():
    from scopeflow.ops.raw_ops import signature
    from scopeflow.summary.graph_def import _op_defs
    out = {}
    for t in sorted(_op_defs()):
        fname, req, opt, _ = signature(t)
        out[t] = [fname, req, opt]
    json.dump(out, sys.stdout)


def compare(path):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    with open(path) as f:
        derived = json.load(f)
    over = {}
    for t, mine in sorted(derived.items()):
        fn = getattr(tf.raw_ops, t, None)
        if fn is None:
            continue
        params = [p for p in inspect.signature(fn).parameters.values() if p.name != "name"]
        theirs = [fn.__name__, [p.name for p in params if p.default is p.empty],
                  [p.name for p in params if p.default is not p.empty]]
        if theirs != mine:
            over[t] = theirs
    with open(OUT, "w") as f:
        json.dump(over, f, sort_keys=True, separators=(",", ":"))
    print(len(over), "of", len(derived), "differ")


if __name__ == "__main__":
    derive() if sys.argv[1] == "derive" else compare(sys.argv[2])
