"""Every op type the source defines is registered once `scopeflow.compat.v1` is imported, and
no op type is registered by two modules: an imported graph (a TF SavedModel, a meta graph) finds
every kernel without the module that builds the op having run first."""

import ast
import pathlib
import subprocess
import sys

import scopeflow

SRC = pathlib.Path(scopeflow.__file__).parent


def _definitions():
    """(op type, defining module) for every `@op("Type", ...)` in the source tree."""
    found = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if "@op(" not in text:
            continue
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(text)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "op"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.append((node.args[0].value, module))
    return found


def test_each_op_type_is_defined_once():
    seen = {}
    for op_type, module in _definitions():
        seen.setdefault(op_type, []).append(module)
    twice = {t: m for t, m in seen.items() if len(m) > 1}
    assert not twice


def _registered_on_import():
    """The registry of a fresh process after the one import: what a loader of someone else's
    graph has (ops that other tests register in this process are not the tree's)."""
    code = ("import scopeflow.compat.v1\n"
            "from scopeflow.ops.registry import REGISTRY\n"
            "print('\\n'.join(sorted(REGISTRY)))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split()


def test_every_defined_op_is_registered_on_import():
    out = _registered_on_import()
    defined = {t for t, _ in _definitions()}
    assert defined, "no op definitions found"
    assert sorted(defined - set(out)) == []
    # the sharded Saver's ops, which a TF-written SavedModel carries, are among them
    assert {"StaticRegexFullMatch", "ShardedFilename", "StringJoin"} <= set(out)


def test_every_registered_op_has_tf_signature():
    """Export writes an op's attrs (and a function's `node:out_arg:k` inputs) from TF's
    signature; a registered type without one exports guessed attrs. Missing ones are added
    with `tests/summary/gen_op_defs.py --only op_defs_<area>.json TYPE...` (written beside
    op_defs.json) under TF's Python."""
    from scopeflow.summary.graph_def import _op_defs
    registered = _registered_on_import()
    assert registered
    assert sorted(t for t in registered if t not in _op_defs()) == []
