"""A TF1 queue-based training program, unchanged, under `scopeflow run`: TFRecord files ->
string_input_producer -> TFRecordReader -> parse_single_example -> shuffle_batch -> a training
step, with a Coordinator and queue-runner threads, ending on OutOfRangeError (num_epochs)."""

import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent("""
    import os, sys
    import numpy as np
    import tensorflow as tf

    d = sys.argv[1]
    files = []
    for k in range(2):
        path = os.path.join(d, "part-%d.tfrecord" % k)
        files.append(path)
        with tf.python_io.TFRecordWriter(path) as w:
            for i in range(12):
                x = np.full(4, k * 12 + i, np.float32)
                ex = tf.train.Example(features=tf.train.Features(feature={
                    "x": tf.train.Feature(float_list=tf.train.FloatList(value=x)),
                    "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 2]))}))
                w.write(ex.SerializeToString())

    filename_queue = tf.train.string_input_producer(files, num_epochs=2, seed=3)
    reader = tf.TFRecordReader()
    _, serialized = reader.read(filename_queue)
    feats = tf.parse_single_example(serialized, {
        "x": tf.FixedLenFeature([4], tf.float32), "y": tf.FixedLenFeature([], tf.int64)})
    xb, yb = tf.train.shuffle_batch([feats["x"], feats["y"]], batch_size=4, capacity=30,
                                    min_after_dequeue=8, seed=5)
    w = tf.get_variable("w", [4, 2], initializer=tf.zeros_initializer())
    logits = tf.matmul(xb / 24.0, w)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=yb, logits=logits))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    print("queue runners:", [qr.name for qr in tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)])

    seen = []
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        steps = 0
        try:
            while not coord.should_stop():
                _, l, xs = sess.run([step, loss, xb])
                seen.extend(xs[:, 0].tolist())
                steps += 1
        except tf.errors.OutOfRangeError:
            print("epochs done after %d steps" % steps)
        finally:
            coord.request_stop()
        coord.join(threads)
    print("loss finite:", bool(np.isfinite(l)))
    print("each record twice:", sorted(seen) == sorted(list(range(24)) * 2))
""")


def test_queue_pipeline_program_under_scopeflow_run(tmp_path):
    script = tmp_path / "train_queues.py"
    script.write_text(PROGRAM)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "run", str(script),
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == "queue runners: ['input_producer', 'shuffle_batch/random_shuffle_queue']"
    assert "epochs done after 12 steps" in lines
    assert "loss finite: True" in lines
    assert "each record twice: True" in lines
