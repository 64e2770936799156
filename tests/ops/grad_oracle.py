"""Runs a TF-built graph of raw ops under scopeflow: TF makes the GraphDef and its values,
scopeflow imports the GraphDef and computes the same tensors.

    check(oracle, "x = tf.constant([1.0]); outs = {'y': tf.raw_ops.ReluGrad(...)}")
"""

import numpy as np
from tensorboard.compat.proto import graph_pb2

_TAIL = """
with tf.Session() as _s:
    _vals = _s.run(outs)
result = {"graph": tf.get_default_graph().as_graph_def().SerializeToString().hex(),
          "names": {k: t.name for k, t in outs.items()},
          "vals": {k: [str(v.dtype), list(v.shape), np.ascontiguousarray(v).tobytes().hex()]
                   for k, v in _vals.items()}}
"""


def tf_values(oracle, body):
    """(GraphDef, {key: tensor name}, {key: value}) of `body` (which sets `outs`) under TF."""
    got = oracle("import numpy as np\n" + body + _TAIL)
    assert "ok" in got, got
    r = got["ok"]
    vals = {k: np.frombuffer(bytes.fromhex(h), dtype=np.dtype(dt)).reshape(shape)
            for k, (dt, shape, h) in r["vals"].items()}
    return graph_pb2.GraphDef.FromString(bytes.fromhex(r["graph"])), r["names"], vals


def _fed_constants(graph_def):
    """Float constants become placeholders fed their values, so the kernels run on traced
    values inside the compiled program, not folded at graph time."""
    from tensorboard.util import tensor_util
    feeds = {}
    for node in graph_def.node:
        if node.op == "Const" and node.attr["dtype"].type in (1, 2, 19):  # float, double, half
            value = tensor_util.make_ndarray(node.attr["value"].tensor)
            if value.size > 1:
                node.op = "Placeholder"
                dtype, shape = node.attr["dtype"].type, value.shape
                node.ClearField("attr")
                node.attr["dtype"].type = dtype
                node.attr["shape"].shape.dim.extend([])
                for d in shape:
                    node.attr["shape"].shape.dim.add(size=d)
                feeds[node.name + ":0"] = value
    return feeds


def ulps(a, b):
    """Largest distance in units of the last place between float arrays `a` and `b`."""
    a, b = np.asarray(a), np.asarray(b)
    if np.iscomplexobj(a):
        return max(ulps(a.real, b.real), ulps(a.imag, b.imag))
    if not np.issubdtype(a.dtype, np.floating):
        return 0 if np.array_equal(a, b) else np.inf
    spacing = np.spacing(np.maximum(np.abs(a), np.abs(b)).astype(a.dtype))
    diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    return float(np.max(np.where(same, 0, diff / spacing), initial=0))


def check(oracle, tf, body, max_ulps=4, atol=0.0, rtol=0.0):
    """TF's values for `outs` equal scopeflow's on the imported graph to `max_ulps` ulps, or
    within atol + rtol * |TF's value| (sums whose order differs from TF's)."""
    graph_def, names, want = tf_values(oracle, body)
    feeds = _fed_constants(graph_def)
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as s:
            got = s.run({k: tf.get_default_graph().get_tensor_by_name(n)
                         for k, n in names.items()}, feeds)
    for k, v in want.items():
        g = np.asarray(got[k])
        assert g.shape == v.shape, (k, g.shape, v.shape)
        assert g.dtype == v.dtype, (k, g.dtype, v.dtype)
        close = ulps(g, v) <= max_ulps or np.allclose(g, v, rtol=rtol, atol=atol)
        assert close, "%s: %s ulps apart\nscopeflow %s\ntensorflow %s" % (
            k, ulps(g, v), g.ravel()[:8], v.ravel()[:8])
    return want
