"""contrib.seq2seq's SampleEmbeddingHelper, ScheduledEmbeddingTrainingHelper and
InferenceHelper (scopeflow/contrib/seq2seq/helper.py) decoded by dynamic_decode, against TF
1.15's definitions written over TF's ops and tf.distributions in the oracle (TF 2 has no
contrib): seeded samples, outputs, lengths and gradients."""

import pytest
from contrib_oracle import compare
from oracle import ORACLE_HELPERS
from test_contrib_seq2seq_decoder import REFERENCE as DECODERS

HELPERS = r"""
if not hasattr(tf, "contrib"):
    def categorical(logits, seed):
        return tf.distributions.Categorical(logits=logits).sample(seed=seed)
    class SampleEmbeddingHelper(S.GreedyEmbeddingHelper):
        def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                     seed=None):
            super().__init__(embedding, start_tokens, end_token)
            self._t, self._seed = softmax_temperature, seed
        def sample(self, time, outputs, state, name=None):
            logits = outputs if self._t is None else outputs / self._t
            return categorical(logits, self._seed)
    class ScheduledEmbeddingTrainingHelper(S.TrainingHelper):
        def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                     time_major=False, seed=None, scheduling_seed=None, name=None):
            with tf.name_scope(name, "ScheduledEmbeddingSamplingWrapper",
                               [embedding, sampling_probability]):
                self._fn = lambda ids: tf.nn.embedding_lookup(embedding, ids)
                self._p = tf.convert_to_tensor(sampling_probability,
                                               name="sampling_probability")
                self._seed, self._sseed = seed, scheduling_seed
                super().__init__(inputs, sequence_length, time_major=time_major, name=name)
        def sample(self, time, outputs, state, name=None):
            with tf.name_scope(name, "ScheduledEmbeddingTrainingHelperSample",
                               [time, outputs, state]):
                pick = tf.distributions.Bernoulli(probs=self._p, dtype=tf.bool).sample(
                    sample_shape=self.batch_size, seed=self._sseed)
                return tf.where(pick, categorical(outputs, self._seed),
                                tf.fill([self.batch_size], -1))
        def next_inputs(self, time, outputs, state, sample_ids, name=None):
            with tf.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                               [time, outputs, state, sample_ids]):
                fin, base, state = super().next_inputs(time=time, outputs=outputs,
                                                       state=state, name=name)
                def maybe():
                    on = tf.cast(tf.where(sample_ids > -1), tf.int32)
                    off = tf.cast(tf.where(sample_ids <= -1), tf.int32)
                    sh = tf.shape(base)
                    return (tf.scatter_nd(indices=on, updates=self._fn(
                        tf.gather_nd(sample_ids, on)), shape=sh) + tf.scatter_nd(
                        indices=off, updates=tf.gather_nd(base, off), shape=sh))
                return fin, tf.cond(tf.reduce_all(fin), lambda: base, maybe), state
    class InferenceHelper(Helper):
        def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                     next_inputs_fn=None):
            self._s, self._end, self._next = sample_fn, end_fn, next_inputs_fn
            self.sample_ids_shape = tf.TensorShape(sample_shape)
            self.sample_ids_dtype = sample_dtype
            self.batch_size = tf.shape(start_inputs)[0]
            self._start = tf.convert_to_tensor(start_inputs, name="start_inputs")
        def initialize(self, name=None):
            return tf.tile([False], [self.batch_size]), self._start
        def sample(self, time, outputs, state, name=None):
            return self._s(outputs)
        def next_inputs(self, time, outputs, state, sample_ids, name=None):
            nxt = sample_ids if self._next is None else self._next(sample_ids)
            return self._end(sample_ids), nxt, state
    S.SampleEmbeddingHelper = SampleEmbeddingHelper
    S.ScheduledEmbeddingTrainingHelper = ScheduledEmbeddingTrainingHelper
    S.InferenceHelper = InferenceHelper
"""
PROGRAM = r"""
tf.set_random_seed(11)
ids = tf.placeholder(tf.int32, [None, None], name="ids")
lens = tf.placeholder(tf.int32, [None], name="lens")
emb = tf.get_variable("embedding", [7, 3])
proj = tf.layers.Dense(7, use_bias=False, name="proj")
cell = tf.nn.rnn_cell.GRUCell(4)
batch = tf.size(lens)
init = cell.zero_state(batch, tf.float32)
with tf.variable_scope("decoder") as scope:
    helper = HELPER
    dec = S.BasicDecoder(cell, helper, init, output_layer=proj)
    out, _, n = S.dynamic_decode(dec, maximum_iterations=6, scope=scope)
loss = tf.reduce_sum(tf.square(out.rnn_output))
grads = [g for g in tf.gradients(loss, tf.trainable_variables()) if g is not None]
feed = {ids: [[1, 2, 3, 4, 5], [2, 2, 6, 0, 0], [5, 1, 0, 0, 0]], lens: [5, 3, 2]}
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    vals = [s.run([out, n, GRADS], feed) for _ in range(2)]  # two runs: fresh draws
result = {"shapes": [str(t.shape) for t in (out.rnn_output, out.sample_id, n)],
          "vals": vals}
"""
CASES = {
    "sample": ("S.SampleEmbeddingHelper(emb, tf.fill([batch], 1), 0, "
               "softmax_temperature=0.5, seed=3)", "[]"),
    "sample_no_temperature": ("S.SampleEmbeddingHelper(emb, tf.fill([batch], 1), 0)", "[]"),
    "scheduled": ("S.ScheduledEmbeddingTrainingHelper(tf.nn.embedding_lookup(emb, ids), "
                  "lens, emb, 0.5, seed=4, scheduling_seed=5)", "grads"),
    "inference": ("S.InferenceHelper(lambda o: tf.nn.softmax(o), [7], tf.float32, "
                  "tf.zeros([batch, 7]), lambda s: tf.reduce_max(s, 1) > 0.9)", "grads"),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(CASES))
def test_helper_decodes_like_tf(oracle, case):
    helper, grads = CASES[case]
    program = PROGRAM.replace("HELPER", helper).replace("GRADS", grads)
    code = "import numpy as np\n" + ORACLE_HELPERS + DECODERS + HELPERS + program
    compare(oracle, code, ("shapes",))


def test_scheduled_helper_checks_sampling_probability(tf):
    s2s = tf.contrib.seq2seq
    with pytest.raises(ValueError, match="sampling_probability must be either a scalar or a "
                                         r"vector. saw shape: \(1, 1\)"):
        s2s.ScheduledEmbeddingTrainingHelper(tf.zeros([2, 3, 4]), [3, 3], tf.zeros([5, 4]),
                                             [[0.5]])
