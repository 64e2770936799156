"""The V2 tensor bundle: round trips, slices, corruption, and interop with real TF."""

import os
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.checkpoint import slices
from scopeflow.checkpoint.bundle import (
    BundleReader,
    BundleWriter,
    data_filename,
    index_filename,
    write_bundle,
)

NUMERIC = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "uint16", "uint32", "uint64", "complex64", "complex128", "bool"]
SHAPES = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 1, 1, 5)]


def _np(name):
    return np.dtype(_dt.as_dtype(name).as_numpy_dtype)


def _sample(name, shape):
    n = int(np.prod(shape))
    return (np.arange(n) % 7 - 3).astype(_np(name)).reshape(shape)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", NUMERIC)
def test_round_trip_numeric(tmp_path, name, shape):
    value = _sample(name, shape)
    prefix = str(tmp_path / "m")
    write_bundle(prefix, {"v": value})
    r = BundleReader(prefix)
    got = r.lookup("v")
    assert got.dtype == value.dtype and got.shape == shape
    np.testing.assert_array_equal(got, value)
    assert r.dtype_and_shape("v") == (_dt.as_dtype(name), shape)


@pytest.mark.parametrize("values", [[b"ab", b"", b"c\x00d\xff"], [], [b"x" * 300],
                                    [["a", "b"], ["c", "dd"]]])
def test_round_trip_strings(tmp_path, values):
    prefix = str(tmp_path / "s")
    arr = np.array(values, dtype=object)
    write_bundle(prefix, {"s": arr})
    got = BundleReader(prefix).lookup("s")
    assert got.shape == arr.shape
    assert [x for x in got.reshape(-1)] == [x if isinstance(x, bytes) else x.encode()
                                            for x in arr.reshape(-1)]


_arrays = st.sampled_from(["float32", "float64", "int32", "int64", "uint8", "bool",
                           "complex64"]).flatmap(
    lambda d: hnp.arrays(_np(d), hnp.array_shapes(min_dims=0, max_dims=4, max_side=5)))


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_/]{0,12}", fullmatch=True), _arrays,
                       min_size=1, max_size=6))
def test_round_trip_hypothesis(tmp_path_factory, tensors):
    prefix = str(tmp_path_factory.mktemp("h") / "ckpt")
    write_bundle(prefix, tensors)
    r = BundleReader(prefix)
    assert sorted(r.names()) == sorted(tensors)
    for k, v in tensors.items():
        np.testing.assert_array_equal(r.lookup(k), v)
        assert r.lookup(k).dtype == v.dtype


def test_duplicate_key_is_invalid_argument(tmp_path):
    w = BundleWriter(str(tmp_path / "m"))
    w.add("w", np.ones(2, np.float32))
    with pytest.raises(errors.InvalidArgumentError, match="Adding duplicate key: w"):
        w.add("w", np.ones(2, np.float32))


def test_missing_key_is_not_found(tmp_path):
    prefix = str(tmp_path / "m")
    write_bundle(prefix, {"w": np.ones(2, np.float32)})
    with pytest.raises(errors.NotFoundError, match="Key zz not found in checkpoint"):
        BundleReader(prefix).lookup("zz")


def _flip_last_data_byte(prefix):
    path = pathlib.Path(data_filename(prefix, 0, 1))
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("value", [np.arange(6, dtype=np.float32),
                                   np.array([b"abc", b"de"], dtype=object)])
def test_data_crc_mismatch_is_data_loss(tmp_path, value):
    prefix = str(tmp_path / "m")
    write_bundle(prefix, {"w": value})
    _flip_last_data_byte(prefix)
    with pytest.raises(errors.DataLossError, match="Checksum does not match"):
        BundleReader(prefix).lookup("w")


