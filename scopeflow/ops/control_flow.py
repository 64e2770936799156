"""`tf.cond`, `tf.case` and `tf.while_loop` with TF1's graphs and names, compiled by XLA.

The graph looks as TF builds it (`cond/Switch`, `cond/switch_t`, `cond/mul`, `cond/Merge`,
`while/Enter`, `while/Identity`, `while/Exit`, ...), nothing more. The Merge / Exit ops carry
a record of their construct (cf_spec.py): the lowering runs the branches with `lax.cond` and
the loop with `lax.while_loop` (cf_run.py). Loops are never unrolled.
"""

import dataclasses
import functools

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.core.graph import GraphKeys
from scopeflow.core.shape import TensorShape
from scopeflow.core.tensor import Operation, Tensor
from scopeflow.indexed_slices import IndexedSlices
from scopeflow.ops import array_base as _b
from scopeflow.ops import cf_ops as _cf
from scopeflow.ops import nest
from scopeflow.ops.array import identity
from scopeflow.ops.cf_composite import check_branch_structures, components, is_composite, rebuild
from scopeflow.ops.cf_context import CondContext, Region, flush_all, own_controls
from scopeflow.ops.cf_spec import Branch, CondSpec, own_switches
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.tensor_array import from_flow, to_flow


def _branch_fns(true_fn, false_fn, fn1, fn2):
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): 'true_fn' and 'fn1' may not be set simultaneously.")
        true_fn = fn1
    elif true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): 'false_fn' and 'fn2' may not be set simultaneously.")
        false_fn = fn2
    elif false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    return true_fn, false_fn


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """`tf.cond`: `true_fn()` if `pred` else `false_fn()`; results named 'cond/Merge'.

    >>> import scopeflow as tf
    >>> p = tf.placeholder(tf.bool, [])
    >>> tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(2)).name
    'cond/Merge:0'
    """
    true_fn, false_fn = _branch_fns(true_fn, false_fn, fn1, fn2)
    with _b.scope(name, "cond", [pred]):
        if isinstance(pred, bool):
            raise TypeError("'pred' must not be a Python bool.")
        g = default_graph()
        infra, pred_id, pivots = _cond_pivots(pred)
        outer = g._frame().in_cf
        branches = []
        for fn, pivot, branch, what in ((true_fn, pivots[1], 1, "true_fn"),
                                        (false_fn, pivots[0], 0, "false_fn")):
            ctx = CondContext(g, outer, pred_id, pivot, branch)
            with ctx:
                orig, res = _build_branch(ctx, fn)
            if orig is None:
                raise ValueError("'%s' must have a return value." % what)
            branches.append((ctx, orig, res))
        (ctx_t, orig_t, res_t), (ctx_f, orig_f, res_f) = branches
        if outer is None:
            g.add_to_collection(GraphKeys.COND_CONTEXT, ctx_t)
            g.add_to_collection(GraphKeys.COND_CONTEXT, ctx_f)
        return _merge_results(infra + ctx_t.ops + ctx_f.ops, pred_id, (orig_t, res_t),
                              (orig_f, res_f), strict, (ctx_t, ctx_f))


def _cond_pivots(pred):
    """cond/Switch, switch_t, switch_f and pred_id, as TF builds them."""
    with _b.scope("Switch", None, [pred]) as s:
        if not isinstance(pred, Tensor):
            pred = convert_to_tensor(pred, name="pred")
    _cf.check_bool(pred, "pred", "Switch")
    p_2, p_1 = _cf._switch(pred, pred, name=s)
    pivot_1 = identity(p_1, name="switch_t")
    pivot_2 = identity(p_2, name="switch_f")
    pred_id = identity(pred, name="pred_id")
    infra = [p_1.op, pivot_1.op, pivot_2.op, pred_id.op]
    own_switches(infra)  # (the pivots' Switch: its dead output is the branch not taken)
    for op in infra:  # as TF: values of the cond's own, not of its result
        op._graph.prevent_fetching(op)
    return infra, pred_id, (pivot_2, pivot_1)


def _build_branch(ctx, fn):
    orig = fn()
    if orig is None:
        return None, None

    def as_result(v):
        if isinstance(v, Operation):
            from scopeflow.ops.state import with_dependencies
            return with_dependencies([v], ctx.pivot())
        if is_composite(v):  # TF: one output per component (expand_composites)
            outs = tuple(ctx.output(convert_to_tensor(c)) for c in components(v))
            rebuild(v, outs)  # as TF's map_structure does (a SparseTensor takes a name scope)
            return outs
        return ctx.output(convert_to_tensor(to_flow(v)))  # a TensorArray: its flow

    result = nest.map_structure(as_result, orig)
    if not isinstance(result, (list, tuple)):
        result = [result]
    return orig, result


