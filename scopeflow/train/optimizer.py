"""`tf.train.Optimizer`: compute_gradients / apply_gradients / minimize, slots, TF's names.

Subclasses implement the same hooks as TF's (`_create_slots`, `_prepare`, `_apply_dense`,
`_finish`), so a hand-written TF1 optimizer runs unchanged. `apply_gradients` names its ops as
TF does: everything under `<name>/` (`Adam/update_w/ApplyAdam`), the returned op is the group
`<name>` (NoOp) or, with a global step, the `<name>` AssignAdd behind `<name>/update`.
"""

import collections.abc as _abc

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.tensor import Operation, Tensor
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.train import slots as _slots


def _scope(name, default_name=None, values=None):
    from scopeflow.core.contexts import name_scope
    return name_scope(name, default_name, values)


def _flatten(x):
    """TF's `nest.flatten` of a var_list: sequences, mappings (sorted keys) and dict views nest;
    anything else (a generator, a set) is one leaf, as in TF."""
    if isinstance(x, _abc.Mapping):
        return [y for k in sorted(x) for y in _flatten(x[k])]
    if isinstance(x, _abc.MappingView) or (
            isinstance(x, _abc.Sequence) and not isinstance(x, (str, bytes))):
        return [y for item in x for y in _flatten(item)]
    return [x]


def cast_like(t, var):
    """`t` as the variable's base dtype (itself when it already is; TF's `math_ops.cast`)."""
    from scopeflow.ops.math import cast
    return cast(t, var.dtype.base_dtype)


# ---- what can be optimized ------------------------------------------------------------------
class _RefVariableProcessor:
    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v._ref()

    def update_op(self, optimizer, g):
        constraint = getattr(self._v, "constraint", None)
        if isinstance(g, IndexedSlices):
            if constraint is not None:
                raise RuntimeError("Cannot use a constraint function on a sparse variable.")
            return optimizer._apply_sparse_duplicate_indices(g, self._v)
        update = optimizer._apply_dense(g, self._v)
        if constraint is None:
            return update
        with default_graph().control_dependencies([update]):
            return self._v.assign(constraint(self._v))


class _DenseResourceVariableProcessor:
    """A resource variable: gradients flow to its handle; `_resource_apply_*` update it."""

    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v.handle

    def update_op(self, optimizer, g):
        constraint = getattr(self._v, "constraint", None)
        if isinstance(g, IndexedSlices):
            if constraint is not None:
                raise RuntimeError("Cannot use a constraint function on a sparse variable.")
            return optimizer._resource_apply_sparse_duplicate_indices(g.values, self._v,
                                                                      g.indices)
        update = optimizer._resource_apply_dense(g, self._v)
        if constraint is None:
            return update
        with default_graph().control_dependencies([update]):
            return self._v.assign(constraint(self._v))


class _TensorProcessor:
    def __init__(self, v):
        self._v = v

    def target(self):
        return self._v

    def update_op(self, optimizer, g):
        raise NotImplementedError("Trying to update a Tensor ", self._v)


def _get_processor(v):
    from scopeflow.core.variables import Variable
    from scopeflow.core.resource_variable import is_resource_variable
    v.op  # noqa: B018 - TF reads `v.op` first: a generator in var_list is its AttributeError
    if is_resource_variable(v):
        return _DenseResourceVariableProcessor(v)
    if isinstance(v, Variable):
        return _RefVariableProcessor(v)
    if isinstance(v, Tensor):
        return _TensorProcessor(v)
    raise NotImplementedError("Trying to optimize unsupported type ", v)


