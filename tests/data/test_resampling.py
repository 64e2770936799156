"""rejection_resample against real TF: with a seed TF's resampled elements are reproducible,
and these are them (given and estimated initial distributions, the static cases), with TF's
element structure and graph."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf

PRELUDE = DATA_PRELUDE + """
import numpy as np
E = tf.data.experimental
def pairs(ds, n=120):
    return [[int(c), np.asarray(x).ravel().tolist()] if r != "end" else r
            for r in drain(ds, n, initializable=True) for c, x in [r if r != "end" else (0, 0)]]
base = tf.data.Dataset.range(200).map(
    lambda x: (x, tf.cast(tf.floor(tf.sqrt(tf.cast(x, tf.float32))) % 3, tf.int32)))
"""

SNIPPETS = {
    "given_initial_dist": """
a = base.apply(E.rejection_resample(lambda x, c: c, [0.5, 0.25, 0.25], [0.3, 0.3, 0.4],
                                    seed=7))
result = [pairs(a), meta(a), ops()]""",
    "estimated_initial_dist": """
b = base.apply(E.rejection_resample(lambda x, c: c, [0.2, 0.2, 0.6], seed=11))
c = base.rejection_resample(lambda x, c: c, tf.constant([0.6, 0.3, 0.1], tf.float64), seed=3)
result = [pairs(b), meta(b), pairs(c)]""",
    "static_mixtures": """
odd = lambda x: tf.cast(x % 2, tf.int32)
ds = tf.data.Dataset.range(40)
same = ds.apply(E.rejection_resample(odd, [0.5, 0.5], [0.5, 0.5], seed=2))
only_odd = ds.apply(E.rejection_resample(odd, [0.0, 1.0], [0.5, 0.5], seed=2))
result = [pairs(same, 10), pairs(only_odd, 30), meta(only_odd)]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