def test_index_corruption_is_data_loss(tmp_path):
    prefix = str(tmp_path / "m")
    write_bundle(prefix, {"w": np.ones(2, np.float32)})
    path = pathlib.Path(index_filename(prefix))
    data = bytearray(path.read_bytes())
    data[8] ^= 0x40
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError):
        BundleReader(prefix)


def test_no_temp_files_left(tmp_path):
    write_bundle(str(tmp_path / "m"), {"w": np.ones(2, np.float32)})
    assert sorted(os.listdir(tmp_path)) == ["m.data-00000-of-00001", "m.index"]


# ---- slices ---------------------------------------------------------------------------------
def test_slice_key_matches_tf():
    # keys TF 2.21 wrote for the pieces of a [5, 2] variable split in 3 along axis 0
    assert slices.slice_key("p/v", ((0, 2), (0, 2))) == b"\x00p/v\x00\x01\x01\x02\x80\x82\x80\x82"
    assert slices.slice_key("p/v", ((4, 1), (0, 2))) == b"\x00p/v\x00\x01\x01\x02\x84\x81\x80\x82"


@pytest.mark.parametrize("value, encoded", [(0x424242, b"\xf0\x42\x42\x42"), (-0x800, b"\x38\x00"),
                                            (0, b"\x80"), (-1, b"\x7f"), (63, b"\xbf"),
                                            (64, b"\xc0\x40")])
def test_ordered_code_signed_numbers(value, encoded):
    assert slices._signed_increasing(value) == encoded


def test_parse_shape_and_slice():
    assert slices.parse_shape_and_slice("") == (None, None)
    assert slices.parse_shape_and_slice("4 2 0,2:-") == ((4, 2), ((0, 2), (0, -1)))
    assert slices.shape_and_slice_string((4, 2), ((2, 2), (0, 2))) == "4 2 2,2:0,2"
    with pytest.raises(errors.InvalidArgumentError):
        slices.parse_shape_and_slice("4 2 0,2")


def test_partitioned_round_trip(tmp_path):
    full = np.arange(10, dtype=np.float32).reshape(5, 2)
    prefix = str(tmp_path / "m")
    w = BundleWriter(prefix)
    for spec in [((0, 2), (0, 2)), ((2, 2), (0, 2)), ((4, 1), (0, -1))]:
        w.add_slice("p/v", (5, 2), spec, full[slices.index(spec, (5, 2))])
    w.finish()
    r = BundleReader(prefix)
    assert r.names() == ["p/v"]
    assert r.dtype_and_shape("p/v") == (_dt.float32, (5, 2))
    np.testing.assert_array_equal(r.lookup("p/v"), full)
    np.testing.assert_array_equal(r.lookup_slice("p/v", (5, 2), ((1, 3), (0, -1))), full[1:4])


def test_missing_piece_is_invalid_argument(tmp_path):
    prefix = str(tmp_path / "m")
    w = BundleWriter(prefix)
    w.add_slice("p/v", (4,), ((0, 2),), np.ones(2, np.float32))
    w.finish()
    with pytest.raises(errors.InvalidArgumentError, match="sufficient slices"):
        BundleReader(prefix).lookup("p/v")


def test_full_slice_is_a_plain_entry(tmp_path):
    prefix = str(tmp_path / "m")
    w = BundleWriter(prefix)
    w.add_slice("v", (2, 2), ((0, 2), (0, -1)), np.ones((2, 2), np.float32))
    w.finish()
    r = BundleReader(prefix)
    assert not r.entry("v").slices
    assert r.raw_keys() == [b"v"]


