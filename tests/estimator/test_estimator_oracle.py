"""tf.estimator against TF's (tensorflow_estimator 2.15 under TF 2.21, see tf_estimator_shim):
one program (estimator_programs.py) trains, evaluates, predicts, resumes, runs
train_and_evaluate, warm-starts and exports under both; its results are compared entry by
entry (floats to 1e-5 relative). Skipped where TF or tensorflow_estimator is missing."""

import json
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from estimator_programs import PROGRAM  # noqa: E402
from estimator_script import TF_SCRIPT_HEAD, tf_results  # noqa: E402
from oracle import to_json  # noqa: E402

pytestmark = pytest.mark.xdist_group("estimator_oracle")

_TF_SCRIPT = TF_SCRIPT_HEAD + r"""
d = sys.argv[1]
os.makedirs(os.path.join(d, "p"))
os.makedirs(os.path.join(d, "e"))
os.makedirs(os.path.join(d, "q"))
os.makedirs(os.path.join(d, "r"))
print(json.dumps({"program": to_json(program(tf, E, os.path.join(d, "p"))),
                  "program3": to_json(program3(tf, E, os.path.join(d, "r"))),
                  "program2": to_json(program2(tf, E, os.path.join(d, "q"))),
                  "errors": to_json(errors(tf, E, os.path.join(d, "e")))}))
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    here = os.path.dirname(os.path.abspath(__file__))
    there, tf = tf_results(_TF_SCRIPT, {"here": here, "program": PROGRAM}, tmp_path_factory)
    env = {"tf": tf, "E": tf.estimator}
    exec(PROGRAM, env)
    d = str(tmp_path_factory.mktemp("sf"))
    os.makedirs(os.path.join(d, "p"))
    os.makedirs(os.path.join(d, "e"))
    os.makedirs(os.path.join(d, "q"))
    os.makedirs(os.path.join(d, "r"))
    here_results = {"program3": to_json(env["program3"](tf, tf.estimator,
                                                        os.path.join(d, "r"))),
                    "program": to_json(env["program"](tf, tf.estimator, os.path.join(d, "p"))),
                    "program2": to_json(env["program2"](tf, tf.estimator,
                                                        os.path.join(d, "q"))),
                    "errors": to_json(env["errors"](tf, tf.estimator, os.path.join(d, "e")))}
    return here_results, there


def close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


PROGRAM_KEYS = [
    "config", "default_config", "model_dir", "session_config", "no_ckpt", "hook_calls",
    "files_after_train", "checkpoint_state", "graph_nodes", "meta_collections", "latest",
    "names", "w", "step", "train_events",
    "eval", "eval_types", "eval_named", "eval_files", "eval_events", "predict",
    "predict_batches", "bad_keys", "resumed_step", "files_after_resume", "skipped_step",
    "w_resumed", "epochs_step", "tae", "tae_files", "tae_eval_events", "warm_eval", "export",
    "export_sig", "export_run", "parsing_sig"]


@pytest.mark.parametrize("key", PROGRAM_KEYS)
def test_program(results, key):
    here, there = results
    if os.environ.get("SHOW"):
        print(json.dumps(here["program"][key]))
        print(json.dumps(there["program"][key]))
    assert close(here["program"][key], there["program"][key]), (
        key, here["program"][key], there["program"][key])


PROGRAM2_KEYS = ["eval", "predict", "names", "plus", "log", "stop_missing", "never_step",
                 "names_stop", "stop_var", "lower_step", "inmem_events", "inmem_bad",
                 "stop_at", "no_decrease", "higher_type", "tae_metrics", "tae_exports",
                 "tae_export_dirs"]


@pytest.mark.parametrize("key", PROGRAM2_KEYS)
def test_program2(results, key):
    here, there = results
    assert close(here["program2"][key], there["program2"][key]), (
        key, here["program2"][key], there["program2"][key])


@pytest.mark.parametrize("key", ["names", "files", "events", "moving_mean", "eval", "predict",
                                 "warm"])
def test_program3(results, key):
    here, there = results
    assert close(here["program3"][key], there["program3"][key]), (
        key, here["program3"][key], there["program3"][key])


ERROR_KEYS = [
    "steps0", "both", "max0", "eval_steps0", "hooks", "ckpt_both", "no_features", "params",
    "bad_arg", "no_model_fn", "replace", "neg", "seed", "model_dir_clash", "shuffle",
    "lengths", "train_spec", "eval_spec", "tae_types", "spec_loss", "spec_train_op",
    "spec_pred", "spec_shape", "spec_metrics", "spec_hooks", "spec_fields", "spec_export",
    "receiver", "receiver_key", "modes", "vocab_axis", "pandas"]


@pytest.mark.parametrize("key", ERROR_KEYS)
def test_errors(results, key):
    here, there = results
    assert here["errors"][key] == there["errors"][key], (
        key, here["errors"][key], there["errors"][key])