class Optimizer:
    """Base class of the TF1 optimizers.

    >>> import scopeflow as tf
    >>> w = tf.get_variable("w", initializer=[1.0, 2.0])
    >>> tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(w * w)).name
    'GradientDescent'
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name, use_own_namescope_for_non_slot_vars=False):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._use_own_namescope_for_non_slot_vars = use_own_namescope_for_non_slot_vars
        if use_own_namescope_for_non_slot_vars:
            from scopeflow.core.scopes import variable_scope
            with variable_scope(None, default_name=name) as vs:
                self._non_slot_variable_scope = vs
        self._slots = {}  # slot name -> {var key: slot variable}
        self._non_slot_dict = {}  # (name, graph) -> variable

    def get_name(self):
        return self._name

    # ---- the three public steps ---------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Adds ops that compute the gradients of `loss` and apply them; returns the train op."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if not [v for g, v in grads_and_vars if g is not None]:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables %s and loss %s."
                % ([str(v) for _, v in grads_and_vars], loss))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """[(gradient or None, variable)] for `var_list` (default: trainable variables)."""
        from scopeflow.gradients import gradients
        if callable(loss):
            loss = loss()
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s" % gate_gradients)
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            self._assert_valid_dtypes([grad_loss])
        g = default_graph()
        if var_list is None:
            var_list = g.get_collection(GraphKeys.TRAINABLE_VARIABLES) + g.get_collection(
                GraphKeys.TRAINABLE_RESOURCE_VARIABLES)
        else:
            var_list = _flatten(var_list)
        var_list = var_list + g.get_collection(GraphKeys._STREAMING_MODEL_PORTS)
        processors = [_get_processor(v) for v in var_list]
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, [p.target() for p in processors], grad_ys=grad_loss,
                          gate_gradients=gate_gradients == Optimizer.GATE_OP,
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == Optimizer.GATE_GRAPH:
            from scopeflow.ops.state import tuple_
            grads = tuple_(grads)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for gr, v in grads_and_vars if gr is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Adds the update ops for `grads_and_vars`; returns the train op."""
        converted = self._convert(tuple(grads_and_vars))
        var_list = [v for g, v, _ in converted if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v, _ in converted],))
        from scopeflow.core.variables import InitScope
        with InitScope(default_graph()):
            self._create_slots(var_list)
        with _scope(name, self._name) as name:
            self._prepare()
            update_ops = self._update_ops(converted)
            train_op = self._step(update_ops, global_step, name)
            if isinstance(train_op, Tensor):
                train_op = train_op.op
            ops = train_op.graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if train_op not in ops:
                ops.append(train_op)
            return train_op

    def _convert(self, grads_and_vars):
        from scopeflow.ops.constant import convert_to_tensor
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        out = []
        for g, v in grads_and_vars:
            if g is not None and not isinstance(g, IndexedSlices):
                try:
                    g = convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError("Gradient must be convertible to a Tensor or IndexedSlices, "
                                    "or None: %s" % g) from None
            out.append((g, v, _get_processor(v)))
        return tuple(out)

    def _update_ops(self, converted):
        g = default_graph()
        update_ops = []
        for grad, var, processor in converted:
            if grad is None:
                continue
            with _scope("update_" + var.op.name), g.colocate_with(var.op):
                update_ops.append(processor.update_op(self, grad))
        return update_ops

    def _step(self, update_ops, global_step, name):
        if global_step is None:
            return self._finish(update_ops, name)
        from scopeflow.ops.state import assign_add
        g = default_graph()
        with g.control_dependencies([self._finish(update_ops, "update")]):
            with g.colocate_with(global_step.op):
                if hasattr(global_step, "handle"):  # a resource variable: the op itself
                    return global_step.assign_add(1, name=name, read_value=False)
                return assign_add(global_step, 1, name=name)

    # ---- slots --------------------------------------------------------------------------------
    def get_slot(self, var, name):
        """The slot variable `name` made for `var` (None if there is none)."""
        named = self._slots.get(name)
        if not named:
            return None
        return named.get(_slots.var_key(var))

    def get_slot_names(self):
        """Names of the slots this optimizer made, sorted."""
        return sorted(self._slots.keys())

    def variables(self):
        """Slot and non-slot variables of this optimizer in the default graph, by name."""
        g = default_graph()
        out = [v for v in self._non_slot_dict.values() if v.op.graph is g]
        for named in self._slots.values():
            out.extend(v for v in named.values() if v.op.graph is g)
        return sorted(out, key=lambda v: v.name)

    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        named = self._slot_dict(slot_name)
        key = _slots.var_key(var)
        if key not in named:
            named[key] = _slots.create_slot(var, val, op_name)
        return named[key]

    def _get_or_make_slot_with_initializer(self, var, initializer, shape, dtype, slot_name,
                                           op_name):
        named = self._slot_dict(slot_name)
        key = _slots.var_key(var)
        if key not in named:
            named[key] = _slots.create_slot_with_initializer(var, initializer, shape, dtype,
                                                             op_name)
        return named[key]

    def _zeros_slot(self, var, slot_name, op_name):
        named = self._slot_dict(slot_name)
        key = _slots.var_key(var)
        if key not in named:
            named[key] = _slots.create_zeros_slot(var, op_name)
        return named[key]

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """An extra variable (`beta1_power`), one per graph, colocated with `colocate_with`."""
        g = colocate_with.graph
        key = (name, g)
        v = self._non_slot_dict.get(key)
        if v is None:
            from scopeflow.core.resource_variable import is_resource_variable
            with g.as_default(), g.colocate_with(colocate_with.op):
                v = self._new_non_slot(initial_value, name, is_resource_variable(colocate_with))
            self._non_slot_dict[key] = v
        return v

    def _new_non_slot(self, initial_value, name, resource=False):
        from scopeflow.core.variables import Variable
        if not self._use_own_namescope_for_non_slot_vars:
            return Variable(initial_value, name=name, trainable=False, use_resource=resource)
        from scopeflow.core.getters import get_variable
        from scopeflow.core.scopes import variable_scope
        with _scope(""), variable_scope(self._non_slot_variable_scope):
            return get_variable(name, initializer=initial_value, trainable=False)

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph or default_graph()))

    def _non_slot_variables(self):
        return self._non_slot_dict.values()

    # ---- hooks for subclasses -----------------------------------------------------------------
    def _valid_dtypes(self):
        return {_dt.float16, _dt.bfloat16, _dt.float32, _dt.float64}

    def _assert_valid_dtypes(self, tensors):
        valid = self._valid_dtypes()
        for t in tensors:
            dtype = t.dtype.base_dtype
            if dtype not in valid:
                # (a set's order, as TF prints it: DTypes hash to their enum values)
                raise ValueError("Invalid type %r for %s, expected: %s."
                                 % (dtype, t.name, [v for v in valid]))

    def _create_slots(self, var_list):
        pass

    def _prepare(self):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError()

    def _apply_sparse(self, grad, var):
        raise NotImplementedError()

    def _resource_apply_dense(self, grad, handle):
        # the training-op builders pick the Resource twin for a resource variable, so the
        # ref update rule serves (TF's subclasses implement this themselves)
        return self._apply_dense(grad, handle)

    def _resource_apply_sparse(self, grad, handle, indices):
        # the sparse training-op builders pick the Resource twin for a resource variable, so
        # the ref rule serves (TF's subclasses implement this themselves)
        return self._apply_sparse(IndexedSlices(grad, indices), handle)

    def _resource_apply_sparse_duplicate_indices(self, grad, handle, indices):
        summed, unique = deduplicate_indexed_slices(
            grad, indices, _own(self, "_resource_apply_sparse"))
        return self._resource_apply_sparse(summed, handle, unique)

    def _apply_sparse_duplicate_indices(self, grad, var):
        summed, unique = deduplicate_indexed_slices(grad.values, grad.indices,
                                                    _own(self, "_apply_sparse"))
        return self._apply_sparse(IndexedSlices(summed, unique, grad.dense_shape), var)

    def _finish(self, update_ops, name_scope):
        from scopeflow.ops.state import group
        return group(*update_ops, name=name_scope)

    def _call_if_callable(self, param):
        return param() if callable(param) else param


