"""TF's float32 LogSoftmax and softmax cross-entropy kernels, as their Eigen code
evaluates them on the CPU (ops/eigen_exp.py's exp and log, eigen_sum.py's row order).

Each kernel shifts a row by its max, b = x - max, then:

- the row's sum of exponentials is an Eigen reduction reading exp(b): 8-float packets along
  the row and the C library's expf on its last cols % 8 floats (a tail per row), added in
  Eigen's inner-most reducer order;
- LogSoftmax: b - log(sum), the logs of the batch's sums a tensor of their own (its tail
  batch % 8);
- SparseSoftmaxCrossEntropyWithLogits: loss logf(sum) - b[label] (the C library's logf: a
  scalar generator), backprop exp(b) / sum - onehot with exp(b) over the flat tensor;
- SoftmaxCrossEntropyWithLogits: loss the row sum of labels * (log(sum) - b), backprop
  exp(b) / sum - labels.

Softmax: exp(b) over the flat tensor, times the reciprocal of its row sum, which TF takes with
Eigen's vectorized inverse (the AVX `vrcpps` approximation and a Newton step,
ops/eigen_reciprocal.py): modelled where this host's `vrcpps` was measured (AMD), as TF's Eigen
kernel computes it (TF's default without AVX-512; its oneDNN softmax rounds otherwise).

Measured against TF (tests/ops/test_eigen_softmax.py), of a (128, 10) batch: before, 243 of
1280 LogSoftmax values, 18 of 128 sparse losses and 852 of 1280 of their backprop, 67 of 128
losses and 366 of 1280 backprop values of the dense op differed from TF's; now none (rows of
more than 8192 classes keep a few: 2 of 18000 dense backprop values for (2, 9000)). The derivatives
are the smooth formulas' (nn_jax.py), not through the bit operations. Other dtypes keep XLA's.
"""

import jax
import jax.numpy as jnp

from scopeflow.ops import libm32
from scopeflow.ops.eigen_exp import eigen_exp, eigen_exp_pair, eigen_log
from scopeflow.ops.eigen_reciprocal import eigen_reciprocal
from scopeflow.ops.eigen_sum import kernel_row_sums
from scopeflow.ops.rounding import quotient, round_each


def valued_as(exact):
    """Decorator: a function of `smooth`'s derivatives whose values are `exact(*args)`."""
    def wrap(smooth):
        f = jax.custom_jvp(exact)

        @f.defjvp
        def _jvp(primals, tangents):
            return exact(*primals), jax.jvp(smooth, primals, tangents)[1]

        return f
    return wrap


def _shifted(x):
    return x - jnp.max(x, axis=1, keepdims=True)


def _sum_exp(b):
    """Each row's sum of exp(b), as the reduction reading exp evaluates it."""
    return kernel_row_sums(eigen_exp(b, b.shape[1]))


def log_softmax(x):
    """TF's float32 LogSoftmax of a (rows, classes) matrix."""
    b = _shifted(x)
    return b - eigen_log(_sum_exp(b))[:, None]


def softmax(x):
    """TF's float32 Softmax of a (rows, classes) matrix: exp(b) over the flat tensor, times
    the reciprocal of its row sum (Eigen's vectorized inverse, ops/eigen_reciprocal.py)."""
    e = eigen_exp(_shifted(x))
    return round_each(e * eigen_reciprocal(kernel_row_sums(e))[:, None])


def _sums_and_exp(b):
    """Each row's sum of exp(b) as the reduction reads exp, and exp(b) over the flat tensor
    (the backprop's), from one evaluation of exp's packet path."""
    in_rows, flat = eigen_exp_pair(b)
    return kernel_row_sums(in_rows), flat


def sparse_xent(features, labels, onehot):
    """(loss, backprop) of TF's float32 SparseSoftmaxCrossEntropyWithLogits (labels in range)."""
    b = _shifted(features)
    sums, e = _sums_and_exp(b)
    loss = libm32.logf_ftz(sums) - jnp.take_along_axis(b, labels[:, None], axis=1)[:, 0]
    return loss, quotient(e, sums[:, None]) - onehot


def xent(features, labels):
    """(loss, backprop) of TF's float32 SoftmaxCrossEntropyWithLogits."""
    b = _shifted(features)
    sums, e = _sums_and_exp(b)
    loss = kernel_row_sums(round_each(labels * (eigen_log(sums)[:, None] - b)))
    return loss, quotient(e, sums[:, None]) - labels
