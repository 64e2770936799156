"""User functions of tf.data (map, filter, flat_map, interleave, reduce): traced once into
their own graph, as TF traces a FuncGraph, and run on the host per element.

The element comes in through placeholders `args_0, args_1, ...`; a tensor of an enclosing
graph read inside becomes a placeholder of the function graph (a capture) whose value the
dataset op receives as an input (`other_arguments`) when the pipeline is built in a run.

>>> import scopeflow as tf
>>> from scopeflow.data.structure import TensorSpec
>>> f = trace(lambda x: x * 2, TensorSpec([], tf.int64))
>>> [t.name for t in f.args], f.outputs[0].op.type
(['args_0:0'], 'Mul')
>>> [int(v) for v in f.bind([])((3,))]
[6]
"""

import threading

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import Graph
from scopeflow.core.tensor import SymbolicTensor, Tensor
from scopeflow.data import structure as st
from scopeflow.ops import registry
from scopeflow.ops.constant import convert_to_tensor, placeholder


def is_ragged(x):
    from scopeflow.ragged.ragged_tensor import is_ragged as _is
    return _is(x)


class FuncGraph(Graph):
    """The graph of one traced function; reads of enclosing graphs' tensors become captures."""

    captures_outer = True  # registry._graph_of: ops over outside tensors are built here

    def __init__(self, outer):
        super().__init__()
        self.outer = outer
        self.seed = outer.seed
        self._building_function = True
        self.captures = []  # (tensor of `outer`, its placeholder here), in capture order
        self._by_source = {}
        self.source_of = {}  # placeholder here -> the tensor of `outer` it stands for
        self.control_captures = []  # ops of enclosing graphs a call must wait for
        # placeholders standing for resource variables of the caller: when the function runs
        # on the host, its Session holds the caller's variable under them (Traced.bind)
        self.variable_captures = frozenset()
        self.capture_scope = None  # the scope of the op whose inputs are being captured

    def control_dependencies(self, control_inputs):
        """Ops of enclosing graphs are no control inputs here: the call waits for them
        (`control_captures`), as TF's FuncGraph does."""
        if control_inputs is None:
            return super().control_dependencies(None)
        mine = []
        for c in control_inputs:
            element = c.op if isinstance(c, Tensor) else c
            if getattr(element, "graph", self) is not self:
                if element not in self.control_captures:
                    self.control_captures.append(element)
            else:
                mine.append(c)
        return super().control_dependencies(mine)

    def capture(self, t):
        if t._op._graph is self:
            return t
        inner = self._by_source.get(t)
        if inner is None:
            src = t
            if t._op._graph is not self.outer and isinstance(self.outer, FuncGraph):
                src = self.outer.capture(t)
            from scopeflow.core.variables import InitScope
            # TF's name: the reading op's scope (else the current one) and the captured op's
            scope = self.capture_scope
            if scope is None:
                scope = self._frame().name_scope
                scope = scope + "/" if scope else ""
            # (at the function's top: outside its conds and loops, its name scopes)
            with self.as_default(), InitScope(self), self.name_scope(None):
                shape = t.shape if t.dtype.name not in ("variant", "resource") else []
                inner = placeholder(t.dtype.base_dtype, shape, name=scope + t._op._name)
            self._by_source[t] = inner
            self.source_of[inner] = src
            self.captures.append((src, inner))
        return inner


def _capture_inputs(inputs, name):
    """(inputs captured, the function graph, the op's full name) for an op `name` about to
    be built; TF names the op first and its captures' placeholders inside its scope."""
    g = default_graph()
    if not isinstance(g, FuncGraph):
        return inputs, None, None
    full = g._op_scope(name)
    saved, g.capture_scope = g.capture_scope, full + "/"
    try:
        return [_capture(g, x) for x in inputs], g, full
    finally:
        g.capture_scope = saved


