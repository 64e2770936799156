"""`tf.estimator.WarmStartSettings` and the warm start an Estimator does when model_dir has
no checkpoint yet: variables (trainable ones by default, or those a regex or list names)
initialized from another checkpoint, under their own or a mapped previous name.

>>> WarmStartSettings("/tmp/ckpt").vars_to_warm_start
'.*'
"""

import collections
import logging
import re

from scopeflow.estimator._tf import tf

_log = logging.getLogger("tensorflow")


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info",
        "var_name_to_prev_var_name"])):
    """Where and what to warm-start from."""

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*",
                var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("Need to specify a checkpoint or directory to warm-start from.")
        return super().__new__(cls, ckpt_to_initialize_from, vars_to_warm_start,
                               var_name_to_vocab_info or {}, var_name_to_prev_var_name or {})


class VocabInfo(collections.namedtuple("VocabInfo", [
        "new_vocab", "new_vocab_size", "num_oov_buckets", "old_vocab", "old_vocab_size",
        "backup_initializer", "axis"])):
    """How a vocabulary-indexed variable maps onto an old vocabulary when warm-starting
    (accepted; warm_start with it is not supported)."""

    def __new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab, old_vocab_size=-1,
                backup_initializer=None, axis=0):
        if axis != 0 and axis != 1:
            raise ValueError("The only supported values for the axis argument are 0 and 1.  "
                             "Provided axis: {}".format(axis))
        return super().__new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab,
                               old_vocab_size, backup_initializer, axis)


def default_warm_start_settings(warm_start_from):
    """WarmStartSettings of an Estimator's `warm_start_from` (a path or settings), or None."""
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, (str, bytes)) or hasattr(warm_start_from, "__fspath__"):
        path = tf().compat.as_str_any(getattr(warm_start_from, "__fspath__",
                                              lambda: warm_start_from)())
        from scopeflow.io.gfile import exists, join
        if exists(join(path, "variables", "variables.index")):
            _log.info("Warm-starting from a SavedModel")
            return WarmStartSettings(join(path, "variables", "variables"))
        return WarmStartSettings(path)
    if isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    raise ValueError("warm_start_from must be a string or a WarmStartSettings, instead got "
                     "{}".format(type(warm_start_from)))


def _variables(vars_to_warm_start):
    t = tf()
    if isinstance(vars_to_warm_start, str) or vars_to_warm_start is None:
        if vars_to_warm_start is None:
            return []
        return t.get_collection(t.GraphKeys.TRAINABLE_VARIABLES, scope=vars_to_warm_start)
    if isinstance(vars_to_warm_start, list):
        if all(isinstance(v, str) for v in vars_to_warm_start):
            out = []
            for pattern in vars_to_warm_start:
                out += [v for v in t.global_variables() if re.match(pattern, v.op.name)]
            return out
        return list(vars_to_warm_start)
    raise ValueError("vars_to_warm_start must be a `list` or `str`")


def warm_start(ckpt_to_initialize_from, vars_to_warm_start=".*", var_name_to_vocab_info=None,
               var_name_to_prev_var_name=None):
    """Initializes the chosen variables from the checkpoint (vocabulary remapping is not
    supported)."""
    if var_name_to_vocab_info:
        raise NotImplementedError("warm-starting with vocabulary remapping (VocabInfo) is not "
                                  "supported by scopeflow")
    prev = dict(var_name_to_prev_var_name or {})
    from scopeflow.checkpoint.init_from import init_from_checkpoint
    mapping = {}
    for var in _variables(vars_to_warm_start):
        info = getattr(var, "_save_slice_info", None)
        name = info.full_name if info is not None else var.op.name
        mapping.setdefault(prev.get(name, name), []).append(var)
        _log.debug("Warm-starting variable: %s; prev_var_name: %s", name, prev.get(name))
    mapping = {k: v[0] if len(v) == 1 and getattr(v[0], "_save_slice_info", None) is None
               else v for k, v in mapping.items()}
    if mapping:
        init_from_checkpoint(ckpt_to_initialize_from, mapping)
    _log.info("Warm-started %d variables.", len(mapping))


__all__ = ["VocabInfo", "WarmStartSettings", "warm_start"]
