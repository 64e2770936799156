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
