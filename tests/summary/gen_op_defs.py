"""Regenerates scopeflow/summary/op_defs.json from TF's op registry (run with TF's Python).

    /tmp/tf/bin/python tests/summary/gen_op_defs.py
    /tmp/tf/bin/python tests/summary/gen_op_defs.py --only OUT.json TYPE...   # listed types

Per op type: input args, output args ("name:T", "name:N*T", "name:[Tlist]", "&ref:T",
"name:int32" for fixed types) and attrs ("T=type", or [name, type, default]). Ops that TF1
graphs built here cannot contain (TPU, XLA, datasets, quantized, ...) are left out.
"""

import json
import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SKIP = re.compile(
    r"^(Tpu|TPU|Xla|_|Experimental|Dataset|.*Dataset|Quantize|Quantized|Mkl|Cudnn|Collective|"
    r"Iterator|Tensor(List|Array)|Boosted|Enqueue|Dequeue|Tfrt|Rpc|Ragged|Stateless|Stateful|"
    r"Uniform|Sdca|Cs|Dtensor|Kmc|Global|DebugNumeric|Ref|Fake|Snapshot|Load|Retrieve|Generate|"
    r"Lookup|Initialize|Mutable|Hash|Anonymous|Dynamic|Sobol|Fused|Conv3D|Barrier|"
    r"Batch(Function|Matrix)|Record|Recv|Send|Fixed|Thread|Random(Dataset|Gamma|Poisson|Shuffle)|"
    r".*Queue|.*Reader|Zip|Stats|Optimize|Map|Scan|Parallel|Prefetch|Shard|Shuffle|Skip|Sql|"
    r"Take|Text|TFRecord|Unbatch|Unique(Dataset)|Window|Write|Summary|Audio|Image|Decode|Encode|"
    r"Sparse|.*Grad$)")
KEEP = {
    "ParallelConcat",
    "Assign", "AssignAdd", "AssignSub", "ScatterUpdate", "ScatterAdd", "ScatterSub", "RefSwitch",
    "RefMerge", "RefIdentity", "RefEnter", "RefExit", "RefNextIteration", "SparseToDense",
    "SparseSoftmaxCrossEntropyWithLogits", "ScalarSummary", "HistogramSummary", "MergeSummary",
    "ImageSummary", "AudioSummaryV2", "TensorSummaryV2", "WriteScalarSummary", "DecodeRaw",
    "EncodeBase64", "SparseTensorDenseMatMul", "LookupTableFindV2", "HashTableV2", "SparseAdd",
    "SparseReshape", "BiasAddGrad", "ReluGrad", "SigmoidGrad", "TanhGrad",
    "BroadcastGradientArgs", "SoftmaxCrossEntropyWithLogits", "RandomGamma", "RandomPoisson",
    "RandomPoissonV2", "RandomShuffle", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3",
    "FusedBatchNorm", "FusedBatchNormV3", "DynamicStitch", "DynamicPartition",
    "StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
    "StatelessMultinomial", "StatefulPartitionedCall", "FixedUnigramCandidateSampler", "Conv3D",
    "SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename", "StringJoin", "Snapshot",
    "RandomUniformInt", "RandomStandardNormal", "FakeQuantWithMinMaxArgs", "LoopCond",
    "TensorArrayV3", "TensorArrayReadV3", "TensorArrayWriteV3", "TensorArrayGatherV3",
    "TensorArrayScatterV3", "TensorArraySizeV3", "TensorArrayGradV3", "SparseSoftmax",
    "SparseDenseCwiseAdd", "SparseSegmentSum", "SparseSegmentMean", "SparseSegmentSqrtN",
    "SparseSlice", "SparseSliceGrad", "SparseConcat", "SparseSegmentSumGrad",
    "SparseSegmentMeanGrad", "SparseSegmentSqrtNGrad", "SparseSegmentSumGradV2",
    "SparseSegmentMeanGradV2", "SparseSegmentSqrtNGradV2"}


def _arg(a, type_names):
    kind = a.type_attr or ("[%s]" % a.type_list_attr if a.type_list_attr else
                           type_names.get(a.type, str(a.type)))
    return "%s%s:%s%s" % ("&" if a.is_ref else "", a.name,
                          a.number_attr + "*" if a.number_attr else "", kind)


def _default(attr):
    if not attr.HasField("default_value"):
        return None
    v = attr.default_value
    kind = v.WhichOneof("value")
    if kind in ("tensor", "func"):
        return None
    if kind == "list":
        for f in ("s", "i", "f", "b", "type", "shape"):
            vals = list(getattr(v.list, f))
            if vals:
                if f == "s":
                    return [x.decode() for x in vals]
                if f == "shape":
                    return [None if s.unknown_rank else [d.size for d in s.dim] for s in vals]
                return vals
        return []
    if kind == "s":
        return v.s.decode()
    if kind == "shape":
        return None if v.shape.unknown_rank else [d.size for d in v.shape.dim]
    return getattr(v, kind)


def main(only=None, out_name="op_defs.json"):
    import tensorflow as tf
    from tensorflow.python.framework import op_def_registry
    type_names = {d.as_datatype_enum: d.name for d in
                  (tf.float32, tf.float64, tf.int32, tf.uint8, tf.int16, tf.int8, tf.string,
                   tf.complex64, tf.int64, tf.bool, tf.bfloat16, tf.uint16, tf.complex128,
                   tf.float16, tf.resource, tf.variant, tf.uint32, tf.uint64)}
    out = {}
    for name in sorted(n for n in dir(tf.raw_ops) if not n.startswith("_")):
        if (only is not None and name not in only) or (
                only is None and SKIP.match(name) and name not in KEEP):
            continue
        od = op_def_registry.get(name)
        if od is None:
            continue
        attrs = []
        for a in od.attr:
            d = _default(a) if a.HasField("default_value") else None
            has = a.HasField("default_value") and a.default_value.WhichOneof("value") not in (
                "tensor", "func")
            attrs.append([a.name, a.type, d] if has else "%s=%s" % (a.name, a.type))
        out[name] = [" ".join(_arg(a, type_names) for a in od.input_arg),
                     " ".join(_arg(a, type_names) for a in od.output_arg), attrs]
    path = os.path.join(os.path.dirname(__file__), "..", "..", "scopeflow", "summary",
                        out_name)
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(len(out), "op types")


if __name__ == "__main__":
    import sys
    if sys.argv[1:2] == ["--only"]:
        main(set(sys.argv[3:]), sys.argv[2])
    else:
        main()
