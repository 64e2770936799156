"""Index maps of the diagonal band ops (MatrixDiagV3 / MatrixDiagPartV3 / MatrixSetDiagV3).

A band is the diagonals `lo..hi` of an (rows, cols) matrix, stored as a (num_diags,
max_diag_len) array whose row d holds diagonal `hi - d`. `align` ('RIGHT_LEFT', ...) places
each diagonal shorter than max_diag_len: its first word for superdiagonals (k >= 0), the
second for subdiagonals; 'RIGHT' pads on the left.

    >>> band_k(np.array([-1, 1]))
    (-1, 1)
"""

import numpy as np

from scopeflow.ops.array_base import ShapeError

ALIGNS = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")


def band_k(v):
    """(lo, hi) of a k value, with TF's errors (ReadDiagIndex)."""
    v = np.asarray(v).reshape(-1)
    if v.size not in (1, 2):
        raise ShapeError("diag_index must be a vector with one or two elements. It has %d "
                         "elements." % v.size)
    lo, hi = int(v[0]), int(v[-1])
    if lo > hi:
        raise ShapeError("lower_diag_index is greater than upper_diag_index")
    return lo, hi


def run_band(v, rows, cols):
    """(lo, hi) of a k value in MatrixDiagPartV3's kernel, with TF's run-time checks in its
    order: the bounds of each index against the matrix, then their order."""
    v = np.asarray(v).reshape(-1)
    if v.size not in (1, 2):
        raise ShapeError("diag_index must have only one or two elements, received %d elements."
                         % v.size)
    lo, hi = int(v[0]), int(v[-1])
    if not (-rows < lo < cols or lo == 0):
        raise ValueError("lower_diag_index is out of bound: %d. It must be between %d and %d"
                         % (lo, -rows, cols))
    if not (-rows < hi < cols or hi == 0):  # (TF's text has no period here)
        raise ValueError("upper_diag_index is out of bound: %d It must be between %d and %d"
                         % (hi, -rows, cols))
    if lo > hi:
        raise ValueError("lower_diag_index must not be larger than upper_diag_index: %d > %d"
                         % (lo, hi))
    return lo, hi


def check_align(op_type, align):
    if align not in ALIGNS:
        raise ValueError("Attr 'align' of '%s' Op passed string '%s' not in: %s." % (
            op_type, align, ", ".join('"%s"' % a for a in ALIGNS)))


def check_bounds(lo, hi, rows, cols):
    """TF's bound check of a band against known (rows, cols)."""
    if rows is None or cols is None:
        return
    for v, what in ((lo, "lower"), (hi, "upper")):
        if v != 0 and (-rows >= v or v >= cols):
            raise ShapeError("%s_diag_index is out of bound." % what)


def max_diag_len(rows, cols, lo, hi):
    return min(rows + min(hi, 0), cols - max(lo, 0))


def _diag_len(rows, cols, k):
    return np.minimum(rows + np.minimum(k, 0), cols - np.maximum(k, 0))


def _offset(rows, cols, k, width, align):
    """Where diagonal k starts in its row of the band: 0 when left-aligned."""
    first, second = align.split("_")
    right = np.where(k >= 0, first == "RIGHT", second == "RIGHT")
    return np.where(right, width - _diag_len(rows, cols, k), 0)


def part_index(rows, cols, lo, hi, align):
    """(matrix rows, matrix cols, valid) of each band entry, each (num_diags, width)."""
    width = max(max_diag_len(rows, cols, lo, hi), 0)
    k = np.arange(hi, lo - 1, -1)[:, None]
    pos = np.arange(width)[None, :] - _offset(rows, cols, k, width, align)
    valid = (pos >= 0) & (pos < _diag_len(rows, cols, k))
    r, c = pos - np.minimum(k, 0), pos + np.maximum(k, 0)
    return np.where(valid, r, 0), np.where(valid, c, 0), valid


def matrix_index(rows, cols, lo, hi, width, align):
    """(band row, band column, valid) of each matrix entry, each (rows, cols)."""
    i, j = np.arange(rows)[:, None], np.arange(cols)[None, :]
    k = j - i
    pos = np.where(k >= 0, i, j) + _offset(rows, cols, k, width, align)
    valid = (k >= lo) & (k <= hi) & (pos >= 0) & (pos < width)
    return np.where(valid, hi - k, 0), np.where(valid, pos, 0), valid


def diag_matrix_size(n, lo, hi, rows, cols):
    """TF's (num_rows, num_cols) of MatrixDiagV3 for diagonals of length n (-1: inferred)."""
    min_rows, min_cols = n - min(hi, 0), n + max(lo, 0)
    if rows == -1 and cols == -1:
        rows = cols = max(min_rows, min_cols)
    if rows == -1:
        rows = min_rows
    elif rows < min_rows:
        raise ShapeError("num_rows is too small")
    if cols == -1:
        cols = min_cols
    elif cols < min_cols:
        raise ShapeError("num_cols is too small.")
    if rows != min_rows and cols != min_cols:
        raise ShapeError(
            "num_rows and num_cols are not consistent with lower_diag_index, upper_diag_index,"
            " and the length of the given diagonals.\nnum_rows = %d != min_num_rows = %d, "
            "num_cols = %d != min_num_cols = %d" % (rows, min_rows, cols, min_cols))
    return rows, cols
