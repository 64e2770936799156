"""`tf_slim.layers.bucketization_op`: `bucketize`, the Bucketize op.

>>> import scopeflow as tf
>>> bucketize(tf.constant([0.5, 2.0]), [1.0, 2.0]).name
'Bucketize:0'
"""

from scopeflow.ops.gather import bucketize

__all__ = ["bucketize"]
