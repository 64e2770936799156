"""Which op and dtype pairs TF's CPU has a kernel for: a run that needs a missing one fails
before compiling, with TF's error, never with a JAX error or a value TF would not give.

`cpu_kernels.json` (made from TF's kernel registry by tests/lowering/gen_cpu_kernels.py) holds
the op types whose op_def admits a type the CPU kernels lack (RealDiv and Reciprocal on
integers, Round on int8, Cholesky on half, ...); quantized values have no kernels here at all.
"""

import functools
import json
import os

from tensorboard.compat.proto import types_pb2

from scopeflow.errors import InvalidArgumentError, UnimplementedError
from scopeflow.lowering.context import run_error

# Ops that hold or pass quantized values along, or have kernels for them (ops/quantize.py,
# ops/quantized_math.py).
_CARRY_QUANTIZED = frozenset({"Const", "Placeholder", "PlaceholderWithDefault", "Identity",
                              "QuantizeV2", "Dequantize", "Requantize", "RequantizationRange",
                              "QuantizeDownAndShrinkRange", "QuantizedRelu", "QuantizedRelu6",
                              "QuantizedReluX", "QuantizedMatMul", "QuantizedBiasAdd",
                              "QuantizedAdd", "QuantizedMul", "QuantizedReshape",
                              "QuantizedConcat", "QuantizedAvgPool", "QuantizedMaxPool",
                              "QuantizedConv2D", "QuantizedInstanceNorm"})


@functools.lru_cache(maxsize=1)
def _cpu_kernels():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cpu_kernels.json")
    with open(path) as f:
        return json.load(f)


def check_kernels(order):
    """Raises TF's error for the first op of `order` with no CPU kernel for its dtypes, the
    ops inside its conds' branches and loops' bodies included (TF places them all before it
    runs any: a branch not taken fails the run too)."""
    table = _cpu_kernels()
    for op in _with_constructs(order):
        _no_quantized_kernel(op)
        entry = table.get(op._type)
        if entry is not None:
            _no_missing_kernel(op, entry)


def _with_constructs(order):
    """The ops of `order`, then those its conds and loops run (cf_spec `subs`), nested ones
    too, each construct once."""
    from scopeflow.ops.cf_run import sub_order
    yield from order
    seen = set()
    todo = [op._cf[0] for op in order if op._cf is not None]
    while todo:
        spec = todo.pop()
        if id(spec) in seen or not hasattr(spec, "subs"):
            continue
        seen.add(id(spec))
        for owner, _, outputs, inputs, skip in spec.subs():
            for op in sub_order(owner, outputs, inputs, skip):
                yield op
                if op._cf is not None:
                    todo.append(op._cf[0])


def _no_quantized_kernel(op):
    """Quantized values (qint8, quint8, ...) are computed on only by the quantization ops."""
    if op._type in _CARRY_QUANTIZED:
        return
    for t in list(op._inputs) + list(op._outputs):
        if t._dtype.base_dtype.is_quantized:
            raise run_error(UnimplementedError, op, "scopeflow has no kernel for %s on "
                            "quantized values (%s)" % (op._type, t._dtype.base_dtype.name))


def _no_missing_kernel(op, entry):
    try:
        dtype = op.get_attr(entry["attr"])  # derived from the inputs: read as TF's NodeDef has it
    except ValueError:
        return
    if dtype.base_dtype.is_quantized:
        return
    name = types_pb2.DataType.Name(dtype.base_dtype.as_datatype_enum)
    if name[3:] in entry["cpu"]:
        return
    raise run_error(InvalidArgumentError, op,
                    "No OpKernel was registered to support Op '%s' used by {{node %s}} with "
                    "these attrs: [%s=%s]\nRegistered devices: [CPU]\nRegistered kernels:\n%s\n"
                    % (op._type, op._name, entry["attr"], name, "\n".join(entry["kernels"])))
