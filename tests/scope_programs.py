"""Shared helpers for the variable tests: TF comparison and a random scoping-program runner."""

import json
import re

from oracle import explain, run_here, same

VALID_NODE_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")


def check_tf(oracle, code, message=False):
    """Asserts scopeflow and TF agree on `code` (errors: class, and with `message` its text,
    unless the code starts with '# class only': a message another module writes)."""
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if message and "raises" in there and not code.startswith("# class only"):
        # shapes print '?' in TF1 and 'None' here (either is accepted); the rest must match
        want = _unknown_dims(there["msg"].split(" Originally defined at")[0])
        assert _unknown_dims(here["msg"]).startswith(want), explain(code, here, there)


def _unknown_dims(text):
    return re.sub(r"(?<=[(\[, ])\?(?=[,)\]])", "None", text)


# A scoping program is a list of steps; RUNNER executes one under `tf` and records every name.
RUNNER = '''
steps = json.loads(%r)
reuse_of = {"none": None, "true": True, "auto": tf.AUTO_REUSE}
stack, out, caps = [], [], []
for st in steps:
    kind = st[0]
    try:
        if kind == "ns":
            cm = tf.name_scope(st[1])
            out.append(cm.__enter__())
            stack.append(cm)
        elif kind in ("vs", "vs_default", "vs_cap"):
            target = caps[st[1] %% len(caps)] if kind == "vs_cap" and caps else (
                None if kind == "vs_default" else st[1])
            cm = tf.variable_scope(target, default_name=st[1] if kind == "vs_default" else None,
                                   reuse=reuse_of[st[2]], auxiliary_name_scope=st[3])
            s = cm.__enter__()
            stack.append(cm)
            out.append([s.name, s.original_name_scope])
        elif kind == "capture":
            caps.append(tf.get_variable_scope())
            out.append(caps[-1].name)
        elif kind == "pop":
            cm = stack.pop() if stack else None
            if cm is not None:
                cm.__exit__(None, None, None)
            out.append([tf.get_default_graph().get_name_scope(), tf.get_variable_scope().name])
        elif kind == "get_variable":
            out.append(tf.get_variable(st[1], st[2]).name)
        elif kind == "Variable":
            out.append(tf.Variable(tf.zeros(st[2]), name=st[1]).name)
        elif kind == "constant":
            out.append(tf.constant(1.0, name=st[1]).name)
    except Exception as e:
        out.append(type(e).__name__)
        if kind in ("ns", "vs", "vs_default", "vs_cap"):
            stack.append(None)
while stack:
    cm = stack.pop()
    if cm is not None:
        cm.__exit__(None, None, None)
result = [out, [o.name for o in tf.get_default_graph().get_operations()],
          [v.name for v in tf.global_variables()], tf.get_variable_scope().name,
          tf.get_default_graph().get_name_scope()]
'''


def program_code(steps):
    return "import json\n" + RUNNER % json.dumps(steps)
