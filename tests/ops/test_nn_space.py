"""Dilated convolution and pooling of inputs whose spatial sizes are known only when the graph
runs (tf.nn.with_space_to_batch's Shape / required_space_to_batch_paddings chain) against TF:
every op of the graph, values and gradients."""

import pytest
from math_oracle import check_all_ops, check_outputs, check_values
from oracle import ORACLE_HELPERS, RANKS, fed_cases_match, run_here

GRAPHS = [
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); w = tf.ones([3, 3, 3, 4])\n"
    "r = [tf.nn.atrous_conv2d(x, w, 2, 'SAME'), tf.nn.convolution(x, w, 'VALID', "
    "dilation_rate=[2, 3])]",
    "x = tf.placeholder(tf.float32, [2, 3, None, 7]); w = tf.ones([2, 3, 3, 4])\n"
    "r = tf.nn.convolution(x, w, 'SAME', dilation_rate=[3, 2], data_format='NCHW')",
    "x = tf.placeholder(tf.float32, [None, None, 6, 3])\n"
    "r = [tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2]), "
    "tf.nn.pool(x, [3, 2], 'AVG', 'VALID', dilation_rate=[2, 1])]",
    "x = tf.placeholder(tf.float32, [None, None, 3]); w = tf.ones([3, 3, 2])\n"
    "r = tf.nn.convolution(x, w, 'SAME', dilation_rate=[4])",
    "x = tf.placeholder(tf.float32, [None, None, 6, 3])\n"
    "r = tf.nn.pool(x, [2, 2], 'MAX', 'SAME', dilation_rate=[2, 2])",
    "s = tf.placeholder(tf.int32, [2])\n"
    "r = list(tf.required_space_to_batch_paddings(s, [2, 3], [[1, 1], [0, 2]]))",
]

VALUES = [
    "rs = np.random.RandomState(4); a = rs.randn(2, 9, 11, 3).astype(np.float32); "
    "k = rs.randn(3, 3, 3, 4).astype(np.float32)\n"
    "x = tf.placeholder(tf.float32, [None, None, None, 3]); w = tf.constant(k)\n"
    "ys = [tf.nn.atrous_conv2d(x, w, 2, 'SAME'), tf.nn.convolution(x, w, 'VALID', "
    "dilation_rate=[2, 3]), tf.nn.pool(x, [2, 2], 'MAX', 'VALID', dilation_rate=[2, 2]), "
    "tf.nn.pool(x, [3, 2], 'AVG', 'VALID', dilation_rate=[2, 1])]\n"
    "fetch = ys + tf.gradients([tf.reduce_sum(y * y) for y in ys], [x, w])\n"
    "feed = {x: a}",
    "s = tf.placeholder(tf.int32, [2])\n"
    "fetch = list(tf.required_space_to_batch_paddings(s, [2, 3], [[1, 1], [0, 2]]))\n"
    "feed = {s: [7, 5]}",
]


@pytest.mark.oracle
def test_dynamic_dilated_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, GRAPHS)


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES, ids=["conv_pool", "paddings"])
def test_dynamic_dilated_values_match_tf(oracle, code):
    check_values(oracle, code, rtol=1e-5, atol=1e-4)


# ---- depth_to_space / space_to_depth ---------------------------------------------------------
DEPTH_GRAPHS = [
    "x = tf.placeholder(tf.float32, [2, 3, 4, 8])\n"
    "r = [tf.depth_to_space(x, 2), tf.space_to_depth(tf.tile(x, [1, 2, 1, 1]), 2, name='s'),"
    " tf.nn.depth_to_space(x, 2, data_format='NCHW')]\n"
    "r += tf.gradients([tf.reduce_sum(y * y) for y in r], x)",
    "x = tf.placeholder(tf.int32, [None, None, None, None])\n"
    "r = [tf.depth_to_space(x, 3), tf.space_to_depth(x, 4, data_format='NCHW')]",
]

DEPTH_ERRORS = [
    "r = tf.depth_to_space(tf.zeros([2, 3, 4, 6]), 2)",
    "r = tf.depth_to_space(tf.zeros([2, 3, 4]), 2)",
    "r = tf.depth_to_space(tf.zeros([2, 3, 4, 8]), 1)",
    "r = tf.space_to_depth(tf.zeros([2, 3, 4, 8]), 2)",
    "r = tf.space_to_depth(tf.zeros([2, 4, 3, 8]), 2)",
    "r = tf.space_to_depth(tf.zeros([2, 4, 4, 8]), 0)",
    "r = tf.depth_to_space(tf.zeros([2, 3, 4, 8]), 2, data_format='NCHW')",
]

DEPTH_VALUES = """
import numpy as np
a = np.arange(2 * 4 * 6 * 12, dtype=np.float32).reshape(2, 4, 6, 12)
x = tf.placeholder(tf.float32, [None, None, None, None])
ys = [tf.depth_to_space(x, 2), tf.space_to_depth(x, 2), tf.depth_to_space(tf.cast(x, tf.int64), 2)]
gs = tf.gradients([tf.reduce_sum(y * y) for y in ys[:2]], x)
with tf.Session() as s:
    vals = s.run(ys + gs, {x: a})
result = [[g.op.type for g in gs], [v.tolist() for v in vals]]
"""

