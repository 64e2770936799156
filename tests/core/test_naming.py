"""Op and scope names TF refuses: a name_scope's root or nested pattern, and the node-name
check of ops TF makes without a name scope of their own (`tf.constant`)."""

import pytest
from scope_programs import check_tf

PROGRAMS = [
    "tf.constant(1, name='a b')",
    "tf.constant(1, name='_x')",
    "tf.add(1, 2, name='a b')",
    "tf.placeholder(tf.float32, name='a b')",
    "tf.Variable(1., name='a b')",
    "tf.get_variable('a b', [1])",
    "tf.name_scope('a b').__enter__()",
    "tf.variable_scope('a b').__enter__()",
    "tf.identity(1., name='x!')",
    "tf.zeros([2], name='-x')",
    "tf.no_op(name='a b')",
    # nested: a constant's full name is checked ('s/_x' passes), a scope by the nested pattern
    """with tf.name_scope("s"):
    names = [tf.constant(1, name='_x').name, tf.constant(1, name='q/').name,
             tf.identity(1., name='_y').name]
result = names""",
    """with tf.name_scope("s"):
    tf.constant(1, name='a b')""",
    """with tf.name_scope("s"):
    tf.name_scope('a b').__enter__()""",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_refused_names_match_tf(oracle, code):
    check_tf(oracle, code, message=True)
