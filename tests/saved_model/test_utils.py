"""build_tensor_info / get_tensor_from_tensor_info against real TF."""

import pytest
from oracle import explain, run_here

CASES = [
    "x = tf.placeholder(tf.float32, [None, 3], name='inp')\n"
    "result = str(tf.saved_model.utils.build_tensor_info(x))",
    "x = tf.placeholder(tf.int64, name='free')\nresult = str(tf.saved_model.build_tensor_info(x))",
    "s = tf.sparse_placeholder(tf.float32, [4, 5], name='sp')\n"
    "info = tf.saved_model.utils.build_tensor_info(s)\n"
    "back = tf.saved_model.utils.get_tensor_from_tensor_info(info)\n"
    "result = [str(info), back.indices.name, back.values.name, back.dense_shape.name]",
    "x = tf.placeholder(tf.float32, [2], name='inp')\n"
    "info = tf.saved_model.utils.build_tensor_info(x)\n"
    "result = tf.saved_model.utils.get_tensor_from_tensor_info(info).name",
    "tf.saved_model.utils.get_tensor_from_tensor_info(tf.TensorInfo(dtype=1))",
    "tf.saved_model.utils.get_tensor_from_tensor_info(tf.TensorInfo(name='nope:0'))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_tensor_info_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    if "raises" in there:
        assert (here.get("raises"), here.get("msg")) == (there["raises"], there["msg"]), \
            explain(code, here, there)
    else:
        assert here == there, explain(code, here, there)