def _unpack_singleton(x):
    return x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x


def _merge_results(region_ops, pred_id, true_side, false_side, strict, contexts):
    (orig_t, res_t), (orig_f, res_f) = true_side, false_side
    if not strict:
        orig_t, orig_f = _unpack_singleton(orig_t), _unpack_singleton(orig_f)
    nest.assert_same_structure(orig_t, orig_f)
    check_branch_structures(orig_t, orig_f)
    if not res_t:
        raise ValueError("'true_fn' and 'false_fn' must return at least one result.")
    flat_t, flat_f = nest.flatten(res_t), nest.flatten(res_f)
    _cast_indices(nest.flatten(orig_t), nest.flatten(orig_f), flat_t, flat_f)
    for x, y in zip(flat_t, flat_f):
        if x.dtype.base_dtype is not y.dtype.base_dtype:
            raise ValueError("Outputs of 'true_fn' and 'false_fn' must have the same type(s). "
                             "Received %s from 'true_fn' and %s from 'false_fn'."
                             % (x.dtype.name, y.dtype.name))
    flush_all(default_graph()._frame().in_cf)
    region = Region(region_ops, keep_controls=True)
    inputs, edges = tuple(region.inputs), tuple(region.edges)
    spec = CondSpec(pred_id.op._inputs[0], inputs, Branch(tuple(flat_t), inputs, edges),
                    Branch(tuple(flat_f), inputs, edges),
                    own_controls(region, default_graph()._frame().in_cf),
                    variables=tuple(region.variables))
    merges = []
    for k, (f, t) in enumerate(zip(flat_f, flat_t)):
        m = _cf._merge([f, t], name="Merge")[0]
        m.op._cf = (spec, k)
        spec.exits.append(m.op)
        merges.append(m)
    spec.contexts.extend(contexts)
    for ctx in contexts:
        ctx.exit_ops = tuple(m.op for m in merges)
    results, k = [], 0
    for o in nest.flatten(orig_t):
        n = len(components(o)) if is_composite(o) else 1
        results.append(rebuild(o, merges[k:k + n]) if is_composite(o) else from_flow(o, merges[k]))
        k += n
    merges = nest.pack_sequence_as(orig_t, results)
    return merges if strict else _unpack_singleton(merges)


def _cast_indices(orig_t, orig_f, flat_t, flat_f):
    """TF's _cast_indexed_slice_indices: branches giving IndexedSlices whose indices differ in
    dtype give int64 indices (Casts after the branches, of the returned IndexedSlices and of
    the branch outputs `flat_*`, their components, which change in place)."""
    from scopeflow.ops.math_cast import cast
    pairs, k = [], 0
    for a, b in zip(orig_t, orig_f):
        if (isinstance(a, IndexedSlices) and isinstance(b, IndexedSlices)
                and a.indices.dtype.base_dtype is not b.indices.dtype.base_dtype):
            pairs.append((a, b, k + 1))
        k += len(components(a)) if is_composite(a) else 1
    for a, b, _ in pairs:
        a._indices, b._indices = cast(a.indices, _dt.int64), cast(b.indices, _dt.int64)
    for _, _, i in pairs:
        flat_t[i], flat_f[i] = cast(flat_t[i], _dt.int64), cast(flat_f[i], _dt.int64)


# ---- case -----------------------------------------------------------------------------------
def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """`tf.case`: the fn of the first true predicate (nested conds under 'case')."""
    preds, fns = _case_pairs(pred_fn_pairs)
    with _b.scope(name, "case", [preds]):
        if default is None:
            default, preds, fns = _case_default(preds, fns)
        fn = default
        for p, f in reversed(list(zip(preds, fns))):
            fn = functools.partial(cond, p, true_fn=f, false_fn=fn, strict=strict)
        if exclusive:
            g = default_graph()
            with g.control_dependencies([_at_most_n_true(preds, 1, "Input error: "
                                                                      "exclusive=True")]):
                return fn()
        return fn()


