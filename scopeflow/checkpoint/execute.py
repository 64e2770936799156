"""Saving and restoring through a Session, driven by the Saver's ops in the graph.

`save` finds the SaveV2 ops (SaveSlices: V1) behind the SaverDef's save tensor, fetches the
tensors they save in one `Session.run` and writes the bundle (the V1 file). `restore` finds
the RestoreV2 ops behind the restore op, reads their tensors from the bundle (or V1 files)
and runs the restore op with those outputs fed, so the Assign ops move the values into the
Session's variables. Both work the same for a Saver built here and for one recreated from an
imported SaverDef.

>>> # save(sess, saver_def, "/tmp/model")  ->  "/tmp/model"
"""

import os
import re

import numpy as np

from scopeflow import errors
from scopeflow.checkpoint import io_ops
from scopeflow.checkpoint.tensor_slices import open_reader, write_v1


def _ops_behind(root, op_type, stop=()):
    """Ops of `op_type` reachable from `root` through data and control inputs."""
    found, seen, stack = [], set(), [root]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type == op_type:
            found.append(op)
            continue
        if op.type in stop:
            continue
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return sorted(found, key=lambda o: o._id)


def _strings(t):
    from scopeflow.ops.constant import constant_value
    value = constant_value(t)
    if value is None:
        raise errors.UnimplementedError(None, None, "%s: tensor names must be graph constants"
                                        % t.op.name)
    return [x.decode() if isinstance(x, bytes) else str(x) for x in np.reshape(value, -1)]


def save(sess, save_tensor, checkpoint_file):
    """Writes every tensor the SaveV2 ops behind `save_tensor` save; returns the prefix (for
    sharded V1 files, the pattern `<prefix>-?????-of-0000n` of the files written)."""
    names, specs, tensors, dtypes = [], [], [], []
    save_ops = _ops_behind(save_tensor.op, "SaveV2", stop=("VariableV2",))
    v1_ops = _ops_behind(save_tensor.op, "SaveSlices", stop=("VariableV2",))
    for op in save_ops + v1_ops:
        names.append(_strings(op.inputs[1]))
        specs.append(_strings(op.inputs[2]))
        tensors += op.inputs[3:]
        dtypes.append([t.dtype.base_dtype for t in op.inputs[3:]])
    try:
        values = sess.run(tensors) if tensors else []
    except errors.FailedPreconditionError as e:  # name the SaveV2 op, as TF's message does
        first = (save_ops + v1_ops)[0]
        node = "{{node %s}}" % first.name
        raise type(e)(e.node_def, first, re.sub(r"\{\{node [^}]*\}\}", node, e.message)) \
            from None
    values = [np.asarray(v) for v in values]
    _make_parent(checkpoint_file)
    if v1_ops and not save_ops:  # V1: one file per SaveSlices op (a shard each when sharded)
        for op, op_names, op_specs, op_dtypes in zip(v1_ops, names, specs, dtypes):
            n = len(op_names)
            write_v1(_v1_file(op.inputs[0], checkpoint_file), op_names, op_specs, values[:n],
                     op_dtypes)
            values = values[n:]
        return _v1_file(save_tensor, checkpoint_file)
    flat = [[x for part in parts for x in part] for parts in (names, specs, dtypes)]
    io_ops.write_bundle_entries(checkpoint_file, flat[0], flat[1], values, flat[2])
    return checkpoint_file


def _v1_file(filename, checkpoint_file):
    """The file name a V1 save op's `filename` input holds when the Saver is fed
    `checkpoint_file`: the prefix itself, a shard's (ShardedFilename) or the pattern of all
    shards (ShardedFilespec, the save tensor of a sharded V1 Saver)."""
    from scopeflow.ops.constant import constant_value
    op = filename.op
    while op.type == "Identity":  # the save op's control_dependency
        op = op.inputs[0].op
    if op.type == "ShardedFilename":
        shard, count = (int(constant_value(t)) for t in op.inputs[1:])
        return "%s-%05d-of-%05d" % (checkpoint_file, shard, count)
    if op.type == "ShardedFilespec":
        return "%s-?????-of-%05d" % (checkpoint_file, int(constant_value(op.inputs[1])))
    return checkpoint_file


def _make_parent(prefix):
    """TF's BundleWriter creates the prefix's folder, one level only."""
    folder = os.path.dirname(prefix)
    if folder and not os.path.isdir(folder):
        try:
            os.mkdir(folder)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, "Failed to create a directory: %s; No such "
                                       "file or directory" % folder) from None


def restore(sess, restore_op, save_path, filename=None):
    """Runs `restore_op` with the RestoreV2 outputs behind it read from `save_path` (and the
    `filename` tensor fed it, which a TF 2 restore function also passes on)."""
    from scopeflow.lowering.context import run_error
    feeds = {} if filename is None else {filename: save_path}
    reader = None
    for op in _ops_behind(restore_op, "RestoreV2"):
        names, specs = _strings(op.inputs[1]), _strings(op.inputs[2])
        for out, name, spec, dtype in zip(op.outputs, names, specs, op.get_attr("dtypes")):
            try:  # (TF's errors at the RestoreV2 node, a corrupt index's too)
                reader = reader or open_reader(save_path)
                value = io_ops.read_tensor(reader, name, spec, dtype)
            except errors.OpError as e:
                raise run_error(type(e), op, e.message) from None
            _check_assign_shapes(out, value)
            feeds[out] = value
    sess.run(restore_op, feeds)


def _check_assign_shapes(restored, value):
    """TF's Assign error for a restored value whose shape differs from its variable's."""
    for consumer in restored.consumers():
        if consumer.type != "Assign" or not consumer._attrs.get("validate_shape", True):
            continue
        dims = consumer.inputs[0].shape._dims
        if dims is not None and None not in dims and tuple(dims) != np.shape(value):
            raise errors.InvalidArgumentError(
                None, consumer, "Assign requires shapes of both tensors to match. lhs shape= "
                "[%s] rhs shape= [%s]\n\t [[{{node %s}}]]" % (
                    ",".join(map(str, dims)), ",".join(map(str, np.shape(value))),
                    consumer.name))
