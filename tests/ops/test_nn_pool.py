"""MaxPool / AvgPool (nn_pool.py) against TF where a fed rank is refused."""

import pytest
from oracle import fed_cases_match, unknown_rank_matches


@pytest.mark.oracle
@pytest.mark.parametrize("fn", ["max_pool", "avg_pool"])
def test_fed_rank_other_than_4_fails_as_tf(oracle, fn):
    # TF's oneDNN kernel's words (XLA's reduce_window message before)
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, None); "
                    "out = tf.nn.%s(p, [1, 1, 1, 1], [1, 1, 1, 1], 'VALID')" % fn,
                    [[[1.0]], [1.0], [[[[2.0]]]]])


# a placeholder of unknown shape fed with ranks the op cannot take (TF's kernel checks)
@pytest.mark.oracle
@pytest.mark.parametrize("expr", [
    'tf.nn.max_pool3d(p, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "VALID")',
    'tf.nn.avg_pool3d(p, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "VALID")',
])
def test_unknown_rank_fed_pool3d_as_tf(oracle, expr):
    unknown_rank_matches(oracle, expr)
