"""Depthwise convolutions (MobileNet's layers): the same TF1 graphs through scopeflow and
TensorFlow, and the same convolutions as hand-written JAX (`lax.conv_general_dilated` with one
group a channel, what XLA gives a JAX user), each in its own process, taking turns.

    python benchmarks/depthwise.py                 # markdown table
    python benchmarks/depthwise.py --rounds 1 --batch 8

Cases, batch `--batch` (default 16), 3x3 SAME filters, one filter a channel: MobileNet v1's
depthwise layers at 224x224 (112x112x32, 112x112x64 stride 2, 56x56x128, 28x28x256 stride 2,
14x14x512), each forward (`tf.nn.depthwise_conv2d`), input gradient and filter gradient
(`tf.gradients` of the output against a fixed output gradient), each run fetching the
maximum of its result (a cheap reduce, the same in every framework); and `step`: a training
step of four depthwise-separable blocks (depthwise 3x3 with strides 1, 2, 1, 2, then a 1x1
convolution and ReLU; 56x56x32 fed, 32 -> 64 -> 128 -> 128 -> 256 channels, mean, SGD).
Wall clock a run (best of `repeats` loops of `runs` runs), ms; TensorFlow from
$SCOPEFLOW_TF_PYTHON or .venv-tf/bin/python. The forward passes and input gradients are
compared with TF's bits (scopeflow's are TF's order, ops/depthwise_taps.py).
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402 - tf_python(): the TensorFlow the other benchmarks use

LAYERS = [(112, 32, 1), (112, 64, 2), (56, 128, 1), (28, 256, 2), (14, 512, 1)]
STEP = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2)]  # (in, out, stride) a block

CHILD = r"""
import json, os, sys, time
from train import best_ms
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
engine, runs, repeats, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
LAYERS, STEP = json.loads(sys.argv[5]), json.loads(sys.argv[6])


def timed(fn):
    return best_ms(fn, runs, repeats)


def arrays(size, c, s):
    rs = np.random.RandomState(size + c)
    x = rs.randn(batch, size, size, c).astype(np.float32)
    w = (rs.randn(3, 3, c, 1) * 0.3).astype(np.float32)
    o = -(-size // s)
    g = rs.randn(batch, o, o, c).astype(np.float32)
    return x, w, g


def step_arrays():
    rs = np.random.RandomState(7)
    x = rs.randn(batch, 56, 56, 32).astype(np.float32)
    ws = [((rs.randn(3, 3, a, 1) * 0.3).astype(np.float32),
           (rs.randn(1, 1, a, b) * (2.0 / a) ** 0.5).astype(np.float32)) for a, b, _ in STEP]
    return x, ws


out = {}
if engine == "jax":
    import jax
    import jax.numpy as jnp
    from jax import lax

    def dwconv(x, w, s):
        w = w.reshape(3, 3, 1, -1)  # (kh, kw, c, 1) -> one input channel a group
        return lax.conv_general_dilated(x, w, (s, s), "SAME", feature_group_count=x.shape[3],
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))

    for size, c, s in LAYERS:
        x, w, g = (jnp.asarray(a) for a in arrays(size, c, s))
        fwd = jax.jit(lambda x, w: jnp.max(dwconv(x, w, s)))
        dx = jax.jit(lambda x, w, g: jnp.max(jax.vjp(lambda v: dwconv(v, w, s), x)[1](g)[0]))
        dw = jax.jit(lambda x, w, g: jnp.max(jax.vjp(lambda v: dwconv(x, v, s), w)[1](g)[0]))
        key = "%dx%dx%d/%d" % (size, size, c, s)
        out[key + " fwd"] = [timed(lambda: fwd(x, w).block_until_ready())[0], None]
        out[key + " dx"] = [timed(lambda: dx(x, w, g).block_until_ready())[0], None]
        out[key + " dw"] = [timed(lambda: dw(x, w, g).block_until_ready())[0], None]
    x, ws = step_arrays()

    def loss(params, x):
        h = x
        for (dw_, pw), (_, _, s) in zip(params, STEP):
            h = dwconv(h, dw_, s)
            h = jax.nn.relu(lax.conv_general_dilated(h, pw, (1, 1), "VALID",
                                                     dimension_numbers=("NHWC", "HWIO", "NHWC")))
        return jnp.mean(h)

    @jax.jit
    def train_step(params, x):
        value, grads = jax.value_and_grad(loss)(params, x)
        return [(a - 0.1 * ga, b - 0.1 * gb) for (a, b), (ga, gb) in zip(params, grads)], value

    state = {"p": [(jnp.asarray(a), jnp.asarray(b)) for a, b in ws]}
    xj = jnp.asarray(x)

    def one():
        state["p"], v = train_step(state["p"], xj)
        return v.block_until_ready()

    out["step"] = [timed(one)[0], None]
else:
    if engine == "tensorflow":
        import tensorflow.compat.v1 as tf
        tf.disable_eager_execution()
    else:
        import scopeflow.compat.v1 as tf
    for size, c, s in LAYERS:
        x, w, g = arrays(size, c, s)
        graph = tf.Graph()
        with graph.as_default():
            xv, wv = tf.Variable(x), tf.Variable(w)
            y = tf.nn.depthwise_conv2d(xv, wv, [1, s, s, 1], "SAME")
            gx, gw = tf.gradients(y, [xv, wv], grad_ys=tf.constant(g))
            ops = {"fwd": tf.reduce_max(y), "dx": tf.reduce_max(gx), "dw": tf.reduce_max(gw)}
            bits = {"fwd": y, "dx": gx}
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                key = "%dx%dx%d/%d" % (size, size, c, s)
                for name, op in ops.items():
                    ms, _ = timed(lambda: sess.run(op))
                    digest = None
                    if name in bits:  # a digest of the whole result's bits
                        v = sess.run(bits[name]).view(np.uint32).ravel().astype(np.uint64)
                        digest = int((v * np.arange(1, v.size + 1, dtype=np.uint64)).sum()
                                     % (2 ** 61 - 1))
                    out[key + " " + name] = [ms, digest]
    x, ws = step_arrays()
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(7)
        xp = tf.placeholder(tf.float32, x.shape)
        h = xp
        for (a, b), (_, _, s) in zip(ws, STEP):
            h = tf.nn.depthwise_conv2d(h, tf.Variable(a), [1, s, s, 1], "SAME")
            h = tf.nn.relu(tf.nn.conv2d(h, tf.Variable(b), [1, 1, 1, 1], "VALID"))
        loss = tf.reduce_mean(h)
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["step"] = [timed(lambda: sess.run([train_op, loss], {xp: x})[1])[0], None]
print(json.dumps(out))
"""


def run(engine, args):
    return train.child_json(engine, CHILD, [engine, args.runs, args.repeats, args.batch,
                                            json.dumps(LAYERS), json.dumps(STEP)])


def main(argv=None):
    _, best, digests = train.taking_turns(__doc__.splitlines()[0], run, 16, argv, "same bits as TF")
    for case in best["tensorflow"]:
        sf, tf, jx = (best[e][case] for e in ("scopeflow", "tensorflow", "jax"))
        theirs = digests["tensorflow", case][0]
        same = "-" if theirs is None else ("yes" if digests["scopeflow", case][0] == theirs
                                           else "NO")
        print("| %s | %.2f | %.2f | %.2f | %.2fx | %s |" % (case, sf, tf, jx, tf / sf, same))


if __name__ == "__main__":
    main()
