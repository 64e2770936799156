"""`BroadcastGradientArgs`: the axes along which each input of a broadcasting op was broadcast.

TF's gradients of binary ops emit it when static shapes cannot tell (gradients/math_grad.py).
Its inputs are shapes, known when the program is traced, so it folds to constants there.
"""

import numpy as np

from scopeflow.ops import registry as _ops


def _bga_shape(s0, s1):
    dt = s0.dtype.base_dtype
    return [_ops.spec((None,), dt), _ops.spec((None,), dt)]


@_ops.op("BroadcastGradientArgs", infer=_bga_shape, multi=True)
def broadcast_gradient_args(s0, s1):
    """(r0, r1): the axes along which inputs of shapes s0 and s1 were broadcast."""
    return reduction_axes(s0, s1)


def reduction_axes(s0, s1):
    """BroadcastGradientArgs' value for shapes s0 and s1 (ValueError where they do not
    broadcast)."""
    a, b = [int(d) for d in np.asarray(s0)], [int(d) for d in np.asarray(s1)]
    dt = np.asarray(s0).dtype
    if a == b:  # TF's BCast: equal shapes reduce nowhere
        return [np.zeros(0, dt), np.zeros(0, dt)]
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    r0, r1 = [], []
    for i, (x, y) in enumerate(zip(a, b)):
        if x == 1 and y == 1:  # (otherwise) a 1 on both sides reduces both
            r0.append(i)
            r1.append(i)
        elif x == 1:
            r0.append(i)
        elif y == 1:
            r1.append(i)
        elif x != y:
            raise ValueError("Incompatible shapes: [%s] vs. [%s]" % (
                ",".join(map(str, a)), ",".join(map(str, b))))
    return [np.asarray(r0, dt), np.asarray(r1, dt)]
