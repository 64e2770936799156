# TF1 cifar10_input.py style: string_input_producer + FixedLengthRecordReader + decode_raw +
# distortions + batch / shuffle_batch with QueueRunners, then a small conv net's training steps.
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

d = sys.argv[1]
rng = np.random.RandomState(0)
files = []
for k in range(2):
    p = os.path.join(d, "data_batch_%d.bin" % (k + 1))
    recs = []
    for i in range(10):
        label = np.array([(k * 10 + i) % 10], np.uint8)
        img = rng.randint(0, 256, 3072).astype(np.uint8)
        recs.append(label.tobytes() + img.tobytes())
    with open(p, "wb") as f:
        f.write(b"".join(recs))
    files.append(p)

def read_cifar10(filename_queue):
    reader = tf.FixedLengthRecordReader(record_bytes=1 + 3072)
    key, value = reader.read(filename_queue)
    record_bytes = tf.decode_raw(value, tf.uint8)
    label = tf.cast(tf.strided_slice(record_bytes, [0], [1]), tf.int32)
    depth_major = tf.reshape(tf.strided_slice(record_bytes, [1], [1 + 3072]), [3, 32, 32])
    image = tf.transpose(depth_major, [1, 2, 0])
    return key, label, image

# eval input: deterministic order
with tf.name_scope("eval_input"):
    fq = tf.train.string_input_producer(files, shuffle=False, num_epochs=1)
    key, label, image = read_cifar10(fq)
    img = tf.cast(image, tf.float32)
    img = tf.image.resize_image_with_crop_or_pad(img, 24, 24)
    img = tf.image.per_image_standardization(img)
    img.set_shape([24, 24, 3]); label.set_shape([1])
    images, labels, keys = tf.train.batch([img, label, key], batch_size=6, num_threads=1,
                                          capacity=30, allow_smaller_final_batch=True)
print("eval shapes", images.shape, labels.shape, keys.shape, images.dtype, labels.dtype)
print("names", images.name, labels.name, keys.name)

# train input: distortions + shuffle_batch
with tf.name_scope("train_input"):
    tq = tf.train.string_input_producer(files, num_epochs=1, seed=1)
    _, tlabel, timage = read_cifar10(tq)
    t = tf.cast(timage, tf.float32)
    t = tf.random_crop(t, [24, 24, 3], seed=2)
    t = tf.image.random_flip_left_right(t, seed=3)
    t = tf.image.random_brightness(t, max_delta=63, seed=4)
    t = tf.image.random_contrast(t, lower=0.2, upper=1.8, seed=5)
    t = tf.image.per_image_standardization(t)
    t.set_shape([24, 24, 3]); tlabel.set_shape([1])
    timages, tlabels = tf.train.shuffle_batch([t, tlabel], batch_size=5, num_threads=1,
                                              capacity=40, min_after_dequeue=10, seed=6,
                                              allow_smaller_final_batch=True)
print("train shapes", timages.shape, tlabels.shape)
print("queue runners", [qr.name for qr in tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)])

tf.set_random_seed(0)
x = tf.placeholder_with_default(images, [None, 24, 24, 3])
y = tf.reshape(labels, [-1])
conv = tf.layers.conv2d(x, 4, 3, activation=tf.nn.relu, name="conv1",
                        kernel_initializer=tf.glorot_uniform_initializer(seed=1))
pool = tf.layers.max_pooling2d(conv, 2, 2)
logits = tf.layers.dense(tf.layers.flatten(pool), 10, name="fc",
                         kernel_initializer=tf.glorot_uniform_initializer(seed=2))
loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
step = tf.train.GradientDescentOptimizer(0.05).minimize(loss)

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    n = 0
    try:
        while not coord.should_stop():
            _, l, lb, k = sess.run([step, loss, y, keys])
            print("step", n, "loss %.5f" % l, "labels", lb.tolist(),
                  "keys", [os.path.basename(s.decode()) for s in k])
            n += 1
    except tf.errors.OutOfRangeError:
        print("eval epoch done after", n, "steps")
    seen = []
    try:
        while True:
            ti, tl = sess.run([timages, tlabels])
            seen.extend(tl.ravel().tolist())
            assert ti.shape[1:] == (24, 24, 3) and np.isfinite(ti).all()
            assert abs(ti.reshape(len(ti), -1).mean(1)).max() < 1e-4
    except tf.errors.OutOfRangeError:
        print("train epoch labels", sorted(seen))
    finally:
        coord.request_stop()
    coord.join(threads)
