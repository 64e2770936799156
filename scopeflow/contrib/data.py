"""`tf.contrib.data` (TF 1.x): what moved to `tf.data.experimental`, under its old names, and
the transformations that were only here (batch_and_drop_remainder,
padded_batch_and_drop_remainder, sliding_window_batch, assert_element_shape), built from
today's ops with the same elements.

>>> import scopeflow as tf
>>> ds = tf.data.Dataset.range(5).apply(sliding_window_batch(3, 2))
>>> nxt = tf.data.make_one_shot_iterator(ds).get_next()
>>> with tf.Session() as sess:
...     [sess.run(nxt).tolist() for _ in range(2)]
[[0, 1, 2], [2, 3, 4]]
"""
# ruff: noqa: F401 - re-exports

from scopeflow.data import structure as _st
from scopeflow.data.dataset import DatasetV1 as Dataset
from scopeflow.data.sources import TFRecordDataset, TextLineDataset


def __getattr__(name):
    """The other names: TF 1.13+ made tf.contrib.data an alias of tf.data.experimental."""
    import scopeflow.compat.v1 as tf
    value = getattr(tf.data.experimental, name, None)
    if value is None:
        raise AttributeError("module 'tensorflow.contrib.data' has no attribute '%s'" % name)
    return value


def batch_and_drop_remainder(batch_size):
    """A transformation: `batch(batch_size, drop_remainder=True)`."""
    return lambda ds: ds.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """A transformation: `padded_batch(..., drop_remainder=True)`."""
    return lambda ds: ds.padded_batch(batch_size, padded_shapes, padding_values,
                                      drop_remainder=True)


def sliding_window_batch(window_size, stride=None, window_shift=None, window_stride=1):
    """A transformation: batches of `window_size` consecutive elements, one starting every
    `window_shift` (or `stride`, default 1) elements; incomplete windows are dropped."""
    if stride is not None and window_shift is not None:
        raise ValueError("Cannot specify both `stride` and `window_shift`")
    shift = 1 if stride is None and window_shift is None else (
        stride if stride is not None else window_shift)

    def apply(ds):
        windows = ds.window(window_size, shift, window_stride, drop_remainder=True)
        if _st.is_nested(ds._structure):
            return windows.flat_map(
                lambda *w: Dataset.zip(w if len(w) > 1 else w[0]).batch(window_size))
        return windows.flat_map(lambda w: w.batch(window_size))

    return apply


def assert_element_shape(expected_shapes):
    """A transformation: each component checked (and its static shape set) to the given shape."""
    from scopeflow.ops.array import ensure_shape

    def apply(ds):
        flat_shapes = _st.flatten(expected_shapes) if _st.is_nested(ds._structure) else [
            expected_shapes]

        def check(*components):
            flat = _st.flatten(components if len(components) > 1 else components[0])
            out = [ensure_shape(c, s) for c, s in zip(flat, flat_shapes)]
            return _st.pack(components if len(components) > 1 else components[0], out)

        return ds.map(check)

    return apply
