"""TF's XLAControlFlowContext: loops built inside it are compiled by XLA (TPU / XLA code).

It changes how a loop's gradient is built: the forward values a gradient needs go on stacks
of a bounded size (the product of the `maximum_iterations` of the loops around the value,
TF's `_GetMaxSizeFromNestedMaximumIterations`, which raises where no bound is known), and
the shapes of forward values are taken in the gradient loop instead of being pushed.

>>> import scopeflow as tf
>>> from scopeflow.ops.cf_xla import XLAControlFlowContext
>>> ctx = XLAControlFlowContext()
>>> ctx.Enter()
>>> r = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0], maximum_iterations=5)
>>> ctx.Exit()
"""

from scopeflow.core.cf_check import contains
from scopeflow.core.frame import default_graph
from scopeflow.ops.array_base import static_value


class XLAControlFlowContext:
    """Marks the ops built between `Enter()` and `Exit()` as compiled by XLA."""

    def __init__(self):
        self._name = "XLAControlFlowContext"
        self._saved = []

    name = property(lambda self: self._name)

    def IsXLAContext(self):  # noqa: N802 - TF's name
        return True

    def IsWhileContext(self):  # noqa: N802
        return False

    def IsCondContext(self):  # noqa: N802
        return False

    def Enter(self):  # noqa: N802
        f = default_graph()._frame()
        self._saved.append(f.xla)
        f.xla = self

    def Exit(self):  # noqa: N802
        default_graph()._frame().xla = self._saved.pop()


def stack_max_size(value, loop, grad_ctx):
    """The most values of `value` (in `loop`, an XLA loop) one run pushes: the product of the
    `maximum_iterations` of `loop` and the loops around it inside `grad_ctx` (where
    tf.gradients is called). A static int, or -1 where a bound is a run-time value that
    `grad_ctx` can read (TF multiplies tensors there; the bound never binds). Raises TF's
    ValueError where a loop has no bound or its bound is out of `grad_ctx`'s reach."""
    size = 1
    while loop is not None and loop is not grad_ctx:
        limit = loop.maximum_iterations
        if limit is None:
            raise ValueError(
                "Cannot create a gradient accumulator for tensor '%s' inside XLA while_loop "
                "because maximum_iterations was not passed to the tf.while_loop call ('%s')."
                % (value.name, loop.name))
        known = static_value(limit)
        if not contains(grad_ctx, limit._op._ctx) and known is None:
            raise ValueError(
                "Cannot create a gradient accumulator for tensor '%s' inside XLA while_loop. "
                "maximum_iterations tensor '%s' for while_loop context '%s' must be statically "
                "known (e.g. a constant value or known shape dimension), or be defined at or "
                "outside the while loop context '%s' (currently defined in '%s')."
                % (value.name, limit.name, loop.name, getattr(grad_ctx, "name", ""),
                   getattr(limit._op._ctx, "name", "")))
        size = -1 if known is None or size < 0 else size * int(known)
        loop = _while_around(loop.outer, grad_ctx)
    return size


def _while_around(ctx, stop):
    while ctx is not None and ctx is not stop and not ctx.is_loop:
        ctx = ctx.outer
    return ctx

