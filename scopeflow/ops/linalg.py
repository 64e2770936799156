"""Matrix products (MatMul, BatchMatMulV2, Einsum, tensordot) and tf.linalg decompositions."""

import jax
import jax.numpy as jnp
import numpy as np

from scopeflow.core.tensor import SymbolicTensor
from scopeflow.ops import registry
from scopeflow.ops.eigen_sum import computed_once
from scopeflow.ops.op_util import name_scope, tensor, typed_op
from scopeflow.ops.registry import ShapeError, broadcast_dims, spec


# ---- MatMul / BatchMatMulV2 -----------------------------------------------------------------
def _matmul_shape(a, b, *, transpose_a=False, transpose_b=False, grad_a=False, grad_b=False):
    da, db = a.shape._dims, b.shape._dims
    for d in (da, db):
        if d is not None and len(d) != 2:
            raise ShapeError("Shape must be rank 2 but is rank %d" % len(d))
    m, k1 = (None, None) if da is None else ((da[1], da[0]) if transpose_a else da)
    k2, n = (None, None) if db is None else ((db[1], db[0]) if transpose_b else db)
    _same(k1, k2)
    return spec((m, n), a.dtype.base_dtype)


def _same(x, y):
    if x is not None and y is not None and x != y:
        raise ShapeError("Dimensions must be equal, but are %d and %d" % (x, y))
    return x if x is not None else y


