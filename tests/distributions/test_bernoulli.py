"""tf.distributions.Bernoulli against TF: op names and types, shapes, seeded values."""

import pytest
from dist_oracle import RECORD, check

PROGRAMS = [
    """tf.set_random_seed(5)
d = tf.distributions.Bernoulli(logits=[0.5, -1., 3.])
e = tf.distributions.Bernoulli(probs=[[0.5], [0.2]], dtype=tf.bool)
x = [d.sample(4, seed=1), e.sample([2, 3]), d.log_prob(1), d.prob([0, 1, 1]), d.entropy(),
     d.mean(), d.stddev(), d.variance(), d.mode(), e.log_prob([[True], [False]]), e.mode(),
     e.logits, e.probs, d.batch_shape_tensor(), e.prob(0.)]
props = [d.name, e.name, d.dtype.name, e.dtype.name, d.batch_shape, e.event_shape,
         str(d.reparameterization_type), str(e), sorted(d.parameters)]
result = props""" + RECORD.replace("result = [", "result = [props, "),
    """p = tf.placeholder(tf.float64, [None])
d = tf.distributions.Bernoulli(probs=p, validate_args=True)
x = [d.mean(), d.sample(2, seed=3), d.batch_shape_tensor()]
ops = sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
             if "AssertGuard" not in o.name)
r = []
with tf.Session() as s:
    r.append(s.run(x[:2], {p: [0.25, 0.75]})[1].tolist())
    for bad in ([0.5, 1.5], [-0.5]):
        try:
            s.run(x[0], {p: bad})
        except tf.errors.InvalidArgumentError as e:
            r.append([l for l in e.message.split("\\n") if l.startswith("assertion")])
result = [ops, r, [[t.name, t.shape] for t in x]]""",
    "tf.distributions.Bernoulli()",
    "tf.distributions.Bernoulli(logits=1., probs=0.5)",
    "tf.distributions.Bernoulli(logits=[1, 2])",
    "tf.distributions.Bernoulli(probs=[1, 0])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_bernoulli_matches_tf(oracle, code):
    check(oracle, code)
