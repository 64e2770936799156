"""tf.Print, tf.print and tf.strings.format vs TF: the graph they build and what running it
writes (TF's C++ kernels write to file descriptor 2, scopeflow's to sys.stderr: both caught)."""

import pytest

from array_oracle import check_graph
from oracle import run_here

GRAPHS = [
    "x = tf.constant([[1.5, 2, 3], [4, 5, 6]]); "
    "y = tf.Print(x, [x, 'hi', 3], message='m: ', first_n=2, summarize=4); "
    "z = tf.Print(x, [x], name='p')",
    "x = tf.constant([1.0]); p = tf.print('a', x, {'k': x, 'b': 1}, [x, 's'], summarize=2); "
    "q = tf.print(tf.constant('only')); r = tf.print(x, name='pp')",
    "f = tf.strings.format('x={} y={}', [tf.constant(1), tf.constant(2.0)])",
    "f = tf.strings.format('x={}', [tf.constant(1), tf.constant(2.0)])",
    "f = tf.strings.format('x=%s', tf.constant(1), placeholder='%s', summarize=-1)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


_CAPTURE = r'''
import io, os, sys, tempfile
def captured(run):
    sys.stderr.flush()
    with tempfile.TemporaryFile() as f:
        saved, old = os.dup(2), sys.stderr
        os.dup2(f.fileno(), 2)
        sys.stderr = io.StringIO()
        try:
            run()
        finally:
            text, sys.stderr = sys.stderr.getvalue(), old
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        return f.read().decode() + text
'''

PRINTED = [
    # first_n counts the runs of the op in a Session; summarize cuts TF's way
    "x = tf.constant([[1.5, 2, 3], [4, 5, 6]])\n"
    "y = tf.Print(x, [x, tf.constant('hi'), tf.constant(3)], message='msg: ', first_n=2, "
    "summarize=4)\n"
    "sess = tf.Session()\n"
    "result = [captured(lambda: sess.run(y)) for _ in range(3)] + [sess.run(y).tolist()]\n"
    "sess2 = tf.Session()\n"
    "result.append(captured(lambda: sess2.run(y)))",
    "x = tf.constant(1.0)\n"
    "ps = [tf.Print(x, [tf.range(20)], summarize=-1), tf.Print(x, [tf.range(20)]),\n"
    "      tf.Print(x, [tf.constant(True), tf.constant([[1.25e10]], tf.float64),\n"
    "                   tf.constant([], tf.float32), tf.zeros([2, 0]), tf.constant(1 / 3),\n"
    "                   tf.constant(['a\\n', 'b'])]),\n"
    "      tf.Print(x, [tf.reshape(tf.range(24), [2, 3, 4])], summarize=7)]\n"
    "with tf.Session() as sess:\n"
    "    result = [captured(lambda: sess.run(p)) for p in ps]",
    # a Print on the way to a fetch prints once per run, with the value computed in the run
    "v = tf.placeholder(tf.float32, [None])\n"
    "y = tf.Print(v * 2, [v * 2], 'doubled ') + 1\n"
    "with tf.Session() as sess:\n"
    "    result = [captured(lambda: sess.run(y, {v: [1, 2.5]}))]",
    "x = tf.constant([[1.5, 2, 3], [4, 5, 6]])\n"
    "p = tf.print('a', x, {'k': x, 'b': 1}, [x, 's'], tf.constant('str'),\n"
    "             tf.constant(['u', '\\xe9\\n']), tf.constant([True, False]), tf.range(10),\n"
    "             tf.reshape(tf.range(24.), [2, 3, 4]), summarize=2, sep='|', end='$')\n"
    "q = tf.print(tf.constant('only'))\n"
    "r = tf.print(tf.zeros([2, 0]), tf.constant(2.5, tf.float64), tf.constant(1, tf.int64))\n"
    "with tf.Session() as sess:\n"
    "    result = [captured(lambda: sess.run(o)) for o in (p, q, r)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PRINTED)
def test_printed_text_matches_tf(oracle, code):
    there = oracle(_CAPTURE + code)
    here = run_here(_CAPTURE + code)
    assert "ok" in there, there
    assert here == there


FORMATTED = [
    "x = tf.reshape(tf.range(30.) / 7, [5, 6])\n"
    "f = tf.strings.format('x={} y={} z={}', [x, tf.constant(1 / 3), tf.constant(['a', 'b'])],\n"
    "                      summarize=2)\n"
    "g = tf.strings.format('{}', tf.constant(7, tf.int64))\n"
    "with tf.Session() as sess:\n"
    "    result = sess.run([f, g])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", FORMATTED)
def test_formatted_values_match_tf(oracle, code):
    assert run_here(code) == oracle(code)


def test_print_to_file_and_bad_stream(tmp_path):
    import scopeflow.compat.v1 as tf
    path = tmp_path / "out.txt"
    with tf.Graph().as_default(), tf.Session() as sess:
        sess.run(tf.print("v", tf.constant([1, 2]), output_stream="file://%s" % path))
        sess.run(tf.print("again", output_stream="file://%s" % path))
        with pytest.raises(ValueError, match="Unsupported output stream"):
            tf.print("x", output_stream=object())
        with pytest.raises(ValueError, match="Unrecognized keyword arguments for tf.print"):
            tf.print("x", bad=1)
    assert path.read_text() == "v [1 2]\nagain\n"
