"""A TF1 between-graph replicated training program (run with `scopeflow run`).

    between_graph.py single OUT.json
    between_graph.py CLUSTER_JSON JOB TASK OUT.json [supervisor]

`single`: one process trains on the whole batch with plain Momentum. Otherwise this process is
task TASK of job JOB ("ps" or "worker") of the cluster: ps tasks join; workers build the same
graph under `replica_device_setter`, train on their share of the batch with
SyncReplicasOptimizer in a MonitoredTrainingSession, and write the final weights to OUT.json.
With `backup`, one of the workers is a backup worker (replicas_to_aggregate = n - 1): the
variables live on the ps, and once every worker is done (counted in a ps variable) each reads
the final ones. With
`supervisor`, workers train as TF's mnist_replica example does: a Supervisor, the
optimizer's local init ops, the chief's queue runner and init tokens op. Each worker seeds its
graph differently: only the chief's initial values (handed to the other workers) make their
copies equal.
"""
import json
import sys
import time

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


def train_supervised(opt, feed, server, is_chief):
    global_step = tf.train.get_or_create_global_step()
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    train_op = opt.minimize(model(x, y), global_step=global_step)
    local_init_op = opt.chief_init_op if is_chief else opt.local_step_init_op
    chief_queue_runner = opt.get_chief_queue_runner()
    sync_init_op = opt.get_init_tokens_op()
    sv = tf.train.Supervisor(is_chief=is_chief, init_op=tf.global_variables_initializer(),
                             local_init_op=local_init_op,
                             ready_for_local_init_op=opt.ready_for_local_init_op,
                             recovery_wait_secs=1, global_step=global_step)
    sess = sv.prepare_or_wait_for_session(server.target)
    if is_chief:
        sess.run(sync_init_op)
        sv.start_queue_runners(sess, [chief_queue_runner])
    step = 0
    while step < STEPS:
        _, step = sess.run([train_op, global_step], {x: feed[0], y: feed[1]})
    values = sess.run(tf.trainable_variables() + [global_step])
    sv.stop()
    names = [v.op.name for v in tf.trainable_variables()] + ["global_step"]
    return {n: np.asarray(v).tolist() for n, v in zip(names, values)}


def read_when_all_done(server, done, n):
    """The trainable variables and global step on the ps once all `n` workers counted
    themselves in `done`."""
    variables = tf.trainable_variables() + [tf.train.get_global_step()]
    count = done.assign_add(1)
    with tf.Session(server.target) as sess:
        sess.run(count)
        while sess.run(done) < n:
            time.sleep(0.05)
        values = sess.run(variables)
    return {v.op.name: np.asarray(x).tolist() for v, x in zip(variables, values)}


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
            # `backup`: one backup worker, each step averages the first n - 1 gradients
            backup = argv[5:] == ["backup"]
            opt = tf.train.SyncReplicasOptimizer(momentum, replicas_to_aggregate=n - backup,
                                                 total_num_replicas=n)
            if argv[5:] == ["supervisor"]:
                result = train_supervised(opt, (X[share], Y[share]), server, task == 0)
            else:
                done = tf.get_variable("done", [], tf.int32, tf.zeros_initializer(),
                                       trainable=False)
                result = train(opt, (X[share], Y[share]),
                               lambda opt: [opt.make_session_run_hook(task == 0)],
                               master=server.target, is_chief=task == 0)
                if backup:
                    result = read_when_all_done(server, done, n)
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv)
