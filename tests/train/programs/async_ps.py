"""Asynchronous between-graph training with a parameter server (run with `scopeflow run`).

    async_ps.py CLUSTER_JSON JOB TASK OUT.json

ps tasks join. Workers build the same graph under `replica_device_setter` with a plain
GradientDescentOptimizer (no SyncReplicasOptimizer: TF's asynchronous training), each trains
STEPS steps on its half of the batch in a MonitoredTrainingSession, then counts itself done
in a ps variable and waits for the others, and writes what it saw to OUT.json. Worker 1
starts only once the chief's updates show in the shared global step and weights.
"""
import json
import sys
import time

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

STEPS = 20
AHEAD = 5  # worker 1 waits until the chief has taken this many steps
rng = np.random.RandomState(0)
X = rng.randn(8, 4).astype(np.float32)
Y = (X @ rng.randn(4, 1)).astype(np.float32)


def main(argv):
    cluster = tf.train.ClusterSpec(json.loads(argv[1]))
    job, task, out = argv[2], int(argv[3]), argv[4]
    server = tf.train.Server(cluster, job_name=job, task_index=task)
    if job == "ps":
        server.join()
    n = cluster.num_tasks("worker")
    tf.set_random_seed(1 + 100 * task)  # the chief initializes the ps variables
    share = slice(task * len(X) // n, (task + 1) * len(X) // n)
    with tf.device(tf.train.replica_device_setter(
            worker_device="/job:worker/task:%d" % task, cluster=cluster)):
        global_step = tf.train.get_or_create_global_step()
        done = tf.Variable(0, name="workers_done", trainable=False)
        x = tf.placeholder(tf.float32, [None, 4])
        y = tf.placeholder(tf.float32, [None, 1])
        w = tf.get_variable("w", [4, 1])
        tag = tf.get_variable("tag", [3], trainable=False)  # initialized, never trained
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train_op = tf.train.GradientDescentOptimizer(0.05).minimize(
            loss, global_step=global_step)
        mark_done = done.assign_add(1)
    result = {}
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=task == 0) as sess:
        # (worker 1 may read these after the chief's first steps; it trains only later)
        result["first_w"], result["first_loss"], result["tag"] = sess.run(
            [w, loss, tag], {x: X, y: Y})
        if task == 1:
            while sess.run(global_step) < AHEAD:
                time.sleep(0.05)
            result["seen_w"], result["seen_step"] = sess.run([w, global_step])
        losses = []
        for _ in range(STEPS):
            _, l = sess.run([train_op, loss], {x: X[share], y: Y[share]})
            losses.append(l)
        sess.run(mark_done)
        while sess.run(done) < n:
            time.sleep(0.05)
        result["final_w"], result["final_loss"], result["global_step"] = sess.run(
            [w, loss, global_step], {x: X, y: Y})
        result["losses"] = losses
    with open(out, "w") as f:
        json.dump({k: np.asarray(v).tolist() for k, v in result.items()}, f)


if __name__ == "__main__":
    main(sys.argv)
