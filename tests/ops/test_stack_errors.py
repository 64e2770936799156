"""TF's errors of the stack ops (StackV2, StackPushV2, StackPopV2), built as TF's while-loop
gradients and TF-made graphs use them: class and message of TF's kernels."""

import re

import pytest
from oracle import ORACLE_HELPERS, run_here

PROGRAM = ORACLE_HELPERS + r"""
if hasattr(tf, "raw_ops"):
    stack = lambda **kw: tf.raw_ops.StackV2(max_size=-1, **kw)
    push = lambda h, x: tf.raw_ops.StackPushV2(handle=h, elem=x)
    pop = lambda h, t: tf.raw_ops.StackPopV2(handle=h, elem_type=t)
else:
    from scopeflow.ops import stack_ops
    stack = lambda **kw: stack_ops._stack(-1, **kw)
    push = lambda h, x: stack_ops._push(h, x)
    pop = lambda h, t: stack_ops._pop(h, elem_type=t)

def run(pushes, pops, pop_type=tf.float32, **kw):
    h = stack(elem_type=tf.float32, **kw)
    last = []
    for x in pushes:
        with tf.control_dependencies(last):
            last = [push(h, x)]
    for _ in range(pops):
        with tf.control_dependencies(last):
            last = [pop(h, pop_type)]
    with tf.Session() as s:
        return s.run(last[0])

result = [err(lambda: run([], 1, stack_name="foo")),
          err(lambda: run([1.0, 2.0], 3, name="mystack")),
          err(lambda: run([1.0], 1, pop_type=tf.int32)),
          run([[1.0, 2.0], [3.0, 4.0]], 2).tolist()]
"""


def _counted(result):
    """TF numbers the stacks of its process (`Stack[foo_7]`): the number is left out; of a
    message with the defining stack (TF's InternalError), its last line."""
    return [[r[0], re.sub(r"_\d+\]", "_N]", r[1].split("\n")[-1])] if isinstance(r, list) and len(r) == 2
            and isinstance(r[1], str) else r for r in result]


@pytest.mark.oracle
def test_stack_errors_match_tf(oracle):
    here, there = run_here(PROGRAM), oracle(PROGRAM)
    assert "ok" in here and "ok" in there, (here, there)
    assert _counted(here["ok"]) == _counted(there["ok"])
    assert _counted(there["ok"])[0] == [
        "InvalidArgumentError", "Stack[foo_N] is empty when calling Pop()."]
