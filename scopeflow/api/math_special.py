"""`tf.math.special`: the modified Bessel functions (the same ops as `tf.math.bessel_i0`, ...:
'bessel_i0/BesselI0')."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.math_unary import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e
