"""SyncReplicasOptimizer in one process: the all-reduce of a group of one is the gradient
itself; a group larger than the processes running is TF's error at run time."""

import numpy as np
import pytest

from scopeflow import errors


def _train(tf, make_opt, steps=3):
    tf.reset_default_graph()
    tf.set_random_seed(3)
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
    w = tf.get_variable("w", [3, 2])
    b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    step = tf.train.get_or_create_global_step()
    opt = make_opt(tf.train.AdamOptimizer(0.1))
    train = opt.minimize(loss, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
        return sess.run([w, b, step]), opt


def test_group_of_one_is_the_wrapped_optimizer(tf):
    want, _ = _train(tf, lambda opt: opt)
    got, opt = _train(tf, lambda opt: tf.train.SyncReplicasOptimizer(opt, 1))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)
    ops = tf.get_default_graph().get_operations()
    reduce = [op for op in ops if op.type == "CollectiveReduceV2"]
    assert [op.name for op in reduce] == ["sync_replicas/CollectiveReduceV2"]
    assert reduce[0].get_attr("final_op") == b"Div" or reduce[0].get_attr("final_op") == "Div"
    assert opt.get_slot_names() == ["m", "v"]
    hook = opt.make_session_run_hook(is_chief=True)
    hook.begin()


def test_a_group_larger_than_the_processes_fails_at_run(tf):
    with pytest.raises(errors.InvalidArgumentError, match="group_size is 2 but 1 process"):
        _train(tf, lambda opt: tf.train.SyncReplicasOptimizer(opt, 2))


def test_needs_a_global_step(tf):
    v = tf.Variable(1.0)
    opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), 1)
    with pytest.raises(ValueError, match="Global step is required to check staleness"):
        opt.minimize(v * v)
    with pytest.raises(NotImplementedError, match="cannot aggregate more gradients"):
        tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), 3, 2)


def test_backup_workers_of_one_process_take_its_gradient(tf):
    # the accumulator lives in the Session: the step's mean is this process's gradient
    want, _ = _train(tf, lambda opt: opt)
    got, _ = _train(tf, lambda opt: tf.train.SyncReplicasOptimizer(opt, 1, 2))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)
    types = [op.type for op in tf.get_default_graph().get_operations()]
    assert "ResourceAccumulatorTakeGradient" in types and "CollectiveReduceV2" not in types


def test_supervisor_ops_come_after_apply_gradients(tf):
    opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), 1)
    with pytest.raises(ValueError, match="Should be called after apply_gradients"):
        opt.get_chief_queue_runner()
    with pytest.raises(ValueError, match="get_init_tokens_op\\(\\) should be called after"):
        opt.get_init_tokens_op()
    v = tf.Variable(2.0)
    opt.minimize(v * v, global_step=tf.train.get_or_create_global_step())
    assert opt.get_chief_queue_runner().queue.name == "sync_token_q"
    assert opt.local_step_init_op.name == "sync_replicas/local_step_init"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert list(sess.run(opt.ready_for_local_init_op)) == []
        sess.run([opt.get_init_tokens_op(), opt.chief_init_op, opt.local_step_init_op])
