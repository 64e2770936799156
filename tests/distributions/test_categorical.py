"""tf.distributions.Categorical (and its KL) against TF: names, types, shapes, seeded values."""

import pytest
from dist_oracle import RECORD, check

PROGRAMS = [
    """tf.set_random_seed(4)
d = tf.distributions.Categorical(logits=[[0.5, -1., 2.], [0., 0., 0.]])
e = tf.distributions.Categorical(probs=[0.2, 0.3, 0.5], dtype=tf.int64)
f = tf.distributions.Categorical(logits=tf.ones([2, 2, 4]))
x = [d.sample(4, seed=1), e.sample([2, 2]), f.sample(3, seed=2), d.log_prob([2, 0]),
     d.prob(1), e.log_prob([[0], [2]]), d.cdf([1, 3]), e.cdf(2), d.entropy(), d.mode(),
     f.mode(), f.log_prob(3), e.logits, d.probs, d.event_size, d.batch_shape_tensor(),
     f.batch_shape_tensor(), tf.distributions.kl_divergence(d, e)]
props = [d.name, e.name, d.dtype.name, e.dtype.name, d.batch_shape, e.batch_shape,
         f.batch_shape, d.event_shape, str(f), sorted(d.parameters)]
result = props""" + RECORD.replace("result = [", "result = [props, "),
    """lg = tf.placeholder(tf.float32, [None, None])
d = tf.distributions.Categorical(logits=lg)
x = [d.sample(2, seed=7), d.log_prob([1, 0]), d.batch_shape_tensor(), d.event_size, d.mode()]
with tf.Session() as s:
    v = s.run(x, {lg: [[0., 1., 2.], [3., 2., 1.]]})
result = [[[t.name, t.shape] for t in x], [a.tolist() for a in v],
          sorted([o.name, o.type] for o in tf.get_default_graph().get_operations())]""",
    "tf.distributions.Categorical(logits=[1., 2.]).mean()",
    "tf.distributions.Categorical(logits=[1., 2.]).log_prob([True])",
    "tf.distributions.kl_divergence(tf.distributions.Categorical(logits=[1., 2.]),"
    " tf.distributions.Normal(0., 1.))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_categorical_matches_tf(oracle, code):
    check(oracle, code)
