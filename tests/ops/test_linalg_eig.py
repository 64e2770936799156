"""tf.linalg.eig / eigvals (the Eig op) against real TF 2.21.

TF's compat.v1 namespace has no linalg.eig (TF exports it for v2 only); the snippets reach
TF's through tf.compat.v2 and scopeflow's through tf.linalg. Checked: the graph (names, op
types, Tout), shape rules and errors, run-time errors, and values: complex inputs exactly in
TF's order and eigenvector phases (Eigen's ComplexEigenSolver, eigen_eig.py), real inputs
too (Eigen's EigenSolver, eigen_real_eig.py)."""

import pytest
from eig_oracle import check

SNIPPETS = {
    "graph_shapes_errors": """
a = tf.placeholder(tf.float32, [None, 3, 3], name="a")
e, v = linalg.eig(a)
ev = linalg.eigvals(tf.placeholder(tf.complex128, [2, None]), name="vals")
u = linalg.eig(tf.placeholder(tf.float64))
raw = tf.raw_ops.Eig(input=a, Tout=tf.complex128, compute_v=False)
def shape_of(x):
    return x.shape.as_list() if x.shape.ndims is not None else None
info = [[t.name, t.dtype.name, shape_of(t)] for t in (e, v, ev, u[0], u[1], raw.e, raw.v)]
node = tf.get_default_graph().get_operation_by_name("Eig")
attrs = [node.get_attr("T").name, node.get_attr("Tout").name, node.get_attr("compute_v")]
errs = [err(lambda: linalg.eig(tf.placeholder(tf.float32, [3, 4]))),
        err(lambda: linalg.eigvals(tf.placeholder(tf.float64, [3]))),
        err(lambda: linalg.eig(tf.placeholder(tf.int32, [2, 2]))),
        err(lambda: linalg.eigvals(tf.placeholder(tf.float16, [2, 2]))),
        err(lambda: tf.raw_ops.Eig(input=tf.placeholder(tf.float16, [2, 2]),
                                   Tout=tf.complex64)),
        err(lambda: tf.raw_ops.Eig(input=a, Tout=tf.float32)),
        err(lambda: linalg.eig([[1., 2.], [3., 4.]])),
        [t.dtype.name for t in linalg.eig(np.eye(2, dtype=np.float32))]]
p = tf.placeholder(tf.float32)
pe, pv = linalg.eig(p)
def fed(x):
    return err(lambda: [cx(r) for r in run([pe, pv], {p: x})])
runs = [fed(x) for x in (np.ones(3), np.ones((2, 3)), np.full((2, 2), np.nan),
                         [[np.inf, 1], [1, 2]], np.zeros((0, 0)), np.zeros((2, 0, 0)),
                         [[3.]], np.zeros((0, 2, 2)))]
novec = tf.raw_ops.Eig(input=p, Tout=tf.complex64, compute_v=False)
runs.append([list(np.shape(r)) for r in run(novec, {p: np.ones((2, 3, 3))})])
wide = tf.raw_ops.Eig(input=p, Tout=tf.complex128)
runs.append(err(lambda: run(wide, {p: np.eye(2)})))
result = [info, attrs, errs, runs, graph()]
""",
    "complex_values_exact": """
xs = [(rng.randn(*s) + 1j * rng.randn(*s)).astype(dt)
      for s, dt in (((12, 3, 3), np.complex64), ((8, 5, 5), np.complex64),
                    ((6, 4, 4), np.complex128), ((3, 8, 8), np.complex128))]
xs.append(np.array([[1, 2j, 0.5], [0.1, 1, 1], [2, 0.3, 3 - 1j]], np.complex64))
xs.append(np.diag([2, -1, 1j, 0.5]).astype(np.complex128))
outs = [linalg.eig(tf.constant(x)) for x in xs] + [linalg.eigvals(tf.constant(x)) for x in xs]
result = [cx(r) if not isinstance(r, tuple) else [cx(r[0]), cx(r[1])] for r in run(outs)]
""",
    "real_values_exact": """
xs = [rng.randn(10, 4, 4).astype(np.float32), rng.randn(5, 6, 6), rng.randn(2, 12, 12),
      rng.randint(-3, 4, (4, 3, 3)).astype(np.float64), np.eye(3, dtype=np.float32),
      np.triu(rng.randn(4, 4)).astype(np.float32), [[0., 1.], [-1., 0.]], [[2.]]]
outs = [linalg.eig(tf.constant(x)) for x in xs] + [linalg.eigvals(tf.constant(x)) for x in xs]
result = [cx(r) if not isinstance(r, tuple) else [cx(r[0]), cx(r[1])] for r in run(outs)]
""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_linalg_eig_matches_tf(oracle, name):
    check(oracle, SNIPPETS[name])
