"""What TF's graph optimizer (grappler, on by default in a Session) does to chains of `Mul`,
planned per run signature: the order in which it multiplies a chain's factors sets the
product's rounding. Two rewrites, in TF's order:

1. constant folding's push-down: `Mul(Mul(x, y), c)` with `c` a constant (after folding:
   `1 - beta2` is one) becomes `Mul(x, Mul(c, y))`, repeated pass after pass until nothing
   changes. tf.train.AdamOptimizer's sparse update `(grad * grad) * (1 - beta2)` runs so as
   `grad * ((1 - beta2) * grad)`: 411 of 1950 slot and weight values differed from TF's after
   20 sparse steps.
2. the arithmetic optimizer's MinimizeBroadcasts: a chain of Mul whose factors have more than
   one shape is regrouped, the factors sorted from the smallest tensor to the largest (the
   C++ library's stable sort under grappler's partial size order) and multiplied pairwise; a
   product built on the way counts as a scalar in later comparisons (its shape is left empty).
   A group is rooted at a Mul (processed from the graph's end) and absorbs, depth first, input
   Muls with one data consumer, no control edges, neither fetched nor fed, on the root's
   device, whose inputs broadcast to their shape.

Before both, TF sorts each Mul's inputs by name (a fed tensor is then the Session's
`_arg_<name>_<port>_<i>`), which picks the factor a constant joins. Shapes are TF's symbolic
shapes: an unknown dimension is a symbol, shared by the tensors that TF's shape functions give
the same dimension (elementwise ops pass theirs on), else its own; a fed value has an unknown
rank (an _Arg node), so only chains of variables and constants are regrouped.
A division by a constant joins the chains as the product TF's constant folding makes of it,
`x * (1 / c)` (so linspace's `(stop - start) / (n - 1) * range` runs as `(stop - start) *
(range * (1 / (n - 1)))`). Left as XLA computes them: the push-down through Add, Sub and Div,
the Add chains that the arithmetic optimizer turns into AddN, and the meta optimizer's second
round.

>>> import scopeflow as tf
>>> g = tf.placeholder(tf.float32, [None, 3], name="g")
>>> y = (g * g) * tf.constant(0.5, name="c")
>>> tree_key(plan_products(tf.get_default_graph().get_operations(), [y], [], {g})[y.op])
('g:0', ('c:0', 'g:0'))
"""

import itertools

import jax.numpy as jnp
import numpy as np
from jax import lax

from scopeflow.lowering.slice import data_inputs
from scopeflow.ops.math_unary import reciprocal_kernel
from scopeflow.ops.registry import REGISTRY
from scopeflow.ops.true_div import host_reciprocal

# ops whose TF shape function passes input 0's shape on (its dimensions' symbols with it)
_SAME_SHAPE = frozenset((
    "Identity", "Snapshot", "StopGradient", "PreventGradient", "Neg", "Abs", "Sqrt", "Rsqrt",
    "Square", "Exp", "Expm1", "Log", "Log1p", "Sigmoid", "Tanh", "Relu", "Relu6", "Elu", "Selu",
    "Softplus", "Softsign", "Floor", "Ceil", "Round", "Rint", "Sign", "Reciprocal", "Inv",
    "Sin", "Cos", "Erf", "Erfc", "Cast", "Softmax", "LogSoftmax", "Assign", "AssignAdd",
    "AssignSub", "ScatterAdd", "ScatterSub", "ScatterMul", "ScatterDiv", "ScatterUpdate",
    "ScatterMin", "ScatterMax", "ZerosLike", "OnesLike", "CheckNumerics", "BiasAdd"))
# binary ops with TF's broadcasting shape function (BroadcastBinaryOpOutputShapeFnHelper)
_BROADCAST = frozenset((
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "MulNoNan", "Maximum", "Minimum",
    "Pow", "SquaredDifference", "FloorDiv", "FloorMod", "TruncateDiv", "TruncateMod",
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
    "LogicalOr", "Atan2", "Xdivy", "Xlogy"))
