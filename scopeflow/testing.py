"""`tf.test.TestCase` and `tf.test.main`, as TF 2.21's TensorFlowTestCase behaves in graph mode.

Each test starts on a fresh default graph whose seed is TF's DEFAULT_GRAPH_SEED (87654321), with
Python's and NumPy's generators seeded alike, so seeded tests draw TF's numbers. `session()`
opens a new Session on the default graph; `cached_session()` / `test_session()` reuse one per
test; `evaluate` runs tensors in the default (or cached) session.

>>> import scopeflow.compat.v1 as tf
>>> class T(tf.test.TestCase):
...     def test_add(self):
...         with self.cached_session():
...             self.assertAllClose(self.evaluate(tf.add(1.0, 2.0)), 3.0)
>>> import unittest
>>> unittest.TextTestRunner(stream=open("/dev/null", "w")).run(T("test_add")).wasSuccessful()
True
"""

import contextlib
import random
import re
import tempfile
import unittest

import numpy as np

from scopeflow.core.device import DeviceSpec
from scopeflow.core.graph import get_default_graph, reset_default_graph
from scopeflow.errors import OpError
from scopeflow.ops.random import set_random_seed
from scopeflow.session import Session
from scopeflow.session_config import get_default_session

try:  # TF's TestCase is absltest's (assertLen, assertEmpty, create_tempdir, ...)
    from absl.testing import absltest as _absltest
    _Base = _absltest.TestCase
except ImportError:  # absl ships with tensorboard; plain unittest otherwise
    _absltest, _Base = None, unittest.TestCase

DEFAULT_GRAPH_SEED = 87654321

__all__ = ["TestCase", "get_temp_dir", "gpu_device_name", "is_built_with_cuda",
           "is_built_with_gpu_support", "is_built_with_rocm", "is_built_with_xla",
           "is_gpu_available", "main"]


def get_temp_dir():
    """`tf.test.get_temp_dir`: one temporary directory for the whole program."""
    global _TEMP_DIR
    if _TEMP_DIR is None:
        _TEMP_DIR = tempfile.mkdtemp(prefix="scopeflow_test_")
    return _TEMP_DIR


_TEMP_DIR = None


def main(argv=None):
    """`tf.test.main`: runs the `__main__` module's tests (absltest's runner where present)."""
    if _absltest is not None:
        return _absltest.main(argv=argv)
    return unittest.main(module="__main__", argv=argv)


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """`tf.test.is_gpu_available`: whether JAX sees a GPU."""
    import jax
    return any(d.platform == "gpu" for d in jax.devices())


def gpu_device_name():
    """`tf.test.gpu_device_name`: '/device:GPU:0' when a GPU is seen, else ''."""
    return "/device:GPU:0" if is_gpu_available() else ""


def is_built_with_cuda():
    return is_gpu_available()


is_built_with_gpu_support = is_built_with_cuda


def is_built_with_rocm():
    return False


def is_built_with_xla():
    return True



def _canonical_device(device):
    """TF's device.canonical_name: '' for None, else the DeviceSpec's string."""
    if device is None:
        return ""
    spec = device if isinstance(device, DeviceSpec) else DeviceSpec.from_string(device)
    return spec.to_string()


def _nested(x):
    """Flattens dicts, lists and tuples (namedtuples too) for element-wise comparison."""
    if isinstance(x, dict):
        return [(k, v) for k in sorted(x) for v in [_nested(x[k])]]
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], (dict, list, tuple)):
        return [_nested(v) for v in x]
    return x


