"""Runs one canned-estimator program under TF (tensorflow_estimator 2.15 under TF 2.21, see
../tf_estimator_shim.py) and under scopeflow, and compares the results entry by entry.

A program is Python source defining functions `name(tf, E, d)` that return JSON-able values
(`d`: a fresh directory); PRELUDE gives them data, `train_eval_predict` and `err`."""

import json
import math
import os
import sys


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))
from estimator_script import TF_SCRIPT_HEAD, tf_results  # noqa: E402
from oracle import ORACLE_HELPERS, to_json  # noqa: E402

PRELUDE = ORACLE_HELPERS + r'''
import glob, os
import numpy as np


def events(d):
    """[step, tag, value] of the training summaries ("histo" for histograms)."""
    out = []
    for f in sorted(glob.glob(os.path.join(d, "events.out.tfevents.*"))):
        for ev in tf.train.summary_iterator(f):
            for v in ev.summary.value:
                if v.tag == "global_step/sec" or "fifo_queue" in v.tag:
                    continue
                if v.HasField("simple_value"):
                    out.append([int(ev.step), v.tag, float(v.simple_value)])
                elif v.HasField("histo"):
                    out.append([int(ev.step), v.tag, "histo"])
    return out


def checkpoint(d):
    r = tf.train.load_checkpoint(d)
    return {n: r.get_tensor(n).tolist() for n, _ in tf.train.list_variables(d)}


def train_eval_predict(est, d, train_fn, eval_fn, pred_fn, steps):
    est.train(train_fn, steps=steps)
    ev = est.evaluate(eval_fn)
    preds = list(est.predict(pred_fn))
    return {"names": [[n, list(s)] for n, s in tf.train.list_variables(d)],
            "checkpoint": checkpoint(d), "events": events(d), "eval": dict(ev),
            "eval_types": sorted([k, type(v).__name__] for k, v in ev.items()),
            "predict": preds, "predict_keys": sorted(preds[0])}


def numpy_fns(x, y, batch_size=8):
    """(train, eval, predict) numpy_input_fns over the dict `x` and labels `y`."""
    fn = E.inputs.numpy_input_fn
    return (fn(x, y, batch_size=batch_size, num_epochs=None, shuffle=False),
            fn(x, y, batch_size=batch_size, num_epochs=1, shuffle=False),
            fn(x, batch_size=batch_size, num_epochs=1, shuffle=False))
'''

_TF_SCRIPT = TF_SCRIPT_HEAD + r"""
out = {}
for name in %(names)r:
    d = os.path.join(sys.argv[1], name)
    os.makedirs(d)
    out[name] = to_json(globals()[name](tf, E, d))
print(json.dumps(out))
"""


def run_both(program, names, tmp_path_factory):
    """(scopeflow's results, TF's results): {name: JSON of name(tf, E, d)}."""
    source = PRELUDE + program
    there, tf = tf_results(_TF_SCRIPT, {"here": os.path.dirname(HERE), "program": source,
                                        "names": list(names)}, tmp_path_factory)
    env = {"tf": tf, "E": tf.estimator}
    exec(source, env)
    root = tmp_path_factory.mktemp("sf")
    here = {}
    for name in names:
        d = os.path.join(str(root), name)
        os.makedirs(d)
        here[name] = to_json(env[name](tf, tf.estimator, d))
    return here, there


def close(a, b, rel=1e-4, abs_tol=2e-5):
    """Equal JSON values, floats within float32 training tolerance."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rel, abs_tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rel, abs_tol) for k in a)
    return a == b


def check(results, name, key):
    here, there = results
    a, b = here[name][key], there[name][key]
    if key == "events":  # TF reads linear/bias for its summary in the training step,
        # unordered with the update (resource variables): before or after it, run to run
        a, b = ([e[:2] + ["either"] if e[1] == "linear/bias" else e for e in x]
                for x in (a, b))
    assert close(a, b), (name, key, json.dumps(a)[:3000], json.dumps(b)[:3000])


def check_errors(results):
    """Each error case of the program's "errors" result: TF's class and message here too."""
    here, there = results
    for key in there["errors"]:
        assert here["errors"][key] == there["errors"][key], (
            key, here["errors"][key], there["errors"][key])
