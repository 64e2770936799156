"""Dataset.window against real TF: element specs (DatasetSpec per component, as TF1's output
types, shapes and classes too), the WindowDataset op, windows for sizes, shifts, strides and
drop_remainder, windows of tuples and dicts flattened by flat_map / interleave, TF's errors."""

import pytest
from data_oracle import DATA_PRELUDE, matches_tf

PRELUDE = DATA_PRELUDE + """
r = tf.data.Dataset.range
def batches(d):
    return rows(d.flat_map(lambda w: w.batch(10)), 12)
"""

SNIPPETS = {
    "specs_and_graph": """
ds = r(7).window(3, 2)
z = tf.data.Dataset.zip((r(5), r(5).map(lambda x: tf.fill([2], x)))).window(2)
d = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": [4., 5., 6.]}).window(2, 1, True)
result = [repr(x) for x in (ds.element_spec, z.element_spec, d.element_spec, ds.output_types,
                            ds.output_shapes, z.output_classes)] + [ops()]""",
    "windows": """
cases = [(3, 2), (3, 2, 1), (3, 2, 2), (3, 1, 1, True), (2, 5), (4, None, 2), (3, 2, 2, True),
         (1,)]
result = [batches(r(10).window(*c)) for c in cases] + [batches(r(0).window(2)),
                                                       batches(r(100).repeat().window(3, 4))]""",
    "structured_windows": """
z = tf.data.Dataset.zip((r(5), r(5).map(lambda x: tf.fill([2], x)))).window(2)
d = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": [4., 5., 6.]}).window(2, 1, True)
result = [rows(z.flat_map(lambda a, b: tf.data.Dataset.zip((a, b)).batch(2))),
          rows(d.flat_map(lambda e: tf.data.Dataset.zip(e).batch(2))),
          rows(r(4).window(2).interleave(lambda w: w.map(lambda x: x * 10), 2))]""",
    "bad_windows": """
result = [rows(r(3).window(*c).flat_map(lambda w: w)) for c in [(0,), (2, 0), (2, 1, -1)]]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
