"""slim.data end to end: TFRecord files of encoded images read by DatasetDataProvider through
parallel readers and queues, decoded by TFExampleDecoder (tf_slim's own provider test cannot
run on TF 2.21, so it is checked here against the images written)."""

import os

import numpy as np
import pytest

import scopeflow.compat.v1 as tf

slim = tf.contrib.slim


def _example(image, fmt, label):
    encoded = image.tobytes() if fmt == b"raw" else tf.Session().run(
        tf.image.encode_png(tf.constant(image)))
    feature = {"image/encoded": tf.train.Feature(bytes_list=tf.train.BytesList(value=[encoded])),
               "image/format": tf.train.Feature(bytes_list=tf.train.BytesList(value=[fmt])),
               "image/class/label": tf.train.Feature(
                   int64_list=tf.train.Int64List(value=[label]))}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def _write(path, images):
    with tf.io.TFRecordWriter(path) as writer:
        for i, (image, fmt) in enumerate(images):
            writer.write(_example(image, fmt, i))


def _dataset(paths, num_samples):
    keys = {"image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
            "image/format": tf.FixedLenFeature((), tf.string, default_value="png"),
            "image/class/label": tf.FixedLenFeature([1], tf.int64)}
    items = {"image": slim.tfexample_decoder.Image(shape=(3, 4, 3)),
             "label": slim.tfexample_decoder.Tensor("image/class/label", shape=[])}
    decoder = slim.tfexample_decoder.TFExampleDecoder(keys, items)
    return slim.dataset.Dataset(paths, tf.TFRecordReader, decoder, num_samples,
                                {"image": "a 3x4 RGB image", "label": "its index"})


@pytest.fixture
def images(tmp_path):
    rng = np.random.RandomState(0)
    pics = [(rng.randint(0, 256, (3, 4, 3)).astype(np.uint8), fmt)
            for fmt in (b"png", b"raw", b"png", b"raw")]
    path = str(tmp_path / "pics.tfrecord")
    _write(path, pics)
    return path, [p for p, _ in pics]


def test_dataset_data_provider_decodes_every_record_in_order(images):
    path, pics = images
    tf.reset_default_graph()
    provider = slim.dataset_data_provider.DatasetDataProvider(
        _dataset(path, 4), num_readers=1, shuffle=False, num_epochs=1)
    image, label, key = provider.get(["image", "label", "record_key"])
    assert image.shape.as_list() == [3, 4, 3] and image.dtype == tf.uint8
    assert sorted(provider.list_items()) == ["image", "label", "record_key"]
    assert provider.num_samples() == 4
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        with slim.queues.QueueRunners(sess):
            got = [sess.run([image, label, key]) for _ in range(4)]
    for i, (img, lab, _) in enumerate(got):
        assert lab == i
        np.testing.assert_array_equal(img, pics[i])
    offsets = [int(k.decode().rpartition(":")[2]) for _, _, k in got]  # TF's key: file:offset
    assert all(k.decode().startswith(path + ":") for _, _, k in got)
    assert offsets[0] == 0 and offsets == sorted(set(offsets))


def test_dataset_data_provider_refuses_record_key_item(images):
    path, _ = images
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="record_key"):
        slim.dataset_data_provider.DatasetDataProvider(_dataset(path, 4), record_key="image")


def test_provider_get_checks_items():
    provider = slim.data_provider.DataProvider({"a": 1}, 1)
    with pytest.raises(ValueError, match="items must be a list or tuple"):
        provider.get("a")
    with pytest.raises(ValueError, match=r"Item \[b\] is invalid"):
        provider.get(["b"])


def test_get_data_files(tmp_path):
    for name in ("a-1", "a-2", "b-1"):
        (tmp_path / name).write_bytes(b"")
    got = slim.parallel_reader.get_data_files(str(tmp_path / "a-*"))
    assert sorted(os.path.basename(p) for p in got) == ["a-1", "a-2"]
    with pytest.raises(ValueError, match="No data files found in"):
        slim.parallel_reader.get_data_files(str(tmp_path / "c-*"))


def test_parallel_read_shuffles_all_records(images):
    path, _ = images
    tf.reset_default_graph()
    key, _ = slim.parallel_reader.parallel_read([path, path], tf.TFRecordReader, num_readers=2,
                                                num_epochs=1, capacity=8, min_after_dequeue=2)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "parallel_read/common_queue" in names and "parallel_read/filenames" in names
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        with slim.queues.QueueRunners(sess):
            keys = [sess.run(key).decode() for _ in range(8)]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(key)
    counts = {k: keys.count(k) for k in keys}  # each of the 4 records of each file copy
    assert len(counts) == 4 and set(counts.values()) == {2}


def test_prefetch_queue_of_a_dict():
    tf.reset_default_graph()
    counter = tf.Variable(0)
    step = tf.assign_add(counter, 1)
    queue = slim.prefetch_queue.prefetch_queue({"n": step, "sq": step * step}, capacity=2)
    out = queue.dequeue()
    assert sorted(out) == ["n", "sq"]
    assert [t.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)] == [
        "prefetch_queue/fraction_of_2_full:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with slim.queues.QueueRunners(sess):
            got = [sess.run(out) for _ in range(3)]
    assert all(g["sq"] == g["n"] ** 2 for g in got)
    assert [g["n"] for g in got] == sorted(g["n"] for g in got)