def _case_pairs(pairs):
    if not isinstance(pairs, (list, tuple, dict)):
        raise TypeError("'pred_fn_pairs' must be a list, tuple, or dict. Received: %s"
                        % type(pairs))
    if isinstance(pairs, dict):
        pairs = sorted(pairs.items(), key=lambda item: item[0].name)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in 'pred_fn_pairs' must be a 2-tuple. Received %s."
                            % (pair,))
        p, f = pair
        if isinstance(p, Tensor):
            if p.dtype is not _dt.bool:
                raise TypeError("pred must be Tensor of type bool: %s" % p.name)
        else:
            raise TypeError("pred must be a Tensor, got: %s" % p)
        if not callable(f):
            raise TypeError("fn for pred %s must be callable." % p.name)
    preds, fns = zip(*pairs)
    return preds, fns


def _case_default(preds, fns):
    """TF's default: the last pair's fn, asserting that its predicate holds."""
    from scopeflow.ops.checks import Assert
    from scopeflow.ops.joining import stack
    k = len(preds) - 1
    pred, fn = preds[k], fns[k]
    others, other_fns = preds[:k], fns[:k]

    def default_action():
        others_msg = ("Implementation error: selected default action #%d was called, but some "
                      "of other predicates are True: " % k)
        default_msg = ("Input error: None of conditions evaluated as True:",
                       stack(preds, name="preds_c"))
        g = default_graph()
        with g.control_dependencies([_at_most_n_true(others, 0, others_msg),
                                     Assert(pred, data=default_msg)]):
            return fn()

    return default_action, others, other_fns


def _at_most_n_true(preds, n, msg):
    from scopeflow.ops.checks import Assert
    from scopeflow.ops.constant import constant
    from scopeflow.ops.joining import stack
    from scopeflow.ops.math import cast, less_equal, reduce_sum
    preds_c = stack(list(preds), name="preds_c")
    num_true = reduce_sum(cast(preds_c, _dt.int32), name="num_true_conds")
    ok = less_equal(num_true, constant(n, name="n_true_conds"))
    names = ", ".join(getattr(p, "name", "?") for p in preds)
    data = ["%s: more than %d conditions (%s) evaluated as True:" % (msg, n, names), preds_c]
    return Assert(ok, data=data, summarize=len(preds))


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """`tf.while_loop`: repeats `body` while `cond`; results named 'while/Exit:0', ...

    >>> import scopeflow as tf
    >>> tf.while_loop(lambda i: i < 10, lambda i: i + 1, [tf.constant(0)]).name
    'while/Exit:0'
    """
    from scopeflow.ops.cf_while import build_loop
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    with _b.scope(name, "while", loop_vars):
        if not loop_vars:
            raise ValueError("'loop_vars' must be provided.")
        pack = len(loop_vars) == 1 and not return_same_structure
        limit = None
        if maximum_iterations is not None:
            cond, body, loop_vars, limit = _counted(cond, body, loop_vars, maximum_iterations,
                                                    pack)
            pack = False
            if shape_invariants is not None:
                shape_invariants = (TensorShape([]), shape_invariants)
        spec = LoopOptions(shape_invariants, parallel_iterations, back_prop, limit,
                           return_same_structure)
        result = build_loop(cond, body, loop_vars, spec)
        return result[1] if maximum_iterations is not None else result


@dataclasses.dataclass(frozen=True)
class LoopOptions:
    """The while_loop arguments that shape the loop op."""

    shape_invariants: object
    parallel_iterations: int
    back_prop: bool
    maximum_iterations: object  # the limit tensor (its static value bounds a scan), or None
    return_same_structure: bool


def _counted(cond, body, loop_vars, maximum_iterations, pack):
    """TF's rewrite of `maximum_iterations`: a counter joins the loop variables."""
    from scopeflow.ops.constant import constant
    limit = convert_to_tensor(maximum_iterations, name="maximum_iterations")
    if limit.shape.ndims != 0:
        raise ValueError("'maximum_iterations' must be a scalar. Received shape: %s"
                         % _b.shape_text(limit.shape))
    counter = constant(0, dtype=limit.dtype, name="iteration_counter")
    orig_cond, orig_body = cond, body
    from scopeflow.ops.math import logical_and
    if pack:
        def cond(i, lv):
            return logical_and(i < limit, orig_cond(lv))

        def body(i, lv):
            return i + 1, orig_body(lv)

        return cond, body, (counter, loop_vars[0]), limit

    def cond(i, lv):  # noqa: F811 - TF's two spellings
        return logical_and(i < limit, orig_cond(*lv))

    def body(i, lv):  # noqa: F811
        return i + 1, orig_body(*lv)

    return cond, body, (counter, loop_vars), limit