# TF prints a missing kernel's attrs in hash order (compared as a sorted set) and its list of
# kernels grows once XLA's are loaded (left out). A graph holding a node with no kernel fails
# every run of its Session in TF, so each case gets its own graph.
DEPTH_RUN_ERRORS = """
import re
import numpy as np
out = []
for f, shape in ((lambda p: tf.depth_to_space(p, 2), [1, 2, 2, 6]),
                 (lambda p: tf.space_to_depth(p, 2), [1, 3, 2, 6]),
                 (lambda p: tf.space_to_depth(p, 2), [1, 2, 5, 6]),
                 (lambda p: tf.depth_to_space(p, 2, data_format='NCHW'), [1, 8, 2, 2]),
                 (lambda p: tf.space_to_depth(tf.cast(p, tf.float64), 2, data_format='NCHW'),
                  [1, 8, 2, 2])):
    tf.reset_default_graph()
    p = tf.placeholder(tf.float32, [None, None, None, None])
    y = f(p)
    with tf.Session() as s:
        try:
            s.run(y, {p: np.zeros(shape)})
            out.append('ok')
        except tf.errors.OpError as e:
            msg = e.message.split('\\n\\t [[')[0].split("Node: ")[-1]
            msg = msg.split("\\nRegistered kernels")[0]
            msg = re.sub(r"attrs: \\[(.*?)\\]", lambda m: str(sorted(m.group(1).split(", "))), msg)
            out.append([type(e).__name__, msg])
result = out
"""


@pytest.mark.oracle
def test_depth_space_graphs_match_tf_op_by_op(oracle):
    check_all_ops(oracle, DEPTH_GRAPHS)


@pytest.mark.oracle
def test_depth_space_shape_errors_match_tf(oracle):
    check_outputs(oracle, DEPTH_ERRORS)


@pytest.mark.oracle
@pytest.mark.parametrize("code", [DEPTH_VALUES, DEPTH_RUN_ERRORS], ids=["values", "run_errors"])
def test_depth_space_values_and_run_errors_match_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, (str(here)[:2000], str(there)[:2000])


# (input shape, block_shape, crops or paddings): each a TF error, static or from the kernel
BAD_BLOCKS = [([6, 2, 2, 1], [2, 2], [[0, 0], [0, 0]]), ([4, 2, 2, 1], [2, 2], [[-1, 0], [0, 0]]),
              ([4, 2, 2, 1], [2, 2], [[3, 2], [0, 0]]), ([4, 2, 2, 1], [0, 2], [[0, 0], [0, 0]]),
              ([5, 2, 2, 1], [3, 2], [[-1, 0], [0, 0]]), ([4, 2], [2, 2], [[0, 0], [0, 0]]),
              ([1, 3, 2, 1], [2, 2], [[0, 0], [0, 0]]), ([0, 2, 2, 1], [2, 2], [[0, 0], [0, 0]])]


@pytest.mark.oracle
def test_bad_blocks_raise_tf_errors(oracle):
    """The shape rule's errors with a known input (whole text), the kernel's with a fed one;
    tf.batch_to_space (an int64 block) too."""
    code = ORACLE_HELPERS + (
        "x = tf.placeholder(tf.float32)\n"
        "def both(f, shape, block, pads):\n"
        "    def fed():\n"
        "        y = f(x, block, pads)\n"
        "        with tf.Session() as s:\n"
        "            return s.run(y, {x: np.ones(shape)}).shape\n"
        "    return [err(lambda: f(tf.zeros(shape), block, pads)), err(fed)]\n"
        "result = [both(f, *case) for case in %r for f in (tf.batch_to_space_nd, "
        "tf.space_to_batch_nd)]\n"
        "result.append(err(lambda: tf.batch_to_space(tf.zeros([3, 2, 2, 1]), [[0, 0], [0, 0]],"
        " 2)))\n" % (BAD_BLOCKS,))
    here, there = run_here(code)["ok"], oracle(code)["ok"]
    for case, mine, theirs in zip([c for c in BAD_BLOCKS for _ in "ab"] + [None], here,
                                    there):
        assert mine == theirs, case
    assert len(here) == len(there)


# fed values TF's kernels refuse: TF's error class and message (values where fine)
FED_CASES = [
    ('p = tf.placeholder(tf.int32, [1, 2]); '
     'out = tf.batch_to_space(tf.ones([4, 1, 1, 1]), p, 2)',
     [[0, 3]]),
] + [  # a placeholder of unknown shape fed with ranks the op may not take
    ('p = tf.placeholder(tf.float32); out = ' + e, v) for v in RANKS for e in (
        'tf.nn.depth_to_space(p, 2)',
        'tf.space_to_depth(p, 2)',
    )
]


@pytest.mark.parametrize("code,value", FED_CASES)
def test_fed_values_fail_as_tf(oracle, code, value):
    fed_cases_match(oracle, code, [value])
