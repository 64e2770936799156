"""`tf.keras.preprocessing.sequence` (and `tf.keras.utils.pad_sequences`) against TF +
tf_keras: padding and truncation at either end, dtypes, sample shapes and string values with
their errors; word2vec's sampling table; skip-gram pairs under a seed (Python's `random`
seeded alike on both sides); `TimeseriesGenerator`'s batches, length and config."""

import pytest
from approx import agree, explain
from oracle import run_here

S = "[[1], [2, 3], [4, 5, 6], [], [7, 8, 9, 10]]"
PAD = [
    "P(%s)" % S, "P(%s, maxlen=3)" % S, "P(%s, maxlen=3, padding='post')" % S,
    "P(%s, maxlen=2, truncating='post', value=-1)" % S, "P(%s, dtype='float32', value=0.5)" % S,
    "P([[[1, 2], [3, 4]], [[5, 6]]], maxlen=3)", "P([['a', 'bc'], ['d']], dtype=object, value='')",
    "P(%s, padding='middle')" % S, "P(%s, maxlen=2, truncating='x')" % S, "P([1, 2])",
    "P([[1], ['a']], value='x')", "P([[[1, 2]], [[1, 2, 3]]])", "P(5)",
    "U(%s, maxlen=4)" % S, "P(np.arange(12).reshape(3, 4), maxlen=3)",
]
PROGRAMS = [
    "P = tf.keras.preprocessing.sequence.pad_sequences\nU = tf.keras.utils.pad_sequences\n"
    "def run(f):\n    try:\n        r = f()\n        return [r.dtype.name, r.shape, r.tolist()]\n"
    "    except Exception as e:\n        return [type(e).__name__, str(e)]\n"
    "result = [" + ", ".join("run(lambda: %s)" % c for c in PAD) + "]",
    "S = tf.keras.preprocessing.sequence\n"
    "result = [S.make_sampling_table(6), S.make_sampling_table(4, 1e-3)]",
    "import random\nS = tf.keras.preprocessing.sequence\nout = []\n"
    "for kw in [{}, {'window_size': 1, 'negative_samples': 0.5, 'categorical': True},\n"
    "           {'negative_samples': 0, 'shuffle': False},\n"
    "           {'sampling_table': S.make_sampling_table(9, 0.05)}]:\n"
    "    random.seed(3)\n"
    "    out.append(S.skipgrams([1, 2, 0, 3, 4, 5, 1, 8], 9, seed=7, **kw))\n"
    "result = out",
    "S = tf.keras.preprocessing.sequence\n"
    "d = np.arange(40).reshape(20, 2); t = np.arange(20) * 10\n"
    "g = S.TimeseriesGenerator(d, t, length=4, sampling_rate=2, stride=3, batch_size=2)\n"
    "r = S.TimeseriesGenerator(d, t, length=3, start_index=2, end_index=15, reverse=True,"
    " batch_size=4)\n"
    "def bad(**kw):\n    try:\n        S.TimeseriesGenerator(**kw)\n"
    "    except ValueError as e:\n        return str(e)\n"
    "result = [len(g), [list(g[i]) for i in range(len(g))], len(r), list(r[1]),"
    " sorted(r.get_config().items()), r.to_json()[:80], isinstance(g, tf.keras.utils.Sequence),"
    " bad(data=d, targets=t[:3], length=2), bad(data=d, targets=t, length=30)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_sequence_preprocessing_as_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)