def captured(inputs):
    """`inputs` captured into the function graph being built, their placeholders named in
    the current scope: TF makes a call op by create_op, without a scope of its own."""
    g = default_graph()
    if not isinstance(g, FuncGraph):
        return inputs
    return [_capture(g, x) for x in inputs]


def _capture(g, x):
    if isinstance(x, list):
        return [_capture(g, y) for y in x]
    if isinstance(x, tuple):
        return tuple(_capture(g, y) for y in x)
    if type(x) is not SymbolicTensor:
        snapshot = registry.FAST_CONVERSIONS.get(type(x))
        if snapshot is None:
            return x
        x = snapshot(x)
    return x if x._op._graph is g else g.capture(x)


class Traced:
    """A traced function: graph, argument placeholders, captures, outputs and their structure.

    A SparseTensor component travels as one host value (a SparseTensorValue) and enters or
    leaves the function graph as its three tensors (`in_sparse` / `out_sparse` say where).
    """

    def __init__(self, graph, args, outputs, out_structure, in_sparse=(), out_sparse=()):
        self.graph, self.args, self.outputs = graph, args, outputs
        self.out_structure = out_structure  # specs; a Dataset for dataset functions
        self.in_sparse, self.out_sparse = tuple(in_sparse), tuple(out_sparse)
        self.captured = [src for src, _ in graph.captures]  # inputs of the dataset op
        self._placeholders = [inner for _, inner in graph.captures]
        self._program = None
        self._elementwise = None
        self._batched = None
        self._chunked = None
        self._effects = None
        self._source = None  # (fn, in_structure, unpack): to trace it again
        self._lock = threading.Lock()

    def elementwise(self):
        """True when running the function once on a stack of elements gives the stack of its
        per-element results: only elementwise ops, over the arguments and scalar constants,
        every argument and output dense with a fully known shape."""
        if self._elementwise is None:  # an imported function has no Python to trace again
            self._elementwise = self._source is not None and not self.effects() and \
                _is_elementwise(self)
        return self._elementwise

    def chunked(self):
        """`run(elements) -> rows` when the function can run over chunks (data/chunked.py)."""
        if self._chunked is None:
            from scopeflow.data import chunked
            self._chunked = not self.effects() and chunked.plan(self) or False
        return self._chunked or None

    def batched(self):
        """This (elementwise) function traced again over a leading batch dimension."""
        if self._batched is None:
            fn, in_structure, unpack = self._source
            with self.graph.outer.as_default():
                self._batched = trace(fn, st.batched(in_structure, None), unpack)
        return self._batched

    def program(self):
        """The executor of this function (a private Session over its graph), made once."""
        prog = self._program
        if prog is None:
            with self._lock:
                if self._program is None:
                    from scopeflow.data.executor import Program
                    from scopeflow.ops.resource_ops import variable_behind
                    from scopeflow.session import Session
                    self.graph.variable_captures = frozenset(
                        p._op for p in self._placeholders
                        if p.dtype.name == "resource" and variable_behind(p) is not None)
                    self._program = Program(Session(graph=self.graph),
                                            self.outputs + self.effects(),
                                            self.args + self._placeholders)
                prog = self._program
        return prog

    def effects(self):
        """Ops with effects (asserts, prints, variable updates) that no output needs: TF runs
        every stateful op of a tf.data function (its automatic control dependencies), so each
        call runs them too."""
        if self._effects is None:
            from scopeflow.lowering.slice import backward_slice
            ops = self.graph.get_operations()
            self._effects = []
            if any(o._type in _EFFECTS for o in ops):
                needed = set(backward_slice(self.outputs)) if self.outputs else set()
                # the unused ends (an assert's guarding cond: its output) that hold one
                sinks = [o for o in ops if o not in needed and o._ctx is None and
                         not any(t.consumers() for t in o._outputs)]
                self._effects = [o for o in sinks if _reaches_effect(o)]
        return self._effects

    def bind(self, captured_values, op=None):
        """`fn(element tuple) -> tuple of components`, the captures fixed to their values (a
        captured resource variable: its HostVariable, read and updated at every call). Its
        random ops start over, as a new TF iterator's instance of the function does; with
        `op` (the dataset op calling it), its errors take TF's wording (data/udf_errors.py)."""
        prog = self.program()
        prog.session._restart_random_ops()
        extra = list(captured_values)
        cells = [(p._op, v) for p, v in zip(self._placeholders, extra)
                 if p._op in self.graph.variable_captures]
        if cells:
            prog = _with_variables(prog, cells, self._lock)
        call = self._call(prog, extra)
        if op is None:
            return call
        from scopeflow.data.udf_errors import guard
        return guard(call, op)

    def _call(self, prog, extra):
        if self.effects():  # (their fetches' Nones follow the outputs)
            n, whole = len(self.outputs), prog
            prog = lambda values: whole(values)[:n]  # noqa: E731
        if not any(self.in_sparse) and not any(self.out_sparse):
            return lambda element: tuple(prog(list(element) + extra))
        ins, outs = self.in_sparse, self.out_sparse
        from scopeflow.sparse_tensor import SparseTensorValue

        from scopeflow.data.host import RaggedItem

        def call(element):
            flat = []
            for c, sparse in zip(element, ins):
                if sparse is True:
                    flat.extend((c.indices, c.values, c.dense_shape))
                elif sparse:  # a ragged component: its spec
                    flat.extend(sparse._to_components(c.value) if sparse.ragged_rank else
                                [c.value])
                else:
                    flat.append(c)
            vals, out, i = prog(flat + extra), [], 0
            for sparse in outs:
                if sparse not in (True, False):
                    k = 1 + sparse.ragged_rank
                    out.append(RaggedItem(sparse._from_components(
                        [np.asarray(v) for v in vals[i:i + k]]),
                        sparse.row_splits_dtype.as_numpy_dtype))
                    i += k
                elif sparse:
                    out.append(SparseTensorValue(vals[i], vals[i + 1], vals[i + 2]))
                    i += 3
                else:
                    out.append(vals[i])
                    i += 1
            return tuple(out)

        return call


