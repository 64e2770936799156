"""scopeflow.core.contexts: the graph-level contexts, and the layering rule they make possible."""

import ast
import pathlib

import pytest

import scopeflow
import scopeflow.compat.v1 as tf
from scopeflow.core import contexts

ROOT = pathlib.Path(scopeflow.__file__).parent
FACADES = {"api", "compat/v1.py", "__init__.py"}


def _is_facade(path):
    rel = path.relative_to(ROOT).as_posix()
    return rel in FACADES or rel.split("/")[0] == "api"


def test_the_public_names_are_the_core_ones():
    assert tf.name_scope is contexts.name_scope
    assert tf.control_dependencies is contexts.control_dependencies
    assert tf.get_collection is contexts.get_collection


def test_name_scope_in_core_names_and_rejects_like_tf():
    g = tf.Graph()
    with g.as_default():
        with contexts.name_scope("a") as s:
            c = tf.constant(1, name="c")
        with contexts.name_scope(None, "d", [c]) as s2:
            pass
        with pytest.raises(TypeError, match="is not a string type"):
            contexts.name_scope("x", 3)
    assert (s, c.name, s2) == ("a/", "a/c:0", "d/")


def test_no_implementation_module_imports_the_public_facade():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if _is_facade(path):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            mods = []
            if isinstance(node, ast.ImportFrom):
                pkg = ("scopeflow/" + path.relative_to(ROOT).as_posix()).split("/")[:-1]
                base = pkg[:len(pkg) - node.level + 1] if node.level else []
                mods = [".".join(base + ([node.module] if node.module else []))]
            elif isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            offenders += ["%s:%d %s" % (path.relative_to(ROOT), node.lineno, m)
                          for m in mods if m == "scopeflow.api" or m.startswith("scopeflow.api.")]
    assert offenders == []
