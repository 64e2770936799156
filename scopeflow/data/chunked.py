"""Map functions run over chunks of elements: a function that parses its one string argument
with `parse_single_example` (dense features) and returns the parsed values runs as one
ParseExampleV2 over up to 64 records, then hands out the rows one by one.

The values are those of the per-element function; a chunk that fails (a record the batched
parse rejects) is parsed again element by element, so errors come at the element, with the
per-element wording, as before. Only the source is read ahead (by the chunk).

>>> import scopeflow as tf
>>> from scopeflow.data.functions import trace
>>> from scopeflow.data.structure import TensorSpec
>>> f = trace(lambda r: tf.parse_single_example(r, {"a": tf.FixedLenFeature([], tf.int64,
...                                                  default_value=7)})["a"],
...           TensorSpec([], tf.string))
>>> run = plan(f)
>>> [int(row[0]) for row in run([(b"",), (b"",)])]
[7, 7]
"""

import collections

import numpy as np

from scopeflow import errors
from scopeflow.lowering.slice import backward_slice
from scopeflow.lowering.stages import HOST_KERNELS, HostContext
from scopeflow.ops.registry import REGISTRY

CHUNK = 64


def plan(fn):
    """`run(elements) -> rows` for the traced function `fn`, or None when it does not fit."""
    if fn._placeholders or any(fn.in_sparse) or any(fn.out_sparse) or len(fn.args) != 1:
        return None
    arg = fn.args[0]
    if arg.dtype.name != "string" or arg.shape.ndims != 0:
        return None
    parse, picks = None, []
    for t in fn.outputs:
        while t._op._type == "Identity" and not t._op._control_inputs:
            t = t._op._inputs[0]
        if t is arg:
            picks.append(None)
            continue
        op = t._op
        if op._type != "ParseExampleV2" or (parse is not None and op is not parse):
            return None
        parse = op
        first_dense = 3 * op._attrs["num_sparse"]
        if t._value_index < first_dense:
            return None
        picks.append(t._value_index)
    if parse is None or parse._inputs[0] is not arg or parse._control_inputs:
        return None
    rest = list(parse._inputs[1:])
    for op in backward_slice(rest):
        if op._type in HOST_KERNELS or op._type.startswith("Placeholder") or (
                op._type in REGISTRY and REGISTRY[op._type].stateful):
            return None
    return _Run(fn, parse, rest, picks)


class _Run:
    def __init__(self, fn, parse, rest, picks):
        self.fn, self.parse, self.rest, self.picks = fn, parse, rest, picks
        self.consts = None
        self.kernel = HOST_KERNELS["ParseExampleV2"]

    def __call__(self, elements):
        """Rows (tuples) of the function's values for `elements`; None if the chunk fails."""
        session = self.fn.program().session
        if self.consts is None:
            from scopeflow.data.executor import Program
            self.consts = Program(session, self.rest, [])([])
        records = np.empty(len(elements), dtype=object)
        records[:] = [_item(e[0]) for e in elements]
        try:
            outs = self.kernel(HostContext(session), self.parse, records, *self.consts)
        except errors.OpError:
            return None
        cols = [None if k is None else outs[k] for k in self.picks]
        return [tuple(e[0] if c is None else c[i, ...] for c in cols)
                for i, e in enumerate(elements)]


def _item(x):
    return x.item() if isinstance(x, np.ndarray) else x


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


class ChunkedMapIterator:
    """The iterator of a Map whose function runs over chunks (`run`), `fn` per element when a
    chunk fails; an error (of the source or of `fn`) is raised at its element, and the next
    call goes on after it, as the per-element iterator does."""

    __slots__ = ("buf", "done", "fn", "run", "source")

    def __init__(self, source, fn, run):
        self.source, self.fn, self.run = source, fn, run
        self.buf = collections.deque()
        self.done = False

    def __iter__(self):
        return self

    def __next__(self):
        buf = self.buf
        if not buf:
            self._fill()
            if not buf:
                raise StopIteration
        item = buf.popleft()
        if type(item) is _Failed:
            raise item.error
        return item

    def left(self):
        from scopeflow.data.host import left_of
        buf = self.buf
        if any(type(x) is _Failed for x in buf):
            return None
        if self.done:
            return len(buf)
        more = left_of(self.source)
        return None if more is None else more + len(buf)

    def _fill(self):
        if self.done:
            return
        els, failed = [], None
        for _ in range(CHUNK):
            try:
                els.append(next(self.source))
            except StopIteration:
                self.done = True
                break
            except Exception as e:  # noqa: BLE001 - raised at its place in the stream
                failed = _Failed(e)
                break
        rows = self.run(els) if els else []
        if rows is None:
            rows = []
            for el in els:
                try:
                    rows.append(self.fn(el))
                except Exception as e:  # noqa: BLE001 - raised at its element
                    rows.append(_Failed(e))
        self.buf.extend(rows)
        if failed is not None:
            self.buf.append(failed)
