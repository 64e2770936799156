"""Slim variable helpers (tf_slim.ops.variables): assign from values or a checkpoint, filter
variables by regex, and a device chooser for parameter servers."""

import logging
import re

from scopeflow.core.graph import GraphKeys
from scopeflow.slim.variables import get_variable_full_name

_log = logging.getLogger("tensorflow")


def _tf():
    import scopeflow.compat.v1 as tf
    return tf


def _placeholder_assign(var):
    """`var.assign(placeholder)` with TF's placeholder name `placeholder/<var op name>`."""
    tf = _tf()
    placeholder = tf.placeholder(dtype=var.dtype.base_dtype, shape=var.get_shape(),
                                 name="placeholder/" + var.op.name)
    return placeholder, var.assign(placeholder)


def _find_variable(var_name):
    found = _tf().get_collection(GraphKeys.GLOBAL_VARIABLES, var_name)
    if not found:
        raise ValueError("Variable %s wasn't found" % var_name)
    if len(found) == 1:
        return found[0]
    for v in found:
        if v.op.name == var_name:
            return v
    raise ValueError("Variable %s doesn't uniquely identify a variable" % var_name)


def assign_from_values(var_names_to_values):
    """An op assigning each named global variable its value, and the feed dict it needs.

    >>> import numpy as np, scopeflow as tf
    >>> v = tf.Variable([0.0, 0.0], name="v")
    >>> op, feed = tf.contrib.slim.assign_from_values({"v": np.ones(2)})
    >>> [p.name for p in feed]
    ['placeholder/v:0']
    """
    feed_dict, assign_ops = {}, []
    for var_name in var_names_to_values:
        var = _find_variable(var_name)
        placeholder, assign = _placeholder_assign(var)
        assign_ops.append(assign)
        feed_dict[placeholder] = var_names_to_values[var_name].reshape(var.get_shape())
    return _tf().group(*assign_ops), feed_dict


def assign_from_values_fn(var_names_to_values):
    """A function of a session running `assign_from_values`."""
    assign_op, feed_dict = assign_from_values(var_names_to_values)

    def callback(session):
        return session.run(assign_op, feed_dict)

    return callback


def _group_by_checkpoint_name(var_list):
    grouped = {}
    if isinstance(var_list, (tuple, list)):
        for var in var_list:
            grouped.setdefault(get_variable_full_name(var), []).append(var)
        return grouped
    for ckpt_name, value in var_list.items():
        grouped[ckpt_name] = value if isinstance(value, (tuple, list)) else [value]
    return grouped


def _checkpoint_slice(var, ckpt_name, ckpt_value):
    """The part of `ckpt_value` that `var` (maybe a partition) holds."""
    info = getattr(var, "_save_slice_info", None)
    if not info:
        if var.get_shape() != ckpt_value.shape:
            raise ValueError("Total size of new array must be unchanged for %s "
                             "lh_shape: [%s], rh_shape: [%s]"
                             % (ckpt_name, str(ckpt_value.shape), str(var.get_shape())))
        return ckpt_value.reshape(ckpt_value.shape)
    index = tuple(slice(start, start + size)
                  for start, size in zip(info.var_offset, info.var_shape))
    return ckpt_value[index].reshape(info.var_shape)


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """An op assigning `var_list` (list, or dict checkpoint name -> variable) from a checkpoint,
    and its feed dict."""
    tf = _tf()
    grouped = _group_by_checkpoint_name(var_list)
    reader = tf.train.NewCheckpointReader(model_path)
    feed_dict, assign_ops = {}, []
    for ckpt_name in grouped:
        if not reader.has_tensor(ckpt_name):
            message = "Checkpoint is missing variable [%s]" % ckpt_name
            if ignore_missing_vars:
                _log.warning(message)
                continue
            raise ValueError(message)
        ckpt_value = reader.get_tensor(ckpt_name)
        for var in grouped[ckpt_name]:
            placeholder, assign = _placeholder_assign(var)
            assign_ops.append(assign)
            feed_dict[placeholder] = _checkpoint_slice(var, ckpt_name, ckpt_value)
    return tf.group(*assign_ops), feed_dict


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
                              reshape_variables=False):
    """A function of a session restoring `var_list` from `model_path` (None if none is left)."""
    tf = _tf()
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = tf.train.NewCheckpointReader(model_path)
        var_dict = var_list if isinstance(var_list, dict) else {
            var.op.name: var for var in var_list}
        available = {}
        for name in var_dict:
            if reader.has_tensor(name):
                available[name] = var_dict[name]
            else:
                _log.warning("Variable %s missing in checkpoint %s", name, model_path)
        var_list = available
    if not var_list:
        _log.warning("No Variables to restore")
        return None
    saver = tf.train.Saver(var_list, reshape=reshape_variables)

    def callback(session):
        saver.restore(session, model_path)

    return callback


class VariableDeviceChooser:
    """A device function placing variables on CPU/GPU, round-robin over `num_tasks` ps tasks.

    >>> import scopeflow as tf
    >>> tf.contrib.slim.VariableDeviceChooser(2)(None)
    '/job:ps/task:0/device:CPU:0'
    """

    def __init__(self, num_tasks=0, job_name="ps", device_type="CPU", device_index=0,
                 replica=None):
        self._job_name = job_name
        self._device_type = device_type
        self._device_index = device_index
        self._replica = replica
        self._num_tasks = num_tasks
        self._next_task_id = 0

    def __call__(self, op):
        spec = _tf().DeviceSpec(replica=self._replica, device_type=self._device_type,
                                device_index=self._device_index)
        if self._num_tasks > 0:
            task_id = self._next_task_id
            self._next_task_id = (self._next_task_id + 1) % self._num_tasks
            spec.job = self._job_name
            spec.task = task_id
        return spec.to_string()


def filter_variables(var_list, include_patterns=None, exclude_patterns=None, reg_search=True):
    """The variables of `var_list` whose names match an include and no exclude pattern.

    >>> import scopeflow as tf
    >>> v = tf.Variable(1.0, name="conv/w")
    >>> [x.name for x in tf.contrib.slim.filter_variables([v], exclude_patterns=["conv"])]
    []
    """
    match = re.search if reg_search else re.match
    chosen = list(var_list)
    if include_patterns is not None:
        chosen = [v for v in chosen if any(match(p, v.name) for p in include_patterns)]
    if exclude_patterns is not None:
        chosen = [v for v in chosen if not any(match(p, v.name) for p in exclude_patterns)]
    return chosen
