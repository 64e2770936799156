"""Programs alike but for one input of their traced program (a loop body, a cond branch, a
constant the body captures, an attr, the graph seed, a variable's shape, the environment)
keep their own values in processes that share one cache folder: each gets its own graph key
(lowering/graph_key.py), and a second process reads each back. The programs are in
graph_key_pairs.py; the folder is this test's own, so a cache filled by other tests or
processes cannot answer for them."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "graph_key_pairs.py")

KEYED = ["loop_body", "loop_condition", "cond_branch", "cond_in_loop", "loop_in_loop",
         "captured_constant", "rnn_activation", "map_fn_body", "loop_gradient", "attr",
         "graph_seed", "variable_shape"]
# a branch held by an op's attr as a function: such a run gets no key (traced every time)
UNKEYED = ["switch_case_branch"]


def _run(folder, variant, names, **env):
    """{case: {"value", "hit"}} of a fresh process running variant a or b of `names`."""
    env = dict(os.environ, SCOPEFLOW_CACHE_DIR=str(folder), **env)
    env.pop("SCOPEFLOW_COMPILE_CACHE", None)  # (the cache on, whatever the caller's setting)
    if "SCOPEFLOW_RUNTIME_CHECKS" not in env or not env["SCOPEFLOW_RUNTIME_CHECKS"]:
        env.pop("SCOPEFLOW_RUNTIME_CHECKS", None)
    out = subprocess.run([sys.executable, SCRIPT, variant] + list(names), capture_output=True,
                         text=True, env=env, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_programs_differing_in_one_input_keep_their_own_values(tmp_path):
    names = KEYED + UNKEYED
    first = {v: _run(tmp_path, v, names) for v in "ab"}
    again = {v: _run(tmp_path, v, names) for v in "ab"}
    wrong = []
    for name in names:
        a, b = first["a"][name]["value"], first["b"][name]["value"]
        if a == b:  # b ran a's program: their keys collided
            wrong.append("%s: both variants gave %s" % (name, a))
        for v in "ab":
            if again[v][name]["value"] != first[v][name]["value"]:
                wrong.append("%s/%s: %s, then %s" % (name, v, first[v][name]["value"],
                                                     again[v][name]["value"]))
            if again[v][name]["hit"] != (name in KEYED):
                wrong.append("%s/%s: read back by its graph: %s" % (name, v,
                                                                    again[v][name]["hit"]))
    assert wrong == []


def test_runtime_checks_switched_off_are_another_key(tmp_path):
    # the same graph: with checks a bad index raises, without them it does not
    names = ["runtime_checks"]
    checked = _run(tmp_path, "a", names)["runtime_checks"]
    unchecked = _run(tmp_path, "a", names, SCOPEFLOW_RUNTIME_CHECKS="0")["runtime_checks"]
    again = _run(tmp_path, "a", names)["runtime_checks"]
    assert checked["value"] == "InvalidArgumentError: indices[1] = 7 is not in [0, 3)"
    assert not isinstance(unchecked["value"], str)
    assert again == {"value": checked["value"], "hit": True}
