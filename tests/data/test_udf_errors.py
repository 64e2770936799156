"""Errors raised inside tf.data functions against real TF: the error's class and TF's wording
("Error in user-defined function passed to MapDataset:N transformation with iterator:
Iterator::Root::...: <message>", the function's node, the iterator's GetNext), with the `:N`
(a process-wide count of datasets) left out of the comparison."""

import pytest
from data_oracle import matches_tf

PRELUDE = """
import re
def first_errors(ds, n=8, stop=True, brief=False):
    # each element's value or error (class, message, op, node_def) up to the first error;
    # `brief`: the values and error classes of `n` elements
    it = tf.data.make_initializable_iterator(ds)
    nxt, out = it.get_next(), []
    with tf.Session() as s:
        s.run(it.initializer)
        for _ in range(n):
            try:
                v = s.run(nxt)
                out.append(str(v) if brief else "v")
            except tf.errors.OutOfRangeError:
                out.append("end")
                break
            except tf.errors.OpError as e:
                msg = re.sub(r"(Dataset[A-Z0-9]*):[0-9]+ ", r"\\1:N ", e.message)
                out.append(type(e).__name__ if brief else
                           [type(e).__name__, msg, e.op, e.node_def])
                if stop:
                    break
    return out
bad = lambda x: tf.gather(tf.constant([1, 2, 3], tf.int64), x % 4)
R = tf.data.Dataset.range
"""

SNIPPETS = {
    "map_and_filter": """
result = [first_errors(R(5).map(bad), stop=False),
          first_errors(R(5).filter(lambda x: bad(x) > 0), stop=False),
          first_errors(R(5).map(bad, num_parallel_calls=2), stop=False),
          first_errors(R(5).map(lambda x: x).map(bad), stop=False),
          first_errors(R(5).map(lambda x: bad(x) + tf.cast(tf.random_uniform([]), tf.int64)),
                       stop=False)]""",
    "iterator_paths": """
result = [first_errors(R(5).map(bad).repeat(2).take(9)),
          first_errors(R(5).map(bad).shuffle(3, seed=1)),
          first_errors(R(5).map(bad).prefetch(1)),
          first_errors(tf.data.Dataset.zip((R(5), R(5).map(bad)))),
          first_errors(R(2).concatenate(R(5).map(bad))),
          first_errors(R(5).map(bad).repeat().skip(1)),
          first_errors(R(5).map(bad).cache()),
          first_errors(R(5).map(lambda x: tf.reshape(bad(x), [1])).unbatch()),
          first_errors(R(5).map(lambda x: tf.reshape(bad(x), [1])).padded_batch(1, [1])),
          first_errors(R(5).filter(lambda x: bad(x) > 0).batch(2)),
          first_errors(R(8).map(bad).shard(2, 1))]""",
    "nested_and_interleaved": """
result = [first_errors(R(4).flat_map(lambda x: tf.data.Dataset.range(2).map(
              lambda y: bad(x + y))), 9),
          first_errors(R(5).interleave(lambda x: tf.data.Dataset.from_tensors(bad(x)),
                                       cycle_length=2)),
          first_errors(R(5).interleave(lambda x: tf.data.Dataset.from_tensors(bad(x)),
                                       cycle_length=2, num_parallel_calls=2)),
          first_errors(R(5).flat_map(lambda x: tf.data.Dataset.from_tensors(bad(x))))]""",
    # TF's fused map-and-batch, scan, take_while, group_by_window: the bare message
    "bare_messages": """
E = tf.data.experimental
result = [first_errors(R(5).map(bad).batch(1)),
          first_errors(R(5).apply(E.map_and_batch(bad, 1))),
          first_errors(R(5).apply(E.scan(tf.constant(0, tf.int64), lambda s, x: (s, bad(x))))),
          first_errors(R(5).apply(E.take_while(lambda x: bad(x) > 0))),
          first_errors(R(5).apply(E.group_by_window(bad, lambda k, w: w, 2)))]""",
    # TF's iterators go on after an element failed: what each does with it
    "pipelines_go_on_after_an_error": """
show = lambda ds: first_errors(ds, 14, stop=False, brief=True)
b = lambda x: bad(x) * 0 + x
E = tf.data.experimental
result = [show(R(8).filter(lambda x: b(x) >= 0).batch(2)),
          show(R(8).filter(lambda x: b(x) >= 0).padded_batch(3, [])),
          show(R(5).map(b).repeat(2)), show(R(8).map(b).take(6)), show(R(8).map(b).skip(2)),
          show(tf.data.Dataset.zip((R(6), R(6).map(b)))),
          show(tf.data.Dataset.zip((R(6).map(b), R(6)))),
          show(R(5).map(b).concatenate(R(100, 102))),
          show(R(3).flat_map(lambda x: R(5).map(lambda y: b(y + x)))),
          show(R(10).map(b).shard(2, 1)), show(R(6).map(b).shuffle(3, seed=1)),
          show(R(3).interleave(lambda x: R(4).map(lambda y: b(y + x)), cycle_length=2)),
          show(R(6).map(lambda x: tf.reshape(b(x), [1])).unbatch()),
          show(R(6).map(b).prefetch(2)), show(R(6).map(b).cache().repeat(2)),
          show(R(6).map(b).enumerate()),
          show(R(8).map(b).batch(2).apply(E.ignore_errors()))]""",
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_matches_tf(oracle, name):
    matches_tf(oracle, PRELUDE + SNIPPETS[name])
