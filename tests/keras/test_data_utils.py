"""tf.keras.utils OrderedEnqueuer / GeneratorEnqueuer / SequenceEnqueuer against TF +
tf_keras: a Sequence's batches pass after pass (on_epoch_end between passes, shuffled when
asked), a generator's items until it ends, a failing item's error raised by get(), start /
stop and is_running."""

import pytest
from approx import agree, explain
from oracle import run_here

PROGRAM = r"""
import numpy as np
U = tf.keras.utils
def err(f):
    try:
        return ["ok", f()]
    except Exception as e:
        return [type(e).__name__, str(e)[:200]]
ends = []
class S(U.Sequence):
    def __len__(self):
        return 3
    def __getitem__(self, i):
        if i == 99:
            raise KeyError(i)
        return np.full((2,), i)
    def on_epoch_end(self):
        ends.append(1)
r = {}
e = U.OrderedEnqueuer(S(), use_multiprocessing=False, shuffle=False)
r["before"] = e.is_running()
e.start(workers=1, max_queue_size=4)
g = e.get()
r["ordered"] = [next(g).tolist() for _ in range(7)]
r["ends"] = len(ends) >= 2
r["running"] = e.is_running()
e.stop()
r["stopped"] = e.is_running()
e = U.OrderedEnqueuer(S(), shuffle=True)
e.start()
g = e.get()
r["shuffled"] = sorted(next(g).tolist()[0] for _ in range(3))
e.stop()
e = U.GeneratorEnqueuer((i * i for i in range(5)), use_multiprocessing=False)
e.start(workers=1, max_queue_size=2)
r["generator"] = list(e.get())
e.stop()
def bad():
    yield 1
    raise ZeroDivisionError("no")
e = U.GeneratorEnqueuer(bad())
e.start()
got = []
r["failing"] = [err(lambda: got.extend(e.get())), got]
e.stop()
r["base"] = [type(U.SequenceEnqueuer(S())).__name__,
             err(lambda: next(U.SequenceEnqueuer(S()).get()))[0]]
result = r
"""


@pytest.mark.oracle
def test_enqueuers_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
