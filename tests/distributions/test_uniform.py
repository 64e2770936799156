"""tf.distributions.Uniform against TF: op names and types, shapes, seeded values."""

import pytest
from dist_oracle import RECORD, check

PROGRAMS = [
    """tf.set_random_seed(2)
d = tf.distributions.Uniform([0., 1.], [2., 4.])
e = tf.distributions.Uniform(np.float64(1.), tf.constant([[3.], [5.]], tf.float64))
x = [d.sample(3, seed=1), e.sample(), d.log_prob(1.), d.prob([[1.], [3.5], [np.nan]]),
     d.cdf([[-1.], [1.5], [9.]]), d.entropy(), d.mean(), d.stddev(), d.variance(), d.range(),
     e.cdf(2.), e.batch_shape_tensor(), d.low, d.high]
props = [d.name, e.name, d.dtype.name, e.dtype.name, d.batch_shape, e.batch_shape, str(e),
         str(d.reparameterization_type), sorted(d.parameters)]
result = props""" + RECORD.replace("result = [", "result = [props, "),
    """hi = tf.placeholder_with_default(np.float32([1., 0.5]), [2])
d = tf.distributions.Uniform(0.75, hi, validate_args=True)
x = d.mean()
ops = sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
             if "AssertGuard" not in o.name)
with tf.Session() as s:
    try:
        r = s.run(x).tolist()
    except tf.errors.InvalidArgumentError as e:
        r = [l for l in e.message.split("\\n") if l.startswith("assertion")]
result = [ops, r]""",
    "tf.distributions.Uniform(0, 1)",
    "tf.distributions.Uniform(0., np.float64(1.))",
    "tf.distributions.Uniform().mode()",
    "tf.distributions.Uniform(high=tf.constant(2., tf.float64))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_uniform_matches_tf(oracle, code):
    check(oracle, code)
