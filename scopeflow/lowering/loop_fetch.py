"""Fetching a value from inside an imported while loop, with TF's outcome.

TF's executor hands a fetched tensor to the caller each time its op runs: a value made inside
a loop's frame is returned when the op ran exactly once, else the run fails ("Retval[k] does
not have value" when it never ran, "Retval[k] has already been set." when it ran again). The
importer notes which ops of an outermost loop's frame compute its condition (they run once
more than the body) and which its body (`cf_spec.INSIDE`); here such a fetch runs the loop for
its trip count and computes the value from the loop's initial values, as its first run did.

>>> import scopeflow as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     _ = tf.while_loop(lambda i: i < 1, lambda i: i + 1, [0])
>>> with tf.Graph().as_default() as h, tf.Session() as s:
...     tf.import_graph_def(g.as_graph_def(), name="")
...     print(s.run("while/add:0"))
1
"""

from scopeflow.errors import InternalError, InvalidArgumentError
from scopeflow.ops.cf_spec import INSIDE


def loop_fetches(tensors):
    """{fetched tensor: (loop spec, "cond" | "body")} for the tensors inside imported loops."""
    out = {}
    for t in tensors:
        rec = INSIDE.get(t._op)
        if rec is not None and (rec[1] == "body" or t._op._type not in _MERGES
                                or t._value_index == 0):
            out[t] = rec
    return out


_MERGES = frozenset(("Merge", "RefMerge"))


def targets(tensors, fetches):
    """What the run slices from: the other fetches, and each fetched loop's first Exit op."""
    loops = list(dict.fromkeys(spec for spec, _ in fetches.values()))
    return [t for t in tensors if t not in fetches] + [spec.exits[0] for spec in loops]


def fetch_value(ctx, env, t, rec, k):
    """The value of fetched tensor `t` (the k-th fetch) after its loop ran (`env[spec]`)."""
    from scopeflow.ops.cf_run import _sub
    spec, side = rec
    values = [env[x] for x in spec.inputs]
    init = [values[p] for p in spec.init_pos]
    cut = spec.cond_cut if side == "cond" else spec.body_cut
    fn = _sub(spec, ("fetch", t), [t], list(cut) + list(spec.inputs), spec.skip)
    value = fn(ctx, *(init + values))[0]
    trips = ctx.loop_trips[spec]
    runs = trips + 1 if side == "cond" else trips
    ctx.op = _Retval(None)
    ctx.check(runs >= 1, InvalidArgumentError, "Retval[%d] does not have value" % k)
    ctx.op = _Retval("_retval_%s_%d_%d" % (t._op._name, t._value_index, k))
    ctx.check(runs <= 1, InternalError, "Retval[%d] has already been set." % k)
    return value


def trimmed(ctx, t, value):
    """A fetched Exit value of a loop's IndexedSlices accumulator, as TF fetches it (a host
    value): the rows it appended, without the zero rows before them in the buffer of fixed
    size that cf_run._fixed_rows keeps; the dense shape it started from where the loop ran no
    iteration. Other values as they are."""
    from scopeflow.lowering.host import HostValue
    cf = t._op._cf if t._op._type in ("Exit", "RefExit") else None
    got = ctx.row_trims.get(cf[0]) if cf is not None else None
    if got is None or cf[0].exit_outs[cf[1]] not in cf[0].exit_cut:
        return value
    fixes, trips = got
    fix = fixes.get(cf[0].exit_cut.index(cf[0].exit_outs[cf[1]]))
    return value if fix is None else HostValue(fix, (value, trips))


class _Retval:
    """TF's `_retval_<op>_<output>_<k>` node (None: TF's message names no node)."""

    _graph = None
    traceback = ()

    def __init__(self, name):
        self._name = name
