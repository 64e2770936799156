"""Cross-process collectives: TF's CollectiveReduceV2 op on JAX's distributed runtime.

The op is TF's (inputs, attrs, name), so the graph stays one TF can hold. It runs on the host
between the compiled stages of a run (`lowering/stages.py`): its value goes into one jitted
`psum` over a mesh of one JAX device per process (gloo collectives on CPU), so every process
of the group must run the same sequence of collectives with the same shapes, as TF requires.
With no distributed Server the group is this process alone and the op passes its value on.

>>> import scopeflow as tf
>>> t = all_reduce(tf.constant([1.0, 3.0]), 1, 1, 1, "Add", "Div")
>>> t.op.type, tf.Session().run(t).tolist()
('CollectiveReduceV2', [1.0, 3.0])
"""

import functools

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow import errors
from scopeflow.lowering.context import run_error
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops.registry import op, same_as_first


def _host_only(input, group_size, group_key, instance_key, *, T=None, merge_op, final_op,
               communication_hint="auto", timeout_seconds=0.0, Nordering_token=0,
               max_subdivs_per_device=-1):
    raise NotImplementedError("CollectiveReduceV2 runs on the host, not in a compiled program")


_reduce_op = op("CollectiveReduceV2", infer=same_as_first, stateful=True,
                types={"group_size": _dt.int32, "group_key": _dt.int32,
                       "instance_key": _dt.int32})(_host_only)


def all_reduce(t, group_size, group_key, instance_key, merge_op="Add", final_op="Id",
               name=None):
    """TF's `collective_ops.all_reduce`: `t` reduced over the `group_size` processes."""
    if group_size < 1:
        raise ValueError("Parameter `group_size` to all_reduce must be at least 1. Received: "
                         "%d." % group_size)
    return _reduce_op(t, np.int32(group_size), np.int32(group_key), np.int32(instance_key),
                      merge_op=merge_op, final_op=final_op, communication_hint="auto",
                      timeout_seconds=0.0, Nordering_token=0, max_subdivs_per_device=-1,
                      name=name or "CollectiveReduceV2")


@host_kernel("CollectiveReduceV2")
def _run(ctx, op_, value, group_size, group_key, instance_key):
    merge, final = op_._attrs["merge_op"], op_._attrs["final_op"]
    n = int(group_size)
    have = process_count()
    if n != have:
        raise run_error(errors.InvalidArgumentError, op_,
                        "Collective group_size is %d but %d process(es) of a tf.train.Server "
                        "cluster run this program: each process runs one member of the group. "
                        "Start one process per worker task." % (n, have))
    if merge != "Add":
        raise run_error(errors.UnimplementedError, op_,
                        "CollectiveReduceV2 with merge_op %r: scopeflow reduces with Add only"
                        % merge)
    value = np.asarray(value)
    out = cross_process_sum([value])[0] if n > 1 else value
    if final == "Div":
        out = (out / n).astype(value.dtype) if value.dtype.kind in "fc" else out // n
    return [out]


def process_count():
    """How many processes share collectives: JAX's process count under a distributed Server,
    else 1 (a plain program never touches JAX's distributed state)."""
    from scopeflow.train import server
    if server.active() is None:
        return 1
    import jax
    return jax.process_count()


def cross_process_sum(values):
    """[sum over every process of values[i]]: NumPy arrays in, NumPy arrays out, one psum per
    dtype (the arrays of one dtype travel packed in one flat vector)."""
    by_dtype = {}
    for i, v in enumerate(values):
        by_dtype.setdefault(v.dtype, []).append(i)
    out = [None] * len(values)
    for idx in by_dtype.values():
        flat = np.concatenate([values[i].reshape(-1) for i in idx]) if idx else None
        total = _psum(flat)
        at = 0
        for i in idx:
            size = values[i].size
            out[i] = total[at:at + size].reshape(values[i].shape)
            at += size
    return out


def _psum(flat):
    import jax
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    from scopeflow.lowering.lower import x64
    mesh = _mesh()
    with x64():
        local = jax.device_put(flat[None], jax.local_devices()[0])
        glob = jax.make_array_from_single_device_arrays(
            (mesh.size,) + flat.shape, NamedSharding(mesh, P("p")), [local])
        summed = _summer(mesh)(glob)
        return np.asarray(summed.addressable_shards[0].data)[0]


@functools.cache
def _mesh():
    """A 1-D mesh over the first JAX device of each process, in process order."""
    import jax
    from jax.sharding import Mesh
    first = {}
    for d in jax.devices():
        first.setdefault(d.process_index, d)
    return Mesh(np.array([first[p] for p in sorted(first)]), ("p",))


@functools.cache
def _summer(mesh):
    import jax
    from jax.sharding import PartitionSpec as P
    return jax.jit(jax.shard_map(lambda x: jax.lax.psum(x, "p"), mesh=mesh,
                                 in_specs=P("p"), out_specs=P("p")))
