"""One helper for the ragged tests: a program's graph (sorted (name, type) of its ops) and its
`result` under scopeflow equal TF's."""

from oracle import ATTEMPT, run_here

GRAPH = "\nresult = [result, sorted([op.name, op.type] for op in " \
        "tf.get_default_graph().get_operations())]\n"

# attempt(f) (tests/oracle.py): ["ok", shown value] or [error class, TF's message line]
SHOWN = ATTEMPT + """
def shown(v):
    if hasattr(v, "to_list"):
        return v.to_list()
    if hasattr(v, "indices"):
        return [v.indices.tolist(), v.values.tolist(), v.dense_shape.tolist()]
    if isinstance(v, (list, tuple)):
        return [shown(x) for x in v]
    return v.tolist() if hasattr(v, "tolist") else str(v)
"""


def same_as_tf(oracle, code):
    """Runs SHOWN + `code` (setting `result`) here and under TF; asserts both agree."""
    program = SHOWN + code + GRAPH
    here, there = run_here(program), oracle(program)
    assert "ok" in there, there
    assert "ok" in here, here
    assert here["ok"][1] == there["ok"][1]  # the graph
    assert here["ok"][0] == there["ok"][0]  # the values


def values_as_tf(oracle, code, normalized=repr):
    """Runs SHOWN + `code` here and under TF; asserts the `result`s agree (not the graphs),
    each seen through `normalized`."""
    program = SHOWN + code
    here, there = run_here(program), oracle(program)
    assert "ok" in there, there
    assert "ok" in here, here
    assert normalized(here["ok"]) == normalized(there["ok"])