def _adj(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


def _check_inner(a, b, ta, tb, tail):
    """TF's run-time check of fed shapes: the contracted dimensions agree."""
    sa, sb = np.shape(a), np.shape(b)
    if len(sa) >= 2 and len(sb) >= 2 and sa[-2 if ta else -1] != sb[-1 if tb else -2]:
        raise ValueError("Matrix size-incompatible: In[0]: [%s], In[1]: [%s]%s"
                         % (",".join(map(str, sa)), ",".join(map(str, sb)), tail))


@typed_op("MatMul", infer=_matmul_shape)
def _mat_mul(a, b, *, transpose_a=False, transpose_b=False, grad_a=False, grad_b=False):
    _check_inner(a, b, transpose_a, transpose_b, "")
    return _dot(a.T if transpose_a else a, b.T if transpose_b else b)


def _dot(x, y):
    """jnp.matmul(x, y); a product contracting a dim of 1 (an outer product) is a multiply of
    operands computed once, its zeros +0.

    XLA rewrites a dot over 1 into a broadcast multiply and fuses the operands' producers
    into it, so each operand value was computed again for every product it enters (no barrier
    survives to XLA:CPU's fusion). In CapsNet's train step (issue 14) the gradient of the
    tiled routing weight, a batch of 16x1 @ 1x8 products summed over the batch, recomputed
    the routing softmax and squash 128 times per value: 4.0 s of a 4.7 s step. Here each
    operand is a reduce (`computed_once`), which XLA does not copy into its consumers. TF's
    kernel adds x * y to 0, so -1 * 0 is +0, where a multiply gives -0."""
    sx, sy = np.shape(x), np.shape(y)
    if len(sx) >= 2 and len(sy) >= 2 and sx[-1] == 1:
        p = computed_once(x) * computed_once(y)
        return jnp.where(p == 0, jnp.zeros((), p.dtype), p)
    if len(sy) >= 3 and sy[-1] == 1 and len(sx) >= 2:
        out = _broadcast_matvecs(x, y)
        if out is not None:
            return out
    return jnp.matmul(x, y)


def _broadcast_matvecs(x, y):
    """Matrices x (..., M, K) broadcast over batch dims where vectors y (..., K, 1) are not
    (CapsNet's routing weight times each example's capsules), or None for other shapes.

    jnp.matmul makes those dims the vectors' free dims, between M and the 1, so the product
    comes out with M strided and its transpose into place reads one float a cache line
    (CapsNet: 0.2 s for 9.2M floats). Taking the vectors as the left operand puts M last."""
    sx, sy = np.shape(x), np.shape(y)
    if not (jnp.issubdtype(x.dtype, jnp.inexact) and x.dtype == y.dtype):
        return None
    n = max(len(sx), len(sy)) - 2
    bx, by = (1,) * (n + 2 - len(sx)) + sx[:-2], (1,) * (n + 2 - len(sy)) + sy[:-2]
    only_y = [d for d in range(n) if bx[d] == 1 and by[d] != 1]
    if not only_y or any(by[d] == 1 and bx[d] != 1 for d in range(n)):
        return None
    common = [d for d in range(n) if d not in only_y]
    m = jnp.reshape(x, tuple(bx[d] for d in common) + sx[-2:])  # (C..., M, K)
    v = jnp.transpose(jnp.reshape(y, by + sy[-2:-1]), common + only_y + [n])  # (C..., D..., K)
    nc = len(common)
    o = jax.lax.dot_general(v, m, (((v.ndim - 1,), (m.ndim - 1,)),
                                   (tuple(range(nc)), tuple(range(nc)))))  # (C..., D..., M)
    at = [common.index(d) if d in common else nc + only_y.index(d) for d in range(n)]
    return jnp.transpose(o, at + [o.ndim - 1])[..., None]


def _batch_matmul_shape(x, y, *, adj_x=False, adj_y=False, grad_x=False, grad_y=False):
    dx, dy = x.shape._dims, y.shape._dims
    for d in (dx, dy):
        if d is not None and len(d) < 2:
            raise ShapeError("Shape must be at least rank 2 but is rank %d" % len(d))
    if dx is None or dy is None:
        return spec(None, x.dtype.base_dtype)
    m, k1 = (dx[-1], dx[-2]) if adj_x else dx[-2:]
    k2, n = (dy[-1], dy[-2]) if adj_y else dy[-2:]
    _same(k1, k2)
    batch = broadcast_dims(dx[:-2], dy[:-2])
    return spec(batch + (m, n), x.dtype.base_dtype)


@typed_op("BatchMatMulV2", infer=_batch_matmul_shape)
def _batch_mat_mul(x, y, *, adj_x=False, adj_y=False, grad_x=False, grad_y=False):
    sx, sy = np.shape(x), np.shape(y)
    for i, s in enumerate((sx, sy)):  # (a tensor fed with a rank the graph did not know)
        if len(s) < 2:
            raise ValueError("In[%d] ndims must be >= 2: %d" % (i, len(s)))
    try:
        np.broadcast_shapes(sx[:-2], sy[:-2])
    except ValueError:
        raise ValueError("In[0] and In[1] must have compatible batch dimensions: [%s] vs. [%s]"
                         % (",".join(map(str, sx)), ",".join(map(str, sy)))) from None
    _check_inner(x, y, adj_x, adj_y, " %d %d" % (bool(adj_x), bool(adj_y)))
    return _dot(_adj(x) if adj_x else x, _adj(y) if adj_y else y)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, grad_a=False, grad_b=False,
           name=None):
    """`tf.matmul`: MatMul for matrices, BatchMatMulV2 when a rank is above 2 or unknown.

    >>> import scopeflow as tf
    >>> tf.matmul(tf.ones([2, 3]), tf.ones([3, 4])).shape.as_list()
    [2, 4]
    """
    for t, adj, s in ((transpose_a, adjoint_a, "a"), (transpose_b, adjoint_b, "b")):
        if t and adj:
            raise ValueError("Only one of `transpose_%s` and `adjoint_%s` can be True. Received "
                             "`transpose_%s`=True, `adjoint_%s`=True." % (s, s, s, s))
    if name is None:  # hot path (same names): matrices, or Variables of matrices
        fa, fb = _plain_tensor(a), _plain_tensor(b)
        if fa is not None and fb is not None and fa.graph is fb.graph and not (
                (adjoint_a or adjoint_b or transpose_a or transpose_b)
                and fa.dtype.base_dtype.is_complex):
            da, db = fa._shape._dims, fb._shape._dims
            if da is not None and len(da) <= 2 and db is not None and len(db) <= 2:
                return _mat_mul(fa, fb, name="MatMul",
                                transpose_a=bool(transpose_a or adjoint_a),
                                transpose_b=bool(transpose_b or adjoint_b), grad_a=grad_a,
                                grad_b=grad_b)
    with name_scope(name, "MatMul", [a, b]) as scope:
        a, b = tensor(a, name="a"), tensor(b, name="b")
        ra, rb = a.shape.ndims, b.shape.ndims
        batch = ra is None or ra > 2 or rb is None or rb > 2
        if a.dtype.base_dtype.is_complex:
            # TF's kernels: MatMul has no adjoint (conj, then transpose), BatchMatMulV2 no
            # transpose (conj, then adjoint); Conj ops only for complex inputs
            from scopeflow.ops.math_unary import conj
            if batch and transpose_a or not batch and adjoint_a:
                a = conj(a)
            if batch and transpose_b or not batch and adjoint_b:
                b = conj(b)
        if batch:
            return _batch_mat_mul(a, b, name=scope, adj_x=bool(adjoint_a or transpose_a),
                                  adj_y=bool(adjoint_b or transpose_b), grad_x=grad_a,
                                  grad_y=grad_b)
        return _mat_mul(a, b, name=scope, transpose_a=bool(transpose_a or adjoint_a),
                        transpose_b=bool(transpose_b or adjoint_b), grad_a=grad_a,
                        grad_b=grad_b)