def _with_variables(prog, cells, lock):
    """`prog` run with the caller's variables `cells` ((placeholder op, HostVariable)) in its
    Session's state under their placeholders, and what it wrote put back (one call at a
    time: the state is the function's Session's)."""
    session = prog.session

    def call(values):
        with lock:
            state, before = session._state, []
            for ph, cell in cells:
                value = cell.session._state.get(cell.op)
                old = state.get(ph)
                if value is None:
                    state.pop(ph, None)
                else:
                    state[ph] = value
                if old is None or value is None or np.shape(old) != np.shape(value):
                    session._state_version += 1
                before.append(value)
            try:
                return prog(values)
            finally:
                for (ph, cell), value in zip(cells, before):
                    new = state.get(ph)
                    if new is not value and new is not None:
                        outer = cell.session
                        if value is None or np.shape(new) != np.shape(value):
                            outer._state_version += 1
                        outer._state[cell.op] = new

    return call


def upstream(op):
    """`op` and every op it depends on, by data or control (into conds too), each once."""
    seen, todo = set(), [op]
    while todo:
        o = todo.pop()
        if o in seen:
            continue
        seen.add(o)
        yield o
        todo.extend(t._op for t in o._inputs)
        todo.extend(o._control_inputs)


def _reaches_effect(op):
    """Whether `op` depends on an op with effects."""
    return any(o._type in _EFFECTS for o in upstream(op))


_EFFECTS = frozenset(("Assert", "Print", "PrintV2", "AssignVariableOp", "AssignAddVariableOp",
                      "AssignSubVariableOp"))
