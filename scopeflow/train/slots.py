"""Slot variables (`w/Adam`, `w/Momentum`): extra state an optimizer keeps per variable.

A slot is created as TF's slot_creator does: `variable_scope(None, default_name=
"<primary>/<OptimizerName>")` (so a second slot of the same optimizer is `w/Adam_1`), then
`get_variable("")`, colocated with the primary, not trainable, with the scope's partitioner
switched off.
"""

from scopeflow.core.frame import default_graph


def var_key(var):
    """The key an optimizer files a variable's slots under: (graph, op name)."""
    op = getattr(var, "op", None)
    if op is not None:
        return (op.graph, op.name)
    return id(var)


def _slot_var(primary, val, validate_shape, shape, dtype):
    from scopeflow.core.getters import get_variable
    from scopeflow.core.scopes import get_variable_scope
    scope = get_variable_scope()
    partitioner = scope.partitioner
    scope.set_partitioner(None)
    try:
        from scopeflow.core.resource_variable import is_resource_variable
        slot = get_variable("", initializer=val, trainable=False,
                            use_resource=is_resource_variable(primary),
                            shape=shape if callable(val) else None, dtype=dtype,
                            validate_shape=validate_shape)
    finally:
        scope.set_partitioner(partitioner)
    _share_slice(primary, slot)
    return slot


def _share_slice(primary, slot):
    """A shard's slot is a shard of the full slot (`p/v/Adam` saved as one tensor), as in TF."""
    info = getattr(primary, "_save_slice_info", None)
    if not info:
        return
    from scopeflow.core.partitioners import SaveSliceInfo
    real = slot.name[len(primary.op.name + "/"):-2]  # 'Adam' from 'p/v/part_0/Adam:0'
    n = slot.shape.ndims
    if n is None or n > 0:
        slot._set_save_slice_info(SaveSliceInfo(
            info.full_name + "/" + real, info.full_shape[:n], info.var_offset[:n],
            info.var_shape[:n]))


def _in_slot_scope(primary, name, make):
    from scopeflow.core.scopes import variable_scope
    with variable_scope(None, primary.op.name + "/" + name):
        with default_graph().colocate_with(primary.op):
            return make()


def create_slot(primary, val, name, colocate_with_primary=True):
    """A slot for `primary` initialized to the tensor `val`, named `<primary>/<name>`."""
    validate = val.get_shape().is_fully_defined()
    return _in_slot_scope(primary, name, lambda: _slot_var(primary, val, validate, None, None))


def create_slot_with_initializer(primary, initializer, shape, dtype, name,
                                 colocate_with_primary=True):
    """A slot made by `initializer(shape, dtype)`."""
    from scopeflow.core.shape import as_shape
    shape = as_shape(shape)
    validate = shape.is_fully_defined()
    return _in_slot_scope(primary, name,
                          lambda: _slot_var(primary, initializer, validate, shape, dtype))


def create_zeros_slot(primary, name, dtype=None, colocate_with_primary=True):
    """A slot of zeros shaped like `primary`.

    >>> import scopeflow as tf
    >>> w = tf.get_variable("w", [2])
    >>> create_zeros_slot(w, "Adam").name
    'w/Adam:0'
    """
    from scopeflow.ops.init_ops import zeros_initializer
    dtype = (dtype or primary.dtype).base_dtype
    shape = primary.get_shape()
    if shape.is_fully_defined():
        return create_slot_with_initializer(primary, zeros_initializer(), shape, dtype, name,
                                            colocate_with_primary)
    from scopeflow.ops.shape_ops import shape as shape_of
    from scopeflow.ops.shape_ops import zeros
    val = zeros(shape_of(_initial_or_value(primary)), dtype=dtype)
    return create_slot(primary, val, name, colocate_with_primary)


def _initial_or_value(primary):
    """TF reads the primary's value if initialized, else its initial value (a cond)."""
    initial = getattr(primary, "initial_value", None)
    return initial if initial is not None else primary