def _plain_tensor(x):
    """`x` when it is a Tensor, a ref Variable's snapshot, else None (needs conversion)."""
    if type(x) is SymbolicTensor:
        return x
    snapshot = registry.FAST_CONVERSIONS.get(type(x))
    return None if snapshot is None else snapshot(x)


def batch_matmul(x, y, adj_x=False, adj_y=False, name=None):
    return _batch_mat_mul(x, y, name=name or "BatchMatMulV2", adj_x=adj_x, adj_y=adj_y)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """`tf.linalg.matvec`: matmul with `b` as a column ('MatVec/Squeeze')."""
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name, "MatVec", [a, b]):
        a, b = tensor(a, name="a"), tensor(b, name="b")
        out = matmul(a, array.expand_dims(b, -1), transpose_a=transpose_a,
                     adjoint_a=adjoint_a)
        return array.squeeze(out, axis=-1)


# ---- Einsum ---------------------------------------------------------------------------------
def resolve_equation(equation, n_inputs):
    """TF's stored equation: spaces dropped, the implicit output ('ij,jk' -> 'ij,jk->ik')."""
    eq = equation.replace(" ", "")
    lhs = eq.split("->")[0]
    if len(lhs.split(",")) != n_inputs:
        raise ValueError('Got %d inputs for equation "%s", expecting %d'
                         % (n_inputs, equation, len(lhs.split(","))))
    if "->" in eq:
        return eq
    letters = lhs.replace(",", "").replace(".", "")
    out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return "%s->%s%s" % (lhs, "..." if "..." in lhs else "", out)


def _einsum_shape(inputs, *, equation, N=None):  # noqa: N803 - TF attr name
    lhs, out = equation.split("->")
    sizes, ell = {}, ()
    for sub, t in zip(lhs.split(","), inputs):
        d = t.shape._dims
        if d is None:
            return spec(None, inputs[0].dtype.base_dtype)
        named = sub.replace("...", "")
        n_ell = len(d) - len(named)
        if "..." in sub:
            i = sub.index("...")
            ell = broadcast_dims(ell, d[i:i + n_ell])
            d = d[:i] + d[i + n_ell:]
        for c, v in zip(named, d):
            sizes[c] = _same(sizes.get(c), v)
    dims = []
    for part in out.split("..."):
        dims.append(tuple(sizes.get(c) for c in part))
    shape = dims[0] + (ell + dims[1] if len(dims) > 1 else ())
    return spec(shape, inputs[0].dtype.base_dtype)


