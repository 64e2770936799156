"""One TF 1 Estimator program (model_fn, numpy and tf.data input_fns, train / evaluate /
predict / resume / train_and_evaluate / export), run under TF (tensorflow_estimator) and
scopeflow by test_estimator_oracle.py; `program(tf, E, d)` returns a dict of JSON values."""

PROGRAM = r'''
import glob, json, os, re
import numpy as np


def _events(path):
    out = []
    for f in sorted(glob.glob(os.path.join(path, "events.out.tfevents.*"))):
        for ev in tf.train.summary_iterator(f):
            for v in ev.summary.value:
                if v.tag == "global_step/sec" or "_full" in v.tag:  # timings
                    out.append([int(ev.step), v.tag])
                elif v.HasField("simple_value"):
                    out.append([int(ev.step), v.tag, round(float(v.simple_value), 4)])
                else:
                    out.append([int(ev.step), v.tag, "tensor"])
            if ev.HasField("session_log"):
                out.append([int(ev.step), "session_log", int(ev.session_log.status)])
            if ev.HasField("graph_def"):
                out.append([int(ev.step), "graph_def"])
            if ev.HasField("meta_graph_def"):
                out.append([int(ev.step), "meta_graph_def"])
    return out


def _graph_nodes(path):
    from google.protobuf import text_format
    g = tf.GraphDef()
    text_format.Parse(open(path).read(), g)
    return sorted([n.name, n.op] for n in g.node)


def _meta_collections(path):
    m = tf.MetaGraphDef()
    m.ParseFromString(open(path, "rb").read())
    # (a CondContextDef's external_values map is serialized in no fixed order: counted only)
    return {k: len(str(v).split("\n")) if k == "cond_context" else
            sorted(str(v).split("\n")[1:-1]) for k, v in m.collection_def.items()}


def _files(path):
    names = sorted("events" if n.startswith("events.out.tfevents.") else n
                   for n in os.listdir(path))
    return names


_D = [None]


def _begin(tf_, E_, d):
    """Binds the program's tf and E (TF's or scopeflow's) and the directory errors hide."""
    global tf, E
    tf, E = tf_, E_
    _D[0] = d


def _err(f):
    try:
        f()
        return "ok"
    except Exception as e:
        msg = re.sub(r" at 0x[0-9a-f]+", "", str(e).split("\n")[0]).replace(_D[0], "D")
        return [type(e).__name__, msg[:300]]


def model_fn(features, labels, mode, params):
    w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer([[0.1], [-0.2]]))
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    pred = tf.matmul(features["x"], w) + b
    if mode == E.ModeKeys.PREDICT:
        return E.EstimatorSpec(mode, predictions={"y": pred, "double": 2 * pred})
    loss = tf.losses.mean_squared_error(labels, pred)
    step = tf.train.get_global_step()
    train_op = tf.train.GradientDescentOptimizer(params["lr"]).minimize(loss, global_step=step)
    metrics = {"mae": tf.metrics.mean_absolute_error(labels, pred),
               "rmse": tf.metrics.root_mean_squared_error(labels, pred)}
    return E.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops=metrics)


class CountHook(tf.train.SessionRunHook):
    def __init__(self):
        self.calls = []

    def begin(self):
        self.calls.append("begin")

    def after_create_session(self, session, coord):
        self.calls.append("after_create_session")

    def after_run(self, run_context, run_values):
        self.calls.append("after_run")

    def end(self, session):
        self.calls.append("end")


def program(tf_, E_, d):
    _begin(tf_, E_, d)
    r = {}
    x = (np.arange(24, dtype=np.float32).reshape(12, 2) / 10.0)
    y = (x.sum(1, keepdims=True) * 2 + 1).astype(np.float32)
    md = os.path.join(d, "model")
    config = E.RunConfig(save_checkpoints_steps=3, save_summary_steps=2,
                         log_step_count_steps=2, keep_checkpoint_max=3, tf_random_seed=7)
    r["config"] = [config.save_checkpoints_steps, config.save_checkpoints_secs,
                   config.save_summary_steps, config.keep_checkpoint_max,
                   config.log_step_count_steps, config.tf_random_seed, config.model_dir,
                   config.is_chief, config.master, config.num_ps_replicas,
                   config.num_worker_replicas, config.task_type, config.task_id]
    r["default_config"] = [E.RunConfig().save_checkpoints_secs,
                           E.RunConfig().save_checkpoints_steps,
                           E.RunConfig().save_summary_steps,
                           E.RunConfig().keep_checkpoint_every_n_hours]
    est = E.Estimator(model_fn, model_dir=md, config=config, params={"lr": 0.05})
    r["model_dir"] = os.path.relpath(est.model_dir, d)
    r["session_config"] = str(est.config.session_config)
    r["no_ckpt"] = _err(lambda: est.get_variable_names())
    hook = CountHook()
    train_in = E.inputs.numpy_input_fn({"x": x}, y, batch_size=5, num_epochs=None,
                                       shuffle=False)
    est.train(train_in, steps=7, hooks=[hook])
    r["hook_calls"] = [hook.calls[:2], hook.calls.count("after_run"), hook.calls[-1]]
    r["files_after_train"] = _files(md)
    r["checkpoint_state"] = open(os.path.join(md, "checkpoint")).read()
    r["graph_nodes"] = _graph_nodes(os.path.join(md, "graph.pbtxt"))
    r["meta_collections"] = _meta_collections(os.path.join(md, "model.ckpt-7.meta"))
    r["latest"] = os.path.relpath(est.latest_checkpoint(), d)
    r["names"] = est.get_variable_names()
    r["w"] = est.get_variable_value("w").tolist()
    r["step"] = int(est.get_variable_value("global_step"))
    r["train_events"] = _events(md)
    eval_in = E.inputs.numpy_input_fn({"x": x}, y, batch_size=5, num_epochs=1, shuffle=False)
    r["eval"] = {k: float(v) for k, v in est.evaluate(eval_in).items()}
    r["eval_types"] = sorted([k, type(v).__name__] for k, v in est.evaluate(eval_in).items())
    ds_in = lambda: tf.data.Dataset.from_tensor_slices(({"x": x}, y)).batch(4)
    r["eval_named"] = {k: float(v) for k, v in est.evaluate(ds_in, steps=2,
                                                            name="hold").items()}
    r["eval_files"] = [_files(est.eval_dir()), _files(est.eval_dir("hold"))]
    r["eval_events"] = _events(est.eval_dir("hold"))
    pred_in = E.inputs.numpy_input_fn({"x": x}, batch_size=5, num_epochs=1, shuffle=False)
    preds = list(est.predict(pred_in))
    r["predict"] = [len(preds), sorted(preds[0]), [p["y"].tolist() for p in preds]]
    preds = list(est.predict(pred_in, predict_keys=["double"], yield_single_examples=False))
    r["predict_batches"] = [[sorted(p), p["double"].shape[0]] for p in preds]
    r["bad_keys"] = _err(lambda: list(est.predict(pred_in, predict_keys=["nope"])))
    est.train(train_in, max_steps=11)
    r["resumed_step"] = int(est.get_variable_value("global_step"))
    r["files_after_resume"] = _files(md)
    est.train(train_in, max_steps=11)
    r["skipped_step"] = int(est.get_variable_value("global_step"))
    r["w_resumed"] = est.get_variable_value("w").tolist()
    epochs_in = E.inputs.numpy_input_fn({"x": x}, y, batch_size=5, num_epochs=2, shuffle=False)
    est.train(epochs_in)
    r["epochs_step"] = int(est.get_variable_value("global_step"))
    md2 = os.path.join(d, "tae")
    est2 = E.Estimator(model_fn, model_dir=md2, params={"lr": 0.05},
                       config=E.RunConfig(save_checkpoints_steps=4, tf_random_seed=1))
    res = E.train_and_evaluate(est2, E.TrainSpec(ds_in, max_steps=9),
                               E.EvalSpec(ds_in, steps=2, throttle_secs=0))
    r["tae"] = [{k: float(v) for k, v in res[0].items()}, res[1]]
    r["tae_files"] = [_files(md2), _files(os.path.join(md2, "eval"))]
    r["tae_eval_events"] = [e[:2] for e in _events(os.path.join(md2, "eval"))]
    warm = E.Estimator(model_fn, model_dir=os.path.join(d, "warm"), params={"lr": 0.05},
                       warm_start_from=md)
    r["warm_eval"] = {k: float(v) for k, v in warm.evaluate(ds_in, steps=1).items()}
    rec = E.export.build_raw_serving_input_receiver_fn(
        {"x": tf.placeholder(tf.float32, [None, 2], name="xin")})
    path = est.export_saved_model(os.path.join(d, "export"), rec)
    r["export"] = [type(path).__name__, os.path.relpath(os.path.dirname(path),
                                                        d.encode()).decode(),
                   sorted(os.listdir(path)), sorted(os.listdir(os.path.join(path, b"variables")))]
    with tf.Graph().as_default(), tf.Session() as s:
        mg = tf.saved_model.loader.load(s, ["serve"], path)
        sig = mg.signature_def["serving_default"]
        r["export_sig"] = [sorted(mg.signature_def), sig.method_name,
                           sorted((k, v.name) for k, v in sig.inputs.items()),
                           sorted((k, v.name) for k, v in sig.outputs.items())]
        r["export_run"] = s.run(sig.outputs["y"].name, {sig.inputs["x"].name: x[:3]}).tolist()
    spec = {"x": tf.FixedLenFeature([2], tf.float32)}
    path = est.export_savedmodel(os.path.join(d, "export2"),
                                 E.export.build_parsing_serving_input_receiver_fn(spec))
    with tf.Graph().as_default(), tf.Session() as s:
        mg = tf.saved_model.loader.load(s, ["serve"], path)
        r["parsing_sig"] = {k: [v.method_name, sorted(v.inputs), sorted(v.outputs)]
                            for k, v in mg.signature_def.items()}
    return r


def errors(tf_, E_, d):
    _begin(tf_, E_, d)
    est = E.Estimator(model_fn, model_dir=d, params={"lr": 0.1})
    inp = lambda: ({"x": tf.constant([[1.0, 2.0]])}, tf.constant([[1.0]]))
    r = {}
    r["steps0"] = _err(lambda: est.train(inp, steps=0))
    r["both"] = _err(lambda: est.train(inp, steps=1, max_steps=2))
    r["max0"] = _err(lambda: est.train(inp, max_steps=-1))
    r["eval_steps0"] = _err(lambda: est.evaluate(inp, steps=0))
    r["hooks"] = _err(lambda: est.train(inp, steps=1, hooks=[1]))
    r["ckpt_both"] = _err(lambda: E.RunConfig(save_checkpoints_steps=1,
                                              save_checkpoints_secs=1))
    r["no_features"] = _err(lambda: E.Estimator(lambda labels, mode: None))
    r["params"] = _err(lambda: E.Estimator(lambda features, labels: None, params={"a": 1}))
    r["bad_arg"] = _err(lambda: E.Estimator(lambda features, foo: None))
    r["no_model_fn"] = _err(lambda: E.Estimator(None))
    r["replace"] = _err(lambda: E.RunConfig().replace(master="x"))
    r["neg"] = _err(lambda: E.RunConfig(save_summary_steps=-1))
    r["seed"] = _err(lambda: E.RunConfig(tf_random_seed=1.5))
    r["model_dir_clash"] = _err(lambda: E.Estimator(model_fn, model_dir=d + "/a",
                                                    config=E.RunConfig(model_dir=d + "/b"),
                                                    params={}))
    r["shuffle"] = _err(lambda: E.inputs.numpy_input_fn({"x": np.zeros(3)}))
    r["lengths"] = _err(lambda: E.inputs.numpy_input_fn({"x": np.zeros(3)}, np.zeros(2),
                                                        shuffle=False)())
    r["train_spec"] = _err(lambda: E.TrainSpec(inp, max_steps=0))
    r["eval_spec"] = _err(lambda: E.EvalSpec(inp, throttle_secs=-1))
    r["tae_types"] = _err(lambda: E.train_and_evaluate(est, None, E.EvalSpec(inp)))
    with tf.Graph().as_default():
        c = tf.constant(1.0)
        r["spec_loss"] = _err(lambda: E.EstimatorSpec(E.ModeKeys.TRAIN, train_op=c.op))
        r["spec_train_op"] = _err(lambda: E.EstimatorSpec(E.ModeKeys.TRAIN, loss=c))
        r["spec_pred"] = _err(lambda: E.EstimatorSpec(E.ModeKeys.PREDICT))
        r["spec_shape"] = _err(lambda: E.EstimatorSpec(E.ModeKeys.EVAL, loss=tf.ones([2])))
        r["spec_metrics"] = _err(lambda: E.EstimatorSpec(E.ModeKeys.EVAL, loss=c,
                                                         eval_metric_ops={"m": c}))
        r["spec_hooks"] = _err(lambda: E.EstimatorSpec(E.ModeKeys.EVAL, loss=c,
                                                       evaluation_hooks=[1]))
        r["spec_fields"] = list(E.EstimatorSpec(E.ModeKeys.EVAL, loss=c)._fields)
        r["spec_export"] = sorted(E.EstimatorSpec(E.ModeKeys.PREDICT,
                                                  predictions={"p": c}).export_outputs)
        r["receiver"] = _err(lambda: E.export.ServingInputReceiver(None, c))
        r["receiver_key"] = _err(lambda: E.export.ServingInputReceiver({1.5: c}, c))
    r["modes"] = [E.ModeKeys.TRAIN, E.ModeKeys.EVAL, E.ModeKeys.PREDICT]
    r["pandas"] = _err(lambda: E.inputs.pandas_input_fn(None, shuffle=False))
    r["vocab_axis"] = _err(lambda: E.VocabInfo("a", 3, 1, "b", axis=2))
    return r


class NameHook(tf.train.SessionRunHook):
    def __init__(self, log, name):
        self.log, self.name = log, name

    def begin(self):
        self.log.append(self.name + ".begin")

    def end(self, session):
        self.log.append(self.name + ".end")


def program2(tf_, E_, d):
    _begin(tf_, E_, d)
    r, log = {}, []
    x = (np.arange(16, dtype=np.float32).reshape(8, 2) / 10.0)
    y = (x[:, :1] * 3 - x[:, 1:]).astype(np.float32)

    def model_fn(features, labels, mode, params, config):
        log.append("model_fn:%s:%s:%s" % (mode, params["units"], config.tf_random_seed))
        h = tf.layers.dense(features, params["units"], activation=tf.nn.relu,
                            kernel_initializer=tf.constant_initializer(0.3))
        pred = tf.layers.dense(h, 1, kernel_initializer=tf.constant_initializer(-0.2))
        if mode == E.ModeKeys.PREDICT:
            return E.EstimatorSpec(mode, predictions=pred,
                                   prediction_hooks=[NameHook(log, "predict")])
        loss = tf.losses.absolute_difference(labels, pred)
        opt = tf.train.AdamOptimizer(0.01)
        train_op = opt.minimize(loss, global_step=tf.train.get_global_step())
        return E.EstimatorSpec(mode, loss=loss, train_op=train_op,
                               predictions={"p": pred},
                               training_hooks=[NameHook(log, "train")],
                               training_chief_hooks=[NameHook(log, "chief")],
                               evaluation_hooks=[NameHook(log, "eval")])

    def input_fn(params, mode, config):
        log.append("input_fn:%s:%s" % (mode, params.get("units")))
        ds = tf.data.Dataset.from_tensor_slices((x, y))
        if mode == E.ModeKeys.TRAIN:
            ds = ds.repeat()
        elif mode == E.ModeKeys.PREDICT:
            ds = ds.map(lambda a, b: a)
        return ds.batch(3)

    md = os.path.join(d, "m2")
    est = E.Estimator(model_fn, model_dir=md, params={"units": 4},
                      config=E.RunConfig(tf_random_seed=3, save_checkpoints_steps=3))
    est.train(input_fn, steps=4)
    r["eval"] = {k: float(v) for k, v in est.evaluate(input_fn).items()}
    r["predict"] = [p.tolist() for p in est.predict(input_fn)]
    r["names"] = est.get_variable_names()
    plus = E.add_metrics(est, lambda labels, predictions: {
        "mse": tf.metrics.mean_squared_error(labels, predictions["p"])})
    r["plus"] = {k: float(v) for k, v in plus.evaluate(input_fn, name="plus").items()}
    r["log"] = log
    X = E.experimental
    never = X.stop_if_lower_hook(est, "loss", -1.0, run_every_secs=None, run_every_steps=1)
    r["stop_missing"] = _err(lambda: est.train(input_fn, steps=2, hooks=[never]))[0]
    est = E.Estimator(model_fn, model_dir=os.path.join(d, "stop"), params={"units": 4},
                      config=E.RunConfig(tf_random_seed=3))
    never = X.stop_if_lower_hook(est, "loss", -1.0, run_every_secs=None, run_every_steps=1)
    est.train(input_fn, steps=2, hooks=[never])
    r["never_step"] = int(est.get_variable_value("global_step"))
    r["names_stop"] = est.get_variable_names()
    r["stop_var"] = bool(est.get_variable_value("signal_early_stopping/STOP"))
    est.evaluate(input_fn)
    lower = X.stop_if_lower_hook(est, "loss", 1e9, run_every_secs=None, run_every_steps=1)
    est.train(input_fn, steps=10, hooks=[lower])
    r["lower_step"] = [int(est.get_variable_value("global_step")),
                       bool(est.get_variable_value("signal_early_stopping/STOP"))]
    inmem = X.InMemoryEvaluatorHook(est, input_fn, steps=2, name="mem", every_n_iter=2)
    est.train(input_fn, steps=3, hooks=[inmem])
    r["inmem_events"] = _events(est.eval_dir("mem"))
    r["inmem_bad"] = _err(lambda: X.InMemoryEvaluatorHook(est, input_fn, every_n_iter=0))
    r["stop_at"] = type(X.make_stop_at_checkpoint_step_hook(est, 5)).__name__
    r["no_decrease"] = _err(lambda: X.stop_if_no_decrease_hook(est, "loss", 5, run_every_secs=1,
                                                               run_every_steps=1))
    r["higher_type"] = _err(lambda: X.stop_if_higher_hook(None, "loss", 1.0))
    rec = E.export.build_raw_serving_input_receiver_fn(
        {"x": tf.placeholder(tf.float32, [None, 2])})
    est3 = E.Estimator(lambda features, labels, mode, params, config: model_fn(
        features["x"] if isinstance(features, dict) else features, labels, mode, params,
        config), model_dir=os.path.join(d, "m3"), params={"units": 2},
        config=E.RunConfig(save_checkpoints_steps=3))
    exporters = [E.LatestExporter("latest", rec, exports_to_keep=1),
                 E.FinalExporter("final", rec), E.BestExporter("best", rec)]
    metrics, exports = E.train_and_evaluate(
        est3, E.TrainSpec(input_fn, max_steps=6),
        E.EvalSpec(input_fn, steps=2, throttle_secs=0, exporters=exporters))
    r["tae_metrics"] = {k: float(v) for k, v in metrics.items()}
    r["tae_exports"] = [None if e is None else type(e).__name__ for e in exports]
    r["tae_export_dirs"] = {n: len(os.listdir(os.path.join(d, "m3", "export", n)))
                            for n in sorted(os.listdir(os.path.join(d, "m3", "export")))}
    return r


def program3(tf_, E_, d):
    _begin(tf_, E_, d)
    r = {}
    x = (np.arange(32, dtype=np.float32).reshape(8, 4) / 10.0)
    y = (x.sum(1) > 1.5).astype(np.int32)

    def model_fn(features, labels, mode):
        training = mode == E.ModeKeys.TRAIN
        emb = tf.get_variable("emb", [4, 3], partitioner=tf.fixed_size_partitioner(2),
                              initializer=tf.constant_initializer(0.05))
        bias = tf.get_variable("rbias", [3], use_resource=True,
                               initializer=tf.constant_initializer(0.1))
        h = tf.matmul(features, emb) + bias
        h = tf.layers.batch_normalization(h, training=training)
        logits = tf.keras.layers.Dense(
            2, kernel_initializer=tf.keras.initializers.Constant(0.2), name="out")(h)
        classes = tf.argmax(logits, 1)
        if mode == E.ModeKeys.PREDICT:
            return E.EstimatorSpec(mode, predictions={"classes": classes,
                                                      "probs": tf.nn.softmax(logits)})
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        tf.summary.scalar("mean_logit", tf.reduce_mean(logits))
        tf.summary.histogram("logits", logits)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(
                loss, global_step=tf.train.get_global_step())
        metrics = {"acc": tf.metrics.accuracy(labels, classes),
                   "auc": tf.metrics.auc(labels, tf.nn.softmax(logits)[:, 1])}
        scaffold = tf.train.Scaffold(saver=tf.train.Saver(max_to_keep=1))
        return E.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops=metrics,
                               scaffold=scaffold)

    def input_fn():
        return tf.data.Dataset.from_tensor_slices((x, y)).repeat(3).batch(4)

    est = E.Estimator(model_fn, model_dir=os.path.join(d, "m"),
                      config=E.RunConfig(tf_random_seed=5, save_checkpoints_steps=2))
    est.train(input_fn)
    r["names"] = est.get_variable_names()
    r["files"] = _files(os.path.join(d, "m"))
    r["events"] = _events(os.path.join(d, "m"))
    r["moving_mean"] = est.get_variable_value("batch_normalization/moving_mean").tolist()
    r["eval"] = {k: float(v) for k, v in est.evaluate(input_fn, steps=2).items()}
    pred = lambda: tf.data.Dataset.from_tensor_slices(x).batch(5)
    r["predict"] = [[int(p["classes"]), p["probs"].tolist()] for p in est.predict(pred)]
    settings = E.WarmStartSettings(os.path.join(d, "m"), vars_to_warm_start=["emb", "out"])
    warm = E.Estimator(model_fn, model_dir=os.path.join(d, "w"), warm_start_from=settings)
    warm.train(input_fn, steps=1)
    r["warm"] = [est.get_variable_value("emb").tolist(),
                 warm.get_variable_value("emb").tolist(),
                 warm.get_variable_value("rbias").tolist()]
    return r
'''
