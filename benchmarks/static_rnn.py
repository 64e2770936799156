"""First run and step time of statically unrolled RNN training graphs (issue 14), against TF.

    python benchmarks/static_rnn.py [--kind static|seq2seq|bidi] [--time-steps 50] [--steps 10]

char-rnn as users write it in TF1: a (batch 32, T) int input, an embedding, the cell applied T
times by `tf.nn.static_rnn` (2 layers of BasicLSTMCell(128) in a MultiRNNCell),
`tf.contrib.legacy_seq2seq.rnn_decoder` (the same cell) or `tf.nn.static_bidirectional_rnn`
(one BasicLSTMCell(128) each way), a softmax over 65 symbols and AdamOptimizer. Each framework
runs in a new process (scopeflow with an empty on-disk compilation cache); printed: graph
building, the first `sess.run([loss, train])` (wall clock and the process's CPU time, which a
loaded machine disturbs less), the mean of the following steps, and the first two losses (the
same feeds and graph seed for both: they agree to float32 rounding).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

_WORKER = r"""
import json, os, sys, time
framework, kind, T, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if framework == "tensorflow":
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import scopeflow.compat.v1 as tf
import numpy as np
B, H, V = 32, 128, 65


def rnn_decoder(inputs, state, cell):
    # legacy_seq2seq.rnn_decoder's outputs (TF 1.15's definition: TF 2 has no contrib)
    if hasattr(tf, "contrib"):
        return tf.contrib.legacy_seq2seq.rnn_decoder(inputs, state, cell)[0]
    outs = []
    with tf.variable_scope("rnn_decoder"):
        for i, inp in enumerate(inputs):
            if i > 0:
                tf.get_variable_scope().reuse_variables()
            out, state = cell(inp, state)
            outs.append(out)
    return outs


t0 = time.perf_counter()
tf.set_random_seed(1)
x = tf.placeholder(tf.int32, [B, T])
y = tf.placeholder(tf.int32, [B, T])
inputs = tf.unstack(tf.nn.embedding_lookup(tf.get_variable("emb", [V, H]), x), axis=1)
rc = tf.nn.rnn_cell
if kind == "bidi":
    outs = tf.nn.static_bidirectional_rnn(rc.BasicLSTMCell(H), rc.BasicLSTMCell(H), inputs,
                                          dtype=tf.float32)[0]
else:
    cell = rc.MultiRNNCell([rc.BasicLSTMCell(H) for _ in range(2)])
    init = cell.zero_state(B, tf.float32)
    if kind == "seq2seq":
        outs = rnn_decoder(inputs, init, cell)
    else:
        outs = tf.nn.static_rnn(cell, inputs, initial_state=init)[0]
width = outs[0].shape.as_list()[-1]
logits = tf.matmul(tf.reshape(tf.concat(outs, 1), [-1, width]),
                   tf.get_variable("sw", [width, V])) + tf.get_variable("sb", [V])
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=tf.reshape(y, [-1]), logits=logits))
train = tf.train.AdamOptimizer(0.002).minimize(loss)
rs = np.random.RandomState(0)
feed = {x: rs.randint(0, V, (B, T)), y: rs.randint(0, V, (B, T))}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    t1, c1 = time.perf_counter(), time.process_time()
    first = sess.run([loss, train], feed)[0]
    t2, c2 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        last = sess.run([loss, train], feed)[0]
    t3 = time.perf_counter()
print(json.dumps({"build": t1 - t0, "first": t2 - t1, "first_cpu": c2 - c1,
                  "step_ms": 1e3 * (t3 - t2) / max(steps, 1),
                  "losses": [float(first), float(last) if steps else None]}))
"""


def _one(python, framework, args, env):
    out = subprocess.run([python, "-c", _WORKER, framework, args.kind, str(args.time_steps),
                          str(args.steps)], capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit("%s failed:\n%s" % (framework, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default="static", choices=("static", "seq2seq", "bidi"))
    ap.add_argument("--time-steps", type=int, default=50)
    ap.add_argument("--steps", type=int, default=10)
    args = ap.parse_args()
    tf_python = os.environ.get("SCOPEFLOW_TF_PYTHON", os.path.join(ROOT, ".venv-tf/bin/python"))
    env = dict(os.environ, SCOPEFLOW_CACHE_DIR=tempfile.mkdtemp(), SCOPEFLOW_QUIET="1",
               PYTHONPATH=ROOT)
    print("%s, T=%d, load %.1f" % (args.kind, args.time_steps, os.getloadavg()[0]))
    for name, python in (("tensorflow", tf_python), ("scopeflow", sys.executable)):
        r = _one(python, name, args, env)
        print("%-10s build %6.2fs  first run %7.2fs (cpu %7.2fs)  step %8.1fms  loss %s"
              % (name, r["build"], r["first"], r["first_cpu"], r["step_ms"], r["losses"]))


if __name__ == "__main__":
    main()
