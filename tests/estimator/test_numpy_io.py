"""numpy_input_fn's batches: order, epochs (a last smaller batch), shuffling (each row once
per epoch), dict labels, a single feature array."""

import numpy as np


def _batches(tf, fn):
    with tf.Graph().as_default():
        out = fn()
        with tf.train.MonitoredSession() as s:
            got = []
            while not s.should_stop():
                got.append(s.run(out))
    return got


def test_epochs_and_order(tf):
    x = np.arange(5, dtype=np.float32)
    fn = tf.estimator.inputs.numpy_input_fn({"a": x}, x * 10, batch_size=2, num_epochs=2,
                                            shuffle=False)
    got = _batches(tf, fn)
    assert [b[0]["a"].tolist() for b in got] == [[0, 1], [2, 3], [4, 0], [1, 2], [3, 4]]
    assert [b[1].tolist() for b in got][-1] == [30, 40]
    fn = tf.estimator.inputs.numpy_input_fn({"a": x}, batch_size=3, num_epochs=1,
                                            shuffle=False)
    assert [b["a"].tolist() for b in _batches(tf, fn)] == [[0, 1, 2], [3, 4]]


def test_shuffle_covers_each_row_once_per_epoch(tf):
    x = np.arange(20, dtype=np.int64)
    fn = tf.estimator.inputs.numpy_input_fn(x, batch_size=7, num_epochs=1, shuffle=True)
    rows = np.concatenate(_batches(tf, fn))
    assert sorted(rows.tolist()) == list(range(20))


def test_dict_labels_and_infinite(tf):
    x = np.arange(4, dtype=np.float32).reshape(4, 1)
    fn = tf.estimator.inputs.numpy_input_fn({"x": x}, {"b": x + 1, "a": x + 2}, batch_size=3,
                                            num_epochs=None, shuffle=False)
    with tf.Graph().as_default():
        features, labels = fn()
        assert sorted(labels) == ["a", "b"]
        with tf.train.MonitoredSession() as s:
            vals = [s.run(labels["b"]).ravel().tolist() for _ in range(3)]
    assert vals == [[1, 2, 3], [4, 1, 2], [3, 4, 1]]
