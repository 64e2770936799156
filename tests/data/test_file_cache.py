"""Dataset.cache(filename) against TF 2.21: the files a writing pass leaves (lockfile, temp
data, then the bundle), a second writer's error, and caches read back across frameworks."""

import os
import re

import pytest
from oracle import ORACLE_HELPERS, run_here

PRELUDE = ORACLE_HELPERS + r"""
import glob, os
def ls(d):
    return sorted([re.sub(r"tempstate\d+", "tempstate*", os.path.basename(p)), os.path.getsize(p)]
                  for p in glob.glob(d + "/*"))
"""

WRITE = PRELUDE + r"""
d = DIR
fn = os.path.join(d, "c")
ds = tf.data.Dataset.range(5).map(lambda x: (x * 2, tf.as_string(x))).cache(fn)
it = tf.data.make_initializable_iterator(ds); nxt = it.get_next()
it2 = tf.data.make_initializable_iterator(ds); nxt2 = it2.get_next()
out = []
with tf.Session() as s:
    s.run(it.initializer)
    out.append(ls(d))
    out.append(s.run(nxt))
    out.append(ls(d))
    s.run(it2.initializer)
    out.append(err(lambda: s.run(nxt2)))
    s.run(it.initializer)  # an unfinished pass leaves nothing
    out.append(ls(d))
    out.append([s.run(nxt) for _ in range(5)])
    out.append(err(lambda: s.run(nxt)))
    out.append(ls(d))
    s.run(it.initializer)
    out.append([s.run(nxt) for _ in range(5)])
result = out
"""

READ = r"""
ds = tf.data.Dataset.range(9).map(lambda x: (x * 3, tf.as_string(x))).cache(FN)
nxt = tf.data.make_one_shot_iterator(ds).get_next()
out = []
with tf.Session() as s:
    try:
        while True:
            out.append(s.run(nxt))
    except tf.errors.OutOfRangeError:
        pass
result = out
"""


def _clean(result):
    text = str(result)
    text = re.sub(r"Created at: \d+", "Created at: T", text)
    return re.sub(r"/[^']*/c_0\.lockfile", "DIR/c_0.lockfile", text)


@pytest.mark.oracle
def test_files_and_errors_match_tf(oracle, tmp_path):
    there_dir, here_dir = tmp_path / "tf", tmp_path / "sf"
    there_dir.mkdir()
    here_dir.mkdir()
    there = oracle(WRITE.replace("DIR", repr(str(there_dir))))
    here = run_here(WRITE.replace("DIR", repr(str(here_dir))))
    assert "ok" in there, there
    assert _clean(here) == _clean(there)
    assert sorted(os.listdir(here_dir)) == ["c.data-00000-of-00001", "c.index"]


@pytest.mark.oracle
def test_caches_read_back_across_frameworks(oracle, tmp_path):
    """A cache written by one framework is read by the other (the input is not run)."""
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    write = READ.replace("range(9)", "range(4)")
    first = run_here(write.replace("FN", repr(a)))
    assert oracle(READ.replace("FN", repr(a))) == first
    made = oracle(write.replace("FN", repr(b)))
    assert run_here(READ.replace("FN", repr(b))) == made == first
    assert len(first["ok"]) == 4


def test_partial_pass_under_take_leaves_no_files(tf, tmp_path):
    fn = str(tmp_path / "t")
    nxt = tf.data.make_one_shot_iterator(
        tf.data.Dataset.range(10).cache(fn).take(3)).get_next()
    with tf.Session() as s:
        assert [int(s.run(nxt)) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(tf.errors.OutOfRangeError):
            s.run(nxt)
    assert os.listdir(tmp_path) == []
