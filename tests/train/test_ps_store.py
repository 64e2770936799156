"""The ps task's variable store over the key-value store of JAX's distributed runtime: values
set, differences added, missing values, accumulators, and the encoding of NumPy arrays (no
pickle)."""

import threading

import numpy as np
import pytest

from scopeflow import errors
from scopeflow.train import ps_store
from tests.train.cluster import free_ports


@pytest.fixture
def served():
    """A coordination service of one task whose client both serves ps task 0 and uses it."""
    from jax._src.lib import _jax
    address = "localhost:%d" % free_ports(1)[0]
    service = _jax.get_distributed_runtime_service(address, 1)
    kv = _jax.get_distributed_runtime_client(address, 0, init_timeout=60)
    kv.connect()
    serving = ps_store.Serving(kv, 0, workers=2)
    yield kv, ps_store.Client(kv, 0, "/job:ps/replica:0/task:0", worker=0)
    kv.shutdown()
    serving.join()
    service.shutdown()


def test_set_add_and_get_through_the_key_value_store(served):
    _, client = served
    assert client.get(["w", "step"]) == [None, None]
    client.put(["w", "step"], ["set", "set"], [np.arange(6, dtype=np.float32).reshape(2, 3),
                                               np.array(0, np.int64)])
    client.put(["w", "step"], ["add", "add"], [np.ones((2, 3), np.float32),
                                               np.array(1, np.int64)])
    w, step = client.get(["w", "step"])
    np.testing.assert_array_equal(w, np.arange(1, 7, dtype=np.float32).reshape(2, 3))
    assert w.dtype == np.float32 and step.dtype == np.int64 and step.shape == ()
    assert step == 1


def test_adding_to_an_uninitialized_value_fails(served):
    _, client = served
    with pytest.raises(errors.FailedPreconditionError,
                       match="Attempting to use uninitialized value v"):
        client.put(["v"], ["add"], [np.ones(2)])


def test_an_update_from_a_current_read_lands_exactly(served):
    kv, client = served
    other = ps_store.Client(kv, 0, "ps", worker=1)
    client.put(["w"], ["set"], [np.array([0.1, 0.7], np.float32)])
    (w,), (version,) = client.read(["w"])
    new = np.array([0.3, 1e-8], np.float32)  # w + (new - w) is not new in float32
    assert not np.array_equal(w + (new - w), new)
    client.put(["w"], ["apply"], [(new, new - w)], [version])
    np.testing.assert_array_equal(client.get(["w"])[0], new)
    # read, then another worker adds: the update lands as its difference
    (w,), (version,) = client.read(["w"])
    other.put(["w"], ["add"], [np.array([1.0, 1.0], np.float32)])
    client.put(["w"], ["apply"], [(w + 2, np.full(2, 2, np.float32))], [version])
    np.testing.assert_array_equal(client.get(["w"])[0], new + 1 + 2)
    assert client.read(["w"])[1] == [version + 2]


def test_a_stalled_worker_holds_up_only_its_own_requests(served):
    # worker 0 died mid-way through its requests (its request 1 never came, 2 did): the ps
    # still serves worker 1
    kv, _ = served
    kv.key_value_set_bytes("scopeflow/ps/0/req/0/2", ps_store.encode(
        {"op": "put", "names": ["x"], "kinds": ["set"]}, [np.zeros(1)]))
    other = ps_store.Client(kv, 0, "ps", worker=1)
    done = threading.Thread(target=other.put, args=(["v"], ["set"], [np.ones(2)]))
    done.start()
    done.join(timeout=120)  # a guard against a hang only: it answers at once
    assert not done.is_alive()
    np.testing.assert_array_equal(other.get(["v", "x"])[0], np.ones(2))
    assert other.get(["x"]) == [None]


class _GoneRuntime:
    """A key-value store whose coordination service is gone."""

    def __getattr__(self, name):
        from jax.errors import JaxRuntimeError

        def fail(*args, **kwargs):
            raise JaxRuntimeError("UNAVAILABLE: Failed to send RPC to coordination service")
        return fail


def test_a_lost_runtime_is_tfs_unavailable_error():
    client = ps_store.Client(_GoneRuntime(), 0, "/job:ps/replica:0/task:0", worker=1)
    for call in (lambda: client.get(["w"]), lambda: client.put(["w"], ["set"], [np.ones(1)]),
                 lambda: client.take("acc", 0, 1)):
        with pytest.raises(errors.UnavailableError, match="/job:ps/replica:0/task:0: "
                                                          "UNAVAILABLE"):
            call()


