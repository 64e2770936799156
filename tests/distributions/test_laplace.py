"""tf.distributions.Laplace and StudentT against TF: names, op types, seeded samples, values."""

import pytest
from dist_oracle import CLOSE, check, check_close

CLOSE_PROGRAMS = [
    # every method, seeded samples (StudentT's second draw under TF's salted seed), str
    """tf.set_random_seed(5)
ds = [tf.distributions.Laplace([0., 1.], 2.),
      tf.distributions.StudentT([3., 0.5], 1., [1., 2.]),
      tf.distributions.StudentT(tf.constant([[4.], [1.5]]), [0., 1., 2.], 1., name="t")]
exact = [d.sample(3, seed=1) for d in ds] + [ds[0].sample(), ds[1].sample([2, 1]),
         ds[0].mode(), ds[1].mode(), ds[2].batch_shape_tensor(), ds[0].batch_shape_tensor()]
exact += [tf.constant([str(d), repr(d), d.name]) for d in ds]
x = []
for d in ds:
    x += [d.log_prob(0.5), d.prob([[0.25], [-0.75]]), d.entropy(), d.mean(), d.stddev(),
          d.variance(), d.cdf([-0.3, 0.3]), d.log_cdf(0.3), d.survival_function(-0.3),
          d.log_survival_function(0.3)]""" + CLOSE,
    # float64 and fed parameters; the mean and variance where df <= 1 or <= 2
    """df = tf.placeholder(tf.float64, [None])
ds = [tf.distributions.StudentT(df, np.float64(0.), np.float64(2.)),
      tf.distributions.Laplace(tf.constant([0.], tf.float64), np.float64(0.5),
                               validate_args=True)]
exact = [ds[0].sample(2, seed=2), ds[1].sample(4, seed=3), ds[0].mean()]
x = [ds[0].log_prob(1.), ds[0].cdf(-1.), ds[0].entropy(), ds[1].log_prob(2.),
     ds[1].log_cdf([-1., 1.]), ds[1].log_survival_function(-2.)]""" + CLOSE.replace(
        "s.run([x, exact])", "s.run([x, exact], {df: [0.5, 1.5, 3.]})"),
]

PROGRAMS = [
    # allow_nan_stats=False: the mean's and variance's assertions
    """d = tf.distributions.StudentT(tf.placeholder_with_default([0.5, 3.], [2]), 0., 1.,
                                   allow_nan_stats=False)
out = []
with tf.Session() as s:
    for t in [d.mean(), d.variance()]:
        try:
            s.run(t)
            out.append(None)
        except tf.errors.InvalidArgumentError as e:
            out.append([l for l in e.message.split("\\n") if "defined" in l][:1])
result = out""",
    # StudentT's variance fills 2. as float32: float64 parameters fail as in TF
    "tf.distributions.StudentT(np.float64(3.), np.float64(0.), np.float64(1.)).variance()",
    "tf.distributions.Laplace(0., tf.constant(1., tf.float64))",
    "sorted(tf.distributions.StudentT.param_static_shapes([2]).items())",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CLOSE_PROGRAMS)
def test_laplace_and_student_t_match_tf(oracle, code):
    check_close(oracle, code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_laplace_and_student_t_edges_match_tf(oracle, code):
    check(oracle, code)
