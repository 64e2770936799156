# TF1 CSV pipeline (iris/census style): list_files -> interleave(TextLineDataset.skip(1)) ->
# decode_csv -> py_func -> filter -> cache -> repeat -> batch; a feedable iterator switches
# train / validation; plus a WholeFileReader PNG queue reading images.
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

d = sys.argv[1]
rng = np.random.RandomState(2)
for k in range(3):
    with open(os.path.join(d, "train-%d.csv" % k), "w") as f:
        f.write("a,b,c,species\n")
        f.writelines("%.2f,%.2f,%s,%d\n" % (rng.rand() * 5, rng.rand() * 3,
                                           "" if i == 3 else "%.1f" % rng.rand(), (i + k) % 3) for i in range(7))
with open(os.path.join(d, "val.csv"), "w") as f:
    f.write("a,b,c,species\n1.0,2.0,0.5,1\n3.0,1.0,,2\n")
for i in range(3):
    img = (np.arange(4 * 5 * 3).reshape(4, 5, 3) * (i + 1)) % 256
    with tf.Graph().as_default(), tf.Session() as s:
        png = s.run(tf.image.encode_png(tf.constant(img, tf.uint8)))
    with open(os.path.join(d, "img%d.png" % i), "wb") as f:
        f.write(png)

DEFAULTS = [[0.0], [0.0], [-1.0], [0]]
def parse_line(line):
    a, b, c, y = tf.decode_csv(line, DEFAULTS)
    feats = tf.stack([a, b, c])
    scaled = tf.py_func(lambda v: (v / np.float32(5.0)).astype(np.float32), [feats], tf.float32,
                        stateful=False)
    scaled.set_shape([3])
    return {"x": scaled, "raw": feats}, y

files = tf.data.Dataset.list_files(os.path.join(d, "train-*.csv"), shuffle=False)
train = files.interleave(lambda f: tf.data.TextLineDataset(f).skip(1), cycle_length=2,
                         block_length=2)
train = train.map(parse_line).filter(lambda f, y: f["raw"][2] >= 0).cache()
train = train.shuffle(8, seed=4).repeat(2).batch(5)
val = tf.data.TextLineDataset(os.path.join(d, "val.csv")).skip(1).map(parse_line).batch(5)

handle = tf.placeholder(tf.string, shape=[])
it = tf.data.Iterator.from_string_handle(handle, tf.data.get_output_types(train),
                                         tf.data.get_output_shapes(train))
feats, y = it.get_next()
print("classes", tf.nest.map_structure(lambda c: c.__name__, tf.data.get_output_classes(train)))
print("next", list(feats), sorted((k, v.name, v.shape.as_list()) for k, v in feats.items()), y.name)
train_it = tf.data.make_one_shot_iterator(train)
val_it = tf.data.make_initializable_iterator(val)

w = tf.Variable(tf.zeros([3, 3]), name="w")
logits = tf.matmul(feats["x"], w)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

fq = tf.train.string_input_producer(sorted(tf.gfile.Glob(os.path.join(d, "img*.png"))),
                                    shuffle=False, num_epochs=1)
key, contents = tf.WholeFileReader().read(fq)
image = tf.image.decode_png(contents, channels=3)
image = tf.image.resize_images(image, [2, 3])
image.set_shape([2, 3, 3])
ib, kb = tf.train.batch([image, key], 2, allow_smaller_final_batch=True)

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    th, vh = sess.run([train_it.string_handle(), val_it.string_handle()])
    n = 0
    while True:
        try:
            _, l, yy = sess.run([step, loss, y], {handle: th})
            print("train", n, "%.5f" % l, yy.tolist()); n += 1
        except tf.errors.OutOfRangeError:
            break
        if n % 3 == 0:
            sess.run(val_it.initializer)
            vl, vr = sess.run([loss, feats["raw"]], {handle: vh})
            print("val %.5f" % vl, vr.tolist())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess, coord)
    try:
        while True:
            a, k = sess.run([ib, kb])
            print("images", a.shape, np.round(a.sum(axis=(1, 2, 3)), 3).tolist(),
                  [os.path.basename(x.decode()) for x in k])
    except tf.errors.OutOfRangeError:
        print("images done")
    coord.request_stop(); coord.join(threads)
    print("w", np.round(sess.run(w), 5).tolist())
