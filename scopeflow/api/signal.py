"""`tf.signal` (and TF1's `tf.spectral`): Fourier transforms and signal processing."""
# ruff: noqa: F401 - re-exports

from scopeflow.ops.signal_ops import (dct, frame, hamming_window, hann_window, idct,
                                      inverse_stft, inverse_stft_window_fn,
                                      linear_to_mel_weight_matrix,
                                      mfccs_from_log_mel_spectrograms, overlap_and_add, stft)
from scopeflow.ops.spectral import (fft, fft2d, fft3d, fftshift, ifft, ifft2d, ifft3d, ifftshift,
                                    irfft, irfft2d, irfft3d, rfft, rfft2d, rfft3d)
