"""Estimator.export_saved_model / export_savedmodel (a mixin of Estimator): the PREDICT graph
built on a serving_input_receiver_fn's inputs, the checkpoint restored into it, written as a
SavedModel (tag `serve`, its signatures from the EstimatorSpec's export_outputs) under
export_dir_base/<timestamp>, through a temp-<timestamp> directory as TF.

>>> ExportMixin.export_saved_model.__name__
'export_saved_model'
"""

import logging
import os
import time

from scopeflow.estimator._tf import tf
from scopeflow.estimator.export_output import get_export_outputs
from scopeflow.estimator.mode_keys import ModeKeys
from scopeflow.saved_model import signature_def_utils as _sig
from scopeflow.saved_model.constants import DEFAULT_SERVING_SIGNATURE_DEF_KEY

_log = logging.getLogger("tensorflow")
_METHOD_NAMES = {"tensorflow/serving/classify": "Classify",
                 "tensorflow/serving/regress": "Regress",
                 "tensorflow/serving/predict": "Predict",
                 "tensorflow/supervised/training": "Train",
                 "tensorflow/supervised/eval": "Eval"}


def get_timestamped_export_dir(export_dir_base):
    """export_dir_base/<seconds since the epoch> (bytes), one not yet taken."""
    t = tf()
    for attempt in range(1, 11):
        result = os.path.join(t.compat.as_bytes(export_dir_base),
                              t.compat.as_bytes(str(int(time.time()))))
        if not os.path.exists(result):
            return result
        time.sleep(1)
        _log.warning("Directory %s already exists; retrying (attempt %d/10)",
                     t.compat.as_str(result), attempt)
    raise RuntimeError("Failed to obtain a unique export directory name after 10 attempts.")


def get_temp_export_dir(timestamped_export_dir):
    dirname, basename = os.path.split(timestamped_export_dir)
    name = basename.decode("utf-8") if isinstance(basename, bytes) else str(basename)
    return os.path.join(tf().compat.as_bytes(dirname),
                        tf().compat.as_bytes("temp-{}".format(name)))


def _ensure_servable(input_tensors, output_infos):
    """A signature whose outputs need a placeholder it does not feed cannot be served."""
    g = tf().get_default_graph()
    fed = {x.name for x in input_tensors}
    outputs = [g.get_tensor_by_name(info.name) for info in output_infos.values()]
    seen, stack = set(), [x.op for x in outputs if x.name not in fed]
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type == "Placeholder" and not all(o.name in fed for o in op.outputs):
            raise ValueError(
                "The signature's input tensors {} are insufficient to compute its output keys "
                "{} (respectively, tensors {}) because of the dependency on `{}` which is not "
                "given as a signature input".format(sorted(fed), list(output_infos.keys()),
                                                    [x.name for x in outputs], op.name))
        stack.extend(x.op for x in list(op.inputs) if x.name not in fed)
        stack.extend(op.control_inputs)


def build_all_signature_defs(receiver_tensors, export_outputs,
                             receiver_tensors_alternatives=None, serving_only=True):
    """{signature name: SignatureDef} of each export output (and each alternative receiver,
    as `<receiver>:<output>`); those that cannot be served are left out (and logged)."""
    if not isinstance(receiver_tensors, dict):
        receiver_tensors = {"input": receiver_tensors}
    if export_outputs is None or not isinstance(export_outputs, dict):
        raise ValueError("`export_outputs` must be a dict. Received {} with type {}."
                         .format(export_outputs, type(export_outputs).__name__))
    sigs, excluded = {}, {}
    receivers = [(None, receiver_tensors)] + [
        (name, alt if isinstance(alt, dict) else {"input": alt})
        for name, alt in (receiver_tensors_alternatives or {}).items()]
    for receiver_name, tensors in receivers:
        for key, output in export_outputs.items():
            name = "{}".format(key or "None") if receiver_name is None and tensors is \
                receiver_tensors else "{}:{}".format(receiver_name or "None", key or "None")
            try:
                sig = output.as_signature_def(tensors)
                _ensure_servable(tensors.values(), sig.outputs)
                sigs[name] = sig
            except ValueError as e:
                excluded[name] = str(e)
    _log_signature_report(sigs, excluded)
    if serving_only:
        sigs = {k: v for k, v in sigs.items() if _sig.is_valid_signature(v)}
    return sigs


def _log_signature_report(sigs, excluded):
    by_method = {m: [] for m in _METHOD_NAMES}
    for name, sig in sigs.items():
        by_method.setdefault(sig.method_name, []).append(name)
    for method, names in by_method.items():
        _log.info("Signatures INCLUDED in export for %s: %s", _METHOD_NAMES.get(method, method),
                  names if names else "None")
    if excluded:
        _log.info("Signatures EXCLUDED from export because they cannot be be served via "
                  "TensorFlow Serving APIs:")
        for name, message in excluded.items():
            _log.info("'%s' : %s", name, message)
    if not sigs:
        _log.warning("Export includes no signatures!")
    elif DEFAULT_SERVING_SIGNATURE_DEF_KEY not in sigs:
        _log.warning("Export includes no default signature!")


