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
