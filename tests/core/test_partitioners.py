"""Partitioned variables and the partitioners: shard names, shapes, concat, errors."""

import pytest
from scope_programs import check_tf

PROGRAMS = [
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(3)):
    v = tf.get_variable("v", [7, 2])
t = tf.convert_to_tensor(v)
with tf.variable_scope("s", reuse=True):
    v2 = tf.get_variable("v")
result = [type(v).__name__, v.name, v.shape, v.dtype.name, len(v), [x.name for x in v],
          [x.shape for x in v], [x.name for x in tf.global_variables()], v._get_partitions(),
          t.name, v2 is v, [o.name for o in tf.get_default_graph().get_operations()][-4:]]""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(3)):
    v = tf.get_variable("v", [2], initializer=tf.constant_initializer(1.0))
    b = tf.get_variable("b", [])
result = [[x.name for x in v], [x.shape for x in v], b.name,
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    """p = tf.variable_axis_size_partitioner(max_shard_bytes=16)
q = tf.min_max_variable_partitioner(max_partitions=4, axis=0, min_slice_size=8)
result = [p(tf.TensorShape([10, 3]), tf.float32), q(tf.TensorShape([100, 3]), tf.float32),
          tf.fixed_size_partitioner(3, axis=1)(tf.TensorShape([4, 5]))]""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(3)):
    tf.get_variable("v", [7, 2])
with tf.variable_scope("s"):
    tf.get_variable("v", [7, 2])""",
    """tf.get_variable("v", [7, 2])
with tf.variable_scope("", partitioner=tf.fixed_size_partitioner(3), reuse=True):
    tf.get_variable("v", [7, 2])""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    tf.get_variable("v", [4, 2])
with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2), reuse=True):
    tf.get_variable("v", [4, 3])""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    tf.get_variable("v", [4, 2])
with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(4), reuse=True):
    tf.get_variable("v", [4, 2])""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2), reuse=True):
    tf.get_variable("v", [4, 2])""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    tf.get_variable("v", [4, 2])
    tf.get_variable("v", [4, 2])""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    v = tf.get_variable("v", initializer=tf.constant([[1., 2.], [3., 4.], [5., 6.]]))
result = [[x.name for x in v], [x.shape for x in v],
          [o.name for o in tf.get_default_graph().get_operations()]]""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    v = tf.get_variable("v", [4, 2], initializer=tf.glorot_normal_initializer(),
                        regularizer=lambda t: tf.reduce_sum(t))
result = [[x.name for x in v],
          [x.name for x in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)],
          [x._get_save_slice_info().spec for x in v]]""",
    """with tf.variable_scope("s", partitioner=lambda shape, dtype: [2, 2]):
    tf.get_variable("v", [4, 2])""",
    """with tf.variable_scope("s", partitioner=lambda shape, dtype: [0]):
    tf.get_variable("v", [4])""",
    """with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
    v = tf.get_variable("v", [4, 2])
result = [[a.name for a in v.assign(tf.zeros([4, 2]))], [o.name for o in
          tf.get_default_graph().get_operations()][-6:]]""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_matches_tf(oracle, code):
    check_tf(oracle, code, message=True)


def test_shards(tf):
    with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(3)):
        v = tf.get_variable("v", [7, 2])
    assert [p.name for p in v] == ["s/v/part_0:0", "s/v/part_1:0", "s/v/part_2:0"]
    assert [p.shape.as_list() for p in v] == [[3, 2], [2, 2], [2, 2]]
    assert [p._get_save_slice_info().spec for p in v] == ["7 2 0,3:0,2", "7 2 3,2:0,2",
                                                          "7 2 5,2:0,2"]
    assert (v.name, v.shape.as_list(), v._get_partitions()) == ("s/v", [7, 2], [3, 1])


def test_partitioners(tf):
    shape = tf.TensorShape([10, 3])
    assert tf.fixed_size_partitioner(4)(shape) == [4, 1]
    assert tf.variable_axis_size_partitioner(16)(shape, tf.float32) == [10, 1]
    assert tf.variable_axis_size_partitioner(48, max_shards=3)(shape, tf.float32) == [3, 1]
    assert tf.min_max_variable_partitioner(4, min_slice_size=8)(shape, tf.float32) == [4, 1]
    with pytest.raises(ValueError, match="max_shards must be positive"):
        tf.variable_axis_size_partitioner(16, max_shards=-1)