class ExportMixin:
    """export_saved_model and its deprecated name."""

    def export_saved_model(self, export_dir_base, serving_input_receiver_fn,
                           assets_extra=None, as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """Exports the model as a SavedModel; the export directory (bytes)."""
        if not serving_input_receiver_fn:
            raise ValueError("An input_receiver_fn must be defined.")
        return self._export_all_saved_models(
            export_dir_base, {experimental_mode: serving_input_receiver_fn},
            assets_extra=assets_extra, as_text=as_text, checkpoint_path=checkpoint_path,
            strip_default_attrs=True)

    def export_savedmodel(self, export_dir_base, serving_input_receiver_fn, assets_extra=None,
                          as_text=False, checkpoint_path=None, strip_default_attrs=False):
        """Deprecated name of export_saved_model."""
        if not serving_input_receiver_fn:
            raise ValueError("An input_receiver_fn must be defined.")
        return self._export_all_saved_models(
            export_dir_base, {ModeKeys.PREDICT: serving_input_receiver_fn},
            assets_extra=assets_extra, as_text=as_text, checkpoint_path=checkpoint_path,
            strip_default_attrs=strip_default_attrs)

    def experimental_export_all_saved_models(self, export_dir_base, input_receiver_fn_map,
                                             assets_extra=None, as_text=False,
                                             checkpoint_path=None):
        """Exports the modes of `input_receiver_fn_map` (scopeflow: PREDICT only)."""
        return self._export_all_saved_models(export_dir_base, input_receiver_fn_map,
                                             assets_extra=assets_extra, as_text=as_text,
                                             checkpoint_path=checkpoint_path,
                                             strip_default_attrs=True)

    def _export_all_saved_models(self, export_dir_base, input_receiver_fn_map,
                                 assets_extra=None, as_text=False, checkpoint_path=None,
                                 strip_default_attrs=True):
        t = tf()
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            raise ValueError("Couldn't find trained model at {}.".format(self._model_dir))
        modes = [m for m in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT)
                 if input_receiver_fn_map.get(m)]
        if not modes:
            raise ValueError("No valid modes for exporting found. Got {}."
                             .format(input_receiver_fn_map.keys()))
        if modes != [ModeKeys.PREDICT]:
            raise NotImplementedError("scopeflow exports the PREDICT mode only")
        export_dir = get_timestamped_export_dir(export_dir_base)
        temp_dir = get_temp_export_dir(export_dir)
        builder = t.saved_model.Builder(t.compat.as_str(temp_dir))
        self._add_meta_graph_for_mode(builder, input_receiver_fn_map, checkpoint_path,
                                      ModeKeys.PREDICT, strip_default_attrs)
        builder.save(as_text)
        if assets_extra:
            extra = os.path.join(temp_dir, b"assets.extra")
            for dest_relative, source in assets_extra.items():
                dest = os.path.join(extra, t.compat.as_bytes(dest_relative))
                t.gfile.MakeDirs(os.path.dirname(dest))
                t.gfile.Copy(source, dest)
        t.gfile.Rename(temp_dir, export_dir)
        return export_dir

    def _add_meta_graph_for_mode(self, builder, input_receiver_fn_map, checkpoint_path, mode,
                                 strip_default_attrs):
        t = tf()
        with t.Graph().as_default() as g:
            self._create_and_assert_global_step(g)
            t.set_random_seed(self._config.tf_random_seed)
            receiver = input_receiver_fn_map[mode]()
            spec = self._call_model_fn(features=receiver.features,
                                       labels=getattr(receiver, "labels", None), mode=mode,
                                       config=self.config)
            export_outputs = get_export_outputs(spec.export_outputs, spec.predictions)
            sigs = build_all_signature_defs(
                receiver.receiver_tensors, export_outputs,
                getattr(receiver, "receiver_tensors_alternatives", None), serving_only=True)
            with t.Session(config=self._session_config) as session:
                local_init_op = (spec.scaffold.local_init_op
                                 if spec.scaffold.local_init_op is not None
                                 else t.train.Scaffold.default_local_init_op())
                saver = spec.scaffold.saver or t.train.Saver(sharded=True)
                try:
                    saver.restore(session, checkpoint_path)
                except t.errors.NotFoundError as e:
                    raise ValueError(
                        "Could not load all requested variables from checkpoint. Please make "
                        "sure your model_fn does not expect variables that were not saved in "
                        "the checkpoint.\n\nEncountered error with mode `{}` while restoring "
                        "checkpoint from: `{}`. Full Traceback:\n\n{}".format(
                            mode, checkpoint_path, e)) from None
                builder.add_meta_graph_and_variables(
                    session, tags=[t.saved_model.tag_constants.SERVING],
                    signature_def_map=sigs,
                    assets_collection=t.get_collection(t.GraphKeys.ASSET_FILEPATHS),
                    main_op=local_init_op, saver=saver,
                    strip_default_attrs=strip_default_attrs)