_UNARY = frozenset(("Cast", "Identity", "Neg", "Abs", "Exp", "Log", "Sqrt", "Rsqrt", "Square",
                    "Floor", "Ceil", "Round", "Sigmoid", "Tanh", "Relu", "Sign", "LogicalNot"))
_BINARY = frozenset(("Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "FloorDiv", "FloorMod",
                     "Maximum", "Minimum", "Pow", "Equal", "NotEqual", "Less", "LessEqual",
                     "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "SquaredDifference"))


def _is_elementwise(fn):
    if any(fn.in_sparse) or any(fn.out_sparse) or fn._placeholders:
        return False
    if not all(t.shape.is_fully_defined() for t in fn.args + fn.outputs):
        return False
    args = set(fn.args)
    memo = {}  # tensor -> True (carries the element) / False (a scalar constant) / None (no)

    def kind(t):
        if t in args:
            return True
        if t in memo:
            return memo[t]
        op = t._op
        out = None
        if op._control_inputs:
            out = None
        elif op._type == "Const":
            out = False if t.shape.ndims == 0 else None
        elif op._type in _UNARY:
            out = kind(op._inputs[0])
        elif op._type in _BINARY:
            a, b = (kind(x) for x in op._inputs)
            if None not in (a, b) and (not (a and b) or op._inputs[0].shape == op._inputs[1].shape):
                out = a or b
        memo[t] = out
        return out

    return all(kind(t) is True for t in fn.outputs)


def _arguments(in_structure, names=None):
    """Placeholders for the element (three per sparse component) and the argument values;
    `names`: the dense placeholders' names (a called function's parameter names)."""
    from scopeflow.sparse_tensor import SparseTensor
    flat, values = [], []
    for s in st.flatten(in_structure):
        if getattr(s, "ragged", False):
            k = max(s.ragged_rank, 0)
            dims = s.shape.as_list() if s.shape.ndims is not None else None
            vshape = None if dims is None else dims if k == 0 else [None] + dims[k + 1:]
            parts = [placeholder(s.dtype, vshape, name="args_%d" % len(flat))]
            parts += [placeholder(s.row_splits_dtype, [dims[0] + 1 if j == 1 and dims and
                                                       dims[0] is not None else None],
                                  name="args_%d" % (len(flat) + j)) for j in range(1, k + 1)]
            flat.extend(parts)
            values.append(s._from_components(parts))
        elif s.sparse:
            rank = s.shape.ndims
            parts = [placeholder(_dt.int64, [None, rank], name="args_%d" % len(flat)),
                     placeholder(s.dtype, [None], name="args_%d" % (len(flat) + 1)),
                     placeholder(_dt.int64, [rank], name="args_%d" % (len(flat) + 2))]
            flat.extend(parts)
            values.append(SparseTensor._of(*parts))
        elif isinstance(s, st.DatasetSpec):  # a window: its dataset, on the host value
            from scopeflow.data.dataset import DatasetV1
            t = placeholder(_dt.variant, [], name="args_%d" % len(flat))
            flat.append(t)
            values.append(DatasetV1(t, s.element_spec, "_VariantDataset"))
        else:
            name = names[len(flat)] if names else "args_%d" % len(flat)
            t = placeholder(s.dtype, s.shape, name=name)
            flat.append(t)
            values.append(t)
    return flat, st.pack(in_structure, values)


def trace(fn, in_structure, unpack=True, datasets=False, names=None):
    """Traces `fn` over placeholders for `in_structure`; a tuple element is unpacked into
    positional arguments as TF does. `datasets`: `fn` returns a Dataset (flat_map); `names`:
    the argument placeholders' names (default `args_0, args_1, ...`)."""
    from scopeflow.data.dataset import DatasetV2
    fg = FuncGraph(default_graph())
    in_sparse = [s if getattr(s, "ragged", False) else s.sparse
                 for s in st.flatten(in_structure)]
    with fg.as_default():
        registry.CAPTURE_HOOKS.append(_capture_inputs)
        try:
            flat, arg = _arguments(in_structure, names)
            ret = fn(*arg) if unpack and type(arg) is tuple else fn(arg)
            if datasets:
                if not isinstance(ret, DatasetV2):
                    raise TypeError("The `map_func` argument must return a `Dataset` object. "
                                    "Got %s." % _type_text(ret))
                out = [_capture(fg, ret._variant_tensor)]
                return Traced(fg, flat, out, ret, in_sparse, (False,))
            if isinstance(ret, list):  # TF: a list returned becomes a tuple
                ret = tuple(ret)
            leaves = [_to_value(fg, x) for x in st.flatten(ret)]
        finally:
            registry.CAPTURE_HOOKS.remove(_capture_inputs)
    outputs, out_sparse = [], []
    for leaf in leaves:
        if is_ragged(leaf):
            out_sparse.append(leaf._type_spec)
            outputs.extend([leaf.flat_values] + list(leaf.nested_row_splits))
            continue
        sparse = not isinstance(leaf, Tensor)
        out_sparse.append(sparse)
        outputs.extend([leaf.indices, leaf.values, leaf.dense_shape] if sparse else [leaf])
    specs = st.pack(ret, [st.spec_of(x) for x in leaves])
    traced = Traced(fg, flat, outputs, specs, in_sparse, out_sparse)
    traced._source = (fn, in_structure, unpack)
    return traced


def trace_window(fn, element_structure, kind="reduce_func"):
    """Traces `fn(key, window)` (group_by_window's reduce function): `args_0` an int64 scalar
    key, `args_1` the window, a dataset of `element_structure`; `fn` returns a dataset."""
    from scopeflow.data.dataset import DatasetV1, DatasetV2
    fg = FuncGraph(default_graph())
    with fg.as_default():
        registry.CAPTURE_HOOKS.append(_capture_inputs)
        try:
            key = placeholder(_dt.int64, [], name="args_0")
            window = placeholder(_dt.variant, [], name="args_1")
            ret = fn(key, DatasetV1(window, element_structure, "_VariantDataset"))
            if not isinstance(ret, DatasetV2):
                raise TypeError("Invalid `%s`. `%s` must return a single `tf.data.Dataset` "
                                "object but its return type is %s." % (
                                    kind, kind, st.spec_text(st.map_structure(
                                        lambda x: st.spec_of(_to_value(fg, x)), ret))))
            out = [_capture(fg, ret._variant_tensor)]
        finally:
            registry.CAPTURE_HOOKS.remove(_capture_inputs)
    return Traced(fg, [key, window], out, ret, (False, False), (False,))


def _to_value(fg, x):
    """A function output as a Tensor, SparseTensor or RaggedTensor of the function graph."""
    if is_ragged(x):
        from scopeflow.ragged.ragged_tensor import convert_to_tensor_or_ragged_tensor
        x = convert_to_tensor_or_ragged_tensor(x)
        spec = x._type_spec
        return spec._from_components([_capture(fg, t) for t in spec._to_components(x)])
    if hasattr(x, "dense_shape") and hasattr(x, "indices"):
        from scopeflow.sparse_tensor import SparseTensor
        x = SparseTensor.from_value(x)
        return SparseTensor._of(*[_capture(fg, t) for t in (x.indices, x.values,
                                                             x.dense_shape)])
    return _to_tensor(fg, x)


def _to_tensor(fg, x):
    if isinstance(x, Tensor):
        return _capture(fg, x)
    if hasattr(x, "_variant_tensor"):
        raise TypeError("Dataset elements cannot be Datasets; use `flat_map` or `interleave`.")
    return convert_to_tensor(x)


def _type_text(x):
    t = type(x)
    return "<class '%s.%s'>" % (t.__module__, t.__name__) if t.__module__ != "builtins" \
        else "<class '%s'>" % t.__name__
