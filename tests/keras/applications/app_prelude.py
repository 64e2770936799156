"""A snippet building one tf.keras application in a TF1 graph (under TF and scopeflow alike):
its layers, variables, parameter count, output, graph ops and, with weights set from a fixed
numpy pattern, its outputs on a fixed image batch."""

import numpy as np

RECORD = r'''
import numpy as np
K = tf.keras
A = tf.keras.applications
images = tf.placeholder(tf.float32, [2, SIZE, SIZE, 3], name="images")
built = BUILD  # a model, or (model, the tensor of a call of it)
m, y = built if isinstance(built, tuple) else (built, built.output)
g = tf.get_default_graph()
ops = sorted([op.name, op.type] for op in g.get_operations())
def pattern(i, v):
    shape = v.shape.as_list(); n = int(np.prod(shape))
    wave = np.cos(np.arange(n) * 0.37 + i).reshape(shape)
    if "variance" in v.name or "gamma" in v.name:
        return (1.0 + 0.2 * wave).astype(np.float32)
    fan_in = np.prod(shape[:-1]) if len(shape) > 1 else 10.0
    return (wave / np.sqrt(fan_in)).astype(np.float32)
out = []
if VALUES:
    # a plain session, every weight assigned from a placeholder in one run (Keras' session
    # would first check and run every variable's initializer: many seconds under TF)
    sess = tf.Session()
    values = {tf.placeholder(v.dtype.base_dtype, v.shape): pattern(i, v)
              for i, v in enumerate(m.weights)}
    sess.run([v.assign(p) for v, p in zip(m.weights, values)], values)
    feed = {images: np.cos(np.arange(2 * SIZE * SIZE * 3) * 0.11).reshape(
        2, SIZE, SIZE, 3) * 100.0 + 100.0}
    out = sess.run(y, feed)
    sess.close()
result = {"name": m.name, "layers": [[l.name, type(l).__name__] for l in m.layers],
          "weights": [[w.name, w.shape.as_list()] for w in m.weights],
          "trainable": len(m.trainable_weights), "params": int(m.count_params()),
          "inputs": [t.name for t in m.inputs], "output": [m.output.name,
          m.output.shape.as_list(), y.name, y.shape.as_list()], "ops": ops if OPS else len(ops),
          "out": np.asarray(out, np.float64).ravel().tolist()}
'''

PREPROCESSING = r'''
rgb = np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) * 10.0
p = tf.placeholder(tf.float32, [None, 2, 2, 3], name="p")
y = tf.keras.applications.MODULE.preprocess_input(p)
result.append(np.asarray(tf.keras.applications.MODULE.preprocess_input(rgb.copy()),
                         np.float64).round(4).tolist())
result.append(tf.Session().run(y, {p: rgb}).round(4).tolist())
result.append(tf.keras.applications.MODULE.decode_predictions.__module__.split(".")[-1])
'''


def preprocessing(module):
    """Snippet lines adding to `result` what tf.keras.applications.`module`.preprocess_input
    makes of an array and of a placeholder, and the module of its decode_predictions."""
    return PREPROCESSING.replace("MODULE", module)


def called(build):
    """An expression of (the model of `build`, its output on `images`)."""
    return "(lambda m: (m, m(images)))(%s)" % build


def program(build, size, values=True, ops=True):
    """The snippet of application `build` (an expression of `images`, `A`, `K`: a model, or
    a model and its output to run)."""
    return (RECORD.replace("BUILD", build).replace("SIZE", str(size))
            .replace("VALUES", str(bool(values))).replace("OPS", str(bool(ops))))


def compare_app(oracle, build, size, values=True, ops=True):
    """Everything `program` records equal under TF and here; outputs to float32 rounding."""
    from oracle import explain, run_here
    code = program(build, size, values, ops)
    here, there = run_here(code), oracle(code)
    assert "ok" in here and "ok" in there, explain(code, here, there)
    mine, theirs = here["ok"], there["ok"]
    out_here, out_there = np.array(mine.pop("out")), np.array(theirs.pop("out"))
    for key in theirs:
        assert mine[key] == theirs[key], (key, explain(code, mine[key], theirs[key]))
    assert out_here.shape == out_there.shape
    if out_there.size:
        scale = np.abs(out_there).max()
        np.testing.assert_allclose(out_here, out_there, rtol=1e-4, atol=1e-5 * scale)
