"""slim.utils (tf_slim.layers.utils) against real tf_slim: aliases, conds, shape helpers."""

import pytest
from approx import agree, explain
from oracle import run_here

SLIM = ("slim = tf.contrib.slim if hasattr(tf, 'contrib') else __import__('tf_slim')\n"
        "U = slim.utils if hasattr(slim.utils, 'last_dimension') else "
        "__import__('tf_slim.layers.utils').layers.utils\n")

PROGRAMS = [
    "x = tf.ones([1, 2]); y = slim.fully_connected(x, 2, outputs_collections='e', scope='fc')\n"
    "z = U.collect_named_outputs('e', 'z/', tf.identity(y, name='z'))\n"
    "U.append_tensor_alias(z, 'zz')\n"
    "d = U.convert_collection_to_dict('e')\n"
    "result = [[(k, v.name) for k, v in d.items()], U.gather_tensors_aliases([x, y, z]), "
    "U.get_tensor_aliases(tf.split(x, 2, 1)[1]), z.aliases]",
    "tf.add_to_collection('e', tf.ones([1], name='o'))\n"
    "d = U.convert_collection_to_dict('e', clear_collection=True)\n"
    "result = [list(d), tf.get_collection('e')]",
    "result = [U.collect_named_outputs(None, 'a', tf.ones([1])).name, "
    "hasattr(U.collect_named_outputs([], 'a', tf.ones([1])), 'aliases')]",
    "result = U.static_cond(True, 1, lambda: 2)",
    "result = U.static_cond(True, lambda: 1, 2)",
    "result = [U.get_variable_collections({'w': ['a']}, 'w'), "
    "U.get_variable_collections({'w': ['a']}, 'b'), U.get_variable_collections(['c'], 'w')]",
    "result = [U.last_dimension(tf.TensorShape([2, 3])), "
    "U.last_dimension(tf.TensorShape([2, 3]), min_rank=2), "
    "U.channel_dimension(tf.TensorShape([2, 3, 4]), 'channels_first'), "
    "U.channel_dimension(tf.TensorShape([2, 3, 4]), 'channels_last')]",
    "result = U.last_dimension(tf.TensorShape([2, None]))",
    "result = U.last_dimension(tf.TensorShape([3]), min_rank=2)",
    "result = U.last_dimension(tf.TensorShape(None))",
    "result = [U.two_element_tuple(3), U.two_element_tuple([1, 2]), "
    "U.two_element_tuple((4, 5))]",
    "result = U.two_element_tuple([1, 2, 3])",
    "result = U.two_element_tuple('ab')",
    "result = [str(d) for d in U.two_element_tuple(tf.TensorShape([2, 3]))]",
    "result = [U.n_positive_integers(2, 3), U.n_positive_integers(3, [1, 2, 3]), "
    "U.n_positive_integers(1, (7,)), U.n_positive_integers(2.0, 1)]",
    "result = U.n_positive_integers(0, 3)",
    "result = U.n_positive_integers(2, [1])",
    "result = U.n_positive_integers(2, [1, 0])",
    "result = U.n_positive_integers(2, -1)",
    "result = U.n_positive_integers(2, ['a', 'b'])",
    "result = U.n_positive_integers(2.5, 1)",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_utils_match_tf_slim(oracle, code):
    code = SLIM + code
    here, there = run_here(code), oracle(code)
    assert agree(here, there), explain(code, here, there)


# tf_slim 1.1's constant_value reads `ops.Tensor`, which TF 2.21 no longer has (AttributeError
# there), so these are checked here against what the function documents.
def test_constant_value_and_smart_cond():
    import scopeflow.compat.v1 as tf
    U = tf.contrib.slim.utils
    with tf.Graph().as_default():
        assert U.constant_value(3) == 3
        assert float(U.constant_value(tf.constant(2.0))) == 2.0
        assert U.constant_value(tf.Variable(1.0)) is None
        assert U.constant_value(tf.placeholder(tf.float32)) is None
        with pytest.raises(ValueError, match="cannot be None"):
            U.constant_value(None)
        with pytest.raises(ValueError, match="wrong type <dtype: 'int32'> instead of"):
            U.constant_value(tf.constant(1), tf.float32)
        p = tf.placeholder(tf.bool)
        a = U.smart_cond(True, lambda: tf.ones([1]), lambda: tf.zeros([1]))
        b = U.smart_cond(tf.constant(False), lambda: tf.ones([1]), lambda: tf.zeros([1]))
        c = U.smart_cond(p, lambda: tf.ones([1]), lambda: tf.zeros([1]))
        assert [a.name, b.name, c.name] == ["ones:0", "zeros:0", "cond/Merge:0"]
        with tf.Session() as s:
            assert s.run(c, {p: True}).tolist() == [1.0]
