"""tf.contrib.data (TF 1.x) against real TF 2.21: TF 2 has no tf.contrib, so the oracle side
runs what each contrib transformation became (batch / padded_batch with drop_remainder, window
then batch for sliding_window_batch, ensure_shape) and the moved names come from
tf.data.experimental."""

import pytest
from oracle import explain, run_here, same

CODE = """
def drain(ds):
    nxt, out = tf.data.make_one_shot_iterator(ds).get_next(), []
    with tf.Session() as s:
        while True:
            try:
                out.append(s.run(nxt))
            except tf.errors.OutOfRangeError:
                return out
r = tf.data.Dataset.range
pairs = tf.data.Dataset.zip((r(6), r(6).map(lambda x: tf.fill([2], x))))
ragged = r(1, 6).map(lambda x: tf.fill([x], x))
out = [r(7).apply(C.batch_and_drop_remainder(3)),
       ragged.apply(C.padded_batch_and_drop_remainder(2, [None])),
       r(7).apply(C.sliding_window_batch(3, 2)), r(5).apply(C.sliding_window_batch(2)),
       pairs.apply(C.sliding_window_batch(4, window_shift=2)),
       r(3).map(lambda x: tf.fill([2], x)).map(lambda x: tf.reshape(x, [-1])).apply(
           C.assert_element_shape(tf.TensorShape([2]))),
       C.sample_from_datasets([r(3), r(10, 13)], seed=4), r(4).batch(2).apply(C.unbatch())]
result = [drain(d) for d in out] + [repr(out[5].output_shapes)]
"""

TODAY = """
class C:
    batch_and_drop_remainder = lambda n: lambda ds: ds.batch(n, drop_remainder=True)
    padded_batch_and_drop_remainder = lambda n, s: lambda ds: ds.padded_batch(
        n, s, drop_remainder=True)
    def sliding_window_batch(n, stride=1, window_shift=None):
        shift = window_shift or stride
        def apply(ds):
            w = ds.window(n, shift, 1, True)
            if isinstance(ds.element_spec, tuple):
                return w.flat_map(lambda *c: tf.data.Dataset.zip(c).batch(n))
            return w.flat_map(lambda c: c.batch(n))
        return apply
    assert_element_shape = lambda s: lambda ds: ds.map(lambda x: tf.ensure_shape(x, s))
    sample_from_datasets = tf.data.experimental.sample_from_datasets
    unbatch = tf.data.experimental.unbatch
"""


@pytest.mark.oracle
def test_contrib_data_matches_what_it_became(oracle):
    here = run_here("C = tf.contrib.data\n" + CODE)
    there = oracle(TODAY + CODE)
    assert "ok" in here and same(here, there), explain(CODE, here, there)


def test_contrib_data_names(tf):
    from scopeflow.contrib import data
    assert tf.contrib.data is data
    assert data.Dataset is tf.data.Dataset and data.map_and_batch is not None
    with pytest.raises(ValueError, match="both `stride` and `window_shift`"):
        data.sliding_window_batch(2, stride=1, window_shift=1)
