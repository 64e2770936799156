"""tf.keras.callbacks TerminateOnNaN, BaseLogger, ProgbarLogger and RemoteMonitor in graph-mode
fit against real TF + tf_keras: training stops after the batch with a NaN / infinite loss (that
epoch still logged), the batch and epoch logs the callbacks see, the stateful metrics fit gives
BaseLogger, argument errors."""

import pytest
from approx import agree, explain
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + """import numpy as np
import io, contextlib
K = tf.keras; L = K.layers; C = K.callbacks
def run(ys, cbs, verbose=0, epochs=2):
    m = K.Sequential([L.Dense(1, input_shape=(2,), kernel_initializer='ones')])
    m.compile(K.optimizers.SGD(0.05), 'mse', metrics=['mae'])
    xs = np.arange(20, dtype='float32').reshape(10, 2) / 10
    seen = []
    log = C.LambdaCallback(on_batch_end=lambda batch, logs: seen.append([batch, sorted(logs.items())]),
                           on_epoch_end=lambda epoch, logs: seen.append([epoch, sorted(logs.items())]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        h = m.fit(xs, ys, epochs=epochs, batch_size=4, verbose=verbose, callbacks=cbs + [log], shuffle=False)
    return [h.history, h.epoch, seen, [l for l in out.getvalue().splitlines() if 'Invalid loss' in l]]
ys = np.zeros((10, 1), 'float32'); ys[9] = 2.0
bad = ys.copy(); bad[6] = np.nan
early = ys.copy(); early[1] = np.inf
b = C.BaseLogger(); p = C.ProgbarLogger(count_mode='steps')
result = [run(ys, [b, C.ProgbarLogger()]), run(bad, [C.TerminateOnNaN()]), run(early, [C.TerminateOnNaN()], epochs=3),
          sorted(b.stateful_metrics), b.seen, err(lambda: C.ProgbarLogger(count_mode='x')), p.use_steps,
          [sorted(vars(C.RemoteMonitor()).keys() - {'model', 'params', 'validation_data', '_chief_worker_only', '_supports_tf_logs'})]]
"""


@pytest.mark.oracle
def test_callbacks_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
