"""Gradients of ops with no graph gradient here: tf.gradients takes the SymbolicGradient path
(jax.vjp of the op's kernel), which is silently wrong where a kernel uses a trick JAX cannot
differentiate (bit operations, rounding, where-clipping). Each case differentiates
sum(op(x) * w) (w fixed, random; float outputs only) with respect to float64 inputs drawn at
generic points inside the op's domain, and compares with TF (rtol 1e-6), or TF's error where
TF has no gradient. TF runs the whole table in one call."""

import json

import numpy as np
import pytest
from oracle import run_here

DRIVER = r'''
import numpy as np
def _inputs(name, specs):
    rng = np.random.RandomState(sum(map(ord, name)))
    out = []
    for s in specs:
        if isinstance(s, str):  # "spdN": a well-conditioned symmetric positive definite matrix
            n = int(s[3:])
            a = rng.uniform(-1, 1, (n, n))
            out.append(a @ a.T + n * np.eye(n))
        elif isinstance(s, tuple):  # (shape, low, high): uniform
            out.append(rng.uniform(s[1], s[2], s[0]))
        else:  # literal values
            out.append(np.array(s, np.float64))
    return out
def _floats(ys):
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    ys = [getattr(y, "values", y) if not hasattr(y, "op") else y for y in ys]
    return [y for y in ys if y.dtype == tf.float64]
def _shape(y):
    if y.shape.is_fully_defined():
        return y.shape.as_list()
    with tf.Session() as s:  # (segment ops: the row count is known when run)
        return s.run(tf.shape(y)).tolist()
def run_case(case):
    name, specs, expr = case
    tf.reset_default_graph()
    xs = [tf.constant(v, tf.float64, name="x%d" % i)
          for i, v in enumerate(_inputs(name, specs))]
    env = {"tf": tf, "np": np}
    env.update(("x%d" % i, x) for i, x in enumerate(xs))
    rng = np.random.RandomState(7)
    try:
        ys = _floats(eval(expr, env))
        loss = tf.add_n([tf.reduce_sum(y * rng.uniform(-1, 1, _shape(y))) for y in ys])
        grads = [None if g is None else tf.convert_to_tensor(g)
                 for g in tf.gradients(loss, xs)]
        with tf.Session() as s:
            vals = iter(s.run([g for g in grads if g is not None]))
    except Exception as e:  # noqa: BLE001 - the error is the result
        return ["raises", type(e).__name__, str(e)[:300]]
    return [None if g is None else [float(v).hex() for v in np.ravel(next(vals))]
            for g in grads]
'''

M34 = ((3, 4), -2.0, 2.0)
POS34 = ((3, 4), 0.5, 3.0)
IMG = ((1, 4, 4, 2), -1.0, 1.0)
VOL = ((1, 4, 4, 4, 2), -1.0, 1.0)


def _second(fn, shape, lo=-1.0, hi=1.0):
    """A case through the gradient of `fn` (its *Grad op has no graph gradient here)."""
    return ([(shape, lo, hi), (shape, -1.0, 1.0)],
            "tf.gradients(tf.reduce_sum(%s * x1), x0)[0]" % fn)


