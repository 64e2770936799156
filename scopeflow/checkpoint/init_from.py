"""`tf.train.init_from_checkpoint`: variables initialized from a checkpoint instead.

Each mapped variable's initializer becomes `Assign(var, RestoreV2(...))` (a
`checkpoint_initializer` op on the CPU), so `global_variables_initializer()` loads the value.
The assignment map pairs checkpoint names with variables, variable names, or scopes:
`{"old/": "new/"}` maps every variable under `new/` to the same name under `old/`.

>>> # init_from_checkpoint("/tmp/model", {"dense/": "encoder/dense/"})
"""

import collections.abc

from scopeflow.checkpoint import io_ops, reader
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys


def _store_vars():
    """{name: variable} of variables made by get_variable (TF's variable store)."""
    try:
        from scopeflow.core.var_store import store_of
        return dict(store_of(default_graph())._vars)
    except (ImportError, AttributeError):
        return {v.op.name: v for v in default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES)}


def _is_variable(x):
    return hasattr(x, "_ref") and hasattr(x, "_save_slice_info")


def _partitioned(name, store):
    if name + "/part_0" not in store:
        return None
    out, i = [], 0
    while "%s/part_%d" % (name, i) in store:
        out.append(store["%s/part_%d" % (name, i)])
        i += 1
    return out


def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """Replaces the initializers of mapped variables by loads from the checkpoint."""
    ckpt_file = reader.checkpoint_filename(ckpt_dir_or_file)
    shapes = reader.load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    if isinstance(assignment_map, collections.abc.Mapping):
        assignment_map = assignment_map.items()
    store = _store_vars()
    for ckpt_name, current in sorted(assignment_map, key=lambda pair: pair[0]):
        if _is_variable(current) or (isinstance(current, list)
                                     and all(_is_variable(v) for v in current)):
            var = current
        else:
            var = store.get(current) or _partitioned(current, store)
        if var is not None:
            _init_one(var, ckpt_name, ckpt_dir_or_file, ckpt_file, shapes)
        else:
            _init_scope(current, ckpt_name, ckpt_dir_or_file, (ckpt_file, shapes, store))


def _init_one(var, ckpt_name, ckpt_dir_or_file, ckpt_file, shapes):
    if ckpt_name not in shapes:
        raise ValueError("Tensor %s is not found in %s checkpoint %s"
                         % (ckpt_name, ckpt_dir_or_file, shapes))
    if _is_variable(var) and not var.get_shape().is_compatible_with(shapes[ckpt_name]):
        raise ValueError("Shape of variable %s (%s) doesn't match with shape of tensor %s "
                         "(%s) from checkpoint reader."
                         % (var.name, str(var.get_shape()), ckpt_name, str(shapes[ckpt_name])))
    set_variable_or_list_initializer(var, ckpt_file, ckpt_name)


def _init_scope(current, ckpt_name, ckpt_dir_or_file, ctx):
    """A scope-to-scope mapping: every variable under `current` from under `ckpt_name`."""
    ckpt_file, shapes, store = ctx
    scopes = current[:current.rindex("/")] if "/" in current else ""
    if not ckpt_name.endswith("/"):
        raise ValueError("Assignment map with scope only name {} should map to scope only {}. "
                         "Should be 'scope/': 'other_scope/'.".format(scopes, ckpt_name))
    names = set()
    for name in store:
        if not scopes or name.startswith(scopes + "/"):
            names.add(name[:name.index("/part_")] if "/part_" in name else name)
    for name in sorted(names):
        full = name[len(scopes):]
        if current != "/":
            full = full[1:]
        if ckpt_name != "/":
            full = ckpt_name + full
        full = full.removesuffix("/")
        if full not in shapes:
            raise ValueError("Tensor %s (%s in %s) is not found in %s checkpoint"
                             % (full, name[len(scopes) + 1:], ckpt_name, ckpt_dir_or_file))
        var = store.get(name) or _partitioned(name, store)
        set_variable_or_list_initializer(var, ckpt_file, full)


def set_variable_or_list_initializer(variable_or_list, ckpt_file, tensor_name):
    """Points one variable (or every partition of one) at `tensor_name` in `ckpt_file`."""
    if not isinstance(variable_or_list, (list, tuple)):
        _set_checkpoint_initializer(variable_or_list, ckpt_file, tensor_name, "")
        return
    full_name = None
    for v in variable_or_list:
        info = v._save_slice_info
        if full_name is None:
            full_name = info.full_name
        elif full_name != info.full_name:
            raise ValueError("Slices must all be from the same tensor: %s != %s"
                             % (full_name, info.full_name))
        _set_checkpoint_initializer(v, ckpt_file, tensor_name, info.spec)


def _set_checkpoint_initializer(variable, ckpt_file, tensor_name, slice_spec,
                                name="checkpoint_initializer"):
    from scopeflow.checkpoint.saveables import saveable_objects_for_op
    g = variable.graph
    with g.device(variable.device), g.device("/cpu:0"):
        restore = io_ops.restore_v2(ckpt_file, [tensor_name], [slice_spec],
                                    [variable.dtype.base_dtype], name=name)[0]
    saveable, = saveable_objects_for_op([variable] if slice_spec else variable,
                                        variable.op.name)
    # as in TF, the initializer becomes the Assign's output tensor (`Assign:0`)
    variable._initializer_op = saveable.restore([restore], None)
    restore.set_shape(variable.shape)
    variable._initial_value = restore
