import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import oracle as _oracle  # noqa: E402


def _tf_oracle(onednn=None):
    py = _oracle.tf_python()
    if py is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    o = _oracle.Oracle(py, onednn)
    yield o
    o.close()


def pytest_configure(config):
    # pytest 9.2 keeps node ids where pytest-xdist 3.8 cannot tag them with their group
    if (config.getoption("dist", "no") == "loadgroup"
            and tuple(int(p) for p in pytest.__version__.split(".")[:2]) >= (9, 2)):
        raise pytest.UsageError(
            "--dist loadgroup does not group tests under pytest %s (pyproject.toml pins "
            "pytest<9.2: reinstall with `make .venv/.installed`)" % pytest.__version__)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` a worker's xdist tags each grouped test's node id with its
    group (the tests of one expensive module fixture then share a worker); a pytest whose node
    ids xdist cannot tag would run such fixtures once per worker, silently."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            raise pytest.UsageError(
                "pytest-xdist did not tag %s with its xdist_group under pytest %s: "
                "--dist loadgroup would not group tests (pyproject.toml pins a pytest "
                "where it does)" % (item.nodeid, pytest.__version__))


@pytest.fixture(scope="session")
def oracle():
    """Callable running a snippet under real TF (skips where TF is not installed)."""
    yield from _tf_oracle()


@pytest.fixture(scope="module")
def pool_oracle():
    """The oracle in a TF process of the module's own, for values that depend on TF's intra-op
    pool (Eigen's blocks): a process fixes its pool at its first session, and the shared
    oracle's may come from a snippet that set other thread counts."""
    yield from _tf_oracle()


@pytest.fixture(scope="module")
def eigen_oracle():
    """TF with its Eigen kernels (oneDNN off: TF's default on CPUs without AVX-512), for the
    checks and bits of kernels that oneDNN replaces."""
    yield from _tf_oracle("0")


@pytest.fixture(autouse=True)
def _fresh_graph():
    import scopeflow.compat.v1 as tf
    tf.reset_default_graph()
    yield


@pytest.fixture
def tf():
    import scopeflow.compat.v1 as tf
    return tf


@pytest.fixture
def tensorflow_paths():
    """`from tensorflow.python.ops import control_flow_ops` resolves to scopeflow here, as
    under `scopeflow run` (a program for the oracle imports TF's internal modules)."""
    from scopeflow.cli import install_aliases
    install_aliases()


@pytest.fixture
def vjp_examples(monkeypatch):
    """Igamma, Igammac and CumulativeLogsumexp without their graph gradients, for the tests
    whose examples of an op on the jax.vjp fallback (the whole-path or a per-op
    SymbolicGradient) they are: elementwise and differentiable by JAX, so values still agree
    with TF's graph gradients."""
    from scopeflow.gradients import registry
    for t in ("Igamma", "Igammac", "CumulativeLogsumexp"):
        monkeypatch.delitem(registry.GRADIENTS, t)