def _check_einsum_dims(equation, inputs):
    """TF's run-time checks of fed operands: each rank, then each label's size as first seen."""
    terms = equation.replace(" ", "").split("->")[0].split(",")
    if any("." in t for t in terms):
        return
    sizes = {}
    for i, (term, x) in enumerate(zip(terms, inputs)):
        shape = np.shape(x)
        if len(shape) != len(term):
            raise ValueError("Expected input %d to have rank %d but got: %d"
                             % (i, len(term), len(shape)))
        for axis, (label, d) in enumerate(zip(term, shape)):
            if sizes.setdefault(label, d) != d:
                raise ValueError("Expected dimension %d at axis %d of the input shaped [%s] but "
                                 "got dimension %d" % (sizes[label], axis,
                                                       ",".join(map(str, shape)), d))


@typed_op("Einsum", infer=_einsum_shape, lists=("inputs",))
def _einsum_op(inputs, *, equation, N=None):  # noqa: N803
    _check_einsum_dims(equation, inputs)
    return jnp.einsum(equation, *inputs)


def einsum(equation, *inputs, **kwargs):
    """`tf.einsum`: one Einsum op in scope 'einsum'.

    >>> import scopeflow as tf
    >>> tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4])).name
    'einsum/Einsum:0'
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Invalid keyword arguments for this function: %s. Expected: name"
                        % ", ".join(sorted(kwargs)))
    # a variable is read in the op's own scope: einsum/Einsum/ReadVariableOp
    with name_scope(name, "einsum", inputs), name_scope(None, "Einsum", inputs) as scope:
        ts = [tensor(x) for x in inputs]
        eq = resolve_equation(equation, len(ts))
        return _einsum_op(ts, equation=eq, N=len(ts), name=scope)


# ---- tensordot ------------------------------------------------------------------------------
def _tensordot_axes(rank, axes, a=None):
    if isinstance(axes, (int, np.integer)):
        if axes < 0:
            raise ValueError("`axes` must be at least 0. Received: %s." % axes)
        if axes > rank:
            raise ValueError("`axes` must not be larger than the number of dimensions of tensor "
                             "%s.  Received %d, vs tensor dimensions %d." % (a, axes, rank))
        return list(range(rank - axes, rank)), list(range(axes))
    axes = list(axes)
    if len(axes) != 2:
        raise ValueError("`axes` must be an integer or have length 2. Received %s." % (axes,))
    a, b = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
    if len(a) != len(b):
        raise ValueError("Different number of contraction axes `a` and `b`, %d != %d."
                         % (len(a), len(b)))
    return a, b


def _tensordot_reshape(x, axes, flipped=False):
    """(x as a matrix, its free dims: a list, or an int32 tensor when not all known, the free
    dims as known statically) as TF's tensordot builds them."""
    from scopeflow.ops.op_util import array_ops as array
    if x.shape.is_fully_defined() and isinstance(axes, list):
        shape = x.shape.as_list()
        r = len(shape)
        axes = [i if i >= 0 else i + r for i in axes]
        free = [i for i in range(r) if i not in axes]
        free_dims = [shape[i] for i in free]
        prod_free = int(np.prod(free_dims))
        prod_axes = int(np.prod([shape[i] for i in axes]))
        perm = axes + free if flipped else free + axes
        new_shape = [prod_axes, prod_free] if flipped else [prod_free, prod_axes]
        if perm != list(range(r)):
            x = array.transpose(x, perm)
        if x.shape.as_list() != new_shape:
            x = array.reshape(x, new_shape)
        return x, free_dims, free_dims
    return _tensordot_reshape_dynamic(x, axes, flipped)