_STD_CHUNK = 7  # libstdc++'s stable sort: insertion-sorted runs of 7, then merges
_SCALAR = ()  # the shape grappler compares a product built in the regrouping with


class _Symbols:
    """TF's symbolic shape of each tensor of a run: a tuple of ints (known dimensions) and
    negative ints (symbols, from -2 down), or None (unknown rank)."""

    def __init__(self, order, fed, inputs_of):
        self._next = itertools.count(2)
        self._inputs_of = inputs_of  # op -> its inputs (after constant folding's rewrites)
        # a fed value is an _Arg node to TF's optimizer: of unknown rank
        self._shapes = dict.fromkeys(fed)
        for op in order:
            for t in op._outputs:
                if t not in self._shapes:
                    self._shapes[t] = self._infer(op, t)

    def __getitem__(self, t):
        if t not in self._shapes:  # computed outside the run's order: its own symbols
            self._shapes[t] = self._fresh(t)
        return self._shapes[t]

    def _fresh(self, t, given=None):
        dims = t._shape._dims
        if dims is None:
            return None
        given = given if given is not None and len(given) == len(dims) else (None,) * len(dims)
        return tuple(d if d is not None else (g if g is not None and g < 0 else
                                              -next(self._next))
                     for d, g in zip(dims, given))

    def _infer(self, op, t):
        ins = self._inputs_of(op)
        if t._value_index == 0 and ins:
            if op._type in _SAME_SHAPE:
                return self._fresh(t, self[ins[0]])
            if op._type in _BROADCAST and len(ins) == 2:
                return self._fresh(t, _broadcast(self[ins[0]], self[ins[1]]))
        return self._fresh(t)


def _broadcast(x, y):
    """TF's broadcast shape function on symbolic shapes (None: a fresh symbol)."""
    if x is None or y is None:
        return None
    n = max(len(x), len(y))
    x, y = (1,) * (n - len(x)) + x, (1,) * (n - len(y)) + y
    out = []
    for a, b in zip(x, y):
        if a > 1 or (b == 1 and a < 0):
            out.append(a)
        elif b > 1 or a == 1:
            out.append(b)
        else:
            out.append(a if a == b else None)  # two different unknowns: a new one
    return tuple(out)


def _broadcastable(shape, other):
    """grappler's ShapesBroadcastable: both ranks known, each aligned pair equal or a 1."""
    if shape is None or other is None:
        return False
    return all(a == b or a == 1 or b == 1 for a, b in zip(reversed(shape), reversed(other)))


def _smaller(left, right):
    """grappler's CompareSymbolicallyShapedTensorSizes: `left` surely has fewer elements."""
    if left is None or right is None:
        return False
    sizes, unknown = [1, 1], [{}, {}]
    for k, shape in enumerate((left, right)):
        for d in shape:
            if d > 0:
                sizes[k] *= d
            elif d < 0:
                unknown[k][d] = unknown[k].get(d, 0) + 1
    left_n = sum(max(0, n - unknown[1].get(d, 0)) for d, n in unknown[0].items())
    right_n = sum(max(0, n - unknown[0].get(d, 0)) for d, n in unknown[1].items())
    if left_n == 0 and right_n == 0:
        return sizes[0] < sizes[1]
    return sizes[0] <= sizes[1] and left_n == 0 and right_n > 0


def _std_stable_sort(items, less):
    """std::stable_sort as libstdc++ runs it with its buffer: each half (the first one the
    larger) in insertion-sorted runs of 7 merged pairwise, then the halves merged. The order
    matters: grappler's comparison is no strict weak order."""
    if len(items) < 2:
        return list(items)
    mid = (len(items) + 1) // 2
    return _merge(_runs_merged(items[:mid], less), _runs_merged(items[mid:], less), less)


def _insertion_sort(items, less):
    out = list(items)
    for i in range(1, len(out)):
        val, j = out[i], i
        if less(val, out[0]):
            out[1:i + 1] = out[:i]
            out[0] = val
            continue
        while less(val, out[j - 1]):
            out[j] = out[j - 1]
            j -= 1
        out[j] = val
    return out


