"""tf.distributions.Normal and kl_divergence against TF: op names and types, shapes, values."""

import pytest
from dist_oracle import check

PROGRAMS = [
    # every method of one Normal, a second Normal's scope, seeded samples
    """tf.set_random_seed(3)
d = tf.distributions.Normal(loc=[0., 1.], scale=[1., 2.])
e = tf.distributions.Normal(tf.constant(0.5), 2.)
x = [d.sample(3, seed=1), d.sample([2, 1]), e.sample(), d.log_prob(0.5), d.prob([[0.5], [2.]]),
     d.entropy(), d.mean(), d.stddev(), d.variance(), d.cdf([-9., 3.]), d.mode(),
     e.log_prob(1.), d.batch_shape_tensor(), d.event_shape_tensor(), e.cdf(0.25)]
props = [d.name, e.name, d.dtype.name, d.batch_shape, d.event_shape, e.batch_shape, d.loc.name,
         d.scale.name, str(d.reparameterization_type), d.allow_nan_stats, d.validate_args,
         str(e), sorted(d.parameters)]
with tf.Session() as s:
    v = s.run(x)
result = [props, [[t.name, t.shape] for t in x], [a.tolist() for a in v],
          sorted([o.name, o.type] for o in tf.get_default_graph().get_operations())]""",
    # float64, placeholder parameters, a named distribution
    """loc = tf.placeholder(tf.float64, [None, 2])
d = tf.distributions.Normal(loc, np.float64(1.5), name="n")
x = [d.sample(2, seed=4), d.log_prob(0.), d.batch_shape_tensor()]
with tf.Session() as s:
    v = s.run(x, {loc: [[1., 2.], [3., 4.]]})
result = [d.name, d.batch_shape, [[t.name, t.shape] for t in x], [a.tolist() for a in v],
          sorted([o.name, o.type] for o in tf.get_default_graph().get_operations())]""",
    # validate_args: TF's assertion on a non-positive scale
    """d = tf.distributions.Normal(0., tf.placeholder_with_default(-1., []), validate_args=True)
m = d.mean()
ops = sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
             if "AssertGuard" not in o.name)  # scopeflow's tf.Assert guard is its own
with tf.Session() as s:
    try:
        s.run(m)
        r = None
    except tf.errors.InvalidArgumentError as e:
        r = [s for s in e.message.split("\\n") if s.startswith("assertion failed")]
result = [ops, r]""",
    "tf.distributions.Normal(0, 1)",
    "tf.distributions.Normal(0., 1.).sample([[2]])",
    # KL between Normals, with and without the NaN check
    """a = tf.distributions.Normal([0., 1.], 1.)
b = tf.distributions.Normal(0.5, [2., 3.])
k = [tf.distributions.kl_divergence(a, b), tf.distributions.kl_divergence(a, b, False, "k")]
with tf.Session() as s:
    v = s.run(k)
result = [[t.name for t in k], [x.tolist() for x in v],
          sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
                 if "AssertGuard" not in o.name)]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_normal_matches_tf(oracle, code):
    check(oracle, code)
