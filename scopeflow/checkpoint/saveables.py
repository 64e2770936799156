"""What a Saver saves: checkpoint names -> variables, and the `save/...` ops TF builds for them.

`op_list_to_dict` names each variable (by op name, a partition by its full name, or by the
user's dict key); `validate_and_slice_inputs` turns the names into SaveableObjects, sorted by
name; `build_saver_ops` adds TF's ops (`save/Const`, `save/SaveV2`, `save/control_dependency`,
`save/RestoreV2`, `save/Assign_N`, `save/restore_all`) and returns the SaverDef naming them.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     print(sorted(op_list_to_dict([tf.Variable([1.0], name="w")])))
['w']
"""


from scopeflow.core.graph import GraphKeys
from scopeflow.core.tensor import Tensor

_VARIABLE_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "VarHandleOp")


class SaveSpec:
    """One tensor to save: its value tensor, slice spec ("" = whole), name and dtype."""

    def __init__(self, tensor, slice_spec, name, dtype=None, device=None):
        self.tensor = tensor
        self.slice_spec = slice_spec
        self.name = name
        self.dtype = (dtype or tensor.dtype).base_dtype
        self.device = device if device is not None else getattr(tensor, "device", "")


class SaveableObject:
    """Something a Saver can save and restore: `op`, its `specs`, and `restore(tensors, shapes)`."""

    def __init__(self, op, specs, name):
        self.op = op
        self.specs = specs
        self.name = name

    @property
    def device(self):
        return self.specs[0].device

    def restore(self, restored_tensors, restored_shapes):
        raise NotImplementedError


class ReferenceVariableSaveable(SaveableObject):
    """A TF1 variable (or one partition of one): restored through `Assign`."""

    def __init__(self, var, slice_spec, name):
        super().__init__(var, [SaveSpec(var, slice_spec, name, dtype=var.dtype)], name)

    def restore(self, restored_tensors, restored_shapes):
        from scopeflow.ops.state import assign
        restored = restored_tensors[0]
        if restored_shapes is not None:
            from scopeflow.ops.array import reshape
            restored = reshape(restored, restored_shapes[0])
        shape = self.op.get_shape()
        return assign(self.op, restored, validate_shape=restored_shapes is None
                      and shape.is_fully_defined())


class ResourceVariableSaveable(SaveableObject):
    """A resource variable (or one partition): saved from its graph element, restored through
    `save/Identity` and `save/AssignVariableOp` (TF's ops)."""

    def __init__(self, var, slice_spec, name):
        super().__init__(var, [SaveSpec(var._graph_element, slice_spec, name, dtype=var.dtype,
                                        device=var.device)], name)

    def restore(self, restored_tensors, restored_shapes):
        from scopeflow.core.frame import default_graph
        from scopeflow.ops.array import identity
        from scopeflow.ops.resource_ops import assign_variable_op
        restored = restored_tensors[0]
        if restored_shapes is not None:
            from scopeflow.ops.array import reshape
            restored = reshape(restored, restored_shapes[0])
        var = self.op
        with default_graph().device(var.device):
            restored = identity(restored)
            if not var.shape.is_compatible_with(restored.shape):
                raise ValueError("Received incompatible tensor with shape %s when attempting to "
                                 "restore variable with shape %s and name %s."
                                 % (restored.shape, var.shape, var.name))
            return assign_variable_op(var.handle, restored, dtype=var.dtype,
                                      validate_shape=False)


def _is_resource(x):
    from scopeflow.core.resource_variable import is_resource_variable
    return is_resource_variable(x)


def _saveable(var, slice_spec, name):
    if _is_resource(var):
        return ResourceVariableSaveable(var, slice_spec, name)
    return ReferenceVariableSaveable(var, slice_spec, name)


def _is_partitioned(x):
    return hasattr(x, "_get_variable_list") and hasattr(x, "_get_partitions")


def _is_variable(x):
    return hasattr(x, "_save_slice_info") and hasattr(x, "_ref")


