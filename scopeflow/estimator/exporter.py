"""`tf.estimator.Exporter` and the exporters train_and_evaluate calls after each evaluation:
FinalExporter (once, at the end), LatestExporter (every time, keeping the newest
`exports_to_keep`), BestExporter (when `compare_fn` says the evaluation improved on the best
one so far, read back from model_dir's eval events the first time).

>>> LatestExporter("x", None).name
'x'
"""

import glob
import logging
import os
import shutil

from scopeflow.estimator._tf import fn_args, tf

_log = logging.getLogger("tensorflow")


class Exporter:
    """A class representing a type of model export."""

    @property
    def name(self):
        raise NotImplementedError

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        raise NotImplementedError


class _SavedModelExporter(Exporter):
    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._name = name
        self._serving_input_receiver_fn = serving_input_receiver_fn
        self._assets_extra, self._as_text = assets_extra, as_text

    @property
    def name(self):
        return self._name

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        return estimator.export_saved_model(export_path, self._serving_input_receiver_fn,
                                            assets_extra=self._assets_extra,
                                            as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


def _garbage_collect_exports(export_dir_base, exports_to_keep):
    """Removes all but the `exports_to_keep` newest <10-digit timestamp> exports."""
    if exports_to_keep is None:
        return
    base = tf().compat.as_str_any(export_dir_base)
    versions = sorted(int(n) for n in (os.listdir(base) if os.path.isdir(base) else [])
                      if len(n) == 10 and n.isdigit())
    for version in versions[:-exports_to_keep]:
        path = os.path.join(base, str(version))
        try:
            shutil.rmtree(path)
        except OSError as e:
            _log.warning("Can not delete %s recursively: %s", path, e)


class _KeepingExporter(Exporter):
    def __init__(self, name, serving_input_receiver_fn, assets_extra, as_text,
                 exports_to_keep, message):
        self._saved_model_exporter = _SavedModelExporter(name, serving_input_receiver_fn,
                                                         assets_extra, as_text)
        self._exports_to_keep = exports_to_keep
        if exports_to_keep is not None and exports_to_keep <= 0:
            raise ValueError(message % exports_to_keep if "%" in message else message)

    @property
    def name(self):
        return self._saved_model_exporter.name


class FinalExporter(Exporter):
    """Exports the serving graph and checkpoint at the end of training."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._saved_model_exporter = _SavedModelExporter(name, serving_input_receiver_fn,
                                                         assets_extra, as_text)

    @property
    def name(self):
        return self._saved_model_exporter.name

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        if not is_the_final_export:
            return None
        _log.info("Performing the final export in the end of training.")
        return self._saved_model_exporter.export(estimator, export_path, checkpoint_path,
                                                 eval_result, is_the_final_export)


class LatestExporter(_KeepingExporter):
    """Exports after every evaluation, keeping the newest `exports_to_keep`."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False,
                 exports_to_keep=5):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text,
                         exports_to_keep, "`exports_to_keep`, if provided, must be positive "
                                          "number")

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        result = self._saved_model_exporter.export(estimator, export_path, checkpoint_path,
                                                   eval_result, is_the_final_export)
        _garbage_collect_exports(export_path, self._exports_to_keep)
        return result


def _loss_smaller(best_eval_result, current_eval_result):
    if not best_eval_result or "loss" not in best_eval_result:
        raise ValueError("best_eval_result cannot be empty or no loss is found in it.")
    if not current_eval_result or "loss" not in current_eval_result:
        raise ValueError("current_eval_result cannot be empty or no loss is found in it.")
    return best_eval_result["loss"] > current_eval_result["loss"]


def _verify_compare_fn_args(compare_fn):
    args = set(fn_args(compare_fn))
    for name in ("best_eval_result", "current_eval_result"):
        if name not in args:
            raise ValueError("compare_fn (%s) must include %s argument." % (compare_fn, name))
    bad = list(args - {"best_eval_result", "current_eval_result"})
    if bad:
        raise ValueError("compare_fn (%s) has following not expected args: %s"
                         % (compare_fn, bad))


class BestExporter(_KeepingExporter):
    """Exports when the evaluation is the best so far by `compare_fn` (smaller loss)."""

    def __init__(self, name="best_exporter", serving_input_receiver_fn=None,
                 event_file_pattern="eval/*.tfevents.*", compare_fn=_loss_smaller,
                 assets_extra=None, as_text=False, exports_to_keep=5):
        self._compare_fn = compare_fn
        if compare_fn is None:
            raise ValueError("`compare_fn` must not be None.")
        _verify_compare_fn_args(compare_fn)
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text,
                         exports_to_keep, "`exports_to_keep`, if provided, must be a positive "
                                          "number. Got %s")
        self._event_file_pattern = event_file_pattern
        self._model_dir = self._best_eval_result = None
        self._has_exported = False

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        result = None
        if self._model_dir != estimator.model_dir and self._event_file_pattern:
            _log.info("Loading best metric from event files.")
            self._model_dir = estimator.model_dir
            self._best_eval_result = self._get_best_eval_result(
                os.path.join(self._model_dir, self._event_file_pattern))
        if (self._best_eval_result is None or not self._has_exported
                or self._compare_fn(best_eval_result=self._best_eval_result,
                                    current_eval_result=eval_result)):
            _log.info("Performing best model export.")
            self._best_eval_result = eval_result
            result = self._saved_model_exporter.export(estimator, export_path,
                                                       checkpoint_path, eval_result,
                                                       is_the_final_export)
            _garbage_collect_exports(export_path, self._exports_to_keep)
            self._has_exported = True
        return result

    def _get_best_eval_result(self, event_files):
        if not event_files:
            return None
        best = None
        for path in glob.glob(event_files):
            for event in tf().train.summary_iterator(path):
                if not event.HasField("summary"):
                    continue
                result = {v.tag: v.simple_value for v in event.summary.value
                          if v.HasField("simple_value")}
                if result and (best is None or self._compare_fn(best, result)):
                    best = result
        return best


__all__ = ["BestExporter", "Exporter", "FinalExporter", "LatestExporter"]
