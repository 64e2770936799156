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


def _imports(path):
    """(line, module) of every import in `path`, function-level ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            pkg = ("scopeflow/" + path.relative_to(ROOT).as_posix()).split("/")[:-1]
            base = pkg[:len(pkg) - node.level + 1] if node.level else []
            found.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def _offenders(paths, banned):
    return ["%s:%d %s" % (path.relative_to(ROOT), line, m) for path in paths
            for line, m in _imports(path) if any(m == b or m.startswith(b + ".") for b in banned)]


def test_no_implementation_module_imports_the_public_facade():
    paths = [p for p in sorted(ROOT.rglob("*.py")) if not _is_facade(p)]
    assert _offenders(paths, ["scopeflow.api"]) == []


# The foundation the TF1 namespace is gathered from. (The libraries written in TF's public
# vocabulary, as TF's own are -- layers, keras, slim, contrib, rnn, metrics, losses -- may
# import scopeflow.compat.v1 when called.)
FOUNDATION = ("core", "ops", "lowering", "gradients", "train", "checkpoint", "summary",
              "distributions", "indexed_slices.py", "sparse_tensor.py", "session.py")


def test_the_foundation_never_imports_the_tf1_namespace():
    paths = [p for p in sorted(ROOT.rglob("*.py"))
             if p.relative_to(ROOT).as_posix().split("/")[0] in FOUNDATION]
    assert len(paths) > 100
    assert _offenders(paths, ["scopeflow.api", "scopeflow.compat"]) == []