def _comes_from_variable(t):
    return isinstance(t, Tensor) and t.op.type in _VARIABLE_OPS


def _flatten(items):
    out = []
    for x in items:
        if isinstance(x, (list, tuple)):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


def op_list_to_dict(op_list, convert_variable_to_tensor=True):
    """{checkpoint name: variable, partition list or saveable} for a list of variables."""
    if not isinstance(op_list, (list, tuple, set)):
        raise TypeError("Variables to save should be passed in a dict or a list. Got {}"
                        .format(op_list))
    out = {}
    for var in sorted(_flatten(list(op_list)), key=lambda x: x.name):
        if isinstance(var, SaveableObject):
            out[var.name] = var
        elif _is_partitioned(var):
            _add_unique(out, var.name, var)
        elif _is_variable(var) and var._save_slice_info:
            name = var._save_slice_info.full_name
            if name in out and not isinstance(out[name], list):
                raise ValueError("Mixing slices and non-slices with the same name: %s" % name)
            out.setdefault(name, []).append(var)
        elif _is_resource(var):
            _add_unique(out, var.op.name, var)
        else:
            if convert_variable_to_tensor:
                from scopeflow.ops.constant import convert_to_tensor
                var = convert_to_tensor(var, as_ref=True)
                if not _comes_from_variable(var):
                    raise TypeError("Variable to save is not a Variable: %s" % var)
            _add_unique(out, var.op.name, var)
    return out


def _add_unique(out, name, var):
    if name in out:
        raise ValueError("At least two variables have the same name: %s" % name)
    out[name] = var


def saveable_objects_for_op(op, name):
    """The SaveableObjects for one `names_to_saveables` entry."""
    if not isinstance(name, str):
        raise TypeError("names_to_saveables must be a dict mapping string names to trackable "
                        "operations. Name is not a string: %s" % name)
    if isinstance(op, SaveableObject):
        return [op]
    if isinstance(op, (list, tuple)) or _is_partitioned(op):
        return _slices(list(op), name)
    if _is_resource(op):
        return [ResourceVariableSaveable(op, "", name)]
    from scopeflow.ops.constant import convert_to_tensor
    variable = convert_to_tensor(op, as_ref=True)
    if not _comes_from_variable(variable):
        raise TypeError("names_to_saveables must be a dict mapping string names to "
                        "Tensors/Variables. Not a variable: %s" % variable)
    return [ReferenceVariableSaveable(variable, "", name)]


def _slices(parts, name):
    out, full_name = [], None
    for v in parts:
        if isinstance(v, SaveableObject):
            out.append(v)
            continue
        if not _is_variable(v):
            raise ValueError("Slices must all be Variables: %s" % v)
        info = v._save_slice_info
        if not info:
            raise ValueError("Slices must all be slices: %s" % v)
        if full_name is None:
            full_name = info.full_name
        elif full_name != info.full_name:
            raise ValueError("Slices must all be from the same tensor: %s != %s"
                             % (full_name, info.full_name))
        out.append(_saveable(v, info.spec, name))
    return out


def validate_and_slice_inputs(names_to_saveables):
    """SaveableObjects sorted by name; one object saved under two names is an error."""
    if not isinstance(names_to_saveables, dict):
        names_to_saveables = op_list_to_dict(names_to_saveables)
    saveables, seen = [], set()
    for name, op in sorted(names_to_saveables.items(), key=lambda x: x[0]):
        for s in saveable_objects_for_op(op, name):
            if s.op is not None and id(s.op) in seen:
                raise ValueError("The same saveable will be restored with two names: %s"
                                 % s.name)
            seen.add(id(s.op))
            saveables.append(s)
    return saveables


def all_saveable_objects(graph, scope=None):
    """Global variables and SAVEABLE_OBJECTS: what `Saver()` saves by default."""
    return (graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)
            + graph.get_collection(GraphKeys.SAVEABLE_OBJECTS, scope))