CASES = [
    # unary special functions
    ("BesselI0e", [M34], "tf.math.bessel_i0e(x0)"),
    ("BesselI1e", [M34], "tf.math.bessel_i1e(x0)"),
    ("Digamma", [POS34], "tf.math.digamma(x0)"),
    ("Erfc", [M34], "tf.math.erfc(x0)"),
    ("Erfinv", [((3, 4), -0.9, 0.9)], "tf.math.erfinv(x0)"),
    ("Ndtri", [((3, 4), 0.05, 0.95)], "tf.math.ndtri(x0)"),
    # binary
    ("TruncateMod", [((3, 4), -5.0, 5.0), ((3, 4), 0.5, 2.0)], "tf.truncatemod(x0, x1)"),
    ("Betainc", [POS34, POS34, ((3, 4), 0.1, 0.9)], "tf.math.betainc(x0, x1, x2)"),
    ("Polygamma", [[[0.0, 1.0, 2.0], [1.0, 3.0, 0.0]], ((2, 3), 0.5, 3.0)],
     "tf.math.polygamma(x0, x1)"),
    ("Zeta", [((2, 3), 1.5, 4.0), ((2, 3), 0.5, 3.0)], "tf.math.zeta(x0, x1)"),
    ("NextAfter", [M34, M34], "tf.math.nextafter(x0, x1)"),
    # reductions and scans
    ("Prod", [((3, 4), 0.5, 1.5)], "tf.reduce_prod(x0, axis=1)"),
    ("Prod_all", [((3, 4), 0.5, 1.5)], "tf.reduce_prod(x0)"),
    ("Prod_keepdims", [((3, 4), 0.5, 1.5)], "tf.reduce_prod(x0, axis=0, keepdims=True)"),
    ("Prod_zero", [[[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]]], "tf.reduce_prod(x0, axis=1)"),
    ("Cumprod", [((3, 4), 0.5, 1.5)], "tf.math.cumprod(x0, axis=1)"),
    ("Cumprod_exclusive", [((3, 4), 0.5, 1.5)], "tf.math.cumprod(x0, axis=1, exclusive=True)"),
    ("Cumprod_reverse", [((3, 4), 0.5, 1.5)], "tf.math.cumprod(x0, axis=0, reverse=True)"),
    ("Cumprod_both", [((3, 4), -1.5, 1.5)],
     "tf.math.cumprod(x0, axis=1, exclusive=True, reverse=True)"),
    # linear algebra
    ("Cholesky", ["spd3"], "tf.linalg.cholesky(x0)"),
    ("Cross", [((4, 3), -1.0, 1.0), ((4, 3), -1.0, 1.0)], "tf.linalg.cross(x0, x1)"),
    ("Einsum_matmul", [M34, ((4, 2), -1.0, 1.0)], "tf.einsum('ij,jk->ik', x0, x1)"),
    ("Einsum_batch", [((2, 3, 4), -1.0, 1.0), ((2, 4, 2), -1.0, 1.0)],
     "tf.einsum('bij,bjk->bki', x0, x1)"),
    ("Einsum_reduce", [M34], "tf.einsum('ij->j', x0)"),
    ("Einsum_outer", [((3,), -1.0, 1.0), ((2,), -1.0, 1.0)], "tf.einsum('i,j->ij', x0, x1)"),
    ("LogMatrixDeterminant", ["spd3"], "tf.linalg.slogdet(x0)"),
    ("LogMatrixDeterminant_general", [((2, 3, 3), -1.0, 1.0)], "tf.linalg.slogdet(x0)"),
    ("MatrixDeterminant", [((2, 3, 3), -1.0, 1.0)], "tf.linalg.det(x0)"),
    ("MatrixInverse", ["spd3"], "tf.linalg.inv(x0)"),
    ("MatrixInverse_general", [((3, 3), -1.0, 1.0)], "tf.linalg.inv(x0)"),
    ("MatrixInverse_adjoint", [((3, 3), -1.0, 1.0)], "tf.linalg.inv(x0, adjoint=True)"),
    ("MatrixSolve", [((3, 3), -1.0, 1.0), ((3, 2), -1.0, 1.0)], "tf.linalg.solve(x0, x1)"),
    ("MatrixSolve_adjoint", [((3, 3), -1.0, 1.0), ((3, 2), -1.0, 1.0)],
     "tf.linalg.solve(x0, x1, adjoint=True)"),
    ("MatrixTriangularSolve_lower", [((3, 3), 1.0, 2.0), ((3, 2), -1.0, 1.0)],
     "tf.linalg.triangular_solve(x0, x1, lower=True)"),
    ("MatrixTriangularSolve_upper_adjoint", [((3, 3), 1.0, 2.0), ((3, 2), -1.0, 1.0)],
     "tf.linalg.triangular_solve(x0, x1, lower=False, adjoint=True)"),
    ("Qr", [((4, 3), -1.0, 1.0)], "tf.linalg.qr(x0)"),
    ("Qr_square", [((3, 3), -1.0, 1.0)], "tf.linalg.qr(x0)"),
    ("Qr_full_wide", [((4, 3), -1.0, 1.0)], "tf.linalg.qr(x0, full_matrices=True)"),
    ("Svd_values", [((4, 3), -1.0, 1.0)], "tf.linalg.svd(x0, compute_uv=False)"),
    ("Svd_vectors", [((3, 3), -1.0, 1.0)],
     "(lambda s, u, v: [s, tf.einsum('ik,jk->ijk', u, v)])(*tf.linalg.svd(x0))"),
    ("SelfAdjointEigV2_values", ["spd3"], "tf.linalg.eigvalsh(x0)"),
    ("SelfAdjointEigV2_vectors", ["spd3"],
     "(lambda e, v: [e, tf.einsum('ik,jk->ijk', v, v)])(*tf.linalg.eigh(x0))"),
    ("Lu", [((3, 3), -1.0, 1.0)], "tf.linalg.lu(x0)"),
    ("MatrixBandPart", [((4, 4), -1.0, 1.0)], "tf.linalg.band_part(x0, 1, 0)"),
    ("Diag", [((2, 3), -1.0, 1.0)], "tf.linalg.tensor_diag(x0)"),
    ("DiagPart", [((2, 3, 2, 3), -1.0, 1.0)], "tf.linalg.tensor_diag_part(x0)"),
    ("MatrixDiagPartV3", [((2, 3, 4), -1.0, 1.0)], "tf.linalg.diag_part(x0, k=1)"),
    ("MatrixDiagV3", [((2, 3), -1.0, 1.0)], "tf.linalg.diag(x0, k=1)"),
    ("MatrixSetDiagV3", [((2, 3, 3), -1.0, 1.0), ((2, 3), -1.0, 1.0)],
     "tf.linalg.set_diag(x0, x1)"),
    # complex parts (real inputs, real outputs)
    ("ComplexAbs", [M34, M34], "tf.abs(tf.complex(x0, x1))"),
    ("Angle", [M34, M34], "tf.math.angle(tf.complex(x0, x1))"),
    ("Real_Imag_Conj", [M34, M34],
     "[tf.math.real(tf.math.conj(tf.complex(x0, x1)) * tf.complex(x1, x0)),"
     " tf.math.imag(tf.complex(x0, x1) * tf.complex(x0, x0))]"),
    ("ConjugateTranspose", [((3, 3), -1.0, 1.0), ((3, 3), -1.0, 1.0)],
     "tf.math.imag(tf.linalg.adjoint(tf.complex(x0, x1)) * tf.complex(x1, x0))"),
    # layout and indexing
    ("BatchToSpaceND", [((4, 2, 2, 1), -1.0, 1.0)],
     "tf.batch_to_space_nd(x0, [2, 2], [[0, 0], [0, 1]])"),
    ("SpaceToBatchND", [((1, 4, 3, 1), -1.0, 1.0)],
     "tf.space_to_batch_nd(x0, [2, 2], [[0, 0], [0, 1]])"),
    ("DepthToSpace", [((1, 2, 2, 4), -1.0, 1.0)], "tf.nn.depth_to_space(x0, 2)"),
    ("SpaceToDepth", [((1, 4, 4, 2), -1.0, 1.0)], "tf.nn.space_to_depth(x0, 2)"),
    ("ReverseSequence", [M34], "tf.reverse_sequence(x0, [1, 3, 2], seq_axis=1, batch_axis=0)"),
    ("Roll", [M34], "tf.roll(x0, [1, -2], axis=[0, 1])"),
    ("EnsureShape", [M34], "tf.ensure_shape(x0, [3, 4])"),
    ("CheckNumerics", [M34], "tf.debugging.check_numerics(x0, 'bad')"),
    ("Print", [M34], "tf.Print(x0, [x0])"),
    ("Print_with_fallback_op", [M34], "tf.Print(tf.roll(x0, 1, axis=0), [x0])"),
    ("GuaranteeConst", [M34], "tf.guarantee_const(x0)"),
    ("TopKV2", [M34], "tf.nn.top_k(x0, k=2)"),
    ("SparseSegmentSum", [M34], "tf.sparse.segment_sum(x0, [0, 2, 2], [0, 0, 1])"),
    ("SparseSegmentMean", [M34], "tf.sparse.segment_mean(x0, [0, 2, 2], [0, 0, 1])"),
    ("SparseSegmentSqrtN", [M34], "tf.sparse.segment_sqrt_n(x0, [0, 2, 2], [0, 0, 1])"),
    # sparse
    ("SparseTensorDenseMatMul", [((2,), -1.0, 1.0), ((3, 2), -1.0, 1.0)],
     "tf.sparse.sparse_dense_matmul(tf.SparseTensor([[0, 0], [1, 2]], x0, [2, 3]), x1)"),
    ("SparseTensorDenseAdd", [((2,), -1.0, 1.0), ((2, 3), -1.0, 1.0)],
     "tf.sparse.add(tf.SparseTensor([[0, 0], [1, 2]], x0, [2, 3]), x1)"),
    ("SparseReduceSum", [((3,), -1.0, 1.0)],
     "tf.sparse.reduce_sum(tf.SparseTensor([[0, 0], [1, 2], [1, 0]], x0, [2, 3]), axis=1)"),
    ("SparseToDense", [((2,), -1.0, 1.0)],
     "tf.sparse.to_dense(tf.SparseTensor([[0, 0], [1, 2]], x0, [2, 3]))"),
    ("SparseAdd", [((2,), -1.0, 1.0), ((2,), -1.0, 1.0)],
     "tf.sparse.add(tf.SparseTensor([[0, 0], [1, 2]], x0, [2, 3]),"
     " tf.SparseTensor([[0, 0], [1, 1]], x1, [2, 3]))"),
    # images, pooling, convolutions
    ("ResizeArea", [IMG], "tf.image.resize_area(x0, [3, 3])"),
    ("AdjustContrastv2", [IMG],
     "tf.image.adjust_contrast(tf.cast(x0, tf.float32), 1.5)"),
    ("MaxPoolWithArgmax", [IMG], "tf.nn.max_pool_with_argmax(x0, 2, 2, 'VALID')"),
    ("Conv3D", [VOL, ((2, 2, 2, 2, 3), -1.0, 1.0)],
     "tf.nn.conv3d(x0, x1, [1, 1, 1, 1, 1], 'SAME')"),
    # second order: through the gradient kernels
    ("EluGrad", *_second("tf.nn.elu(x0)", (3, 4))),
    ("SeluGrad", *_second("tf.nn.selu(x0)", (3, 4))),
    ("LeakyReluGrad", *_second("tf.nn.leaky_relu(x0, 0.3)", (3, 4))),
    ("Relu6Grad", *_second("tf.nn.relu6(x0)", (3, 4), -2.0, 8.0)),
    ("SoftplusGrad", *_second("tf.nn.softplus(x0)", (3, 4))),
    ("SoftsignGrad", *_second("tf.nn.softsign(x0)", (3, 4))),
    ("AvgPoolGrad", *_second("tf.nn.avg_pool(x0, 2, 2, 'VALID')", (1, 4, 4, 2))),
    ("MaxPoolGrad", *_second("tf.nn.max_pool(x0, 2, 2, 'VALID') ** 2", (1, 4, 4, 2))),
    ("LRNGrad", *_second("tf.nn.lrn(x0, 2)", (1, 3, 3, 5))),
    ("FusedBatchNormGrad", [IMG, ((1, 4, 4, 2), -1.0, 1.0)],
     "tf.gradients(tf.reduce_sum(tf.nn.fused_batch_norm(tf.cast(x0, tf.float32),"
     " tf.ones([2]), tf.zeros([2]))[0] * tf.cast(x1, tf.float32)), x0)[0]"),
    ("ResizeBilinearGrad", *_second("tf.image.resize_bilinear(x0, [5, 7])", (1, 4, 4, 2))),
    ("ResizeNearestNeighborGrad",
     *_second("tf.image.resize_nearest_neighbor(x0, [5, 7])", (1, 4, 4, 2))),
    ("ResizeBicubicGrad", *_second("tf.image.resize_bicubic(x0, [5, 7])", (1, 4, 4, 2))),
    ("StridedSliceGrad", *_second("x0[1:, ::2] ** 2", (3, 4))),
]


