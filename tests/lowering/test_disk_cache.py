"""Compiled programs on disk: a second process (here: a cleared in-memory cache) compiles
nothing; a damaged file is recompiled; the cache can be turned off."""

import os
import stat

import numpy as np
import pytest

from scopeflow.lowering import cache, disk_cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SCOPEFLOW_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(disk_cache, "_MIN_SECONDS", 0.0)
    return tmp_path


def _graph(tf):
    x = tf.placeholder(tf.float32, [None, 8])
    w = tf.constant(np.arange(64, dtype=np.float32).reshape(8, 8))
    return x, tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)) * x[:, :1])


def _files(folder):
    return [p for p in os.listdir(folder) if not p.startswith(".")]


def test_a_second_process_reads_the_program_back(tf, folder):
    x, y = _graph(tf)
    feed = {x: np.ones((3, 8), np.float32)}
    with tf.Session() as s:
        want = s.run(y, feed)
    assert len(_files(folder)) == 1
    cache.clear()
    hits = disk_cache.stats["disk_hits"]
    with tf.Session() as s:
        assert s.run(y, feed) == want
    assert disk_cache.stats["disk_hits"] == hits + 1


def test_files_follow_the_umask_and_leave_no_temporaries(tf, folder):
    old = os.umask(0o027)
    try:
        x, y = _graph(tf)
        with tf.Session() as s:
            s.run(y, {x: np.ones((2, 8), np.float32)})
    finally:
        os.umask(old)
    (name,) = _files(folder)
    assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o640
    assert not [p for p in os.listdir(folder) if p.startswith(".tmp")]


def test_a_damaged_file_is_compiled_again(tf, folder):
    x, y = _graph(tf)
    feed = {x: np.ones((4, 8), np.float32)}
    with tf.Session() as s:
        want = s.run(y, feed)
    (name,) = _files(folder)
    (folder / name).write_bytes(b"not a program")
    cache.clear()
    with tf.Session() as s:
        assert s.run(y, feed) == want
    assert (folder / name).read_bytes() != b"not a program"


def test_different_constants_are_different_programs(tf, folder):
    x = tf.placeholder(tf.float32, [4])
    a = x + tf.constant(np.arange(4, dtype=np.float32) * 1000)
    b = x + tf.constant(np.arange(4, dtype=np.float32) * 2000)
    with tf.Session() as s:
        s.run(a, {x: np.zeros(4)})
        cache.clear()
        assert s.run(b, {x: np.zeros(4)}).tolist() == [0.0, 2000.0, 4000.0, 6000.0]


def test_an_argument_the_program_never_reads_still_keys_it(tf, folder):
    # the program reads x only through an empty selection: jit drops x from the program text,
    # but the executable still checks x's shape
    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(tf.gather(x, tf.zeros([0], tf.int32))) + 1.0
    with tf.Session() as s:
        assert s.run(y, {x: np.zeros(1)}) == 1.0
        assert s.run(y, {x: np.zeros(2)}) == 1.0


def test_the_cache_can_be_turned_off(tf, folder, monkeypatch):
    monkeypatch.setenv("SCOPEFLOW_COMPILE_CACHE", "0")
    x, y = _graph(tf)
    with tf.Session() as s:
        s.run(y, {x: np.ones((5, 8), np.float32)})
    assert _files(folder) == []


def test_pruning_drops_the_oldest_files(tmp_path):
    for i, size in enumerate((100, 200, 300)):
        p = tmp_path / ("f%d" % i)
        p.write_bytes(b"x" * size)
        os.utime(p, (1000 + i, 1000 + i))
    disk_cache._prune(str(tmp_path), limit=550)
    assert sorted(os.listdir(tmp_path)) == ["f1", "f2"]


def test_docstring_example_runs_as_written(folder):
    import doctest
    result = doctest.testmod(disk_cache)
    assert result.attempted > 0 and result.failed == 0


def test_a_named_program_is_read_back_without_lowering(folder):
    import jax
    lowerings = []

    def lower():
        lowerings.append(1)
        return jax.jit(lambda x: x * 2).lower(jax.ShapeDtypeStruct((3,), np.float32))

    first = disk_cache.compile_named("double v1", lower, "x * 2")
    again = disk_cache.compile_named("double v1", lower, "x * 2")
    assert lowerings == [1] and len(_files(folder)) == 1
    assert again(np.ones(3, np.float32)).tolist() == first(np.ones(3, np.float32)).tolist()
    disk_cache.compile_named("double v2", lower, "x * 2")  # another name: another program
    assert lowerings == [1, 1] and len(_files(folder)) == 2


_TOWERS = r"""
import json, sys
sys.path.insert(0, "benchmarks")
import towers
import scopeflow.compat.v1 as tf
from scopeflow.lowering import cache, disk_cache
from scopeflow.lowering.devices import DevicePlan

disk_cache._MIN_SECONDS = 0.0
arrays = towers.make_arrays(batch=8, c1=2, c2=2, fc=8)
x, y, loss, _, train = towers.build(tf, 2, arrays)
init = tf.global_variables_initializer()
out = []
for _ in range(2):
    cache.clear()
    hits = disk_cache.stats["disk_hits"]
    with tf.Session(config=tf.ConfigProto(device_count={"CPU": 2})) as s:
        s.run(init)
        value = float(s.run([train, loss], {x: arrays["x"], y: arrays["y"]})[1])
        plans = [p.prog[1] for p in s._plans.values() if type(p.prog[1]) is DevicePlan]
        devices = sorted({str(q.device) for p in plans for q in p.pieces})
    out.append([value, disk_cache.stats["disk_hits"] - hits, devices])
print(json.dumps(out))
"""


def test_programs_of_a_run_over_several_devices_are_read_back_onto_their_devices(tmp_path):
    import json
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root, SCOPEFLOW_CACHE_DIR=str(tmp_path),
               XLA_FLAGS="--xla_force_host_platform_device_count=2")
    done = subprocess.run([sys.executable, "-c", _TOWERS], check=False, capture_output=True,
                          text=True, env=env, cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (first, first_hits, devices), (again, hits, devices_again) = json.loads(
        done.stdout.splitlines()[-1])
    assert len(devices) == 2 and devices_again == devices
    assert first_hits == 0 and hits >= 3  # variable reads, tower 1, tower 0 with the update
    assert again == first
