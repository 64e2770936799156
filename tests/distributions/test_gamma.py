"""tf.distributions.Gamma and Exponential against TF: names, op types, seeded samples, values."""

import pytest
from dist_oracle import CLOSE, check, check_close

METHODS = """
x = []
for d in ds:
    x += [d.log_prob(0.5), d.prob([[0.25], [0.75]]), d.entropy(), d.mean(), d.stddev(),
          d.variance(), d.cdf(0.3), d.log_cdf(0.3), d.survival_function(0.3),
          d.log_survival_function(0.3)]
"""

CLOSE_PROGRAMS = [
    # every method of both, seeded samples (TF's RandomGamma and uniform bits), KL, str
    """tf.set_random_seed(3)
ds = [tf.distributions.Gamma([1.5, 0.5], 2.), tf.distributions.Exponential([1., 3.]),
      tf.distributions.Gamma(tf.constant([[2.], [0.7]]), [1., 4.], name="g")]
exact = [d.sample(3, seed=1) for d in ds] + [ds[0].sample(), ds[1].sample([2, 2]),
         ds[0].mode(), ds[1].mode(), ds[2].batch_shape_tensor(), ds[1].concentration,
         ds[1].rate]
exact += [tf.constant([str(d), repr(d), d.name, str(d.batch_shape)]) for d in ds]
""" + METHODS + """
x += [tf.distributions.kl_divergence(ds[0], tf.distributions.Gamma(2., 1.)),
      ds[1].kl_divergence(ds[0]), ds[0].cross_entropy(ds[1])]""" + CLOSE,
    # float64, fed parameters, validate_args' checks in the graph
    """a = tf.placeholder(tf.float64, [None])
ds = [tf.distributions.Gamma(a, np.float64(2.), validate_args=True),
      tf.distributions.Exponential(tf.constant([0.5, 2.], tf.float64), validate_args=True)]
exact = [ds[0].sample(2, seed=5), ds[1].sample(2, seed=6), ds[0].batch_shape_tensor()]
""" + METHODS + CLOSE.replace("s.run([x, exact])", "s.run([x, exact], {a: [0.5, 3.]})"),
]

PROGRAMS = [
    # allow_nan_stats=False: the mode's assertion fails at run time with TF's message
    """d = tf.distributions.Gamma(tf.placeholder_with_default([0.5, 2.], [2]), 1.,
                                allow_nan_stats=False)
m = d.mode()
with tf.Session() as s:
    try:
        s.run(m)
        r = None
    except tf.errors.InvalidArgumentError as e:
        r = [l for l in e.message.split("\\n") if "mode" in l][:1]
result = r""",
    # a bad sample dtype, parameters of two dtypes
    "tf.distributions.Gamma(1., 2.).log_prob(tf.constant(1., tf.float64))",
    "tf.distributions.Gamma(tf.constant(1., tf.float64), 2.)",
    "sorted(tf.distributions.Gamma.param_static_shapes([3, 2]).items())",
    "sorted(tf.distributions.Exponential.param_static_shapes(tf.TensorShape([4])).items())",
    "tf.distributions.Gamma(1., 1.).quantile(0.5)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CLOSE_PROGRAMS)
def test_gamma_and_exponential_match_tf(oracle, code):
    check_close(oracle, code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_gamma_edges_match_tf(oracle, code):
    check(oracle, code)
