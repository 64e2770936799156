"""lowering/host_memory.py: glibc keeps freed blocks for the next run where the program asks
(SCOPEFLOW_KEEP_MEMORY=1, `keep()`), never otherwise (`scopeflow run`: tests/test_cli.py)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from retained_memory import SCRIPT as RETAINED
from retained_memory import retained

from scopeflow.lowering import host_memory

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or host_memory._glibc() is None,
                           reason="mallopt is glibc's")

# a training step of a small convolutional net (its run's temporary buffer: about 40 MiB):
# minor page faults of each of eight runs after the first
FAULTS = textwrap.dedent("""
    import json, resource
    import numpy as np
    {setup}
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [128, 28, 28, 1])
    h = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.conv2d(tf.layers.max_pooling2d(h, 2, 2), 64, 5, padding="same")
    loss = tf.reduce_mean(tf.square(h))
    step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    data = np.random.RandomState(0).rand(128, 28, 28, 1).astype(np.float32)
    faults, losses = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {{x: data}})
        for _ in range(8):
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            losses.append(float(sess.run([step, loss], {{x: data}})[1]))
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
    print(json.dumps({{"faults": faults, "losses": losses}}))
""")


def _run(code, env=None):
    """The code's last line of output: its JSON, or the MiB a RETAINED script held."""
    full = dict(os.environ, SCOPEFLOW_QUIET="1")
    full.pop(host_memory.ENV, None)
    full.update(env or {})
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    return retained(last) if last.startswith("retained") else json.loads(last)


@pytest.mark.parametrize("value, default, want", [
    ("1", False, True), ("on", False, True), ("0", True, False), ("off", True, False),
    ("", True, True), ("", False, False), ("maybe", False, False)])
def test_wanted_reads_the_switch_else_the_default(value, default, want):
    env = {host_memory.ENV: value} if value else {}
    assert host_memory.wanted(default, env) is want


@glibc
def test_keep_holds_a_freed_large_block_for_reuse():
    kept = _run(RETAINED.format(setup="from scopeflow.lowering import host_memory\n"
                                      "assert host_memory.keep()"))
    plain = _run(RETAINED.format(setup=""))
    assert kept >= 60  # (free kept the 64 MiB at the heap's top)
    assert plain < 16  # (glibc unmapped the block)


@glibc
def test_importing_scopeflow_keeps_the_process_allocator_unless_asked():
    setup = "import scopeflow.compat.v1 as tf\nwith tf.Session():\n    pass"
    assert _run(RETAINED.format(setup=setup)) < 16
    assert _run(RETAINED.format(setup=setup), env={host_memory.ENV: "1"}) >= 60


@glibc
def test_runs_with_a_large_temporary_stop_faulting_its_pages_in():
    code = FAULTS.format(setup="import scopeflow.compat.v1 as tf")
    plain = _run(code)
    kept = _run(code, env={host_memory.ENV: "1"})
    assert kept["losses"] == plain["losses"]  # (where the memory comes from changes no value)
    # unmapped after each run, its 4 KiB pages fault in again (about 10,000 a run; fewer where
    # the kernel backs it with huge pages); kept, a run on a warm heap faults next to none
    # (each of XLA's worker threads has a heap of its own, so the first runs may still fault)
    assert min(kept["faults"]) < max(min(plain["faults"]) / 10, 100), (kept, plain)


def test_the_module_example_runs():
    import doctest
    result = doctest.testmod(host_memory)
    assert result.attempted and not result.failed
