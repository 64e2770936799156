"""Diagonals: matrix_diag / matrix_diag_part / matrix_set_diag (V3 ops), matrix_band_part,
diag / diag_part, eye.

The V3 ops take one diagonal index `k` or a band `(k_lo, k_hi)` (index maps: diag_band.py).
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.shape import dims_str
from scopeflow.core.tensor import Tensor
from scopeflow.ops import array_base as _b
from scopeflow.ops.array_base import (ShapeError, check_rank, check_rank_at_least,
                                      check_rank_at_most, dims_of, rank_of, static_value)
from scopeflow.ops.diag_band import (band_k, check_align, check_bounds, diag_matrix_size,
                                     matrix_index, max_diag_len, part_index, run_band)
from scopeflow.ops.registry import ANY, INDEX, op, spec
from scopeflow.ops.value_checks import check, failed


def _band(k, op_type, align):
    """(lo, hi) of a constant `k`, or None when graph building cannot read it."""
    check_align(op_type, align)
    if isinstance(k, Tensor):
        check_rank_at_most(k, 1)
        v = static_value(k)
    else:
        v = np.asarray(k)
    return None if v is None else band_k(v)


def _as_band(x, lo, hi):
    """A single diagonal's (..., n) as a one-row band (..., 1, n)."""
    return x if lo < hi else x[..., None, :]


def _from_band(x, lo, hi):
    return x if lo < hi else x[..., 0, :]


# ---- MatrixDiagV3 ---------------------------------------------------------------------------
def _diag_v3_shape(diagonal, k, num_rows, num_cols, padding_value, *, align="RIGHT_LEFT"):
    check_rank_at_least(diagonal, 1)
    dims = dims_of(diagonal)
    band, dt = _band(k, "MatrixDiagV3", align), diagonal.dtype.base_dtype
    if dims is None or band is None:
        return spec(None, dt)
    lo, hi = band
    _check_num_diags(dims, lo, hi)
    n = dims[-1]
    if n is None:
        return spec(dims[:-1 if lo == hi else -2] + (None, None), dt)
    r, c = (_scalar_or(v) for v in (num_rows, num_cols))
    rows, cols = diag_matrix_size(n, lo, hi, r, c)
    return spec(dims[:-1 if lo == hi else -2] + (rows, cols), dt)


def _scalar_or(t, default=-1):
    """A known scalar input's int value (TF reads an unknown one as -1: inferred)."""
    v = static_value(t) if isinstance(t, Tensor) else t
    return default if v is None else int(np.asarray(v).reshape(-1)[0])


def _check_num_diags(dims, lo, hi):
    if lo == hi:
        return
    got = dims[len(dims) - 2]  # (TF reads index rank - 2: the last dim of a vector)
    if got != hi - lo + 1:
        raise ShapeError(
            "The number of rows of `diagonal` doesn't match the number of diagonals implied "
            "from `d_lower` and `d_upper`.\nnum_diags = %d, d_lower = %d, d_upper = %d %d %d"
            % (-1 if got is None else got, lo, hi, len(dims),
               -1 if dims[-1] is None else dims[-1]))


@op("MatrixDiagV3", infer=_diag_v3_shape, name="diag",
    types={"k": _dt.int32, "num_rows": _dt.int32, "num_cols": _dt.int32}, context=True)
def _matrix_diag_v3(ctx, diagonal, k, num_rows, num_cols, padding_value, *,
                    align="RIGHT_LEFT"):
    m = _b.xp(diagonal)
    if np.ndim(diagonal) < 1:  # (a fed scalar: the shape rule saw an unknown rank)
        check(ctx, False, "diagonal must be at least 1-dim, received shape: []")
        return m.zeros([1, 1], diagonal.dtype)
    lo, hi = band_k(k)
    band = _as_band(diagonal, lo, hi)
    width = band.shape[-1]
    rows, cols = diag_matrix_size(width, lo, hi, int(np.asarray(num_rows)),
                                  int(np.asarray(num_cols)))
    d, p, valid = matrix_index(rows, cols, lo, hi, width, align)
    return m.where(valid, band[..., d, p], m.asarray(padding_value, diagonal.dtype))


def matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
                align="RIGHT_LEFT"):
    """`tf.linalg.diag`: matrices with `diagonal` on diagonals `k` (an int or a band (lo, hi);
    MatrixDiagV3 'diag').

    >>> import scopeflow as tf
    >>> tf.matrix_diag(tf.ones([3])).shape.as_list()
    [3, 3]
    """
    if getattr(diagonal, "dtype", None) is _dt.bool:
        padding_value = bool(padding_value)
    from scopeflow.ops.registry import apply
    return apply(_matrix_diag_v3.op_def, (diagonal, k, num_rows, num_cols, padding_value),
                 {"align": align}, name)


# ---- MatrixDiagPartV3 / MatrixSetDiagV3 -----------------------------------------------------
def _diag_part_v3_shape(input, k, padding_value, *, align="RIGHT_LEFT"):  # noqa: A002
    check_rank_at_least(input, 2)
    dims = dims_of(input)
    band, dt = _band(k, "MatrixDiagPartV3", align), input.dtype.base_dtype
    if dims is None or band is None:
        return spec(None, dt)
    lo, hi = band
    m, n = dims[-2:]
    check_bounds(lo, hi, m, n)
    width = None if m is None or n is None else max_diag_len(m, n, lo, hi)
    return spec(dims[:-2] + ((hi - lo + 1,) if lo < hi else ()) + (width,), dt)


@op("MatrixDiagPartV3", infer=_diag_part_v3_shape, name="diag_part", types={"k": _dt.int32},
    context=True)
def _matrix_diag_part_v3(ctx, input, k, padding_value, *, align="RIGHT_LEFT"):  # noqa: A002
    m = _b.xp(input)
    if np.ndim(input) < 2:
        check(ctx, False, "input must be at least 2-dim, received shape: %s"
              % dims_str(np.shape(input)))
        return m.zeros([1], input.dtype)
    lo, hi = run_band(k, input.shape[-2], input.shape[-1])
    r, c, valid = part_index(input.shape[-2], input.shape[-1], lo, hi, align)
    out = m.where(valid, input[..., r, c], m.asarray(padding_value, input.dtype))
    return _from_band(out, lo, hi)


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0,  # noqa: A002
                     align="RIGHT_LEFT"):
    """`tf.linalg.diag_part`: diagonals `k` (an int or a band (lo, hi)) of each matrix
    (MatrixDiagPartV3 'diag_part')."""
    if getattr(input, "dtype", None) is _dt.bool:
        padding_value = bool(padding_value)
    from scopeflow.ops.registry import apply
    return apply(_matrix_diag_part_v3.op_def, (input, k, padding_value), {"align": align}, name)


def _set_diag_shape(input, diagonal, k, *, align="RIGHT_LEFT"):  # noqa: A002
    check_rank_at_least(input, 2)
    check_rank_at_least(diagonal, 1)
    band = _band(k, "MatrixSetDiagV3", align)
    dims, rank = dims_of(input), rank_of(input)
    if rank is not None and band is not None:
        lo, hi = band
        check_rank(diagonal, rank - 1 if lo == hi else rank)
        check_bounds(lo, hi, dims[-2], dims[-1])
    elif rank is not None:
        check_rank_at_least(diagonal, rank - 1)
        check_rank_at_most(diagonal, rank)
    return input.shape, input.dtype.base_dtype


@op("MatrixSetDiagV3", infer=_set_diag_shape, name="set_diag", types={"k": _dt.int32},
    context=True)
