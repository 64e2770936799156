"""`tf.signal` (and TF1's `tf.spectral`): Fourier transforms and signal processing."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.spectral import (fft, fft2d, fft3d, ifft, ifft2d, ifft3d, irfft, irfft2d,
                                    irfft3d, rfft, rfft2d, rfft3d)
