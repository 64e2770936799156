"""Host ops: ops that run in Python on the host, between the compiled stages of a Session.run.

Input pipelines (tf.data iterators, queues, readers), `tf.py_func`, string parsing and ops
whose output shape depends on values (boolean_mask, unique, ...) cannot be one XLA program.
Their op types register a host kernel here; the op itself is still built with
`registry.op(...)` (its shape rule and attrs), and its JAX kernel is never called.

    @host_kernel("QueueDequeueV2")
    def _dequeue(ctx, op, handle):
        return ctx.resource(op.inputs[0]).dequeue(...)   # one value per output of `op`

A run whose slice holds host ops is split into steps (`HostPlan`): a compiled program
computes the inputs of the host ops that are ready, the host ops run on those values (numpy
arrays; strings as object arrays of bytes; resources and variants as any Python object), and
their outputs are fed to the next step, until the fetches are computed. A tensor computed in
one step and used in a later one is carried as a feed, so every op runs once per run.
"""

HOST_KERNELS = {}  # op type -> fn(ctx, op, *input values) -> sequence of output values


def host_kernel(op_type):
    """Registers the host function of `op_type`: `fn(ctx, op, *inputs) -> outputs`."""

    def deco(fn):
        HOST_KERNELS[op_type] = fn
        return fn

    return deco


def is_host_op(op):
    return op._type in HOST_KERNELS


class HostContext:
    """What a host kernel may use: the Session, its resources, and nested runs.

    `resources` is a dict owned by the Session (one per Session, as TF's resource manager):
    queues, iterators, readers keep their state there, keyed as the kernel chooses (usually
    the op that creates the resource). Objects in it with a `session_closed()` method have it
    called when the Session closes (TF cancels blocked queue ops then).
    """

    def __init__(self, session):
        self.session = session

    @property
    def resources(self):
        return self.session._resources


class HostPlan:
    """The steps of a run whose slice holds host ops: ("compiled", Program) and ("host", op).

    Built from the graph alone (no values): the first host op of the remaining slice (in
    execution order, so none of its dependencies is a host op) gets a compiled step for its
    inputs, unless they are known; tensors that step computes and later steps use (boundary
    tensors) are fetched with them and fed onwards, and its ops count as done.
    """

    def __init__(self, graph, tensors, ops, fed):
        from scopeflow.lowering import cache
        from scopeflow.lowering.slice import backward_slice, is_variable_op

        self.steps = []
        known = list(fed)
        known_set = set(fed)
        done = set()
        targets = [t for t in tensors if t not in known_set] + list(ops)
        while True:
            order = backward_slice(targets, known_set, done)
            host = next((op for op in order if op._type in HOST_KERNELS), None)
            if host is None:
                if order:
                    self._compiled(cache, graph, [t for t in tensors if t not in known_set],
                                   [op for op in ops if op not in done], known, done)
                return
            pre = backward_slice(list(host._inputs) + list(host._control_inputs),
                                 known_set, done)
            if pre:
                pre_set = set(pre)
                later = [op for op in order if op not in pre_set]
                need = [t for t in host._inputs if t not in known_set]
                seen = set(need)
                for op in later:  # boundary tensors: made now, used later
                    for t in op._inputs:
                        if (t._op in pre_set and t not in seen and not t._dtype._is_ref_dtype):
                            seen.add(t)
                            need.append(t)
                self._compiled(cache, graph, need,
                               [c for c in host._control_inputs if c not in done], known, done)
                known.extend(need)
                known_set.update(need)
                done.update(op for op in pre if not is_variable_op(op))
            self.steps.append(("host", host))
            known.extend(host._outputs)
            known_set.update(host._outputs)
            done.add(host)

    def _compiled(self, cache, graph, tensors, ops, known, done):
        prog = cache.program(graph, tensors, ops, list(known), frozenset(done))
        if prog.host:  # cannot happen: the first host op of a slice is always staged
            raise AssertionError("host op left in a compiled step")
        self.steps.append(("compiled", prog))
