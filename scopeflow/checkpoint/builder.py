"""`BaseSaverBuilder` / `BulkSaverBuilder`: the `save/...` ops of a Saver, named as TF names them.

    save/filename/input, save/filename, save/Const           file name (PlaceholderWithDefault)
    save/SaveV2{,/tensor_names,/shape_and_slices}            one SaveV2 over every tensor
    save/control_dependency                                  the file name, after the save
    save/RestoreV2{,...} on /device:CPU:0, save/Assign_N     restore, one Assign per tensor
    save/restore_all                                         NoOp grouping the Assigns

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     print(BulkSaverBuilder().build([tf.Variable([1.0], name="w")]).restore_op_name)
save/restore_all
"""

import dataclasses
import os

from tensorboard.compat.proto import saver_pb2

from scopeflow.checkpoint import io_ops, string_ops
from scopeflow.checkpoint.saveables import (
    SaveableObject,
    SaveSpec,
    op_list_to_dict,
    validate_and_slice_inputs,
)
from scopeflow.core.device import canonical
from scopeflow.core.frame import default_graph

V1, V2 = saver_pb2.SaverDef.V1, saver_pb2.SaverDef.V2


class BaseSaverBuilder:
    """Builds the save and restore ops for a list of SaveableObjects."""

    SaveSpec = SaveSpec
    SaveableObject = SaveableObject

    def __init__(self, write_version=V2):
        self._write_version = write_version

    def save_op(self, filename_tensor, saveables):
        """One SaveV2 op over every spec of `saveables` (SaveSlices for V1)."""
        specs = [spec for s in saveables for spec in s.specs]
        if self._write_version == V1:
            return io_ops.save_slices(filename_tensor, [s.name for s in specs],
                                      [s.slice_spec for s in specs], [s.tensor for s in specs])
        if self._write_version != V2:
            raise ValueError("Unexpected write_version: %s" % self._write_version)
        return io_ops.save_v2(filename_tensor, [s.name for s in specs],
                              [s.slice_spec for s in specs], [s.tensor for s in specs])

    def bulk_restore(self, filename_tensor, saveables, preferred_shard, restore_sequentially):
        """Restored tensors for `saveables`, one RestoreV2 per saveable."""
        out = []
        g = default_graph()
        for s in saveables:
            with g.device(_cpu0(s.device) if s.device else None):
                out.extend(self.restore_op(filename_tensor, s, preferred_shard))
        return out

    def restore_op(self, filename_tensor, saveable, preferred_shard):
        return [io_ops.restore_v2(filename_tensor, [spec.name], [spec.slice_spec],
                                  [spec.dtype])[0] for spec in saveable.specs]

    def _AddSaveOps(self, filename_tensor, saveables):
        from scopeflow.ops.state import with_dependencies
        save = self.save_op(filename_tensor, saveables)
        return with_dependencies([save], filename_tensor)

    def _AddRestoreOps(self, filename_tensor, saveables, restore_sequentially,
                       reshape, preferred_shard=-1, name="restore_all"):
        from scopeflow.ops.state import group
        tensors = self.bulk_restore(filename_tensor, saveables, preferred_shard,
                                    restore_sequentially)
        assigns, idx = [], 0
        for s in saveables:
            shapes = _shapes(s) if reshape else None
            assigns.append(s.restore(tensors[idx:idx + len(s.specs)], shapes))
            idx += len(s.specs)
        return group(*assigns, name=name)

    # ---- sharded: one SaveV2 per device into `<prefix>_temp/part-*`, then a merge ----------
    def _GroupByDevices(self, saveables):
        per_device = {}
        for s in saveables:
            devices = {canonical(spec.device) for spec in s.specs}
            if len(devices) != 1:
                raise ValueError("All tensors of a saveable object must be on the same device: "
                                 "%s" % s.name)
            per_device.setdefault(devices.pop(), []).append(s)
        return sorted(per_device.items(), key=lambda t: t[0])

    def _AddShardedSaveOps(self, checkpoint_prefix, per_device):
        from scopeflow.ops.constant import constant
        from scopeflow.ops.gather import where
        g = default_graph()
        if self._write_version == V1:
            return self._AddShardedSaveOpsForV1(checkpoint_prefix, per_device)
        with g.device("/device:CPU:*"):  # TF writes "CPU"
            suffix = where(string_ops.regex_full_match(checkpoint_prefix, "^s3://.*"),
                           constant(".part"), constant(os.path.normpath("_temp/part")))
            tmp_prefix = string_ops.string_join([checkpoint_prefix, suffix])
        num_shards = constant(len(per_device), name="num_shards")
        saves, prefixes, last = [], [], None
        for shard, (device, saveables) in enumerate(per_device):
            last = device
            with g.device(_cpu0(device)):
                name = string_ops.sharded_filename(tmp_prefix, shard, num_shards)
                prefixes.append(name)
                saves.append(self._AddSaveOps(name, saveables))
        with g.control_dependencies([x.op for x in saves]), g.device(_cpu0(last)):
            merge = string_ops.merge_v2_checkpoints(prefixes, checkpoint_prefix)
            with g.control_dependencies([merge]):
                from scopeflow.ops.array import identity
                return identity(checkpoint_prefix)

    def _AddShardedSaveOpsForV1(self, filename, per_device):
        """V1: each device's SaveSlices writes `<filename>-0000k-of-0000n` itself; the save
        tensor is the pattern of them all, `<filename>-?????-of-0000n` (ShardedFilespec)."""
        from scopeflow.ops.constant import constant
        g = default_graph()
        num_shards = constant(len(per_device), name="num_shards")
        saves = []
        for shard, (device, saveables) in enumerate(per_device):
            with g.device(device):
                name = string_ops.sharded_filename(filename, shard, num_shards)
                saves.append(self._AddSaveOps(name, saveables))
        with g.control_dependencies([x.op for x in saves]):
            return string_ops.sharded_filespec(filename, num_shards)

    def _AddShardedRestoreOps(self, filename_tensor, per_device, restore_sequentially,
                              reshape):
        from scopeflow.ops.state import group
        g = default_graph()
        shards = []
        for shard, (device, saveables) in enumerate(per_device):
            with g.device(device):
                shards.append(self._AddRestoreOps(filename_tensor, saveables,
                                                  restore_sequentially, reshape, shard,
                                                  name="restore_shard"))
        return group(*shards, name="restore_all")

    def build(self, names_to_saveables, reshape=False, sharded=False, max_to_keep=5,
              keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
              filename="model"):
        """The save/restore ops for `names_to_saveables` (list or dict); their SaverDef."""
        return self._build_internal(names_to_saveables, SaverOptions(
            reshape, sharded, max_to_keep, keep_checkpoint_every_n_hours, name,
            restore_sequentially, filename))

    def _build_internal(self, names_to_saveables, options):
        from scopeflow.core.contexts import name_scope
        from scopeflow.ops.constant import placeholder_with_default
        if not isinstance(names_to_saveables, dict):
            names_to_saveables = op_list_to_dict(names_to_saveables)
        saveables = validate_and_slice_inputs(names_to_saveables)
        with name_scope(options.name, "save", [s.op for s in saveables]):
            filename = placeholder_with_default(options.filename or "model", shape=(),
                                                name="filename")
            filename = placeholder_with_default(filename, shape=(), name="Const")
            if options.sharded:
                per_device = self._GroupByDevices(saveables)
                save_tensor = self._AddShardedSaveOps(filename, per_device)
                restore_op = self._AddShardedRestoreOps(
                    filename, per_device, options.restore_sequentially, options.reshape)
            else:
                save_tensor = self._AddSaveOps(filename, saveables)
                restore_op = self._AddRestoreOps(
                    filename, saveables, options.restore_sequentially, options.reshape)
        _materialize_partitioned(default_graph())
        return saver_pb2.SaverDef(
            filename_tensor_name=filename.name, save_tensor_name=save_tensor.name,
            restore_op_name=restore_op.name, max_to_keep=options.max_to_keep or 0,
            sharded=options.sharded,
            keep_checkpoint_every_n_hours=options.keep_checkpoint_every_n_hours,
            version=self._write_version)