# float32 sums over the batch whose order TF's kernel picks by CPU (oneDNN's batch norm takes
# other vector paths on AVX2 and AVX-512 machines): within a float32 rounding of the scale
ATOL = {"FusedBatchNormGrad": 2.4e-7}


def _program(body):
    return DRIVER + body


@pytest.fixture(scope="module")
def tf_table(oracle):
    out = oracle(_program("result = [run_case(c) for c in %r]" % (CASES,)))
    assert "ok" in out, out
    return dict(zip([c[0] for c in CASES], out["ok"]))


@pytest.mark.oracle
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_fallback_gradient_matches_tf(tf_table, case):
    there = tf_table[case[0]]
    out = run_here(_program("result = run_case(%r)" % (case,)))
    assert "ok" in out, out
    here = out["ok"]
    if there and there[0] == "raises":
        assert here[:2] == there[:2], json.dumps([here, there])
        return
    assert here[0] != "raises", json.dumps([here, there])
    assert [g is None for g in here] == [g is None for g in there], (here, there)
    for mine, theirs in zip(here, there):
        if theirs is None:
            continue
        mine = np.array([float.fromhex(v) for v in mine])
        theirs = np.array([float.fromhex(v) for v in theirs])
        scale = np.abs(theirs).max() if theirs.size else 0.0
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=ATOL.get(case[0], 1e-9) * scale)
