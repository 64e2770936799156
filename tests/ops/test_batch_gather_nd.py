"""tf.gather_nd with batch_dims, built as TF builds it (BatchGatherND): graph, values,
gradients and errors (graph-time and run-time, class and text) against TF."""

import pytest
from array_oracle import check_graph, check_values
from oracle import ORACLE_HELPERS, run_here

PARAMS = "p = tf.constant(np.arange(24.).reshape(2, 3, 4)); "

GRAPHS = [
    "p = tf.placeholder(tf.float32, [2, 3, 4]); i = tf.placeholder(tf.int32, [2, 5, 1]); "
    "g = tf.gather_nd(p, i, batch_dims=1)",
    "p = tf.placeholder(tf.float32, [2, 3, 4, 5]); i = tf.placeholder(tf.int64, [2, 3, 2]); "
    "g = tf.gather_nd(p, i, batch_dims=2, name='g')",
    "p = tf.placeholder(tf.float32, [None, 3, 4]); i = tf.placeholder(tf.int32, [None, 2]); "
    "g = tf.gather_nd(p, i, batch_dims=tf.constant(1))",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, [[[0]], [[1]], [[2]]], batch_dims=1)",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, [[0], [1]], batch_dims=2)",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, [[[0, 1, 2]], [[1, 0, 0]]], batch_dims=1)",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, [[0], [1]], batch_dims=-1)",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, 0, batch_dims=1)",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, [[0.], [1.]], batch_dims=1)",
    "import numpy as np\n" + PARAMS + "tf.gather_nd(p, [[0.5]])",
    "import numpy as np\n" + PARAMS + "tf.gather(p, [0.5], axis=tf.constant(0))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", GRAPHS)
def test_graph_matches_tf(oracle, code):
    check_graph(oracle, code)


VALUES = [
    PARAMS + "i = tf.placeholder(tf.int32, [2, 2, 2]); g = tf.gather_nd(p, i, batch_dims=1); "
    "fetch = [g, tf.gradients(tf.reduce_sum(g * g), p)[0]]; "
    "feed = {i: [[[0, 1], [2, 3]], [[1, 1], [0, 0]]]}",
    "p = tf.constant(np.arange(120.).reshape(2, 3, 4, 5)); "
    "fetch = tf.gather_nd(p, [[[1], [3]], [[0], [0]], [[2], [1]]] * 2 and "
    "np.array([[[[1], [3]], [[0], [0]], [[2], [1]]]] * 2), batch_dims=2)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", VALUES)
def test_values_match_tf(oracle, code):
    check_values(oracle, code)


RUN_ERRORS = ORACLE_HELPERS + """
import numpy as np
p = tf.constant(np.arange(24.).reshape(2, 3, 4))
i = tf.placeholder(tf.int32, [2, 1, 1])
j = tf.placeholder(tf.int32, [2, 2, 2])
k = tf.placeholder(tf.int32, [None, 1])
a = tf.gather_nd(p, i, batch_dims=1)
b = tf.gather_nd(p, j, batch_dims=1)
c = tf.gather_nd(p, k, batch_dims=1)
with tf.Session() as s:
    result = [err(lambda: s.run(a, {i: v})) for v in ([[[5]], [[1]]], [[[-1]], [[1]]],
                                                      [[[1]], [[3]]])]
    result += [err(lambda: s.run(b, {j: v})) for v in ([[[0, 5], [1, 1]], [[0, 0], [2, 3]]],
                                                      [[[0, 0], [1, 1]], [[0, 0], [2, 4]]])]
    result += [err(lambda: s.run(c, {k: [[0], [1], [2]]})),
               s.run(c, {k: [[0], [1]]}).tolist()]
"""


@pytest.mark.oracle
def test_run_time_errors_match_tf(oracle):
    assert run_here(RUN_ERRORS) == oracle(RUN_ERRORS)
