"""Estimator's behaviour without the oracle: resuming from model_dir, max_steps, hooks and
listeners called, checkpoint retention, predict of a non-dict prediction."""

import os

import numpy as np
import pytest


def _model_fn(tf):
    def model_fn(features, labels, mode):
        w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        pred = features * w
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=pred)
        loss = tf.reduce_mean(tf.square(pred - labels))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)
    return model_fn


def _input(tf, n=None):
    x = np.arange(1, 7, dtype=np.float32)
    return lambda: tf.data.Dataset.from_tensor_slices((x, 2 * x)).repeat(n).batch(3)


class _Record:
    def __init__(self, tf):
        class Hook(tf.train.SessionRunHook):
            calls = []

            def begin(self):
                self.calls.append("begin")

            def after_create_session(self, session, coord):
                self.calls.append("create")

            def before_run(self, run_context):
                self.calls.append("before")

            def after_run(self, run_context, run_values):
                self.calls.append("after")

            def end(self, session):
                self.calls.append("end")

        class Listener(tf.train.CheckpointSaverListener):
            saved = []

            def after_save(self, session, global_step_value):
                self.saved.append(int(global_step_value))

        self.hook, self.listener = Hook(), Listener()


def test_resume_max_steps_hooks_and_retention(tf, tmp_path):
    config = tf.estimator.RunConfig(save_checkpoints_steps=2, keep_checkpoint_max=2)
    est = tf.estimator.Estimator(_model_fn(tf), model_dir=str(tmp_path), config=config)
    rec = _Record(tf)
    est.train(_input(tf), steps=5, hooks=[rec.hook], saving_listeners=[rec.listener])
    assert rec.hook.calls[:3] == ["begin", "create", "before"]
    assert rec.hook.calls.count("after") == 5 and rec.hook.calls[-1] == "end"
    assert rec.listener.saved == [0, 2, 4, 5]
    assert est.latest_checkpoint() == os.path.join(str(tmp_path), "model.ckpt-5")
    kept = sorted(f for f in os.listdir(tmp_path) if f.endswith(".index"))
    assert kept == ["model.ckpt-4.index", "model.ckpt-5.index"]
    w5 = est.get_variable_value("w")
    est.train(_input(tf), max_steps=7)
    assert est.get_variable_value("global_step") == 7
    assert est.get_variable_value("w") != w5
    est.train(_input(tf), max_steps=7)          # already there: no new session
    assert est.latest_checkpoint().endswith("model.ckpt-7")
    est.train(_input(tf, 1))                    # until the data ends: 2 batches
    assert est.get_variable_value("global_step") == 9


def test_evaluate_steps_and_predict_non_dict(tf, tmp_path):
    est = tf.estimator.Estimator(_model_fn(tf), model_dir=str(tmp_path))
    est.train(_input(tf), steps=3)
    res = est.evaluate(_input(tf), steps=1)
    assert sorted(res) == ["global_step", "loss"] and res["global_step"] == 3
    preds = list(est.predict(lambda: tf.data.Dataset.from_tensor_slices(
        np.float32([1, 2])).batch(2)))
    w = est.get_variable_value("w")
    np.testing.assert_allclose(preds, [w, 2 * w], rtol=1e-6)
    assert os.path.isdir(est.eval_dir()) and est.eval_dir("x").endswith("eval_x")
    def receiver():
        x = tf.placeholder(tf.float32, [None])
        return tf.estimator.export.TensorServingInputReceiver(x, {"x": x})

    path = est.experimental_export_all_saved_models(
        str(tmp_path / "export"), {tf.estimator.ModeKeys.PREDICT: receiver})
    assert sorted(os.listdir(path)) == [b"saved_model.pb", b"variables"]


def test_temporary_model_dir_and_overridden_member(tf):
    est = tf.estimator.Estimator(_model_fn(tf))
    assert os.path.isdir(est.model_dir)

    class Sub(tf.estimator.Estimator):
        def train(self, *a, **k):
            pass

    with pytest.raises(ValueError, match="cannot override members of Estimator"):
        Sub(_model_fn(tf))