def _matrix_set_diag_v3(ctx, input, diagonal, k, *, align="RIGHT_LEFT"):  # noqa: A002
    m = _b.xp(input, diagonal)
    lo, hi = band_k(k)
    if failed(ctx, _set_diag_error(np.shape(input), np.shape(diagonal), lo, hi)):
        return input
    rows, cols = input.shape[-2:]
    width = max_diag_len(rows, cols, lo, hi)
    d, p, valid = matrix_index(rows, cols, lo, hi, width, align)
    return m.where(valid, _as_band(diagonal, lo, hi)[..., d, p], input)


def _set_diag_error(shape, diag_shape, lo, hi):
    """TF's kernel error for the shapes of a set_diag ('' when they fit)."""
    if len(shape) < 2:
        return "input must be at least 2-dim, received shape: %s" % dims_str(shape)
    band = () if lo == hi else (hi - lo + 1,)
    if band and (len(diag_shape) < 2 or diag_shape[-2] != band[0]):
        return ("The number of diagonals provided in `diag` is not consistent with "
                "`lower_diag_index` and `upper_diag_index`")
    want = shape[:-2] + band + (max_diag_len(shape[-2], shape[-1], lo, hi),)
    if tuple(diag_shape) != want:
        return ("Either first dimensions of diagonal don't match input.shape[:-2], or "
                "diagonal.shape[:-1] is not equal to the longests diagonal in range "
                "[lower_diag_index:upper_diag_index].\nInput shape: %s\nDiagonal shape: %s"
                "\nExpected diagonal shape: %s" % tuple(dims_str(s) for s in (
                    shape, diag_shape, want)))
    return ""


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`tf.linalg.set_diag`: `input` with diagonals `k` (an int or a band (lo, hi)) replaced
    (MatrixSetDiagV3 'set_diag')."""
    from scopeflow.ops.registry import apply
    return apply(_matrix_set_diag_v3.op_def, (input, diagonal, k), {"align": align}, name)


# ---- MatrixBandPart / Diag / DiagPart -------------------------------------------------------
def _band_shape(input, num_lower, num_upper):  # noqa: A002
    return input.shape, input.dtype.base_dtype  # (TF: a rank below 2 fails only at run time)


@op("MatrixBandPart", infer=_band_shape, types={"num_lower": INDEX, "num_upper": INDEX},
    context=True, same_index=("num_lower", "num_upper"))
def _matrix_band_part(ctx, input, num_lower, num_upper):  # noqa: A002
    m = _b.xp(input, num_lower, num_upper)
    if np.ndim(input) < 2:
        check(ctx, False, "input must be at least 2-dim, received shape: %s"
              % dims_str(np.shape(input)))
        return input
    for value, n, what, dim in ((num_lower, input.shape[-2], "num_lower", "rows"),
                                (num_upper, input.shape[-1], "num_upper", "columns")):
        check(ctx, value <= n, lambda v, n=n, what=what, dim=dim: "%s must be negative or less "
              "or equal to number of %s (%d) got: %d" % (what, dim, n, int(v[0])),
              [m.reshape(m.asarray(value), (1,)).astype(np.int64)])
    rows = m.arange(input.shape[-2])[:, None]
    cols = m.arange(input.shape[-1])[None, :]
    keep = m.logical_and(m.logical_or(num_lower < 0, rows - cols <= num_lower),
                         m.logical_or(num_upper < 0, cols - rows <= num_upper))
    return m.where(keep, input, m.zeros_like(input))


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """`tf.linalg.band_part`: zeros outside `num_lower` below / `num_upper` above the diagonal."""
    return _matrix_band_part(input, num_lower, num_upper, name=name or "MatrixBandPart")


def _diag_shape(diagonal):
    check_rank_at_least(diagonal, 1)
    d = dims_of(diagonal)
    return spec(None if d is None else d + d, diagonal.dtype.base_dtype)


@op("Diag", infer=_diag_shape, types={"diagonal": ANY})
def _diag(diagonal):
    m = _b.xp(diagonal)
    shape = np.shape(diagonal)
    if not shape:  # (a tensor fed with a rank the graph did not know)
        raise ValueError("Input must be at least rank 1, got 0")
    return m.reshape(m.diag(m.reshape(diagonal, (-1,))), shape + shape)


def diag(diagonal, name=None):
    """`tf.diag`: a tensor of rank 2k with `diagonal` (rank k) on its diagonal."""
    return _diag(diagonal, name=name or "Diag")


def _diag_part_shape(input):  # noqa: A002
    d = dims_of(input)
    if d is None:
        return spec(None, input.dtype.base_dtype)
    if not d or len(d) % 2:
        raise ShapeError("Input must have even and non-zero rank, input rank is %d" % len(d))
    h = len(d) // 2
    out = []
    for a, b in zip(d[:h], d[h:]):
        if a is not None and b is not None and a != b:
            raise ShapeError("Dimensions must be equal, but are %d and %d" % (a, b))
        out.append(a if a is not None else b)
    return spec(out, input.dtype.base_dtype)


@op("DiagPart", infer=_diag_part_shape, types={"input": ANY})
def _diag_part(input):  # noqa: A002
    m = _b.xp(input)
    full = np.shape(input)
    if not full or len(full) % 2:  # (TF's text, spaces and all)
        raise ValueError("The rank of the tensor should be %s even and positive, got shape %s"
                         % (" " * 40, dims_str(full)))
    half = len(full) // 2
    for i in range(half):
        if full[i] != full[i + half]:
            raise ValueError("Invalid shape %s: dimensions %d and %d do not match."
                             % (dims_str(full), i, i + half))
    shape = np.shape(input)[: np.ndim(input) // 2]
    n = int(np.prod(shape))
    return m.reshape(m.diagonal(m.reshape(input, (n, n))), shape)


def diag_part(input, name=None):  # noqa: A002
    """`tf.diag_part` (linalg.tensor_diag_part): the diagonal of a rank-2k tensor."""
    return _diag_part(input, name=name or "DiagPart")


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dt.float32, name=None):
    """`tf.eye`: identity matrices (ones on a MatrixDiagV3, or MatrixSetDiagV3 when not
    square). Sizes and `batch_shape` may be tensors (then the shapes are built in the graph:
    `eye/Minimum`, `eye/concat`, as TF)."""
    from scopeflow.ops.constant import convert_to_tensor
    from scopeflow.ops.joining import concat
    from scopeflow.ops.math import minimum
    from scopeflow.ops.shape_ops import ones, zeros
    with _b.scope(name, "eye", [num_rows, num_columns, batch_shape]):
        square = num_columns is None
        batch = [] if batch_shape is None else batch_shape
        num_columns = num_rows if num_columns is None else num_columns
        if isinstance(num_rows, Tensor) or isinstance(num_columns, Tensor):
            size = minimum(num_rows, num_columns)
        else:
            if not isinstance(num_rows, (int, np.integer)) or not isinstance(
                    num_columns, (int, np.integer)):
                raise TypeError("Arguments `num_rows` and `num_columns` must be positive "
                                "integer values. Received: num_rows=%s, num_columns=%s"
                                % (num_rows, num_columns))
            square = num_rows == num_columns
            size = min(num_rows, num_columns)
        if isinstance(batch, Tensor) or isinstance(size, Tensor):
            batch = convert_to_tensor(batch, name="shape", dtype=_dt.int32)
            diag_shape = concat((batch, [size]), axis=0)
            if not square:
                shape = concat((batch, [num_rows, num_columns]), axis=0)
        else:
            batch = list(batch)
            diag_shape = batch + [size]
            shape = batch + [num_rows, num_columns]
        ones_ = ones(diag_shape, dtype=dtype)
        if square:
            return matrix_diag(ones_)
        return matrix_set_diag(zeros(shape, dtype=dtype), ones_)
