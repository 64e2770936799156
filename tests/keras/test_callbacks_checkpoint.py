"""`tf.keras.callbacks.ModelCheckpoint` in graph-mode fit against TF + tf_keras: the files
written (epoch and log placeholders, `period`, integer `save_freq` with `{batch}`,
`save_best_only` by `mode` and `initial_value_threshold`, weights only as HDF5 or a TF
checkpoint), the `verbose` messages, an unknown `save_freq`'s error,
and `load_weights_on_restart`."""

import pytest
from approx import agree, explain
from dense_prelude import dense_prelude
from oracle import run_here

PROGRAM = dense_prelude(10) + r"""
import contextlib, io, os, shutil, tempfile
d = tempfile.mkdtemp()
def run(cb, epochs=3, **kw):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model().fit(x, y, batch_size=4, epochs=epochs, verbose=0, shuffle=False,
                    callbacks=[cb], **kw)
    files = sorted(os.listdir(d))
    for f in files:
        p = os.path.join(d, f)
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    return [out.getvalue().replace(d, 'D'), files]
M = K.callbacks.ModelCheckpoint
res = [
    run(M(d + '/m.{epoch:02d}-{loss:.3f}.h5', verbose=1)),
    run(M(d + '/best.h5', monitor='val_loss', save_best_only=True, verbose=1), epochs=4,
        validation_split=0.3),
    run(M(d + '/w{epoch}.h5', save_weights_only=True, period=2, verbose=1), epochs=5),
    run(M(d + '/b{epoch}-{batch}.h5', save_freq=2, save_weights_only=True), epochs=2),
    run(M(d + '/acc.h5', monitor='mae', mode='max', save_best_only=True, verbose=1)),
    run(M(d + '/t.h5', monitor='loss', save_best_only=True, initial_value_threshold=0.3,
          verbose=1, mode='bogus')),
    run(M(d + '/none.h5', monitor='nope', save_best_only=True)),
    run(M(d + '/ckpt', save_weights_only=True), epochs=1),
]
try:
    M(d + '/x.h5', save_freq='never')
except ValueError as e:
    res.append(str(e))
m = model()
m.save_weights(d + '/restart.h5')
w0 = m.get_weights()
m2 = model()
m2.set_weights([w * 0 for w in w0])
cb = M(d + '/restart.h5', save_weights_only=True, load_weights_on_restart=True)
m2.fit(x, y, epochs=1, verbose=0, callbacks=[cb], batch_size=10)
res.append(bool(np.abs(m2.get_weights()[0] - w0[0]).max() < 0.5))
shutil.rmtree(d)
result = res
"""


@pytest.mark.oracle
def test_model_checkpoint_as_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in there, there
    assert agree(here, there), explain(PROGRAM, here, there)
