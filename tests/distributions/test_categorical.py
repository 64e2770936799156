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


VALIDATED = [
    # validate_args: TF's checks on the parameters and on the events, as ops and as errors
    """lg = tf.placeholder(tf.float32, [None, None])
d = tf.distributions.Categorical(logits=lg, validate_args=True)
e = tf.distributions.Categorical(probs=[[0.25, 0.75], [0.5, 0.5]], validate_args=True)
k = tf.placeholder(tf.float32, [2])
x = [d.log_prob([1, 0]), e.log_prob(k), e.cdf(k), d.sample(1, seed=2)]
ops = sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
             if "AssertGuard" not in o.name)
r = []
with tf.Session() as s:
    for fetch, feed in ((x[:3], {lg: [[0., 1.], [2., 3.]], k: [1., 0.]}),
                        (x[0], {lg: [[0.], [1.]]}), (x[1], {k: [0.5, 1.]}),
                        (x[1], {k: [-1., 1.]})):
        try:
            v = s.run(fetch, feed)
            r.append([a.tolist() for a in v] if isinstance(v, list) else v.tolist())
        except tf.errors.InvalidArgumentError as e:
            r.append([l for l in e.message.split("\\n") if l.startswith("assertion")])
result = [ops, r]""",
    "tf.distributions.Categorical(logits=[1.], validate_args=True)",
    "tf.distributions.Categorical(logits=1., validate_args=True)",
    "tf.distributions.Categorical(probs=[1.5, -0.5], validate_args=True).probs.name",
    """d = tf.distributions.Bernoulli(logits=[0., 1.], validate_args=True)
k = tf.placeholder(tf.int32, [2])
x = d.log_prob(k)
ops = sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
             if "AssertGuard" not in o.name)
r = []
with tf.Session() as s:
    for v in ([1, 0], [2, 0], [-1, 0]):
        try:
            r.append(s.run(x, {k: v}).tolist())
        except tf.errors.InvalidArgumentError as e:
            r.append([l for l in e.message.split("\\n") if l.startswith("assertion")])
result = [ops, r]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALIDATED)
def test_validate_args_matches_tf(oracle, code):
    check(oracle, code)
