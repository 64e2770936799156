"""Asynchronous training on a ps where a non-chief worker dies (run with `scopeflow run`).

    ps_dead_worker.py CLUSTER_JSON JOB TASK OUT.json

Worker 1 takes one step and kills itself (SIGKILL: no atexit, its heartbeats stop). The
chief waits until that step shows in the ps's global step, takes STEPS more steps, writes
what it saw and exits normally: its exit waits for every live task, so it outlives the
coordination service's finding that worker 1 is dead, as TF's chief outlives a dead worker.
"""
import json
import os
import signal
import sys
import time

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

STEPS = 3


def main(argv):
    cluster = tf.train.ClusterSpec(json.loads(argv[1]))
    job, task, out = argv[2], int(argv[3]), argv[4]
    server = tf.train.Server(cluster, job_name=job, task_index=task)
    if job == "ps":
        server.join()
    with tf.device(tf.train.replica_device_setter(
            worker_device="/job:worker/task:%d" % task, cluster=cluster)):
        global_step = tf.train.get_or_create_global_step()
        w = tf.get_variable("w", initializer=[1.0, -2.0])
        train_op = tf.train.GradientDescentOptimizer(0.25).minimize(
            tf.reduce_sum(tf.square(w)), global_step=global_step)
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=task == 0) as sess:
        if task == 1:
            sess.run(train_op)  # landed on the ps once run returns
            os.kill(os.getpid(), signal.SIGKILL)
        while sess.run(global_step) < 1:  # worker 1's step
            time.sleep(0.05)
        for _ in range(STEPS):
            sess.run(train_op)
        result = {"global_step": sess.run(global_step), "w": sess.run(w)}
    with open(out, "w") as f:
        json.dump({k: np.asarray(v).tolist() for k, v in result.items()}, f)


if __name__ == "__main__":
    main(sys.argv)