def _tensordot_reshape_dynamic(x, axes, flipped):
    """Dims known only when the program runs: TF's Shape / GatherV2 / Prod / transpose /
    Reshape subgraph (with ListDiff for the free axes when even the rank is unknown)."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops.op_util import array_ops as array
    from scopeflow.ops.reductions import reduce_prod
    from scopeflow.ops.shape_ops import range as tf_range
    from scopeflow.ops.shape_ops import rank
    if x.shape.ndims is not None and isinstance(axes, list):
        shape = x.shape.as_list()
        axes = [i if i >= 0 else i + len(shape) for i in axes]
        free = [i for i in range(len(shape)) if i not in axes]
        static = [shape[i] for i in free]
        axes = tensor(np.asarray(axes, np.int32), name="axes")
        free = tensor(np.asarray(free, np.int32), name="free")
        shape_x = array.shape(x)
    else:
        static = None
        shape_x, rank_x = array.shape(x), rank(x)
        axes = tensor(axes, name="axes", dtype=_dt.int32)
        axes = array.where(axes >= 0, axes, axes + rank_x)
        free, _ = array.setdiff1d(tf_range(rank_x), axes, _dt.int32)
    free_dims = array.gather(shape_x, free)
    axes_dims = array.gather(shape_x, axes)
    prod_free, prod_axes = reduce_prod(free_dims), reduce_prod(axes_dims)
    if flipped:
        perm, new_shape = array.concat([axes, free], 0), array.stack([prod_axes, prod_free])
    else:
        perm, new_shape = array.concat([free, axes], 0), array.stack([prod_free, prod_axes])
    return array.reshape(array.transpose(x, perm), new_shape), free_dims, static


def tensordot(a, b, axes, name=None):
    """`tf.tensordot`: transpose/reshape to one MatMul, as TF builds it.

    >>> import scopeflow as tf
    >>> tf.tensordot(tf.ones([2, 3, 4]), tf.ones([4, 5]), 1).shape.as_list()
    [2, 3, 5]
    """
    from scopeflow.ops.op_util import array_ops as array
    with name_scope(name, "Tensordot", [a, b, axes]) as scope:
        a, b = tensor(a, name="a"), tensor(b, name="b")
        if isinstance(axes, (int, np.integer)) and a.shape.ndims is None:
            a_axes, b_axes = _rank_axes(a, axes)
        else:
            a_axes, b_axes = _tensordot_axes(a.shape.ndims, axes, a)
        a2, a_free, a_static = _tensordot_reshape(a, a_axes)
        b2, b_free, b_static = _tensordot_reshape(b, b_axes, True)
        ab = matmul(a2, b2)
        if isinstance(a_free, list) and isinstance(b_free, list):
            if ab.shape.as_list() == a_free + b_free:
                return ab
            return array.reshape(ab, a_free + b_free, name=scope)
        a_free = a_free if not isinstance(a_free, list) else tensor(
            np.asarray(a_free, np.int32))
        b_free = b_free if not isinstance(b_free, list) else tensor(
            np.asarray(b_free, np.int32))
        product = array.reshape(ab, array.concat([a_free, b_free], 0), name=scope)
        if a_static is not None and b_static is not None:
            product.set_shape(a_static + b_static)
        return product


def _rank_axes(a, n):
    """The last `n` axes of `a` (of unknown rank) and the first `n`: int32 ranges."""
    from scopeflow import dtypes as _dt
    from scopeflow.ops.shape_ops import range as tf_range
    from scopeflow.ops.shape_ops import rank
    if n < 0:
        raise ValueError("`axes` must be at least 0. Received: %s." % n)
    r = rank(a)
    return tf_range(r - n, r, dtype=_dt.int32), tf_range(n, dtype=_dt.int32)


from scopeflow.ops.linalg_ops import *  # noqa: E402,F401,F403 - decompositions and solvers
