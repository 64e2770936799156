"""tf.gfile / tf.io.gfile against real TF: results, error classes and wording."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import run_here
from scopeflow import errors
from scopeflow.io import gfile

# Each snippet works in a fresh temporary directory D and reports paths relative to it.
PRELUDE = """
import os, tempfile, shutil
D = tempfile.mkdtemp()
def rel(x):
    return x.replace(D, "D") if isinstance(x, str) else [rel(v) for v in x]
def err(f):
    try:
        f()
        return "ok"
    except Exception as e:
        return [type(e).__name__, rel(str(e))]
"""

SNIPPETS = {
    "files": """
g = tf.gfile
g.MakeDirs(os.path.join(D, "x", "y"))
p = os.path.join(D, "x", "y", "f.txt")
with g.GFile(p, "w") as f:
    f.write("hello\\nworld\\n")
    w_tell = f.tell()
with g.GFile(p, "a") as f:
    f.write(b"tail")
with g.Open(p, "r") as f:
    head = [f.read(3), f.tell(), f.readline(), f.tell(), f.size()]
    f.seek(2, 1); here = f.tell(); f.seek(-2, 2); end = f.read()
    f.seek(0); lines = list(f)
with g.GFile(p, "rb") as f:
    raw = [f.read().decode(), f.readline().decode(), f.readlines()]
st = g.Stat(p)
result = [w_tell, head, here, end, lines, raw, st.length, st.is_directory,
          type(st.mtime_nsec).__name__, g.Exists(p), g.IsDirectory(p),
          g.IsDirectory(os.path.join(D, "x")), g.Stat(os.path.join(D, "x")).is_directory]
shutil.rmtree(D)
""",
    "tree": """
g = tf.io.gfile
g.makedirs(os.path.join(D, "a", "b"))
for name in ("a/f1", "a/b/f2", "a/.hidden", "g.txt"):
    with g.GFile(os.path.join(D, name), "w") as f:
        f.write(name)
g.copy(os.path.join(D, "g.txt"), os.path.join(D, "h.txt"))
g.copy(os.path.join(D, "a/f1"), os.path.join(D, "h.txt"), overwrite=True)
g.rename(os.path.join(D, "h.txt"), os.path.join(D, "i.txt"))
g.rename(os.path.join(D, "i.txt"), os.path.join(D, "g.txt"), overwrite=True)
walk = [(rel(d), sorted(s), sorted(f)) for d, s, f in g.walk(D)]
up = [rel(d) for d, _, _ in g.walk(D, topdown=False)]
walk1 = [rel(d) for d, _, _ in tf.gfile.Walk(D, in_order=False)]
result = [walk, up, walk1, rel(g.glob(os.path.join(D, "*", "f*"))),
          sorted(rel(g.glob([os.path.join(D, "*.txt"), os.path.join(D, "a", "*")]))),
          sorted(g.listdir(os.path.join(D, "a"))), g.GFile(os.path.join(D, "g.txt")).read(),
          list(g.walk(os.path.join(D, "missing")))]
g.remove(os.path.join(D, "g.txt"))
tf.gfile.DeleteRecursively(os.path.join(D, "a"))
g.mkdir(os.path.join(D, "m"))
tf.gfile.MkDir(os.path.join(D, "m"))
result += [sorted(g.listdir(D)), g.exists(os.path.join(D, "a")), g.exists("")]
shutil.rmtree(D)
""",
    "errors": """
g = tf.gfile
m = os.path.join(D, "missing.txt")
p = os.path.join(D, "f")
with g.GFile(p, "w") as f:
    f.write("x")
with g.GFile(p + "2", "w") as f:
    f.write("y")
result = [err(lambda: g.GFile(m).read()), err(lambda: g.Remove(m)),
          err(lambda: g.ListDirectory(m)), err(lambda: g.ListDirectory(p)),
          err(lambda: g.Stat(m)), err(lambda: g.Copy(m, m + "2")),
          err(lambda: g.Rename(m, m + "2")), err(lambda: g.DeleteRecursively(m)),
          err(lambda: g.MkDir(os.path.join(D, "a", "b"))),
          err(lambda: g.Rename(p, p + "2")), err(lambda: g.Copy(p, p + "2")),
          err(lambda: g.MakeDirs(os.path.join(p, "z"))), err(lambda: g.Remove(D)),
          err(lambda: g.GFile(D).read()), err(lambda: g.GFile(p).write("a")),
          err(lambda: g.GFile(p, "w").read()), err(lambda: g.GFile(p, "x")),
          err(lambda: g.GFile(p).seek(0, 5)), err(lambda: g.GFile(p).seek(-3)),
          err(lambda: g.GFile(os.path.join(D, "no", "x"), "w").write("a")),
          err(lambda: g.GFile(m).size()), err(lambda: g.GFile(p).seek())]
f = g.GFile(os.path.join(D, "lazy"), "w")
f.close()
result.append(g.Exists(os.path.join(D, "lazy")))
shutil.rmtree(D)
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_gfile_matches_tf(oracle, name):
    code = PRELUDE + SNIPPETS[name]
    assert run_here(code) == oracle(code)


def test_gfile_names_match_tf(oracle, tf):
    code = ("result = [sorted(n for n in dir(tf.gfile) if not n.startswith('_')),"
            " sorted(n for n in dir(tf.io.gfile) if not n.startswith('_')),"
            " tf.gfile.GFile is tf.io.gfile.GFile, tf.gfile.Open is tf.gfile.GFile]")
    assert run_here(code) == oracle(code)


def test_errors_are_tf_classes(tmp_path):
    with pytest.raises(errors.NotFoundError, match="No such file or directory"):
        gfile.GFile(str(tmp_path / "nope")).read()
    with pytest.raises(errors.OpError):
        gfile.listdir(str(tmp_path / "nope"))


def test_paths_may_be_bytes_or_pathlike(tmp_path):
    p = tmp_path / "f"
    with gfile.GFile(p, "wb") as f:
        f.write(b"\x00\xff")
    assert gfile.exists(bytes(p)) and gfile.GFile(p, "rb").read() == b"\x00\xff"
    assert gfile.listdir(os.fsencode(tmp_path)) == ["f"]


def test_glob_of_a_list_goes_pattern_by_pattern(tmp_path):
    for name in ("a1", "a2", "b1"):
        (tmp_path / name).write_text(name)
    found = gfile.glob([str(tmp_path / "b*"), str(tmp_path / "a*"), str(tmp_path / "*1")])
    assert [os.path.basename(p) for p in found[:3]] == ["b1"] + sorted(
        os.path.basename(p) for p in found[1:3])
    assert sorted(os.path.basename(p) for p in found[3:]) == ["a1", "b1"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=5))
def test_binary_lines_round_trip(tmp_path_factory, chunks):
    p = str(tmp_path_factory.mktemp("g") / "f")
    data = b"\n".join(chunks)
    with gfile.GFile(p, "wb") as f:
        f.write(data)
    with gfile.GFile(p, "rb") as f:
        assert b"".join(f.readlines()) == data
    assert gfile.stat(p).length == len(data)
