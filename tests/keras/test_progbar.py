"""What a verbose tf.keras fit prints, against TF + tf_keras: the "Train on N samples,
validate on M samples" line (arrays and datasets, not generators), "Epoch i/n" lines, the
progress bar of each epoch counted in samples or steps (`verbose=1`: its last state, values
averaged over the samples seen with the epoch's logs last, metrics as they stand, a
generator's `batch` and `size` shown as Keras shows them; `verbose=2`: one line), and
`tf.keras.utils.Progbar` itself; the messages of ReduceLROnPlateau and
LearningRateScheduler. Times differ from run to run: each printed line is compared
at its last redraw, with its times replaced."""

import pytest
from approx import agree, explain
from dense_prelude import dense_prelude
from oracle import run_here

PROGRAM = dense_prelude(50) + r"""
import contextlib, io, re
def gen():
    while True:
        yield x[:10], y[:10]
def shown(f):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        f()
    lines = [l.split('\r')[-1].replace('\b', '') for l in out.getvalue().split('\n')]
    lines = [re.sub(r' - \d+s(?!/)( \d+[mu]?s/\w+)?', ' - T', l) for l in lines]
    return [re.sub(r' - \d+[mu]?s/\w+', ' - T', l).rstrip() for l in lines]
def bars():
    p = K.utils.Progbar(3)
    for i in range(3):
        p.update(i + 1, values=[('a', i)])
    p = K.utils.Progbar(None, stateful_metrics=['s'])
    p.add(2, [('s', 1.5), ('b', 2.0)])
    p.update(5, [('s', 3.0), ('b', 4.0)], finalize=True)
    p = K.utils.Progbar(4, verbose=2, unit_name='item')
    for i in range(4):
        p.update(i + 1, values=[('a', i * 1e-4)])
    p = K.utils.Progbar(2, width=10)
    p.add(2, [('big', 12345.678)])
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16).repeat()
result = [shown(lambda: model().fit(x, y, batch_size=16, epochs=2, verbose=1, shuffle=False)),
          shown(lambda: model().fit(x, y, batch_size=16, epochs=1, verbose=1, validation_split=0.2,
                                    shuffle=False)),
          shown(lambda: model().fit(x, y, batch_size=16, epochs=2, verbose=2, validation_split=0.2,
                                    shuffle=False)),
          shown(lambda: model().fit_generator(gen(), steps_per_epoch=3, epochs=2, verbose=1)),
          shown(lambda: model().fit_generator(gen(), steps_per_epoch=3, epochs=1, verbose=2)),
          shown(lambda: model().fit(ds, steps_per_epoch=2, epochs=1, verbose=1)),
          shown(lambda: model().fit(x, y, epochs=1, verbose=0)), shown(bars),
          shown(lambda: model().fit(x, y, epochs=3, verbose=0, callbacks=[
              K.callbacks.ReduceLROnPlateau(monitor='loss', factor=0.5, patience=0,
                                            min_delta=10, verbose=1),
              K.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.9, verbose=1)]))]
"""


@pytest.mark.oracle
def test_verbose_fit_prints_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
