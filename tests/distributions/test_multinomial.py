"""tf.distributions.Multinomial and DirichletMultinomial against TF: names, op types, seeded
counts, values. Multinomial draws in a map_fn over the batch's rows, whose 10 parallel
iterations TF's executor runs in an order of its own (README, "Seeded randomness"): its
samples' graph and shapes are compared, and their counts checked to sum to total_count."""

import pytest
from dist_oracle import CLOSE, check, check_close

CLOSE_PROGRAMS = [
    """tf.set_random_seed(9)
m = tf.distributions.Multinomial(5., probs=[[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
n = tf.distributions.Multinomial([[3.], [7.]], logits=[0., 1., -1.], name="mm")
d = tf.distributions.DirichletMultinomial(4., [[1., 2., 3.], [0.5, 0.5, 4.]])
e = tf.distributions.DirichletMultinomial([[2.], [6.]], [2., 3., 5.])
ms, ns = m.sample(3, seed=1), n.sample(2, seed=2)
exact = [tf.shape(ms), tf.shape(ns), tf.reduce_sum(ms, -1), tf.reduce_sum(ns, -1),
         d.sample(2, seed=3),
         m.batch_shape_tensor(), n.batch_shape_tensor(), m.event_shape_tensor(),
         d.batch_shape_tensor(), m.mean(), n.total_count, d.total_concentration]
exact += [tf.constant([str(t), repr(t), t.name]) for t in [m, n, d, e]]
x = [m.log_prob([1., 2., 2.]), m.prob([[5., 0., 0.], [0., 0., 5.]]), m.variance(),
     m.stddev(), m.covariance(), n.log_prob([1., 1., 1.]), n.covariance(),
     d.log_prob([1., 1., 2.]), d.prob([[4., 0., 0.]]), d.mean(), d.variance(), d.stddev(),
     d.covariance(), e.log_prob([[1., 0., 1.], [2., 2., 2.]]), e.covariance()]""" + CLOSE,
    # fed parameters, float64, validate_args' checks
    """p = tf.placeholder(tf.float64, [None, 2])
m = tf.distributions.Multinomial(np.float64(3.), probs=p, validate_args=True)
d = tf.distributions.DirichletMultinomial(np.float64(2.), p * 4., validate_args=True)
exact = [d.sample(3, seed=5), m.batch_shape_tensor()]
x = [m.log_prob([1., 2.]), d.log_prob([2., 0.]), d.covariance(), m.covariance()]
""" + CLOSE.replace("s.run([x, exact])", "s.run([x, exact], {p: [[0.25, 0.75], [0.5, 0.5]]})"),
]

PROGRAMS = [
    # validate_args: counts that do not sum to total_count, fractional or negative counts
    """m = tf.distributions.Multinomial(3., probs=[0.5, 0.5], validate_args=True)
d = tf.distributions.DirichletMultinomial(3., [1., 1.], validate_args=True)
out = []
with tf.Session() as s:
    for t in [m.log_prob([1., 1.]), m.log_prob([1.5, 1.5]), m.log_prob([-1., 4.]),
              d.log_prob([1., 1.]), d.log_prob([0., 3.])]:
        try:
            out.append(s.run(t).tolist())
        except tf.errors.InvalidArgumentError as e:
            out.append([l for l in e.message.split("\\n")
                        if "must" in l or "fraction" in l][:1])
result = out""",
    "tf.distributions.Multinomial(2., logits=[1., 2.], probs=[0.5, 0.5])",
    "tf.distributions.Multinomial(2., probs=[0.5, 0.5]).entropy()",
    "tf.distributions.DirichletMultinomial(2., [1.], validate_args=True)",
    # TF's sampler draws one count for all rows: a vector total_count fails in its shape check
    "tf.distributions.DirichletMultinomial([2., 6.], [2., 3., 5.]).sample()",
    # Multinomial's map_fn writes one_hot's float32 counts: TF logs the float64 TensorArray's
    # dtype when building, and the write fails when it runs
    """m = tf.distributions.Multinomial(np.float64(3.), probs=np.array([0.25, 0.75]))
s = m.sample(2, seed=4)
with tf.Session() as sess:
    try:
        result = sess.run(s).tolist()
    except tf.errors.InvalidArgumentError as e:
        result = [l for l in e.message.split("\n") if "dtype" in l]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CLOSE_PROGRAMS)
def test_multinomials_match_tf(oracle, code):
    check_close(oracle, code)


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_multinomial_edges_match_tf(oracle, code):
    check(oracle, code)
