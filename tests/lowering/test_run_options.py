"""XLA options of a run's program: on CPU, convolutions run on XLA's Eigen kernels (not in
YNNPACK fusions), unless XLA_FLAGS sets the YNN fusion types; values are the convolution's."""

import numpy as np

from scopeflow.lowering import lower


def test_cpu_runs_keep_only_dots_in_ynnpack_unless_xla_flags_say_otherwise(monkeypatch):
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    assert lower.run_options("cpu") == lower.CPU_OPTIONS
    assert lower.run_options("gpu") is None
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_experimental_ynn_fusion_type=individual_dot")
    assert lower.run_options("cpu") is None


def test_a_convolution_compiled_with_the_run_options_is_not_a_ynn_fusion():
    import jax
    f = jax.jit(lambda x, k: jax.lax.conv_general_dilated(
        x, k, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")))
    x = np.random.RandomState(0).rand(1, 56, 56, 64).astype(np.float32)
    k = np.random.RandomState(1).rand(3, 3, 64, 64).astype(np.float32)
    lowered = f.lower(x, k)
    plain = lowered.compile()
    ours = lowered.compile(compiler_options=lower.CPU_OPTIONS)
    assert "__ynn_fusion" not in ours.as_text()
    np.testing.assert_allclose(ours(x, k), plain(x, k), rtol=1e-5)