# ---- interop with real TensorFlow -----------------------------------------------------------
@pytest.mark.oracle
def test_tf_reads_what_scopeflow_wrote(tmp_path, oracle):
    prefix = str(tmp_path / "sf")
    tensors = {name: _sample(name, (2, 3)) for name in NUMERIC if name != "bfloat16"}
    tensors["str"] = np.array([b"ab", b"", b"c\x00d"], dtype=object)
    tensors["scalar"] = np.float32(3.5)
    w = BundleWriter(prefix)
    for k in sorted(tensors):
        w.add(k, tensors[k])
    full = np.arange(10, dtype=np.float32).reshape(5, 2)
    for spec in [((0, 3), (0, 2)), ((3, 2), (0, 2))]:
        w.add_slice("part", (5, 2), spec, full[slices.index(spec, (5, 2))])
    w.finish()
    there = oracle("r = tf.train.NewCheckpointReader(%r)\n"
                   "result = {}\n"
                   "for k in r.get_variable_to_shape_map():\n"
                   "    v = np.asarray(r.get_tensor(k))\n"
                   "    result[k] = [str(v.dtype), (np.stack([v.real, v.imag]) if v.dtype.kind"
                   " == 'c' else v).tolist()]" % prefix)
    assert "ok" in there, there
    got = there["ok"]
    assert sorted(got) == sorted(list(tensors) + ["part"])
    for k, v in tensors.items():
        v = np.asarray(v)
        if v.dtype.kind == "c":
            v = np.stack([v.real, v.imag])
        assert got[k][0] == str(np.asarray(tensors[k]).dtype), k
        assert got[k][1] == (v.tolist() if k != "str" else ["ab", "", "c\x00d"]), k
    assert got["part"] == ["float32", full.tolist()]


@pytest.mark.oracle
def test_scopeflow_reads_what_tf_wrote(tmp_path, oracle):
    prefix = str(tmp_path / "tf")
    code = (
        "import numpy as np\n"
        "vs = [tf.Variable(tf.cast(tf.reshape(tf.range(6), [2, 3]), d), name='v_' + d)\n"
        "      for d in %r]\n"
        "s = tf.Variable(['ab', '', 'xyz'], name='s')\n"
        "with tf.variable_scope('p', partitioner=tf.fixed_size_partitioner(3)):\n"
        "    p = tf.get_variable('v', [5, 2], initializer=tf.random_uniform_initializer())\n"
        "saver = tf.train.Saver()\n"
        "with tf.Session() as sess:\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "    saver.save(sess, %r)\n"
        "    result = sess.run(tf.concat(list(p), 0))\n" % (NUMERIC, prefix))
    there = oracle(code)
    assert "ok" in there, there
    r = BundleReader(prefix)
    assert sorted(r.names()) == sorted(["v_" + d for d in NUMERIC] + ["s", "p/v"])
    for name in NUMERIC:
        np.testing.assert_array_equal(r.lookup("v_" + name), _sample_range(name))
    assert r.lookup("s").tolist() == [b"ab", b"", b"xyz"]
    np.testing.assert_allclose(r.lookup("p/v"), np.array(there["ok"], np.float32), atol=1e-5)


def _sample_range(name):
    return np.arange(6).reshape(2, 3).astype(_np(name))


@pytest.mark.oracle
def test_index_bytes_identical_to_tf(tmp_path, oracle):
    prefix_tf, prefix_sf = str(tmp_path / "tf"), str(tmp_path / "sf")
    code = ("w = tf.Variable([1.0, 2.0], name='w')\n"
            "b = tf.Variable(np.arange(6).reshape(2, 3), name='bb/x')\n"
            "c = tf.Variable(3.5, name='c')\n"
            "saver = tf.train.Saver()\n"
            "with tf.Session() as sess:\n"
            "    sess.run(tf.global_variables_initializer())\n"
            "    saver.save(sess, %r)\n" % prefix_tf)
    assert "ok" in oracle(code)
    write_bundle(prefix_sf, {"w": np.array([1.0, 2.0], np.float32),
                             "bb/x": np.arange(6).reshape(2, 3), "c": np.float32(3.5)})
    for suffix in (".index", ".data-00000-of-00001"):
        sf, tf = pathlib.Path(prefix_sf + suffix), pathlib.Path(prefix_tf + suffix)
        assert sf.read_bytes() == tf.read_bytes()
