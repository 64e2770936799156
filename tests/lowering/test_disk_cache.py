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


def _first_run(tf, rows):
    """The test graph run once on `rows` rows: (its output, the feed, the value)."""
    x, y = _graph(tf)
    feed = {x: np.ones((rows, 8), np.float32)}
    with tf.Session() as s:
        return y, feed, s.run(y, feed)


def _files(folder):
    """The stored programs (not the aliases that name them by their jaxpr or graph)."""
    return [p for p in os.listdir(folder)
            if not p.startswith(".") and not p.endswith((".alias", ".graph"))]


def _aliases(folder):
    return [p for p in os.listdir(folder) if p.endswith(".alias")]


def test_a_second_process_reads_the_program_back(tf, folder):
    y, feed, want = _first_run(tf, 3)
    assert len(_files(folder)) == 1
    cache.clear()
    hits = disk_cache.stats["disk_hits"]
    with tf.Session() as s:
        assert s.run(y, feed) == want
    assert disk_cache.stats["disk_hits"] == hits + 1


def test_a_second_process_finds_the_program_by_its_jaxpr_without_lowering(
        tf, folder, monkeypatch):
    from jax._src import stages
    y, feed, want = _first_run(tf, 3)
    (alias,) = _aliases(folder)
    assert (folder / alias).read_text() == _files(folder)[0]
    cache.clear()
    lowerings = []
    real = stages.Traced.lower
    monkeypatch.setattr(stages.Traced, "lower",
                        lambda self, *a, **k: lowerings.append(1) or real(self, *a, **k))
    with tf.Session() as s:
        assert s.run(y, feed) == want
    assert lowerings == []


def test_an_alias_to_a_missing_or_damaged_program_is_lowered_and_compiled_again(
        tf, folder, monkeypatch):
    from scopeflow.lowering import graph_key
    monkeypatch.setattr(graph_key, "key", lambda *a: None)  # the jaxpr's alias, not the graph's
    y, feed, want = _first_run(tf, 6)
    (alias,) = _aliases(folder)
    (name,) = _files(folder)
    (folder / name).unlink()
    cache.clear()
    with tf.Session() as s:
        assert s.run(y, feed) == want
    assert _files(folder) == [name]
    (folder / alias).write_text("not a key")
    cache.clear()
    with tf.Session() as s:
        assert s.run(y, feed) == want
    assert (folder / alias).read_text() == name


def test_donation_keys_the_jaxpr_alias(folder):
    import jax
    f = jax.jit(lambda x: x * 3, donate_argnums=(0,))
    g = jax.jit(lambda x: x * 3)
    aval = jax.ShapeDtypeStruct((4,), np.float32)
    disk_cache.compile_traced(f.trace(aval), "x * 3", donate=(0,))
    disk_cache.compile_traced(g.trace(aval), "x * 3")
    assert len(_aliases(folder)) == 2 and len(_files(folder)) == 2


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
    y, feed, want = _first_run(tf, 4)
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


# a graph whose program calls LAPACK (matrix_rank: an SVD custom call), run in a fresh
# process: it prints its values, how many programs it found by their jaxpr or graph (without
# lowering them) and lowered
_LAPACK = r"""
import json
import numpy as np
import scopeflow.compat.v1 as tf
from jax._src import stages
from scopeflow.lowering import disk_cache

disk_cache._MIN_SECONDS = 0.0
lowerings = []
real = stages.Traced.lower
stages.Traced.lower = lambda self, *a, **k: lowerings.append(1) or real(self, *a, **k)
z = tf.placeholder(tf.float32, [4, 4])
fetch = [tf.linalg.matrix_rank(z), tf.linalg.matrix_rank(tf.matmul(z[:, :2], z[:2])),
         tf.linalg.svd(z, compute_uv=False)]
with tf.Session() as s:
    out = s.run(fetch, {z: np.random.RandomState(14).randn(4, 4).astype(np.float32)})
print(json.dumps([[np.asarray(v).tolist() for v in out],
                  disk_cache.stats["alias_hits"] + disk_cache.stats["graph_hits"],
                  len(lowerings)]))
"""


def test_a_program_calling_lapack_found_by_its_jaxpr_runs_in_a_fresh_process(tmp_path):
    # lowering an SVD fills jaxlib's table of LAPACK entry points; a second process that
    # found the program by its jaxpr never lowered it and crashed in the custom call
    import json
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root, SCOPEFLOW_CACHE_DIR=str(tmp_path))
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", _LAPACK], check=False,
                              capture_output=True, text=True, env=env, cwd=root, timeout=600)
        assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    (first, first_aliases, first_lowerings), (again, aliases, lowerings) = runs
    assert first_aliases == 0 and first_lowerings >= 1
    assert aliases == first_lowerings and lowerings == 0  # nothing lowered the second time
    assert again == first and first[:2] == [4, 2]
    assert any("lapack" in (tmp_path / a).read_text().split("\n")[1:] for a in _aliases(tmp_path))


@pytest.mark.parametrize("text, setup", [
    ("%0 = stablehlo.add %arg0, %arg0 : tensor<2xf32>", []),
    ("%0:5 = stablehlo.custom_call @lapack_sgesdd_ffi(%arg0) {}", ["lapack"]),
    ('%0 = "stablehlo.custom_call"(%a) {call_target_name = "lapack_spotrf_ffi"}', ["lapack"]),
    ("%0 = stablehlo.custom_call @lapack_sgesdd_ffi(%a)\n%1 = stablehlo.custom_call @my_kernel(%a)",
     None),
])
def test_a_program_calling_code_with_no_known_setup_gets_no_alias(text, setup):
    assert disk_cache._setup_of(text) == setup