def _runs_merged(items, less):
    runs = [_insertion_sort(items[i:i + _STD_CHUNK], less)
            for i in range(0, len(items), _STD_CHUNK)]
    while len(runs) > 1:
        runs = [_merge(runs[i], runs[i + 1], less) if i + 1 < len(runs) else runs[i]
                for i in range(0, len(runs), 2)]
    return runs[0]


def _merge(a, b, less):
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if less(b[j], a[i]):
            out.append(b[j])
            j += 1
        else:
            out.append(a[i])
            i += 1
    return out + a[i:] + b[j:]


def _regroup(inputs, less):
    """The product tree grappler builds over a group's (tensor, shape) inputs: nested pairs
    of tensors."""
    ops = _std_stable_sort(inputs, lambda x, y: less(x[1], y[1]))
    leftover = ops.pop() if len(ops) % 2 else None
    while len(ops) > 1:
        (lhs, _), (rhs, _) = ops[0], ops[1]
        ops = ops[2:]
        node = ((lhs, rhs), _SCALAR)
        if len(ops) >= 2 and less(ops[0][1], ops[1][1]):
            ops.insert(0, node)
        else:
            ops.append(node)
    root = ops[0][0]
    return root if leftover is None else (root, leftover[0])


class Reciprocal:
    """The constant TF's constant folding makes of a division's constant divisor `c`,
    1 / c (ReduceDivToReciprocalMul: `x / c` runs as `x * (1 / c)`), as a factor of a chain."""

    def __init__(self, c):
        self.c = c
        self._op, self._shape, self._dtype = c._op, c._shape, c._dtype
        self._value_index, self.name = c._value_index, c.name + "/reciprocal"


class _Run:
    """A run's pruned graph as grappler sees it, with the Mul ops' inputs as rewritten."""

    def __init__(self, order, fetched, targets, fed):
        self.order, self.fed = order, frozenset(fed)
        names = _input_names(fed)
        self.inputs = {op: sorted(op._inputs, key=lambda t: names.get(t) or _name(t))
                       for op in order if op._type == "Mul"}
        self.uses = {}  # tensor -> data edges reading it
        self.drives = set()  # ops some op of the run waits for (control edges)
        for op in order:
            for t in data_inputs(op):
                self.uses[t] = self.uses.get(t, 0) + 1
            self.drives.update(op._control_inputs)
        self.kept = {t._op for t in fetched} | set(targets) | {t._op for t in fed}
        self.moved = set()  # Mul ops whose inputs the push-down changed
        self.symbols = None
        self.folded = set()  # Mul ops constant folding made constants
        self.of_constants = set()  # outputs of ops constant folding evaluates
        self._fold_elementwise()
        for op in order:  # constant folding's first rewrite of x / c: x * (1 / c), a Mul
            if (op._type in ("RealDiv", "Div") and len(op._inputs) == 2
                    and op._outputs[0]._dtype.base_dtype.is_floating
                    and not self.constant(op._inputs[0]) and self.constant(op._inputs[1])):
                self.inputs[op] = [op._inputs[0], Reciprocal(op._inputs[1])]

    def inputs_of(self, op):
        return self.inputs.get(op, op._inputs)

    def constant(self, t):
        """grappler's IsReallyConstant after folding: a Const, or an op of constants."""
        if isinstance(t, Reciprocal):
            return True
        if t in self.fed:
            return False
        return t._op._type == "Const" or t._op in self.folded or t in self.of_constants

    def _fold_elementwise(self):
        """The outputs of foldable ops whose inputs are all constants, in the run's order (one
        pass: an op's inputs come before it)."""
        for op in self.order:
            if op._control_inputs or op in self.kept:
                continue
            if op._type in _SHAPES and op._inputs and op._inputs[0]._shape.is_fully_defined():
                self.of_constants.update(op._outputs)  # (TF materializes known shapes)
            elif (_foldable(op) and op._inputs and all(self.constant(i) for i in op._inputs)
                  and all(_small(t) for t in op._outputs)):
                self.of_constants.update(op._outputs)

    def single_use(self, op):
        return op not in self.kept and self.uses.get(op._outputs[0], 0) <= 1


