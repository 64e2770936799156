"""The helpers oracle programs of tf.data.experimental share (tests/data): `drain` runs a
dataset to its end (or `limit` elements) through a one-shot or initializable iterator, `meta`
gives its output types and shapes, `ops` the graph's ops."""

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
def meta(ds):
    m = lambda f, x: tf.nest.map_structure(f, x)
    return [m(lambda t: t.name, ds.output_types),
            m(lambda s: None if s.ndims is None else s.as_list(), ds.output_shapes)]
def ops():
    return [(o.name, o.type, [i.name for i in o.inputs])
            for o in tf.get_default_graph().get_operations()]
"""