def test_an_alias_naming_an_unknown_setup_or_a_program_of_other_types_is_not_used(folder):
    import jax
    f32 = jax.ShapeDtypeStruct((4,), np.float32)
    traced = jax.jit(lambda x: x * 3).trace(f32)
    disk_cache.compile_traced(traced, "x * 3")
    (alias,) = _aliases(folder)
    (name,) = _files(folder)
    assert disk_cache._through_alias(str(folder), str(folder / alias), traced) is not None
    (folder / alias).write_text(name + "\nsomething-else")
    assert disk_cache._through_alias(str(folder), str(folder / alias), traced) is None
    (folder / alias).write_text(name)  # names a program of f32[4], asked for one of f32[5]
    other = jax.jit(lambda x: x * 3).trace(jax.ShapeDtypeStruct((5,), np.float32))
    assert disk_cache._through_alias(str(folder), str(folder / alias), other) is None


def test_constants_of_a_closed_jaxpr_nested_in_an_equation_key_the_alias():
    # the printed jaxpr names such constants but does not show their values
    import jax
    from jax.extend import core
    closed = jax.make_jaxpr(lambda x: jax.jit(lambda y: y * 2)(x))(np.ones(3, np.float32))
    (eqn,) = closed.jaxpr.eqns
    keys = []
    for value in (1.0, 2.0):
        c = np.full(3, value, np.float32)
        inner = jax.make_jaxpr(lambda y, c=c: y * c)(np.ones(3, np.float32))  # c: a constant
        jaxpr = closed.jaxpr.replace(eqns=[eqn.replace(params={**eqn.params, "jaxpr": inner})])
        consts = disk_cache._consts(core.ClosedJaxpr(jaxpr, []))
        keys.append([c.tolist() for c in consts])
    assert keys == [[[1.0] * 3], [[2.0] * 3]]


def test_a_yielding_compile_lets_its_lock_go_and_gives_up_when_the_program_changed():
    """A compile ahead (disk_cache.yielding) releases its graph's lock while XLA compiles;
    what another thread learnt meanwhile (the state changed) voids it."""
    import threading

    lock, state = threading.RLock(), [0]

    class Lowered:
        def __init__(self, change):
            self.change = change

        def compile(self, compiler_options=None):
            def other():
                with lock:  # free now, though the compiling thread took it (twice)
                    state[0] += self.change
            t = threading.Thread(target=other)
            t.start()
            t.join(30)
            assert not t.is_alive()
            return "compiled"

    with lock, lock:
        disk_cache.yielding(lock, lambda: state[0])
        try:
            assert disk_cache._compile(Lowered(0), "a step", None, None) == "compiled"
            with pytest.raises(disk_cache.Abandoned):
                disk_cache._compile(Lowered(1), "a step", None, None)
        finally:
            disk_cache.yielding(None, None)
        assert lock._is_owned()
    assert disk_cache._compile(Lowered(0), "a step", None, None) == "compiled"  # not yielding


@pytest.mark.parametrize("env,says", [({}, True), ({"TF_CPP_MIN_LOG_LEVEL": "1"}, True),
                                      ({"TF_CPP_MIN_LOG_LEVEL": "2"}, False),
                                      ({"SCOPEFLOW_QUIET": "1"}, False)])
def test_a_long_compile_says_so_unless_quieted(monkeypatch, capsys, env, says):
    """Level 1 is what JAX sets when imported, so it does not hide the line (it did: the line
    never printed)."""
    import jax
    import scopeflow  # noqa: F401 - (imports JAX: its TF_CPP_MIN_LOG_LEVEL default is set)

    for k in ("TF_CPP_MIN_LOG_LEVEL", "SCOPEFLOW_QUIET"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(disk_cache, "_NOTE_SECONDS", -1.0)  # every compile is "long"
    low = jax.jit(lambda x: x * 3.0 + 0.25).lower(jax.ShapeDtypeStruct((3,), np.float32))
    disk_cache._compile(low, "the run of y:0", None, None)
    err = capsys.readouterr().err
    assert ("scopeflow: compiling the run of y:0 took" in err) == says


def test_programs_alike_but_for_which_argument_they_read_keep_their_own(tf, folder):
    # jit drops the arguments a program does not read from its text: `v0 + 1` over three
    # [3] variables, the other two read only by a fetched group, lowers to one text and one
    # set of argument types, whether v0 is the first argument or the last (tf-slim's
    # batch_norm folded to its beta once read another variable through an earlier graph's
    # program)
    def run(controlled):
        with tf.Graph().as_default():
            vs = [tf.Variable(np.full(3, 10.0 * i, np.float32), name="v%d" % i)
                  for i in range(3)]
            reads = tf.group(*[tf.identity(v) for v in vs[1:]])
            with tf.control_dependencies([reads] if controlled else []):
                y = tf.identity(1.0 + vs[0])  # (v0 is read last when controlled)
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                return s.run(y) if controlled else s.run([y, reads])[0]

    texts = []
    real = disk_cache._key
    with pytest.MonkeyPatch.context() as m:
        m.setattr(disk_cache, "_key", lambda low, *a, **k: texts.append(
            (low.as_text(debug_info=False), repr(low.in_avals))) or real(low, *a, **k))
        got = [run(False).tolist(), run(True).tolist()]
    assert got == [[1.0] * 3] * 2
    assert len(texts) == 2 and texts[0] == texts[1]  # (the case: texts and types alike)
