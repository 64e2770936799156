"""Strided 3-D convolutions (video and volume nets): the same TF1 graphs through scopeflow and
TensorFlow, and the same convolutions as hand-written JAX (`lax.conv_general_dilated` and
`jax.vjp`, what XLA gives a JAX user), each in its own process, taking turns.

    python benchmarks/conv3d.py                 # markdown table
    python benchmarks/conv3d.py --rounds 1 --batch 2

Cases, batch `--batch` (default 4), 3x3x3 SAME filters: `tf.nn.conv3d` layers (16x32x32x16 ->
32 and 8x16x16x32 -> 64 at stride 2, 16x32x32x16 -> 16 at stride 1 for comparison), each
forward, input gradient and filter gradient (`tf.gradients` of the output against a fixed
output gradient); `transpose`: `tf.nn.conv3d_transpose` 8x16x16x32 -> 16x32x32x16 at stride 2
(a decoder's upsampling); `step`: a training step of a small 3-D net (16x32x32 one-channel
volumes; 3x3x3 convolutions 1 -> 16 at stride 1, then 16 -> 32 -> 64 -> 64 at stride 2, ReLU,
mean over the volume, a dense layer to 10 classes, softmax cross entropy, SGD). Each run
fetches the maximum of its result (a cheap reduce, the same in every framework). Wall clock a
run (best of `repeats` loops of `runs` runs), ms; TensorFlow from $SCOPEFLOW_TF_PYTHON or
.venv-tf/bin/python. "close to TF": the fetched maximum (the step's: its first loss) within 1e-4
of the result's largest magnitude of TF's.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402 - tf_python(): the TensorFlow the other benchmarks use

# (depth, size, in channels, out channels, stride) a layer
LAYERS = [(16, 32, 16, 32, 2), (8, 16, 32, 64, 2), (16, 32, 16, 16, 1)]
TRANSPOSE = (8, 16, 32, 16, 2)  # (depth, size, in channels, out channels, stride) of its input
STEP = [(1, 16, 1), (16, 32, 2), (32, 64, 2), (64, 64, 2)]  # (in, out, stride) a layer

CHILD = r"""
import json, os, sys
from train import best_ms
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
engine, runs, repeats, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
LAYERS, TRANSPOSE, STEP = (json.loads(a) for a in sys.argv[5:8])
DN = ("NDHWC", "DHWIO", "NDHWC")


def layer_arrays(d, size, c, o, s):
    rs = np.random.RandomState(size + c + o)
    x = rs.randn(batch, d, size, size, c).astype(np.float32)
    w = (rs.randn(3, 3, 3, c, o) * (2.0 / (27 * c)) ** 0.5).astype(np.float32)
    g = rs.randn(batch, -(-d // s), -(-size // s), -(-size // s), o).astype(np.float32)
    return x, w, g


def transpose_arrays():
    d, size, c, o, s = TRANSPOSE
    rs = np.random.RandomState(3)
    y = rs.randn(batch, d, size, size, c).astype(np.float32)
    w = (rs.randn(3, 3, 3, o, c) * (2.0 / (27 * c)) ** 0.5).astype(np.float32)
    return y, w, (batch, d * s, size * s, size * s, o)


def step_arrays():
    rs = np.random.RandomState(7)
    x = rs.randn(batch, 16, 32, 32, 1).astype(np.float32)
    ws = [(rs.randn(3, 3, 3, a, b) * (2.0 / (27 * a)) ** 0.5).astype(np.float32)
          for a, b, _ in STEP]
    dense = (rs.randn(STEP[-1][1], 10) * 0.1).astype(np.float32)
    labels = rs.randint(0, 10, batch)
    return x, ws, dense, labels


out = {}
if engine == "jax":
    import jax
    import jax.numpy as jnp
    from jax import lax

    def conv(x, w, s):
        return lax.conv_general_dilated(x, w, (s,) * 3, "SAME", dimension_numbers=DN)

    for d, size, c, o, s in LAYERS:
        x, w, g = (jnp.asarray(a) for a in layer_arrays(d, size, c, o, s))
        fwd = jax.jit(lambda x, w: jnp.max(conv(x, w, s)))
        dx = jax.jit(lambda x, w, g: jnp.max(jax.vjp(lambda v: conv(v, w, s), x)[1](g)[0]))
        dw = jax.jit(lambda x, w, g: jnp.max(jax.vjp(lambda v: conv(x, v, s), w)[1](g)[0]))
        key = "%dx%dx%dx%d->%d/%d" % (d, size, size, c, o, s)
        out[key + " fwd"] = [best_ms(lambda: fwd(x, w).block_until_ready(), runs, repeats)[0]]
        out[key + " dx"] = [best_ms(lambda: dx(x, w, g).block_until_ready(), runs, repeats)[0]]
        out[key + " dw"] = [best_ms(lambda: dw(x, w, g).block_until_ready(), runs, repeats)[0]]
    y, w, shape = transpose_arrays()
    s = TRANSPOSE[4]
    w_t = jnp.asarray(w)
    zero = jnp.zeros(shape, jnp.float32)
    up = jax.jit(lambda y, w: jnp.max(jax.vjp(lambda v: conv(v, w, s), zero)[1](y)[0]))
    y = jnp.asarray(y)
    out["transpose"] = [best_ms(lambda: up(y, w_t).block_until_ready(), runs, repeats)[0]]
    x, ws, dense, labels = step_arrays()

    def loss(params, x):
        h = x
        for w, (_, _, s) in zip(params[:-1], STEP):
            h = jax.nn.relu(conv(h, w, s))
        logits = jnp.mean(h, axis=(1, 2, 3)) @ params[-1]
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), labels[:, None], 1))

    @jax.jit
    def train_step(params, x):
        value, grads = jax.value_and_grad(loss)(params, x)
        return [p - 0.1 * g for p, g in zip(params, grads)], value

    state = {"p": [jnp.asarray(w) for w in ws] + [jnp.asarray(dense)]}
    xj = jnp.asarray(x)

    def one():
        state["p"], v = train_step(state["p"], xj)
        return v.block_until_ready()

    out["step"] = [best_ms(one, runs, repeats)[0]]
