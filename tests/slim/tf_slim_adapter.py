"""Runs one of tf-slim 1.1's own test files against scopeflow: `python tf_slim_adapter.py FILE`.

`tensorflow`/`tf_slim` imports resolve to scopeflow (the `scopeflow run` aliases); the one
TF-internal module scopeflow has no counterpart for, `tensorflow.python.platform.test`, is made
from scopeflow's `tf.test` (its TestCase: fresh seeded default graph per test, cached_session,
TF's assert helpers).
Prints one JSON line: {"passed": [...], "failed": [...], "errors": [...], "skipped": [...]}.
`python tf_slim_adapter.py FILE Class1,Class2,-Class1.testX` runs only those TestCase classes of
FILE, less testX (exclusions alone: every class less them).
"""

import json
import os
import sys
import tempfile
import types
import unittest


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


def _test_module():
    import unittest.mock

    module = types.ModuleType("tensorflow.python.platform.test")
    module.compute_gradient = _tf().test.compute_gradient
    module.compute_gradient_error = _tf().test.compute_gradient_error
    module.TestCase = _tf().test.TestCase
    module.main = lambda *a, **k: None
    module.get_temp_dir = tempfile.mkdtemp
    module.is_gpu_available = lambda *a, **k: False
    module.mock = unittest.mock
    return module


# Source fixes that let tf-slim 1.1's tests run under NumPy 2 (applied on TF and on scopeflow).
NUMPY2_FIXES = (
    ("int(2 * self._labels[i] + np.random.randint(0, 2))",
     "int(2 * self._labels[i, 0] + np.random.randint(0, 2))"),
    (".tostring()", ".tobytes()"),  # ndarray.tostring is gone
    (".astype(np.float)", ".astype(np.float64)"),  # the np.float and np.object aliases too
    ("dtype, np.object)", "dtype, object)"),
)


def load_test_module(path, run_name="tf_slim_test"):
    """The namespace of the test file at `path`, run with NUMPY2_FIXES applied."""
    with open(path) as f:
        source = f.read()
    for old, new in NUMPY2_FIXES:
        source = source.replace(old, new)
    namespace = {"__name__": run_name, "__file__": path}
    exec(compile(source, path, "exec"), namespace)  # noqa: S102 - a test file we chose to run
    return namespace


def _missing_modules():
    """Stand-ins for TF-internal modules scopeflow has no counterpart for (tfdbg), so that a
    test file importing them loads; a test that uses them fails with AttributeError."""
    out = {}
    for name in ("tensorflow.python.debug", "tensorflow.python.debug.lib",
                 "tensorflow.python.debug.lib.debug_data", "tensorflow.python.debug.wrappers",
                 "tensorflow.python.debug.wrappers.hooks"):
        module = out[name] = types.ModuleType(name, "scopeflow has no tfdbg")
        module.__path__ = []
    return out


def _nose_module():
    nose = types.ModuleType("nose")
    nose.tools = types.ModuleType("nose.tools")
    nose.tools.nottest = lambda f: setattr(f, "__test__", False) or f
    return nose


def _six_module():
    """The part of `six` that tf-slim's test files import (six.moves.xrange), where six is not
    installed."""
    six = types.ModuleType("six")
    six.moves = types.ModuleType("six.moves")
    six.moves.xrange, six.moves.range = range, range
    six.PY2, six.PY3 = False, True
    six.add_metaclass = lambda meta: lambda cls: meta(cls.__name__, cls.__bases__,
                                                      dict(vars(cls)))
    return six


class _Recorder(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.passed = []

    def addSuccess(self, test):
        self.passed.append(test.id())


def run(path, only=None):
    """The ids of the tests of `path` that pass, fail, err and skip on scopeflow; with `only`,
    of its TestCase classes named there, less the "-Class.test" entries (or of all classes
    when `only` holds exclusions alone)."""
    from scopeflow.cli import install_aliases
    install_aliases()
    sys.modules["tensorflow.python.platform.test"] = _test_module()
    for name, module in _missing_modules().items():
        sys.modules.setdefault(name, module)
    sys.modules.setdefault("nose", _nose_module())  # evaluation_test's `nose.tools.nottest`
    sys.modules.setdefault("nose.tools", sys.modules["nose"].tools)
    try:
        import six  # noqa: F401
    except ImportError:
        sys.modules["six"] = _six_module()
        sys.modules["six.moves"] = sys.modules["six"].moves
    _tf().test = sys.modules["tensorflow.python.platform.test"]  # tf.test.TestCase
    namespace = load_test_module(path)
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for value in namespace.values():
        if isinstance(value, type) and issubclass(value, unittest.TestCase) and (
                only is None or value.__name__ in only
                or all(o.startswith("-") for o in only)):
            for test in loader.loadTestsFromTestCase(value):
                if only is None or "-%s.%s" % (value.__name__, test._testMethodName) not in only:
                    suite.addTest(test)
    result = _Recorder()
    suite.run(result)
    for test, trace in result.failures + result.errors:
        print("%s\n%s" % (test.id(), trace), file=sys.stderr)
    return {"passed": sorted(result.passed),
            "failed": sorted(t.id() for t, _ in result.failures),
            "errors": sorted(t.id() for t, _ in result.errors),
            "skipped": sorted(t.id() for t, _ in result.skipped)}


if __name__ == "__main__":
    # python tf_slim_adapter.py FILE [Class1,Class2,-Class1.testX,...]
    out = run(os.path.abspath(sys.argv[1]), set(sys.argv[2].split(",")) if sys.argv[2:] else None)
    print(json.dumps(out))
