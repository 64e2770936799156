"""sample_from_datasets and Dataset.random against real TF: the graph TF builds (RandomDataset,
the StatelessMultinomial map, DirectedInterleaveDataset), the seeded draws, and TF's errors."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf

PRELUDE = DATA_PRELUDE + """
E = tf.data.experimental
def bodies():  # (in no particular order: TF's library order is its own)
    return sorted([[x.name for x in f.signature.input_arg],
                   sorted((n.name, n.op, list(n.input)) for n in f.node_def if n.op != "Identity")]
                  for f in tf.get_default_graph().as_graph_def().library.function)
"""

SNIPPETS = {
    "constant_weights": """
tf.set_random_seed(7)
ds = [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)]
a = E.sample_from_datasets(ds, [0.3, 0.7], seed=5)
fns = bodies()  # (before a one-shot iterator adds its own)
result = [drain(a), meta(a), ops(), fns]""",
    "uniform_stop_on_empty": """
ds = [tf.data.Dataset.range(4), tf.data.Dataset.range(10, 20), tf.data.Dataset.range(100, 110)]
a = E.sample_from_datasets(ds, seed=123, stop_on_empty_dataset=True)
b = tf.data.Dataset.sample_from_datasets(ds, [1.0, 0.0, 2.0], seed=9)
result = [drain(a), drain(b), ops()]""",
    "tensor_weights_graph_seed": """
tf.set_random_seed(42)
w = tf.constant([0.1, 0.5, 0.4], tf.float64)
ds = [tf.data.Dataset.from_tensors(x).repeat(8) for x in ("a", "b", "c")]
a = E.sample_from_datasets(ds, w)
result = [drain(a, 30), meta(a)]""",
    "dataset_weights": """
w = tf.data.Dataset.from_tensor_slices([[0.9, 0.1], [0.1, 0.9]]).repeat()
ds = [tf.data.Dataset.range(50), tf.data.Dataset.range(100, 150)]
a = E.sample_from_datasets(ds, w, seed=3)
fns = bodies()
result = [drain(a, 20), ops(), fns]""",
    "random_dataset": """
tf.set_random_seed(3)
a = tf.data.Dataset.random(seed=11).take(5)
b = E.RandomDataset(seed=2).take(3)
result = [drain(a), drain(b), meta(b), ops()]""",
    "one_dataset": """
a = E.sample_from_datasets([tf.data.Dataset.range(3)], [0.5])
result = [drain(a), ops()]""",
    "no_datasets": """
E.sample_from_datasets([])""",
    "weights_length": """
E.sample_from_datasets([tf.data.Dataset.range(3)] * 2, [0.5])""",
    "weights_shape": """
E.sample_from_datasets([tf.data.Dataset.range(3)] * 2, tf.constant([0.5, 1, 2]))""",
    "weights_dtype": """
E.sample_from_datasets([tf.data.Dataset.range(3)] * 2, [1, 2])""",
    "incompatible_specs": """
E.sample_from_datasets([tf.data.Dataset.range(3), tf.data.Dataset.from_tensors("a")], seed=1)""",
    "long_run": """
ds = [tf.data.Dataset.range(1000), tf.data.Dataset.range(1000, 2000).map(lambda x: x * 2)]
a = E.sample_from_datasets(ds, [0.25, 0.75], seed=77)
result = [x % 7 for x in drain(a, 1300)[::3] if x != "end"]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
