"""Regenerates scopeflow/lowering/cpu_kernels.json from TF's kernel registry (run with TF's Python).

    .venv-tf/bin/python tests/lowering/gen_cpu_kernels.py

Per op type whose only attr is its type `T` and whose op_def admits a (non-quantized) type that
TF's CPU has no kernel for (RealDiv on ints, Reciprocal on ints, Round on int8, ...): the CPU
types, and the registered-kernel lines of TF's "No OpKernel was registered" message.
"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tensorflow.core.framework import types_pb2  # noqa: E402
from tensorflow.python.framework import kernels, op_def_registry  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "scopeflow", "lowering", "cpu_kernels.json")
QUANTIZED = ("DT_QINT", "DT_QUINT")
# ops with other attrs besides their type `T` (signatures in op_defs_<area>.json)
TYPED = ("QuantizeAndDequantizeV2", "QuantizeAndDequantizeV3", "QuantizeAndDequantizeV4",
         "QuantizeAndDequantizeV4Grad")


def _entry(name):
    od = op_def_registry.get(name)
    if name in TYPED:
        attr = [a for a in od.attr if a.name == "T"][0]
    elif od is None or len(od.attr) != 1 or od.attr[0].type != "type":
        return None
    else:
        attr = od.attr[0]
    allowed = {types_pb2.DataType.Name(t) for t in attr.allowed_values.list.type}
    lines, cpu = [], set()
    for k in kernels.get_registered_kernels_for_op(name).kernel:
        types = [types_pb2.DataType.Name(t) for c in k.constraint if c.name == attr.name
                 for t in c.allowed_values.list.type]
        if not types:
            return None  # a kernel for every type
        lines.append("  device='%s'; %s in [%s]" % (k.device_type, attr.name, ", ".join(types)))
        if k.device_type == "CPU":
            cpu.update(types)
    missing = {t for t in allowed - cpu if not t.startswith(QUANTIZED)}
    if not missing or not cpu:
        return None
    return {"attr": attr.name, "cpu": sorted(t[3:] for t in cpu), "kernels": lines}


def main():
    ours = json.load(open(os.path.join(HERE, "..", "..", "scopeflow", "summary", "op_defs.json")))
    table = {name: e for name in sorted(set(ours) | set(TYPED))
             if (e := _entry(name)) is not None}
    with open(OUT, "w") as f:
        json.dump(table, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%d op types -> %s" % (len(table), OUT))


if __name__ == "__main__":
    main()