def _input_names(fed):
    """The names TF's optimized graph gives fed tensors: the Session's _Arg nodes, numbered
    in the order of the fed names."""
    return {t: "_arg_%s_%d" % (t.name.replace(":", "_"), i)
            for i, t in enumerate(sorted(fed, key=lambda t: t.name))}


def _name(t):
    """A tensor as a NodeDef input names it (the optimizer sorts a Mul's inputs so)."""
    return t._op._name if t._value_index == 0 else t.name


_SHAPES = frozenset(("Shape", "Size", "Rank"))
# TF's constant folding evaluates any stateless op of constants but these (control flow,
# feeds, checks)
_NOT_FOLDED = frozenset((
    "Placeholder", "PlaceholderWithDefault", "Switch", "Merge", "Enter", "Exit",
    "NextIteration", "LoopCond", "RefSwitch", "RefMerge", "RefEnter", "RefExit", "Assert",
    "CheckNumerics"))
_MAX_CONSTANT_BYTES = 10 * 1024 * 1024  # TF's kMaxConstantSize


def _foldable(op):
    if op._type in _NOT_FOLDED:
        return False
    rec = REGISTRY.get(op._type)
    return rec is not None and not rec.stateful


def _small(t):
    dims = t._shape._dims
    if dims is None or None in dims:
        return False
    n = 1
    for d in dims:
        n *= d
    return n * max(1, t._dtype.base_dtype.size) <= _MAX_CONSTANT_BYTES


def _push_down(run, parent):
    """Constant folding's push-down on one Mul: Mul(Mul(x, y), c) -> Mul(x, Mul(c, y))."""
    ins = run.inputs[parent]
    if len(ins) != 2 or parent._outputs[0]._dtype.base_dtype.name in ("bfloat16", "float16"):
        return False
    left_const, right_const = run.constant(ins[0]), run.constant(ins[1])
    if not (left_const or right_const):
        return False
    op_t, c = (ins[1], ins[0]) if left_const else (ins[0], ins[1])
    child = op_t._op
    if (child not in run.inputs or child._control_inputs or not run.single_use(child)
            or parent._device != child._device or parent._device != c._op._device):
        return False
    leaves = run.inputs[child]
    if run.constant(leaves[0]) and run.constant(leaves[1]):
        return False  # (folded instead)
    if any(leaf._op._device != parent._device for leaf in leaves):
        return False
    left_leaf_const = run.constant(leaves[0])
    if not run.constant(leaves[0] if left_leaf_const else leaves[1]) and _c_too_big(
            c, leaves[0 if left_leaf_const else 1]):
        return False
    x, y = (leaves[1], leaves[0]) if left_leaf_const else (leaves[0], leaves[1])
    run.inputs[parent], run.inputs[child] = [x, op_t], [c, y]
    run.moved.update((parent, child))
    return True


def _c_too_big(c, leaf):
    """The push-down's guard: the constant would broadcast the leaf it joins."""
    cs, xs = c._shape._dims, leaf._shape._dims
    if cs is None or xs is None:
        return False
    if None not in cs and None not in xs:
        return _size(cs) > _size(xs)
    return bool(cs) and any(x is not None and a is not None and a > x for a, x in zip(cs, xs))