def test_concurrent_adds_all_land(served):
    _, client = served
    client.put(["n"], ["set"], [np.array(0, np.int64)])

    def count():
        for _ in range(50):
            client.put(["n"], ["add"], [np.array(1, np.int64)])

    threads = [threading.Thread(target=count) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert client.get(["n"])[0] == 200


def test_encoding_keeps_dtypes_and_shapes():
    import ml_dtypes
    values = [np.array([1.5, 2.0], ml_dtypes.bfloat16), np.array([True, False]),
              np.array(7, np.int64), None, np.zeros((0, 3), np.float32)]
    head, got = ps_store.decode(ps_store.encode({"op": "get", "names": []}, values))
    assert head["op"] == "get"
    assert got[3] is None
    for g, v in zip(got[:3] + got[4:], values[:3] + values[4:]):
        assert (g.dtype, g.shape) == (v.dtype, v.shape)
        np.testing.assert_array_equal(g, v)


def test_an_accumulator_averages_the_first_gradients_of_a_step(served):
    kv, client = served
    other = ps_store.Client(kv, 0, "ps", worker=1)
    got = []
    waiting = threading.Thread(target=lambda: got.append(other.take("acc", 0, 2)))
    waiting.start()  # it waits for two gradients of step 0
    client.accumulate("acc", 0, np.array([1.0, 2.0], np.float32))
    client.accumulate("acc", 0, np.array([3.0, 4.0], np.float32))
    waiting.join()
    np.testing.assert_array_equal(got[0], [2.0, 3.0])
    client.accumulate("acc", 0, np.array([100.0, 100.0], np.float32))  # late: dropped
    np.testing.assert_array_equal(client.take("acc", 0, 2), [2.0, 3.0])
    client.accumulate("acc", 1, np.array([5.0, 5.0], np.float32))
    np.testing.assert_array_equal(client.take("acc", 1, 1), [5.0, 5.0])


def test_a_store_in_this_process_averages_the_same_way():
    client = ps_store.StoreClient(ps_store.Store())
    got = []
    waiting = threading.Thread(target=lambda: got.append(client.take("acc", 0, 2)))
    waiting.start()
    client.accumulate("acc", 0, np.array([1.0, 2.0], np.float32))
    client.accumulate("acc", 0, np.array([3.0, 4.0], np.float32))
    waiting.join()
    np.testing.assert_array_equal(got[0], [2.0, 3.0])
    client.accumulate("acc", 0, np.array([100.0, 100.0], np.float32))  # late: dropped
    np.testing.assert_array_equal(client.take("acc", 0, 2), [2.0, 3.0])
    with pytest.raises(errors.FailedPreconditionError, match="uninitialized value v"):
        client.put(["v"], ["add"], [np.ones(2)])


def test_an_optimizer_update_from_a_stale_read_runs_on_the_current_slots(served):
    # two workers read w and its momentum at once; the second one's ApplyMomentum lands
    # after the first's: the ps runs it on the values the first left, as TF's apply op on
    # the ps does (accum = accum * momentum + grad; w -= lr * accum)
    kv, client = served
    other = ps_store.Client(kv, 0, "ps", worker=1)
    w0, a0 = np.array([1.0, -2.0], np.float32), np.array([0.5, 0.25], np.float32)
    client.put(["w", "w/Momentum"], ["set", "set"], [w0, a0])
    (w, a), bases = client.read(["w", "w/Momentum"])
    lr, mom = np.float32(0.1), np.float32(0.9)

    def step(worker, grad):
        acc = a * mom + grad
        new = [w - lr * acc, acc]
        rule = ps_store.Update("ApplyMomentum", ["w", "w/Momentum"],
                               {"lr": lr, "grad": grad, "momentum": mom},
                               {"use_locking": False, "use_nesterov": False})
        worker.put(["w", "w/Momentum"], ["apply", "apply"],
                   [(x, x - old) for x, old in zip(new, (w, a))], bases, [rule])
        return new

    g1, g2 = np.array([0.3, 0.7], np.float32), np.array([-1.0, 2.0], np.float32)
    first = step(client, g1)
    for got, want in zip(client.get(["w", "w/Momentum"]), first):
        np.testing.assert_array_equal(got, want)  # a current read: the worker's values
    step(other, g2)
    acc = first[1] * mom + g2
    want = [first[0] - lr * acc, acc]
    for got, expected in zip(client.get(["w", "w/Momentum"]), want):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert client.read(["w"])[1] == [bases[0] + 2]
