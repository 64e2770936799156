"""slim.batch_norm (broken in the installed tf_slim, so checked against NumPy)."""

import numpy as np


def test_batch_norm_training_and_updates(tf):
    slim = tf.contrib.slim
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    y = slim.batch_norm(tf.constant(x), decay=0.5, scale=True)
    names = [v.name for v in tf.global_variables()]
    assert names == ["BatchNorm/gamma:0", "BatchNorm/beta:0", "BatchNorm/moving_mean:0",
                     "BatchNorm/moving_variance:0"]
    assert [v.name for v in slim.get_model_variables()] == names
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        out = s.run([y] + updates)[0]
        mean, var = s.run(tf.global_variables()[2:])
    ref = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(out, ref, rtol=1e-4)
    np.testing.assert_allclose(mean, 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(var, 0.5 + 0.5 * x.var(0), rtol=1e-5)


def test_batch_norm_inference_uses_moving_statistics(tf):
    slim = tf.contrib.slim
    x = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    y = slim.batch_norm(tf.constant(x), is_training=False, activation_fn=tf.nn.relu)
    assert y.name == "BatchNorm/Relu:0"
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(y), x / np.sqrt(1 + 1e-3), rtol=1e-5)


def test_undecorated_function_in_arg_scope_raises(tf):
    slim = tf.contrib.slim

    def plain(x, k=1):
        return x

    try:
        with slim.arg_scope([plain], k=2):
            pass
    except ValueError as e:
        assert "is not decorated with @add_arg_scope" in str(e)
    else:
        raise AssertionError("no error")
