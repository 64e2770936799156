"""Printing ops: `tf.Print` (Print), `tf.print` (PrintV2) and `tf.strings.format` (StringFormat).

All three are host ops: their values are summarised on the host between the compiled steps of
a run, as TF's kernels write them (`Tensor::SummarizeValue`; tf.print's numpy-like layout).
`tf.Print` passes its first input through and writes `message[v1][v2]...` to stderr, at most
`first_n` times per Session; `tf.print` in a graph returns the PrintV2 op, which prints when
run.

>>> import scopeflow as tf
>>> y = tf.Print(tf.constant([1.0, 2.0]), [tf.constant(3)], message="y: ")
>>> (y.op.type, y.name)
('Print', 'Print:0')
"""

import collections
import os
import pprint
import random
import sys
import threading
import time

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.tensor import Tensor
from scopeflow.lowering.stages import host_kernel
from scopeflow.ops import nest
from scopeflow.ops.constant import convert_to_tensor
from scopeflow.ops.queue_state import get_or_create
from scopeflow.ops.registry import ANY, op, same_as_first, spec
from scopeflow.ops.tensor_text import summarize_value, summarize_value_v2
from scopeflow.sparse_tensor import SparseTensor

__all__ = ["Print", "print_v2", "string_format"]


def _host_only():
    raise NotImplementedError("printing ops run on the host, not in a compiled program")


@op("Print", infer=same_as_first, lists=("data",), stateful=True,
    types={"input": ANY, "data": ANY})
def _print_op(input, data, *, message="", first_n=-1, summarize=3):
    _host_only()


@op("PrintV2", infer=lambda input, **attrs: [], stateful=True, types={"input": _dt.string})
def _print_v2_op(input, *, output_stream="stderr", end="\n"):
    _host_only()


@op("StringFormat", infer=lambda inputs, **attrs: spec((), _dt.string), lists=("inputs",),
    types={"inputs": ANY})
def _string_format_op(inputs, *, template="%s", placeholder="%s", summarize=3):
    _host_only()


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):
    """`tf.Print`: `input_` passed through; running it writes `message` and `data` to stderr.

    >>> import scopeflow as tf
    >>> tf.Print(tf.constant(1.0), []).op.get_attr("summarize")
    3
    """
    return _print_op(input_, list(data), name=name, message=message or "",
                     first_n=-1 if first_n is None else int(first_n),
                     summarize=3 if summarize is None else int(summarize))


class _Calls:
    """How often one Print op of a Session printed (TF's kernel counts for first_n)."""

    def __init__(self, name):
        self.count = 0
        self.lock = threading.Lock()


@host_kernel("Print")
def _print(ctx, op_, input_, *data):
    first_n = op_._attrs.get("first_n", -1)
    if first_n >= 0:
        calls = get_or_create(ctx, op_, _Calls)
        with calls.lock:
            if calls.count >= first_n:
                return [input_]
            calls.count += 1
    summarize = op_._attrs.get("summarize", 3)
    msg = op_._attrs.get("message", "") + "".join(
        "[%s]" % summarize_value(v, summarize) for v in data)
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()
    return [input_]


# ---- tf.strings.format, tf.print -------------------------------------------------------------
def string_format(template, inputs, placeholder="{}", summarize=3, name=None):
    """`tf.strings.format`: `template` with each `placeholder` replaced by a tensor's summary.

    >>> import scopeflow as tf
    >>> tf.strings.format("x={}", tf.constant(1)).op.type
    'StringFormat'
    """
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    if template.count(placeholder) != len(inputs):
        raise ValueError("The template expects %d tensors, but the inputs only has %d. Please "
                         "ensure the number of placeholders in template matches inputs length."
                         % (template.count(placeholder), len(inputs)))
    return _string_format_op(list(inputs), name=name, template=template,
                             placeholder=placeholder, summarize=summarize)


@host_kernel("StringFormat")
def _string_format(ctx, op_, *inputs):
    a = op_._attrs
    pieces = a["template"].encode().split(a["placeholder"].encode())
    out = [pieces[0]]
    for value, piece in zip(inputs, pieces[1:]):
        out += [summarize_value_v2(value, a.get("summarize", 3)).encode("latin-1"), piece]
    return [np.array(b"".join(out), dtype=object)]


