"""tf.saturate_cast against real TF: the clamp's limits (nudged toward 0 where rounding to
the source type leaves the target's range), its graph, and the values of nan / inf."""

import pytest
from oracle import explain, fed_cases_match, run_here

PROGRAM = """
nan, inf = float('nan'), float('inf')
q = tf.placeholder(tf.{src}, [7]); p = tf.cast(q, tf.{mid}) if '{mid}' != '{src}' else q
y = tf.saturate_cast(p, tf.{dst})
with tf.Session() as s:
    v = s.run(y, {{q: {values}}})
result = [[o.name, o.type] for o in tf.get_default_graph().get_operations()], \
    [str(x) for x in v.tolist()]
"""
FLOATS = "[nan, inf, -inf, 3e9, -3e9, 2.5, 1e20]"
CASES = [  # (fed type, type cast to first, target type, values)
    ("float32", "float32", "int32", FLOATS),  # inf -> 2147483520, nan -> INT_MIN
    ("float64", "float64", "int32", FLOATS),
    ("float32", "float32", "int64", FLOATS),  # float32(2**63) is not above the limit: INT_MIN
    ("float32", "float32", "uint8", FLOATS),
    ("float32", "float16", "int32", FLOATS),  # the ranges agree, still clamped: inf -> 65504
    ("float32", "float32", "float16", FLOATS),
    ("float32", "bfloat16", "int32", FLOATS),
    ("float32", "float32", "uint32", FLOATS),
    ("float64", "float64", "float32", FLOATS),
    ("complex64", "complex64", "float32", FLOATS),  # the real part, clamped
    ("int64", "int64", "int32", "[2**40, -2**40, 300, 0, 1, 2, -1]"),
    ("int32", "int32", "uint8", "[2**31 - 1, -5, 300, 0, 1, 2, 7]"),
    ("int32", "int32", "int64", "[2**31 - 1, -5, 300, 0, 1, 2, 7]"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("src,mid,dst,values", CASES)
def test_saturate_cast_matches_tf(oracle, src, mid, dst, values):
    code = PROGRAM.format(src=src, mid=mid, dst=dst, values=values)
    here, there = run_here(code), oracle(code)
    assert "ok" in there, there
    assert here == there, explain(code, here, there)


# TF's Cast kernel converts runs of 8 to 32 elements with saturating packed instructions and
# the rest one by one: NaN, +-inf and out-of-range values differ between the two (measured)
CAST_RUNS = """
vals = [np.nan, np.inf, -np.inf, 1e20, -1e20, 5e9, -5e9, 3e9, -3e9, 2.0 ** 31, -2.0 ** 31, -1.0,
        -2.0 ** 31 - 256, 3.7, -3.7, 128.0, -129.0, 256.0, -300.5, 32768.0, -32769.0, 40000.0,
        65536.0, -70000.2, 1e19, 2.0 ** 63]
mixed = np.resize(np.array(vals), 75)  # 64 in runs (2 of 32, 4 of 16, 8 of 8), 11 one by one
result = {}
with tf.Session() as s:
    for src in ["float32", "float64"]:
        p = tf.placeholder(src, [None])
        for dst in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
            c = tf.cast(p, dst)
            got = [s.run(c, {p: np.full(n, v, src)})[0] for v in vals for n in (1, 64)]
            got += list(s.run(c, {p: mixed.astype(src)}))
            result[src + " " + dst] = [str(g) for g in got]
"""


@pytest.mark.oracle
def test_float_to_int_of_nan_inf_and_out_of_range_as_tf(oracle):
    assert run_here(CAST_RUNS) == oracle(CAST_RUNS)


@pytest.mark.oracle
@pytest.mark.parametrize("args", ["p, [1.0, 1.0], [0.5, 0.5]", "[1.0, 1.0], p, [0.5, 0.5]",
                                  "[1.0, 1.0], [1.0, 1.0], p", "1.0, [1.0, 1.0], p"])
def test_betainc_fed_shapes_fail_as_tf(oracle, args):
    fed_cases_match(oracle, "p = tf.placeholder(tf.float32, None); out = tf.betainc(%s)" % args,
                    [[1.0, 1.0, 1.0], [1.0, 1.0], 1.0])