def _size(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def _fold_constants(run):
    """Constant folding's passes: fold Mul ops of constants, push constants down, until
    nothing changes (each pass visits the ops in the graph's order)."""
    changed = True
    while changed:
        changed = False
        for op in run.order:
            if op not in run.inputs or op in run.folded:
                continue
            if all(run.constant(t) for t in run.inputs[op]):
                run.folded.add(op)
                changed = True
            elif _push_down(run, op):
                changed = True


def _minimize_broadcasts(run):
    """{root Mul: its regrouped tree over the group's inputs}, absorbed ops in `absorbed`."""
    run.symbols = _Symbols(run.order, run.fed, run.inputs_of)
    tagged, trees = set(), {}
    for root in reversed(run.order):
        if (root not in run.inputs or root in tagged or root in run.folded
                or root._control_inputs or not _defined(run, root)):
            continue
        absorbed, inputs = [], []
        stack = list(run.inputs[root])
        while stack:
            t = stack.pop(0)
            if _absorbable(run, root, t._op, tagged):
                absorbed.append(t._op)
                stack[:0] = run.inputs[t._op]
            else:
                inputs.append((t, run.symbols[t]))
        if not absorbed:
            continue
        tagged.update(absorbed + [root])
        if len({shape for _, shape in inputs}) > 1:
            trees[root] = (_regroup(inputs, _smaller), absorbed)
    return trees


def _defined(run, op):
    """The op's output shape is symbolically defined and all its inputs broadcast to it."""
    out = run.symbols[op._outputs[0]]
    return out is not None and all(
        _broadcastable(out, run.symbols[t]) for t in run.inputs_of(op))


def _absorbable(run, root, op, tagged):
    return (op in run.inputs and op not in tagged and op not in run.folded
            and run.uses.get(op._outputs[0], 0) == 1 and op not in run.kept
            and not op._control_inputs and op not in run.drives
            and op._device == root._device and _defined(run, op))


def plan_products(order, fetched, targets, fed):
    """{Mul op: its product tree (nested pairs of tensors)} for the Mul ops whose value TF's
    rewrites change in a run of `order` fetching `fetched`, running `targets`, feeding `fed`;
    a tree's leaves are values of the run that precede the op (or constants)."""
    run = _Run(order, fetched, targets, fed)
    _fold_constants(run)
    regrouped = _minimize_broadcasts(run)
    inner = {op for _, absorbed in regrouped.values() for op in absorbed}
    inner.update(op for op in run.moved if op not in regrouped and _feeds_moved(run, op))

    def expand(t):
        return tree_of(t._op) if t._op in inner else t

    def tree_of(op):
        if op in regrouped:
            return _map_leaves(regrouped[op][0], expand)
        a, b = run.inputs[op]
        return expand(a), expand(b)

    changed = (run.moved | set(regrouped)) - inner
    return {op: tree_of(op) for op in order if op in changed}


def _feeds_moved(run, op):
    """A pushed-down child: its one consumer is a Mul the push-down changed too."""
    t = op._outputs[0]
    return run.single_use(op) and any(
        t in run.inputs[p] for p in run.moved if p is not op)


def _map_leaves(tree, f):
    if isinstance(tree, tuple):
        return tuple(_map_leaves(x, f) for x in tree)
    return f(tree)


def product(tree, env, inner=False):
    """The value of a product tree over the run's values `env` (tensor -> value; a constant
    pushed down from a later op is read from its op). Inner products pass a barrier: XLA's
    simplifier would move a constant factor back out (`a * (c * b)` -> `(a * c) * b`)."""
    if isinstance(tree, tuple):
        left, right = product(tree[0], env, True), product(tree[1], env, True)
        if _host(left) and _host(right):  # known at trace time: stays a host value (a size
            return np.multiply(left, right)  # or an offset that sets a shape needs it)
        out = jnp.multiply(left, right)
        return lax.optimization_barrier(out) if inner else out
    if isinstance(tree, Reciprocal):  # (folded by TF with one division)
        c = product(tree.c, env)
        # TF folds the Reciprocal op with its CPU kernel (Eigen's approximation on float32)
        return host_reciprocal(c) if _host(c) else reciprocal_kernel(c)
    if tree not in env and tree._op._type == "Const":
        return tree._op._attrs["value"]
    return env[tree]


def _host(value):
    return isinstance(value, (np.ndarray, np.generic))


def tree_key(tree):
    """A product tree as names, for the compiled program's cache key."""
    if isinstance(tree, tuple):
        return tuple(tree_key(t) for t in tree)
    return tree.name  # (a Reciprocal's name says so)
