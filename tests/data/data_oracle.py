"""The helpers oracle programs of tf.data.experimental share (tests/data): `drain` runs a
dataset to its end (or `limit` elements) through a one-shot or initializable iterator, `rows`
too but records failing elements and goes on, `meta` gives its output types and shapes, `ops`
the graph's ops."""

DATA_PRELUDE = """
def drain(ds, limit=100, initializable=False):
    it = (tf.data.make_initializable_iterator(ds) if initializable else
          tf.data.make_one_shot_iterator(ds))
    nxt = it.get_next()
    out = []
    with tf.Session() as sess:
        if initializable:
            sess.run(it.initializer)
        for _ in range(limit):
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                out.append("end")
                break
    return out
def first_line(e):
    return [type(e).__name__, [l for l in e.message.splitlines() if l[:1] != "\\t"][-1]]
def rows(ds, n=20, feed=None):
    # (an initializable iterator; a failing element is recorded and the next one asked for)
    it = tf.data.make_initializable_iterator(ds)
    nxt, out = it.get_next(), []
    with tf.Session() as s:
        try:
            s.run(it.initializer, feed)
        except tf.errors.OpError as e:
            return first_line(e)
        for _ in range(n):
            try:
                out.append(s.run(nxt))
            except tf.errors.OutOfRangeError:
                return out + ["end"]
            except tf.errors.OpError as e:
                out.append(first_line(e))
    return out
def meta(ds):
    m = lambda f, x: tf.nest.map_structure(f, x)
    return [m(lambda t: t.name, ds.output_types),
            m(lambda s: None if s.ndims is None else s.as_list(), ds.output_shapes)]
def ops():
    return [(o.name, o.type, [i.name for i in o.inputs])
            for o in tf.get_default_graph().get_operations()]
"""


def matches_tf(oracle, code, wording=True):
    """Runs `code` here and under TF: the same values, or the same error class (and, with
    `wording`, message; TF's wording of a failure inside a dataset function names a
    process-wide dataset counter, so such messages are left out)."""
    from oracle import explain, run_here, same
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)
    if wording and "raises" in there and "user-defined function" not in there["msg"]:
        assert here["msg"] == there["msg"], explain(code, here, there)
