"""`tf.image.non_max_suppression`: NonMaxSuppressionV3, greedy selection by score and overlap.

    >>> import scopeflow as tf
    >>> b = tf.placeholder(tf.float32, [None, 4]); s = tf.placeholder(tf.float32, [None])
    >>> tf.image.non_max_suppression(b, s, 3).shape.as_list()
    [None]

How many boxes survive depends on their values, so the op runs on the host between compiled
steps (dynamic_shape.py), with TF's algorithm: candidates above `score_threshold` in order of
score (ties: lower index first), each kept unless its IoU with a kept box exceeds
`iou_threshold`, at most `max_output_size` of them.
"""

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.ops.array_base import check_rank
from scopeflow.ops.dynamic_shape import BadValue, host_op
from scopeflow.ops.op_util import name_scope, tensor
from scopeflow.ops.registry import ANY, spec


def _nms_shape(boxes, scores, max_output_size, iou_threshold, score_threshold):
    check_rank(boxes, 2)
    check_rank(scores, 1)
    for t in (max_output_size, iou_threshold, score_threshold):
        check_rank(t, 0)
    return spec((None,), _dt.int32)


def _iou(a, b):
    """IoU of box `a` with each row of `b` (corners in any order; empty boxes overlap nothing)."""
    ya0, ya1 = min(a[0], a[2]), max(a[0], a[2])
    xa0, xa1 = min(a[1], a[3]), max(a[1], a[3])
    yb0, yb1 = np.minimum(b[:, 0], b[:, 2]), np.maximum(b[:, 0], b[:, 2])
    xb0, xb1 = np.minimum(b[:, 1], b[:, 3]), np.maximum(b[:, 1], b[:, 3])
    area_a = (ya1 - ya0) * (xa1 - xa0)
    area_b = (yb1 - yb0) * (xb1 - xb0)
    inter = (np.maximum(np.minimum(ya1, yb1) - np.maximum(ya0, yb0), 0.0)
             * np.maximum(np.minimum(xa1, xb1) - np.maximum(xa0, xb0), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / (area_a + area_b - inter)
    return np.where((area_a <= 0) | (area_b <= 0), 0.0, iou)


@host_op("NonMaxSuppressionV3", _nms_shape, types=dict.fromkeys(
    ("boxes", "scores", "max_output_size", "iou_threshold", "score_threshold"), ANY))
def nms_v3_op(boxes, scores, max_output_size, iou_threshold, score_threshold):
    """Indices of the boxes kept, best score first."""
    if scores.ndim != 1:
        raise BadValue("scores must be 1-D[%s] (Shape must be rank 1 but is rank %d)"
                       % (",".join(map(str, scores.shape)), scores.ndim))
    if boxes.shape[0] != scores.shape[0]:
        raise BadValue("scores has incompatible shape (Dimensions must be equal, but are %d "
                       "and %d)" % (boxes.shape[0], scores.shape[0]))
    if boxes.shape[1:] != (4,):
        raise BadValue("boxes must have 4 columns (Dimension must be 4 but is %d)"
                       % boxes.shape[-1])
    if not 0 <= iou_threshold <= 1:
        raise BadValue("iou_threshold must be in [0, 1]")
    if max_output_size < 0:
        raise BadValue("output size must be non-negative")
    boxes = boxes.astype(np.float64)
    order = [i for i in np.lexsort((np.arange(len(scores)), -scores.astype(np.float64)))
             if scores[i] > score_threshold]
    kept = []
    for i in order:
        if len(kept) >= max_output_size:
            break
        if not kept or not np.any(_iou(boxes[i], boxes[kept]) > iou_threshold):
            kept.append(i)
    return np.asarray(kept, np.int32)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """`tf.image.non_max_suppression`: indices of boxes kept by greedy non-max suppression."""
    with name_scope(name, "non_max_suppression"):
        iou_threshold = tensor(iou_threshold, name="iou_threshold")
        score_threshold = tensor(score_threshold, name="score_threshold")
        return nms_v3_op(boxes, scores, max_output_size, iou_threshold, score_threshold)