else:
    if engine == "tensorflow":
        import tensorflow.compat.v1 as tf
        tf.disable_eager_execution()
    else:
        import scopeflow.compat.v1 as tf

    for d, size, c, o, s in LAYERS:
        x, w, g = layer_arrays(d, size, c, o, s)
        with tf.Graph().as_default():
            xv, wv = tf.Variable(x), tf.Variable(w)
            y = tf.nn.conv3d(xv, wv, [1, s, s, s, 1], "SAME")
            gx, gw = tf.gradients(y, [xv, wv], grad_ys=tf.constant(g))
            key = "%dx%dx%dx%d->%d/%d" % (d, size, size, c, o, s)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for name, t in (("fwd", y), ("dx", gx), ("dw", gw)):
                    m = tf.reduce_max(t)
                    ms, value = best_ms(lambda: sess.run(m), runs, repeats)
                    out[key + " " + name] = [ms, float(value), float(np.abs(sess.run(t)).max())]
    y, w, shape = transpose_arrays()
    with tf.Graph().as_default():
        s = TRANSPOSE[4]
        t = tf.nn.conv3d_transpose(tf.Variable(y), tf.Variable(w), shape, [1, s, s, s, 1], "SAME")
        m = tf.reduce_max(t)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ms, value = best_ms(lambda: sess.run(m), runs, repeats)
            out["transpose"] = [ms, float(value), float(np.abs(sess.run(t)).max())]
    x, ws, dense, labels = step_arrays()
    with tf.Graph().as_default():
        xp = tf.placeholder(tf.float32, x.shape)
        h = xp
        for w, (_, _, s) in zip(ws, STEP):
            h = tf.nn.relu(tf.nn.conv3d(h, tf.Variable(w), [1, s, s, s, 1], "SAME"))
        logits = tf.matmul(tf.reduce_mean(h, [1, 2, 3]), tf.Variable(dense))
        loss = tf.losses.sparse_softmax_cross_entropy(tf.constant(labels), logits)
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss, {xp: x})
            ms, _ = best_ms(lambda: sess.run([train_op, loss], {xp: x})[1], runs, repeats)
            out["step"] = [ms, float(first), 1.0]
print(json.dumps(out))
"""


def run(engine, args):
    return train.child_json(engine, CHILD, [engine, args.runs, args.repeats, args.batch,
                                            json.dumps(LAYERS), json.dumps(TRANSPOSE),
                                            json.dumps(STEP)])


def main(argv=None):
    _, best, values = train.taking_turns(__doc__.splitlines()[0], run, 4, argv, "close to TF")
    for case in best["tensorflow"]:
        sf, tf, jx = (best[e][case] for e in ("scopeflow", "tensorflow", "jax"))
        (mine, _), (theirs, scale) = values["scopeflow", case], values["tensorflow", case]
        close = "yes" if abs(mine - theirs) <= 1e-4 * max(scale, 1e-30) else "NO"
        print("| %s | %.2f | %.2f | %.2f | %.2fx | %s |" % (case, sf, tf, jx, tf / sf, close))


if __name__ == "__main__":
    main()