def _own(optimizer, method):
    """Whether `optimizer`'s `method` is scopeflow's own (its sparse updates ignore rows whose
    values are zero, so the deduplication may pad; see `deduplicate_indexed_slices`)."""
    return getattr(type(optimizer), method).__module__.startswith("scopeflow.train.")


def deduplicate_indexed_slices(values, indices, padded=False):
    """TF's `_deduplicate_indexed_slices`: (rows summed per index, the distinct indices), by
    `Unique` and `UnsortedSegmentSum` (`<scope>/Unique`, `Shape`, `strided_slice`).

    `Unique`'s output size follows the values, so it would run on the host between two
    compiled programs, each compiled again for every new count of distinct indices. With
    `padded` (the rows go only to updates that leave a row alone when its summed value is
    zero), it runs compiled instead: the distinct indices padded with repeats of one of them to
    the length of `indices`, whose summed rows are zero (ops/dynamic_shape.py).
    """
    from scopeflow.ops.gather import unique
    from scopeflow.ops.op_util import array_ops
    from scopeflow.ops.segments import unsorted_segment_sum
    unique_indices, positions = unique(indices)
    if padded:
        from scopeflow.lowering.stages import run_compiled
        run_compiled(unique_indices.op)
    summed = unsorted_segment_sum(values, positions, array_ops.shape(unique_indices)[0])
    return summed, unique_indices


def as_op(x):
    """The Operation of an update (kernels return tensors, `_apply_dense` returns `.op`)."""
    return x.op if isinstance(x, Tensor) else x


__all__ = ["Operation", "Optimizer", "as_op", "cast_like", "deduplicate_indexed_slices"]
