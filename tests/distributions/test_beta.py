"""tf.distributions.Beta and Dirichlet against TF: names, op types, seeded samples, values."""

import pytest
from dist_oracle import CLOSE, check, check_close

CLOSE_PROGRAMS = [
    # every method of both, seeded samples (Beta's second Gamma under TF's salted seed), KLs
    """tf.set_random_seed(7)
b = tf.distributions.Beta([2., 0.5], [3., 1.5])
c = tf.distributions.Beta(tf.constant([[1.5], [4.]]), 2., name="bb")
d = tf.distributions.Dirichlet([[1., 2., 3.], [0.5, 0.5, 4.]])
e = tf.distributions.Dirichlet([2., 3., 5.])
exact = [b.sample(3, seed=1), c.sample(), d.sample(2, seed=2), e.sample([2, 1]), b.mode(),
         c.mode(), d.mode(), e.mode(), d.batch_shape_tensor(), d.event_shape_tensor(),
         e.event_shape_tensor(), b.total_concentration]
exact += [tf.constant([str(t), repr(t), t.name]) for t in [b, c, d, e]]
x = []
for t in [b, c]:
    x += [t.log_prob(0.5), t.prob([[0.25], [0.75]]), t.entropy(), t.mean(), t.stddev(),
          t.variance(), t.cdf(0.3), t.log_cdf(0.3), t.survival_function(0.3),
          t.log_survival_function(0.6)]
for t in [d, e]:
    x += [t.log_prob([0.2, 0.3, 0.5]), t.prob([[0.1, 0.1, 0.8]]), t.entropy(), t.mean(),
          t.stddev(), t.variance(), t.covariance(), t.total_concentration]
x += [tf.distributions.kl_divergence(b, c), d.kl_divergence(e), b.cross_entropy(c),
      tf.distributions.kl_divergence(e, d, allow_nan_stats=False)]""" + CLOSE,
    # float64, fed concentrations, validate_args' checks in the graph
    """a = tf.placeholder(tf.float64, [None, 2])
b = tf.distributions.Beta(a[:, 0], a[:, 1], validate_args=True)
d = tf.distributions.Dirichlet(a, validate_args=True)
exact = [b.sample(2, seed=3), d.sample(2, seed=4), d.event_shape_tensor()]
x = [b.log_prob(0.5), b.entropy(), d.log_prob([0.25, 0.75]), d.entropy(), d.covariance()]
""" + CLOSE.replace("s.run([x, exact])", "s.run([x, exact], {a: [[0.5, 3.], [2., 2.]]})"),
]

PROGRAMS = [
    # validate_args: samples outside (0, 1) or off the simplex fail with TF's messages
    """b = tf.distributions.Beta(2., 3., validate_args=True)
d = tf.distributions.Dirichlet([1., 2.], validate_args=True)
out = []
with tf.Session() as s:
    for t in [b.log_prob(1.5), b.log_prob(-0.5), d.log_prob([0.5, 0.6]), b.mode()]:
        try:
            out.append(s.run(t).tolist())
        except tf.errors.InvalidArgumentError as e:
            out.append([l for l in e.message.split("\\n") if "must" in l][:1])
result = out""",
    # the modes' assertions without allow_nan_stats
    """b = tf.distributions.Beta(0.5, 3., allow_nan_stats=False)
d = tf.distributions.Dirichlet([1., 2.], allow_nan_stats=False)
out = []
with tf.Session() as s:
    for t in [b.mode(), d.mode()]:
        try:
            out.append(s.run(t).tolist())
        except tf.errors.InvalidArgumentError as e:
            out.append([l for l in e.message.split("\\n") if "ndefined" in l][:1])
result = out""",
    "tf.distributions.Beta(1., tf.constant(2., tf.float64))",
    "tf.distributions.Dirichlet([1., 2.]).cdf([0.5, 0.5])",
    "tf.distributions.kl_divergence(tf.distributions.Beta(1., 2.),"
    " tf.distributions.Dirichlet([1., 2.]))",
    "sorted(tf.distributions.Beta.param_static_shapes([3]).items())",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CLOSE_PROGRAMS)
def test_beta_and_dirichlet_match_tf(oracle, code):
    check_close(oracle, code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_beta_and_dirichlet_edges_match_tf(oracle, code):
    check(oracle, code)
