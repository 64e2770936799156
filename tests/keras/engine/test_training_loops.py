"""`fit` over arrays has its train step compiled ahead, on a thread, for the epoch's last,
smaller batch: the run that gets it finds the program compiled, with the same values."""

import numpy as np

import scopeflow.compat.v1 as tf
from scopeflow.lowering import ahead, cache


def _fit(epochs=2, samples=10, ahead_on=True, monkeypatch=None):
    """(the losses of a seeded fit of `samples` rows in batches of 4, [feed shapes compiled
    ahead], the compiles the later epochs made)."""
    shapes = []
    real = ahead.compile_for

    def spy(session, prog, feeds):
        shapes.append(sorted(np.shape(f) for f in feeds if np.ndim(f)))
        if ahead_on:
            real(session, prog, feeds)
            for t in session._resources[("compile ahead",)].threads:
                t.join()
    monkeypatch.setattr(ahead, "compile_for", spy)
    K, L = tf.keras, tf.keras.layers
    K.backend.clear_session()
    rng = np.random.RandomState(0)
    x, y = rng.rand(samples, 3).astype("float32"), rng.rand(samples, 2).astype("float32")
    model = K.Sequential([L.Dense(2, input_shape=(3,),
                                  kernel_initializer=K.initializers.glorot_uniform(seed=1))])
    model.compile(K.optimizers.SGD(0.1), "mse")
    compiles = []

    class Count(K.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            compiles.append(cache.stats["compiles"])

        def on_train_batch_begin(self, batch, logs=None):
            if batch == 2:  # the last, 2-row batch comes next
                compiles.append(cache.stats["compiles"])

        def on_epoch_end(self, epoch, logs=None):
            compiles.append(cache.stats["compiles"])
    h = model.fit(x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0,
                  callbacks=[Count()])
    return h.history["loss"], shapes, compiles


def test_the_last_smaller_batch_is_compiled_before_it_comes(monkeypatch):
    losses, shapes, compiles = _fit(monkeypatch=monkeypatch)
    assert shapes[0] == [(2, 2), (2, 3)]  # x and y of the last 2 rows
    assert compiles[2] == compiles[1]  # epoch 1's last batch compiled nothing
    assert compiles[5] == compiles[3]  # nor the whole second epoch
    plain, _, _ = _fit(ahead_on=False, monkeypatch=monkeypatch)
    assert losses == plain


def test_batches_that_divide_the_data_compile_nothing_ahead(monkeypatch):
    _, shapes, _ = _fit(epochs=1, samples=8, monkeypatch=monkeypatch)
    assert shapes == []
