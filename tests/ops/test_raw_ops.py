"""tf.raw_ops against TF: keyword-only calls with TF's argument names (api_def renames too),
names, defaults of attrs, namedtuple outputs, TF's TypeErrors; every registered op type has
TF's parameter list."""

import pytest

from oracle import ORACLE_HELPERS, run_here

CALLS = ORACLE_HELPERS + (
    "R = tf.raw_ops\n"
    "def show(f):\n"
    "    try:\n"
    "        r = f()\n"
    "    except Exception as e:\n"
    "        return [type(e).__name__, str(e)]\n"
    "    rs = r if isinstance(r, (list, tuple)) else [r]\n"
    "    return [type(r).__name__, [[t.name, t.shape, t.dtype.name] if hasattr(t, 'shape')"
    " else [t.name, t.type] for t in rs]]\n"
    "result = [show(f) for f in (\n"
    "    lambda: R.AddV2(1., 2.), lambda: R.AddV2(x=1.), lambda: R.MatMul(a=1.),\n"
    "    lambda: R.AddV2(x=1., y=2., z=3), lambda: R.AddV2(x=1., y=2.),\n"
    "    lambda: R.AddV2(x=1., y=2., name='foo'), lambda: R.AddV2(x=1., y=2., name='foo'),\n"
    "    lambda: R.MatMul(a=[[1.]], b=[[2.]], transpose_a=True),\n"
    "    lambda: R.ConcatV2(values=[[1.], [2.]], axis=0),\n"
    "    lambda: R.Reshape(tensor=[1., 2.], shape=[2, 1]), lambda: R.Const(value=1, dtype=tf.int32),\n"
    "    lambda: R.Cast(x=1.), lambda: R.Cast(x=1., DstT='foo'), lambda: R.Cast(x=1, DstT=tf.float64),\n"
    "    lambda: R.Unpack(value=[[1., 2.]], num=1), lambda: R.Split(axis=0, value=[1., 2.], num_split=2),\n"
    "    lambda: R.IdentityN(input=[1., 2]), lambda: R.Sum(input=[1., 2.], axis=0, keep_dims=True),\n"
    "    lambda: R.Sum(input=[1., 2.], reduction_indices=0), lambda: R.Relu(features=[-1.]),\n"
    "    lambda: R.Pack(values=[1., 2.], axis=0), lambda: R.ShapeN(input=[[1.], [2., 3.]]),\n"
    "    lambda: R.RandomUniform(shape=[2], dtype=tf.float32, seed=3), lambda: R.RandomUniform(shape=[2]),\n"
    "    lambda: R.Unique(x=[1, 1, 2]), lambda: R.TopKV2(input=[1., 3., 2.], k=2),\n"
    "    lambda: R.Conv2D(input=tf.ones([1, 2, 2, 1]), filter=tf.ones([1, 1, 1, 1]),"
    " strides=[1, 1, 1, 1], padding='SAME'),\n"
    "    lambda: R.Roll(input=[1, 2, 3], shift=1, axis=0),\n"
    "    lambda: R.Placeholder(dtype=tf.float32),\n"
    "    lambda: R.NoOp(), lambda: R.Abs(x=[-1.]),\n"
    "    lambda: tf.dynamic_partition([1., 2.], tf.constant([0, 1], tf.int64), 2),\n"
    "    lambda: tf.where(tf.constant([1, 0]), [1., 2.], [3., 4.]),\n"
    "    lambda: tf.where_v2(tf.constant([1., 0.]), [1., 2.], [3., 4.]),\n"
    "    lambda: R.MatrixDiagV3(diagonal=[1., 2.], k=tf.constant(0, tf.int64), num_rows=-1,"
    " num_cols=-1, padding_value=0.))]\n"
    "result.append([R.AddV2.__name__, R.Sum.__name__, R.Abs.__name__])\n"
    "result.append(R.AddN(inputs=[1., 2.]).op.get_attr('N'))\n")


@pytest.mark.oracle
def test_raw_op_calls_match_tf(oracle):
    here, there = run_here(CALLS), oracle(CALLS)
    assert "ok" in there, there
    assert here == there


SIGNATURES = (
    "import inspect\n"
    "result = {t: [getattr(tf.raw_ops, t).__name__, [[p.name, p.default is p.empty]"
    " for p in inspect.signature(getattr(tf.raw_ops, t)).parameters.values()]]"
    " for t in TYPES if hasattr(tf.raw_ops, t)}\n")


@pytest.mark.oracle
def test_every_registered_op_has_tfs_parameters(oracle):
    from scopeflow.ops.raw_ops import RAW_OPS, signature
    types = [t for t in dir(RAW_OPS)]
    # (TF 2's raw_ops module: the compat.v1 one holds the same functions)
    code = "TYPES = %r\n" % types + SIGNATURES
    there = oracle("import tensorflow as _tf2\n" + code.replace("tf.raw_ops", "_tf2.raw_ops"))
    assert "ok" in there, there
    here = {}
    for t in types:
        fname, req, opt, _ = signature(t)
        here[t] = [fname, [[p, True] for p in req] + [[p, False] for p in opt + ["name"]]]
    assert len(there["ok"]) > 500  # (a few are contrib ops TF 2.21 does not have)
    assert {t: here[t] for t in there["ok"]} == there["ok"]
