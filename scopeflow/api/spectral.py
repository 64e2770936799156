"""`tf.spectral`: TF1's name for the Fourier transforms of `tf.signal`."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.signal_ops import dct, idct
from scopeflow.ops.spectral import (fft, fft2d, fft3d, ifft, ifft2d, ifft3d, irfft, irfft2d,
                                    irfft3d, rfft, rfft2d, rfft3d)
