"""An Estimator's evaluation outputs: the loss metric every evaluation adds, the metric ops
split into one update op and the values, and the results written as summaries to
model_dir/eval[_name] (TF's tags: each metric, `checkpoint_path`).

>>> _dict_to_str({"loss": 0.5, "global_step": 3})
'global_step = 3, loss = 0.5'
"""

import logging

import numpy as np

from scopeflow.estimator._tf import tf
from scopeflow.estimator.model_fn import LOSS_METRIC_KEY

_log = logging.getLogger("tensorflow")


def verify_and_create_loss_metric(eval_metric_ops, loss):
    if LOSS_METRIC_KEY in eval_metric_ops:
        raise ValueError('Metric with name "%s" is not allowed, because Estimator '
                         % LOSS_METRIC_KEY
                         + "already defines a default metric with the same name.")
    eval_metric_ops[LOSS_METRIC_KEY] = tf().metrics.mean(loss)
    return eval_metric_ops


def extract_metric_update_ops(eval_dict):
    """(one op grouping the update ops in name order, {name: value tensor})."""
    update_ops, values = [], {}
    for name, value in sorted(eval_dict.items()):
        values[name] = value[0]
        update_ops.append(value[1])
    return (tf().group(*update_ops) if update_ops else None), values


def _dict_to_str(dictionary):
    return ", ".join("%s = %s" % (k, v) for k, v in sorted(dictionary.items())
                     if not isinstance(v, bytes))


def _summary_pb2():
    from tensorboard.compat.proto import summary_pb2
    return summary_pb2


def _add_value(proto, key, value):
    t = tf()
    if isinstance(value, (np.float32, float)):
        proto.value.add(tag=key, simple_value=float(value))
    elif isinstance(value, (np.int64, np.int32, int)):
        proto.value.add(tag=key, simple_value=int(value))
    elif isinstance(value, bytes):
        try:
            summ = _summary_pb2().Summary.FromString(value)
        except Exception:  # noqa: BLE001 - protobuf's DecodeError
            _log.warning("Skipping summary for %s, cannot parse string to Summary.", key)
            return
        for i, _ in enumerate(summ.value):
            summ.value[i].tag = "%s/%d" % (key, i)
        proto.value.extend(summ.value)
    elif isinstance(value, np.ndarray):
        v = proto.value.add()
        v.tag = key
        v.node_name = key
        v.tensor.CopyFrom(t.make_tensor_proto(value))
    else:
        _log.warning("Skipping summary for %s, must be a float, np.float32, np.int64, "
                     "np.int32 or int or np.ndarray or a serialized string of Summary.", key)


def write_dict_to_summary(output_dir, dictionary, current_global_step):
    _log.info("Saving dict for global step %d: %s", current_global_step,
              _dict_to_str(dictionary))
    writer = tf().summary.FileWriterCache.get(output_dir)
    proto = _summary_pb2().Summary()
    for key in dictionary:
        if dictionary[key] is None or key == "global_step":
            continue
        _add_value(proto, key, dictionary[key])
    writer.add_summary(proto, current_global_step)
    writer.flush()


def write_checkpoint_path_to_summary(output_dir, checkpoint_path, current_global_step):
    t = tf()
    _log.info("Saving 'checkpoint_path' summary for global step %d: %s",
              current_global_step, checkpoint_path)
    proto = _summary_pb2().Summary()
    proto.value.add(tag="checkpoint_path",
                    tensor=t.make_tensor_proto(checkpoint_path, dtype=t.string))
    writer = t.summary.FileWriterCache.get(output_dir)
    writer.add_summary(proto, current_global_step)
    writer.flush()
