"""One check for the distribution tests: a program's result under scopeflow equals TF's."""

from oracle import explain, run_here, same

# a program's tail: values, tensor names and shapes, and the sorted (name, type) of the graph
# (ops under a tf.Assert guard left out: scopeflow builds that guard its own way)
RECORD = """
with tf.Session() as s:
    v = s.run(x)
result = [[[t.name, t.shape, t.dtype.name] for t in x], [a.tolist() for a in v],
          sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
                 if "AssertGuard" not in o.name)]"""


def check(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if "raises" in there:
        assert here["msg"] == there["msg"], explain(code, here, there)


# a program's tail for distributions whose values pass through igamma or betainc (XLA's,
# within a few float32 ulps of TF's Eigen ones), or lgamma / digamma of float64 or of negative
# numbers: names, shapes, op types and the seeded samples `exact` compared exactly, the values
# of `x` within 2e-5
CLOSE = """
with tf.Session() as s:
    v, w = s.run([x, exact])
result = [[[t.name, t.shape, t.dtype.name] for t in x + exact], [a.tolist() for a in w],
          [np.asarray(a, np.float64).ravel().tolist() for a in v],
          sorted([o.name, o.type] for o in tf.get_default_graph().get_operations()
                 if "AssertGuard" not in o.name)]"""


def check_close(oracle, code):
    """`check` for a program ending in CLOSE: everything equal but x's values, which are
    within a relative 2e-5 of TF's (NaN where TF's are NaN, infinities equal)."""
    import numpy as np
    here, there = run_here(code), oracle(code)
    if "raises" in there or "raises" in here:
        return check(oracle, code)
    (names, exact, values, ops), (names_tf, exact_tf, values_tf, ops_tf) = (
        here["ok"], there["ok"])
    assert [names, exact, ops] == [names_tf, exact_tf, ops_tf], explain(code, here, there)
    for a, b in zip(values, values_tf):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        assert a.shape == b.shape, explain(code, here, there)
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6, equal_nan=True,
                                   err_msg=explain(code, here, there))