@op("Timestamp", infer=lambda **attrs: spec((), _dt.float64), stateful=True)
def _timestamp_op():
    _host_only()


@host_kernel("Timestamp")
def _timestamp(ctx, op_):
    return [np.asarray(time.time(), np.float64)]


def timestamp(name=None):
    """`tf.timestamp`: the Timestamp op, the seconds since the epoch (float64) when it runs."""
    return _timestamp_op(name=name or "Timestamp")


_STREAMS = {"stdout": lambda: sys.stdout, "stderr": lambda: sys.stderr}


@host_kernel("PrintV2")
def _print_v2(ctx, op_, text):
    a = op_._attrs
    data = np.asarray(text, dtype=object).item() + a.get("end", "\n").encode()
    target = a.get("output_stream", "stderr")
    if target.startswith("file://"):
        with open(target[len("file://"):], "ab") as f:
            f.write(data)
        return []
    stream = _STREAMS.get(target, _STREAMS["stderr"])()
    stream.write(data.decode("utf-8", "backslashreplace"))
    stream.flush()
    return []


def _stream_name(stream):
    import logging
    if isinstance(stream, str) and stream.startswith("file://"):
        return stream
    if stream is sys.stdout:
        return "stdout"
    if stream is sys.stderr:
        return "stderr"
    levels = {logging.INFO: "log(info)", logging.info: "log(info)",
              logging.warning: "log(warning)", logging.warn: "log(warning)",
              logging.ERROR: "log(error)", logging.error: "log(error)"}
    try:
        return levels[stream]
    except (KeyError, TypeError):
        raise ValueError("Unsupported output stream, logging level, or file." + str(stream)
                         + ". Supported streams are sys.stdout, sys.stderr, tf.logging.info, "
                         "tf.logging.warning, tf.logging.error. File needs to be in the form "
                         "of 'file://<filepath>'.") from None


def _placeholder(text):
    """TF's placeholder: "{}" plus seeded random digits until it does not occur in `text`."""
    rng, out = random.Random(5), "{}"
    while out in text:
        out += str(rng.randint(0, 9))
    return out


def print_v2(*inputs, **kwargs):
    """`tf.print`: in a graph, the PrintV2 op writing `inputs` (tensors in TF's layout).

    >>> import scopeflow as tf
    >>> tf.print("x:", tf.constant([1, 2])).type
    'PrintV2'
    """
    stream = _stream_name(kwargs.pop("output_stream", sys.stderr))
    name = kwargs.pop("name", None)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", os.linesep)
    if kwargs:
        raise ValueError("Unrecognized keyword arguments for tf.print: %s" % kwargs)
    if (len(inputs) == 1 and isinstance(inputs[0], Tensor) and inputs[0].shape.ndims == 0
            and inputs[0].dtype.base_dtype is _dt.string):
        text = inputs[0]
    else:
        template, tensors = _template(inputs, sep)
        text = string_format(template[0], tensors, placeholder=template[1],
                             summarize=summarize, name=name and name + "_format")
    return _print_v2_op(text, name=name, output_stream=stream, end=end)


def _template(inputs, sep):
    """((template, placeholder), tensors) of tf.print's arguments, as TF builds them."""
    inputs = [collections.OrderedDict(sorted(x.items()))
              if isinstance(x, collections.OrderedDict) else x for x in inputs]
    free = nest.map_structure(lambda x: "" if _is_tensor(x) else x, inputs)
    placeholder = _placeholder(" ".join(pprint.pformat(x) for x in free))
    templates, tensors = [], []
    for x in inputs:
        marks = []
        for leaf in nest.flatten(x):
            if isinstance(leaf, SparseTensor):
                tensors += [leaf.indices, leaf.values, leaf.dense_shape]
                marks.append(f"SparseTensor(indices={placeholder}, values={placeholder}, "
                             f"shape={placeholder})")
            elif _is_tensor(leaf):
                tensors.append(convert_to_tensor(leaf))
                marks.append(placeholder)
            else:
                marks.append(leaf)
        templates.append(x if isinstance(x, str)
                         else pprint.pformat(nest.pack_sequence_as(x, marks)))
    template = sep.join(templates).replace("'" + placeholder + "'", placeholder)
    return (template, placeholder), tensors


def _is_tensor(x):
    return isinstance(x, (Tensor, SparseTensor)) or hasattr(x, "_as_graph_element")