class TestCase(_Base):
    """`tf.test.TestCase`: graph-mode tests with sessions and array assertions."""

    def __init__(self, methodName="runTest"):
        super().__init__(methodName)
        self._cached = None  # set here, as TF does: a subclass's setUp may skip ours
        self._tempdir = None

    def setUp(self):
        super().setUp()
        self._close_cached()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        reset_default_graph()
        set_random_seed(DEFAULT_GRAPH_SEED)

    def tearDown(self):
        self._close_cached()
        super().tearDown()

    # ---- sessions ---------------------------------------------------------------------------
    def _close_cached(self):
        sess = getattr(self, "_cached", None)
        if sess is not None:
            sess.close()
        self._cached = None

    @contextlib.contextmanager
    def _as_default(self, sess, graph):
        with graph.as_default(), sess.as_default():
            yield sess

    @contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """A new Session on `graph` (the default graph), closed at the end of the block."""
        graph = graph if graph is not None else get_default_graph()
        with Session(graph=graph, config=config) as sess, self._as_default(sess, graph):
            yield sess

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """One Session per test (per graph), kept open across blocks."""
        graph = graph if graph is not None else get_default_graph()
        if self._cached is None or self._cached.graph is not graph:
            self._close_cached()
            self._cached = Session(graph=graph, config=config)
        with self._as_default(self._cached, graph):
            yield self._cached

    def test_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """Deprecated in TF: `cached_session()` without a graph, else `session(graph)`.
        (unittest collects it as a test by its name; then it is skipped, as in TF.)"""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")
        ctx = self.cached_session if graph is None else self.session
        return ctx(graph, config)

    def evaluate(self, tensors):
        """Runs `tensors` (any nest) in the default session, or in the cached one."""
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as sess:
            return sess.run(tensors)

    def get_temp_dir(self):
        if getattr(self, "_tempdir", None) is None:
            self._tempdir = tempfile.mkdtemp(dir=get_temp_dir())
        return self._tempdir

    # ---- array assertions -------------------------------------------------------------------
    def _array(self, a):
        """TF's _GetNdArray: graph tensors and variables are evaluated first."""
        if hasattr(a, "graph") and hasattr(a, "eval"):
            a = self.evaluate(a)
        return np.asarray(a)

    def _pairs(self, a, b, msg):
        a, b = _nested(a), _nested(b)
        if isinstance(a, list) and a and isinstance(a[0], tuple) and isinstance(b, list):
            self.assertEqual([k for k, _ in a], [k for k, _ in b], msg)
            for (_, x), (_, y) in zip(a, b):
                yield from self._pairs(x, y, msg)
        elif isinstance(a, list) and a and isinstance(a[0], list):
            self.assertEqual(len(a), len(b), msg)
            for x, y in zip(a, b):
                yield from self._pairs(x, y, msg)
        else:
            yield self._array(a), self._array(b)

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        for x, y in self._pairs(a, b, msg):
            self.assertEqual(x.shape, y.shape, "Shape mismatch: expected %s, got %s. %s"
                             % (x.shape, y.shape, msg or ""))
            np.testing.assert_allclose(y, x, rtol=rtol, atol=atol, err_msg=msg or "",
                                       equal_nan=True)

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6,
                                      float_atol=1e-6, half_rtol=1e-3, half_atol=1e-3,
                                      bfloat16_rtol=1e-2, bfloat16_atol=1e-2, msg=None):
        dtypes = {self._array(a).dtype, self._array(b).dtype}
        if np.float16 in dtypes:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        elif np.float32 in dtypes:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements. %s" % (msg or ""))

    def assertAllEqual(self, a, b, msg=None):
        a, b = self._array(a), self._array(b)
        self.assertEqual(a.shape, b.shape, "Shape mismatch: expected %s, got %s. %s"
                         % (a.shape, b.shape, msg or ""))
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllEqual(self, a, b, msg=None):
        try:
            self.assertAllEqual(a, b)
        except AssertionError:
            return
        raise AssertionError("The two values are equal at all elements. %s" % (msg or ""))

    def _assert_all(self, ok, a, what):
        if not np.all(ok):
            raise AssertionError("%s is not %s" % (self._array(a), what))

    def assertAllGreater(self, a, comparison_target):
        self._assert_all(self._array(a) > comparison_target, a, "> %s" % comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target):
        self._assert_all(self._array(a) >= comparison_target, a, ">= %s" % comparison_target)

    def assertAllLess(self, a, comparison_target):
        self._assert_all(self._array(a) < comparison_target, a, "< %s" % comparison_target)

    def assertAllLessEqual(self, a, comparison_target):
        self._assert_all(self._array(a) <= comparison_target, a, "<= %s" % comparison_target)

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,
                         open_upper_bound=False):
        t = self._array(target)
        lo = t > lower_bound if open_lower_bound else t >= lower_bound
        hi = t < upper_bound if open_upper_bound else t <= upper_bound
        self._assert_all(lo & hi, t, "in range [%s, %s]" % (lower_bound, upper_bound))

    def assertAllInSet(self, target, expected_set):
        values = set(self._array(target).ravel().tolist())
        extra = values - set(expected_set)
        if extra:
            raise AssertionError("%s contains values not in %s: %s"
                                 % (self._array(target), expected_set, sorted(extra)))

    def assertNear(self, f1, f2, err, msg=None):
        self.assertTrue(f1 == f2 or abs(f1 - f2) <= err, "%f != %f +/- %f%s"
                        % (f1, f2, err, " (%s)" % msg if msg is not None else ""))

    def assertArrayNear(self, farray1, farray2, err, msg=None):
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg=None):
        self.assertTrue(np.linalg.norm(self._array(ndarray1) - self._array(ndarray2)) <= err,
                        msg=msg)

    def assertShapeEqual(self, input_a, input_b, msg=None):
        """A NumPy array's shape against a Tensor's static shape."""
        self.assertEqual(list(np.shape(input_a)), input_b.get_shape().as_list(), msg=msg)

    def assertDTypeEqual(self, target, expected_dtype):
        self.assertEqual(self._array(target).dtype, np.dtype(expected_dtype))

    def assertItemsEqual(self, expected_seq, actual_seq, msg=None):
        self.assertCountEqual(expected_seq, actual_seq, msg=msg)

    def assertDeviceEqual(self, device1, device2, msg=None):
        """Equal as canonical device names ('cpu:0' is '/device:CPU:0'), as TF compares."""
        device1, device2 = _canonical_device(device1), _canonical_device(device2)
        self.assertEqual(device1, device2,
                         "Devices %s and %s are not equal. %s" % (device1, device2, msg))

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):
        """The block raises `exception_type` whose message matches (re.search) the regex,
        or satisfies the predicate."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            def predicate(e):
                message = e.message if isinstance(e, OpError) else str(e)
                return re.search(expected_err_re_or_predicate, message) is not None
        try:
            yield
        except exception_type as e:
            if not predicate(e):
                raise AssertionError("Exception of type %s: %s" % (type(e), e)) from e
        else:
            self.fail(exception_type.__name__ + " not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate):
        return self.assertRaisesWithPredicateMatch(OpError, expected_err_re_or_predicate)
