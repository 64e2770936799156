"""A TF1 between-graph replicated training program (run with `scopeflow run`).

    between_graph.py single OUT.json
    between_graph.py CLUSTER_JSON JOB TASK OUT.json

`single`: one process trains on the whole batch with plain Momentum. Otherwise this process is
task TASK of job JOB ("ps" or "worker") of the cluster: ps tasks join; workers build the same
graph under `replica_device_setter`, train on their share of the batch with
SyncReplicasOptimizer in a MonitoredTrainingSession, and write the final weights to OUT.json.
Each worker seeds its graph differently: only the chief's initial values (handed to the other
workers) make their copies equal.
"""
import json
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

STEPS = 5
rng = np.random.RandomState(0)
X = rng.randn(8, 4).astype(np.float32)
Y = rng.randn(8, 1).astype(np.float32)


def model(x, y):
    h = tf.layers.dense(x, 3, activation=tf.tanh, name="hidden")
    out = tf.layers.dense(h, 1, name="out")
    return tf.reduce_mean(tf.square(out - y))


def train(opt, feed, hooks, **session_args):
    global_step = tf.train.get_or_create_global_step()
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    train_op = opt.minimize(model(x, y), global_step=global_step)
    final = tf.train.FinalOpsHook(tf.trainable_variables() + [global_step])
    hooks = hooks(opt) + [tf.train.StopAtStepHook(last_step=STEPS), final]
    with tf.train.MonitoredTrainingSession(hooks=hooks, **session_args) as sess:
        while not sess.should_stop():
            sess.run(train_op, {x: feed[0], y: feed[1]})
    values = final.final_ops_values
    names = [v.op.name for v in tf.trainable_variables()] + ["global_step"]
    return {n: np.asarray(v).tolist() for n, v in zip(names, values)}


def main(argv):
    momentum = tf.train.MomentumOptimizer(0.1, 0.9)
    if argv[1] == "single":
        tf.set_random_seed(1)
        result = train(momentum, (X, Y), lambda opt: [])
        out = argv[2]
    else:
        cluster = tf.train.ClusterSpec(json.loads(argv[1]))
        job, task, out = argv[2], int(argv[3]), argv[4]
        server = tf.train.Server(cluster, job_name=job, task_index=task)
        if job == "ps":
            server.join()
        n = cluster.num_tasks("worker")
        tf.set_random_seed(1 + 100 * task)  # the chief's values win
        share = slice(task * len(X) // n, (task + 1) * len(X) // n)
        with tf.device(tf.train.replica_device_setter(
                worker_device="/job:worker/task:%d" % task, cluster=cluster)):
            opt = tf.train.SyncReplicasOptimizer(momentum, replicas_to_aggregate=n,
                                                 total_num_replicas=n)
            result = train(opt, (X[share], Y[share]),
                           lambda opt: [opt.make_session_run_hook(task == 0)],
                           master=server.target, is_chief=task == 0)
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv)
