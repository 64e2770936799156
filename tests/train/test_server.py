"""tf.train.Server and between-graph replication on JAX's distributed runtime: a ps task and
two worker processes, each running the same TF1 script through `scopeflow run` (with a
MonitoredTrainingSession, or a Supervisor as TF's mnist_replica example), end with the weights
one process reaches on the whole batch."""

import json
import os

import numpy as np
import pytest

from scopeflow.train import server as server_lib
from tests.train.cluster import finish, launch, run_cluster

PROGRAM = os.path.join(os.path.dirname(__file__), "programs", "between_graph.py")


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The final weights of the one-process run on the whole batch."""
    d = tmp_path_factory.mktemp("single")
    with open(d / "single.log", "w+") as log:
        finish(launch(PROGRAM, ["single", str(d / "single.json")], log), log, "single")
    return json.loads((d / "single.json").read_text())


@pytest.mark.parametrize("loop", ["monitored", "supervisor"])
def test_two_workers_and_a_ps_train_like_one_process(tmp_path, single, loop):
    w0, w1 = run_cluster(PROGRAM, tmp_path, extra=[loop] if loop == "supervisor" else [])
    assert w0 == w1  # the workers' copies are one model
    assert w0["global_step"] == single["global_step"] == 5
    for name, want in single.items():
        np.testing.assert_allclose(w0[name], want, rtol=1e-5, atol=1e-6, err_msg=name)


def test_backup_workers_train_one_model_on_the_ps(tmp_path, single):
    # each step averages the first gradient to reach the ps (which one varies) and lands once;
    # a worker whose step was taken already goes on from the current one. Each worker stops
    # once it saw step 5; one that read before the other's last step may take one more
    w0, w1 = run_cluster(PROGRAM, tmp_path, extra=["backup"])
    assert w0 == w1  # read from the ps once both were done
    assert single["global_step"] == 5 <= w0["global_step"] <= 5 + 2
    assert w0.keys() == single.keys()


def test_server_picks_its_task_as_tf():
    s = server_lib.Server({"worker": ["localhost:2222"]}, start=False)
    assert s.target == "grpc://localhost:2222"
    with pytest.raises(ValueError, match="Must specify an explicit `job_name`."):
        server_lib.Server({"ps": ["a:1"], "worker": ["b:1"]}, start=False)
    with pytest.raises(ValueError, match="Must specify an explicit `task_index`."):
        server_lib.Server({"worker": ["a:1", "b:1"]}, job_name="worker", start=False)
    with pytest.raises(ValueError, match="No task with index 2 in job 'worker'"):
        server_lib.Server({"worker": ["a:1", "b:1"]}, job_name="worker", task_index=2)


def test_a_local_server_leaves_jax_alone():
    s = server_lib.Server.create_local_server()
    assert s.target.startswith("grpc://localhost:")
    assert server_lib.active() is None


def test_process_order_puts_the_chief_first():
    cluster = server_lib.ClusterSpec({"worker": ["w0:1", "w1:1"], "ps": ["p:1"],
                                      "chief": ["c:1"]})
    assert server_lib.worker_tasks(cluster) == [("chief", 0), ("worker", 0), ("worker", 1)]
