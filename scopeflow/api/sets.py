"""`tf.sets`: set operations along the last dimension, with TF1's `set_*` aliases."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.sets import (difference, intersection, set_difference, set_intersection,
                                set_size, set_union, size, union)
