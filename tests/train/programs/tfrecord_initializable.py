# TF1 tf.data TFRecord pipeline: filenames placeholder -> TFRecordDataset -> parse -> shuffle ->
# batch -> make_initializable_iterator re-initialized per epoch with train / eval files.
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

d = sys.argv[1]
rng = np.random.RandomState(1)
def write(name, n, comp=None):
    p = os.path.join(d, name)
    opts = tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.GZIP) if comp else None
    with tf.python_io.TFRecordWriter(p, options=opts) as w:
        for i in range(n):
            img = rng.randint(0, 256, 28 * 28).astype(np.uint8)
            ex = tf.train.Example(features=tf.train.Features(feature={
                "image_raw": tf.train.Feature(bytes_list=tf.train.BytesList(value=[img.tobytes()])),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(img[0]) % 10])),
                "tags": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(i % 3)))),
                "height": tf.train.Feature(int64_list=tf.train.Int64List(value=[28]))}))
            w.write(ex.SerializeToString())
    return p
train_files = [write("train-0.tfrecord", 30), write("train-1.tfrecord", 20)]
eval_files = [write("eval.tfrecord.gz", 12, comp=True)]

def parse(serialized):
    f = tf.parse_single_example(serialized, features={
        "image_raw": tf.FixedLenFeature([], tf.string),
        "label": tf.FixedLenFeature([], tf.int64),
        "tags": tf.VarLenFeature(tf.int64),
        "height": tf.FixedLenFeature([], tf.int64)})
    image = tf.decode_raw(f["image_raw"], tf.uint8)
    image.set_shape([28 * 28])
    image = tf.cast(image, tf.float32) * (1. / 255) - 0.5
    ntags = tf.size(f["tags"].values)
    return image, tf.cast(f["label"], tf.int32), ntags

filenames = tf.placeholder(tf.string, shape=[None], name="filenames")
compression = tf.placeholder_with_default("", [], name="compression")
batch_size = tf.placeholder(tf.int64, [], name="batch_size")
dataset = tf.data.TFRecordDataset(filenames, compression_type=compression)
dataset = dataset.map(parse, num_parallel_calls=2)
dataset = dataset.shuffle(buffer_size=25, seed=7)
dataset = dataset.batch(batch_size)
dataset = dataset.prefetch(1)
iterator = dataset.make_initializable_iterator()
images, labels, ntags = iterator.get_next()
print("elements", images.name, images.shape, labels.shape, ntags.shape, iterator.initializer.name)
print("types", tf.data.get_output_types(dataset))
print("shapes", tf.data.get_output_shapes(dataset))

tf.set_random_seed(3)
h = tf.layers.dense(images, 32, tf.nn.relu, kernel_initializer=tf.glorot_uniform_initializer(seed=1))
logits = tf.layers.dense(h, 10, kernel_initializer=tf.glorot_uniform_initializer(seed=2))
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), labels), tf.float32))
train = tf.train.AdamOptimizer(1e-2).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(3):
        sess.run(iterator.initializer, {filenames: train_files, batch_size: 16})
        losses, tags = [], []
        while True:
            try:
                _, l, t = sess.run([train, loss, ntags])
                losses.append(round(float(l), 4)); tags.append(t.tolist())
            except tf.errors.OutOfRangeError:
                break
        print("epoch", epoch, "losses", losses, "tags", tags)
        sess.run(iterator.initializer, {filenames: eval_files, compression: "GZIP",
                                        batch_size: 100})
        a, lb = sess.run([acc, labels])
        print("eval acc %.4f" % a, "labels", lb.tolist())
        try:
            sess.run(labels)
        except tf.errors.OutOfRangeError as e:
            print("eval end", type(e).__name__)
