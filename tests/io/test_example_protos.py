"""tf.train.Example & co.: TF's wire format, and `tensorflow.core.example.*_pb2` under run."""

import subprocess
import sys
import textwrap

from scopeflow.io.example_protos import Example, Feature, Features, FloatList, Int64List

SCRIPT = textwrap.dedent("""
    import tensorflow as tf
    from tensorflow.core.example import example_pb2, feature_pb2
    e = example_pb2.Example(features=feature_pb2.Features(feature={
        "a": feature_pb2.Feature(int64_list=feature_pb2.Int64List(value=[4]))}))
    ser = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(ser, {"a": tf.FixedLenFeature([], tf.int64)})
    with tf.Session() as s:
        print(int(s.run(out, {ser: e.SerializeToString()})["a"]))
    print(example_pb2.DESCRIPTOR.name, feature_pb2.Feature.DESCRIPTOR.full_name)
""")


def test_tf_paths_give_the_example_protos(tmp_path):
    (tmp_path / "s.py").write_text(SCRIPT)
    proc = subprocess.run([sys.executable, "-m", "scopeflow", "run", "s.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["4", "tensorflow/core/example/example.proto "
                                             "tensorflow.Feature"]


def test_wire_format_is_tfs():
    # float_list packed (field 2, tag 0x12), int64_list packed (field 3, tag 0x1a)
    f = Feature(float_list=FloatList(value=[1.0]))
    assert f.SerializeToString() == b"\x12\x06\n\x04\x00\x00\x80?"
    ex = Example(features=Features(feature={"i": Feature(int64_list=Int64List(value=[1, 2]))}))
    assert ex.SerializeToString() == b"\n\r\n\x0b\n\x01i\x12\x06\x1a\x04\n\x02\x01\x02"
    back = Example.FromString(ex.SerializeToString())
    assert list(back.features.feature["i"].int64_list.value) == [1, 2]
    assert back.features.feature["i"].WhichOneof("kind") == "int64_list"