class BulkSaverBuilder(BaseSaverBuilder):
    """The default builder: one RestoreV2 op, on the CPU, for every tensor."""

    def bulk_restore(self, filename_tensor, saveables, preferred_shard, restore_sequentially):
        specs = [spec for s in saveables for spec in s.specs]
        with default_graph().device("cpu:0"):
            return io_ops.restore_v2(filename_tensor, [s.name for s in specs],
                                     [s.slice_spec for s in specs], [s.dtype for s in specs])


@dataclasses.dataclass(frozen=True)
class SaverOptions:
    """How a Saver builds its ops (the graph-shaping arguments of `tf.train.Saver`)."""

    reshape: bool = False
    sharded: bool = False
    max_to_keep: int = 5
    keep_checkpoint_every_n_hours: float = 10000.0
    name: str = None
    restore_sequentially: bool = False
    filename: str = "model"


def _cpu0(device):
    """TF's set_cpu0: the same job/replica/task, on CPU 0."""
    from scopeflow.core.device import DeviceSpec
    spec = DeviceSpec.from_string(device)
    spec.device_type, spec.device_index = "CPU", 0
    return spec.to_string()


def _shapes(saveable):
    from scopeflow.ops.shape_ops import shape as shape_of
    out = []
    for spec in saveable.specs:
        shape = spec.tensor.get_shape()
        out.append(shape if shape.is_fully_defined() else shape_of(spec.tensor))
    return out


def _materialize_partitioned(graph):
    """TF gives every PartitionedVariable kept in a collection its concat op (`as_tensor`)."""
    for key in graph.get_all_collection_keys():
        for el in graph.get_collection(key):
            if hasattr(el, "_get_partitions") and hasattr(el, "as_tensor"):
                try:
                    graph.get_operation_by_name(el.name)
                except KeyError:
                    el.as_tensor()
