"""Constants and `convert_to_tensor`: values are copied at creation; conversion functions."""

import numpy as np
import pytest
from scope_programs import check_tf

PROGRAMS = [
    # an array changed after tf.constant / tf.Variable does not change the graph's value
    """a = np.zeros(3, np.float32)
c = tf.constant(a)
d = tf.convert_to_tensor(a)
v = tf.Variable(a)
a[0] = 5.0
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    result = [s.run(c).tolist(), s.run(d).tolist(), s.run(v).tolist()]""",
    # arrays of another dtype than asked for, and of their own
    """a = np.arange(4, dtype=np.int64)
b = np.ones((2, 2), np.float16)
ts = [tf.constant(a), tf.constant(a, dtype=tf.int64), tf.constant(b), tf.constant(a, tf.float32),
      tf.convert_to_tensor(b, dtype=tf.float16), tf.constant(np.array(["x", "y"]))]
result = [[t.name, t.dtype.name, t.shape.as_list()] for t in ts]""",
    "tf.convert_to_tensor(np.ones(2, np.float32), dtype=tf.int32)",
    # lists of NumPy scalars take NumPy's dtype of the list (an MNIST tutorial's uint8 label
    # count), float64 as float32 and int64 as int32 where the values fit
    """lists = [[np.uint8(10)], [np.int16(3), np.int16(-4)], [np.int64(3)], [np.int64(2 ** 40)],
         [np.float64(1.5)], [np.float16(1.5)], [[np.int8(1)], [np.int8(2)]], [np.uint8(1), 2],
         [np.uint32(7)], [np.uint64(2 ** 63)], [2 ** 63], [np.complex64(1j)], [1j], [True],
         [np.float16(1), 2.0], [np.int8(1), np.uint8(2)], [np.float32(2), np.int16(1)]]
result = [[tf.constant(v).dtype.name, tf.convert_to_tensor(v).dtype.name] for v in lists]
result.append(tf.constant([np.uint8(3)], dtype=tf.int32).dtype.name)
result.append([tf.fill([np.uint8(2)], 1.0).shape.as_list(),
               tf.reshape(tf.zeros([4]), [np.int16(2), 2]).shape.as_list()])""",
    # strings asked of other values: TF's TypeError naming the first, never bytes(1) = b"\\x00"
    """result = []
for f in [lambda: tf.ones([2], tf.string), lambda: tf.ones_like(tf.constant(["a"])),
          lambda: tf.constant(["a", 1], tf.string), lambda: tf.constant([["a"], [2.5]], tf.string),
          lambda: tf.constant(["a", None], tf.string),
          lambda: tf.constant(("a", ("b", 3)), tf.string),
          lambda: tf.constant(True, tf.string), lambda: tf.constant(np.array([1, 2]), tf.string),
          lambda: tf.convert_to_tensor([1], dtype=tf.string),
          lambda: tf.constant([np.bytes_(b"a"), np.str_("b"), np.array([b"c"])[0]], tf.string),
          lambda: tf.zeros([2], tf.string), lambda: tf.fill([2], "a")]:
    try:
        t = f()
        with tf.Session() as s:
            result.append(s.run(t).tolist())
    except TypeError as e:
        result.append(str(e))""",
    # Python values asked to be of a dtype: TF's check of every element, the first misfit
    # named (not the list), a bool only from Python bools, ints out of range wrapping as TF's
    """result = []
for v, d in [([np.float16(1.5)], tf.int32), ([1.5, 2], tf.int32), ([[1], [2.5]], tf.int64),
             ([1j], tf.float32), ([np.float32(2.0)], tf.int32), ([True], tf.int32), ([1], tf.bool),
             (1, tf.bool), ([np.True_], tf.bool), ([np.int32(1)], tf.float32), ((1, 2.5), tf.int32),
             ([None], tf.int32), ([np.array([1.0])], tf.int32), ([2 ** 31], tf.int32),
             ([[2 ** 31, 1]], tf.int32), (-1, tf.uint8), ([300], tf.uint8), (2 ** 63, tf.int64),
             ([np.uint8(3)], tf.float16), ([1.5], tf.complex64), ([tf.Dimension(3)], tf.int32)]:
    try:
        with tf.Session() as s:
            result.append(s.run(tf.constant(v, d)).tolist())
    except TypeError as e:
        result.append(str(e))""",
    # TF1's shape arithmetic: a list holding Dimensions converts for an integer input
    """x = tf.zeros([2, 3, 4])
d = x.get_shape()[1]
p = tf.placeholder(tf.float32, [2, None])
result = [tf.reshape(x, [-1, d * 4]).shape.as_list(), tf.fill([d], 1.0).shape.as_list(),
          tf.constant([d], tf.int64).dtype.name]
for f in [lambda: tf.constant([d]), lambda: tf.reshape(x, [-1, p.get_shape()[1]]),
          lambda: tf.constant((d, 3), tf.float32)]:
    try:
        f()
    except TypeError as e:
        result.append(str(e))""",
    # random ops refuse such a shape: their shape attr takes int32 or int64
    "tf.random_normal([np.uint8(10)])",
    "tf.random_uniform([np.int16(3)], dtype=tf.float64)",
    "tf.truncated_normal(tf.constant([np.uint8(3)]))",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_conversion_registered_after_first_use(tf):
    """A conversion function registered after values of that type were converted still runs."""
    class Celsius:
        def __init__(self, degrees):
            self.degrees = degrees

    class Kelvin(Celsius):
        pass

    with pytest.raises(TypeError):
        tf.convert_to_tensor(Kelvin(1.0))
    tf.register_tensor_conversion_function(
        Celsius, lambda value, dtype=None, name=None, as_ref=False: tf.constant(
            value.degrees + 273.0, name="kelvin"))
    t = tf.convert_to_tensor(Kelvin(1.0))
    assert t.op.name.startswith("kelvin")
    assert tf.make_ndarray(t.op.get_attr("value")) == np.float32(274.0)


@pytest.mark.oracle
def test_partially_known_tensor_shape_does_not_convert(oracle):
    # DCGAN's `tf.reshape(deconv, deconv.get_shape())` with an unknown batch dim
    from oracle import run_here
    code = ("result = []\nfor s in ([None, 2], None, [3, 2]):\n"
            "    try:\n        result.append(tf.convert_to_tensor(tf.TensorShape(s)).shape"
            ".as_list())\n    except ValueError as e:\n        result.append(str(e))\n")
    here, there = run_here(code), oracle(code)
    assert here == there
    assert there["ok"][0] == "Cannot convert a partially known TensorShape (?, 2) to a Tensor."
