"""tf.test.TestCase: fresh seeded graphs, sessions and assertions, as TF's in graph mode."""

import pytest

TEST_CASE = """
import io, random, unittest
seen = []
class T(tf.test.TestCase):
    def test_a(self):
        g = tf.get_default_graph()
        x = tf.constant([1.0, 2.0])
        with self.test_session() as s:
            seen.append([g.seed, int(np.random.randint(1000)), random.randint(0, 1000),
                         s is tf.get_default_session(), s.graph is g])
        with self.test_session() as s2, self.cached_session() as s3:
            seen.append([s2 is s, s3 is s])
        with self.session() as s4:
            seen.append([s4 is s])
        seen.append(self.evaluate({"a": x})["a"].tolist())
        self.assertAllClose({"a": [1.0, 2.0]}, {"a": np.array([1.0, 2.0 + 1e-7])})
        self.assertAllEqual([[1, 2]], np.array([[1, 2]]))
        self.assertShapeEqual(np.zeros(2), x)
        self.assertAllInRange(x, 1.0, 2.0)
        with self.assertRaisesOpError("did not hold"):
            self.evaluate(tf.debugging.assert_equal(x, tf.placeholder_with_default(x * 2, [2])))
        seen.append(float(self.evaluate(tf.random_uniform([]))))
    def test_b(self):
        seen.append(len(tf.get_default_graph().get_operations()))
    def test_fails(self):
        self.assertAllClose([1.0, 2.0], [1.0, 2.1])
suite = unittest.TestLoader().loadTestsFromTestCase(T)
r = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
result = [seen, r.testsRun, len(r.failures), len(r.errors), len(r.skipped)]
"""


@pytest.mark.oracle
def test_test_case_matches_tf(oracle):
    from oracle import run_here
    assert run_here(TEST_CASE) == oracle(TEST_CASE)


SKIPPED_SET_UP = """
import io, unittest
seen = []
class T(tf.test.TestCase):
    def setUp(self):  # as tf-slim's tests: TestCase's own setUp is skipped
        super(tf.test.TestCase, self).setUp()
    def test_a(self):
        x = tf.constant([1.0, 2.0])
        with self.cached_session() as s:
            seen.append(s.run(x * 2).tolist())
        seen.append(bool(self.get_temp_dir()))
suite = unittest.TestLoader().loadTestsFromTestCase(T)
r = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
result = [seen, r.testsRun, len(r.failures), len(r.errors)]
"""


@pytest.mark.oracle
def test_a_test_case_whose_set_up_skips_ours_has_sessions_as_in_tf(oracle):
    from oracle import run_here
    assert run_here(SKIPPED_SET_UP) == oracle(SKIPPED_SET_UP)


DEVICES = """
import io, unittest
seen = []
class T(tf.test.TestCase):
    def test_a(self):
        with tf.device("cpu:12"):
            c = tf.constant(1.0)
        self.assertDeviceEqual(c.device, "cpu:12")
        self.assertDeviceEqual(c.device, "/device:CPU:12")
        self.assertDeviceEqual(None, "")
        self.assertDeviceEqual("/job:ps/task:0/cpu:0", "/job:ps/replica:0/task:0/device:CPU:0")
    def test_differ(self):
        self.assertDeviceEqual("cpu:0", "cpu:1")
suite = unittest.TestLoader().loadTestsFromTestCase(T)
r = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
result = [r.testsRun, len(r.failures), len(r.errors), [str(f[1]).splitlines()[-1] for f in r.failures]]
"""


@pytest.mark.oracle
def test_device_names_compare_canonical_as_in_tf(oracle):
    from oracle import run_here
    assert run_here(DEVICES) == oracle(DEVICES)
