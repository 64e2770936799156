"""TF's internal module paths under `scopeflow run`: the same program prints the same as in TF."""

import subprocess
import sys
import textwrap

import pytest
from oracle import tf_python

PROGRAM = textwrap.dedent("""
    from tensorflow.python.framework import ops, dtypes, tensor_shape, constant_op, errors
    from tensorflow.python.ops import (array_ops, math_ops, nn, nn_ops, init_ops, variable_scope,
        variables, state_ops, control_flow_ops, rnn, rnn_cell, rnn_cell_impl, random_ops,
        clip_ops, embedding_ops, standard_ops, check_ops, tensor_array_ops, while_loop, cond)
    from tensorflow.python.training import (training_util, moving_averages, saver, optimizer,
        training, gradient_descent)
    from tensorflow.python.platform import gfile, tf_logging
    from tensorflow.python.util import nest, compat
    from tensorflow.python.util.deprecation import deprecated_argument_lookup
    from tensorflow.python.util import deprecation
    from tensorflow.python.client import session
    from tensorflow.python.lib.io import file_io
    from tensorflow.core.framework import graph_pb2, node_def_pb2, attr_value_pb2, summary_pb2
    from tensorflow.core.protobuf import config_pb2, saver_pb2, meta_graph_pb2
    import tensorflow.python.ops.array_ops as array_ops_again
    assert array_ops_again is array_ops
    import os, sys, tempfile

    with ops.Graph().as_default() as g:
        x = constant_op.constant([[1.0, -2.0], [3.0, 4.0]], name="x")
        with variable_scope.variable_scope("layer"):
            w = variable_scope.get_variable("w", [2, 2], dtypes.float32,
                                            init_ops.constant_initializer(0.5))
        h = nn_ops.relu(math_ops.matmul(x, w))
        cell = rnn_cell.BasicRNNCell(3)
        out, st = rnn.dynamic_rnn(cell, array_ops.expand_dims(h, 0), dtype=dtypes.float32)
        loss = math_ops.reduce_sum(standard_ops.square(h)) + math_ops.reduce_sum(out) * 0.0
        step = training_util.get_or_create_global_step()
        train = gradient_descent.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        ema = moving_averages.ExponentialMovingAverage(0.9)
        clipped, norm = clip_ops.clip_by_global_norm([x], 1.0)
        ta = tensor_array_ops.TensorArray(dtypes.float32, size=3)  # SeqGAN's generator loop
        _, ta = while_loop.while_loop(
            lambda i, ta: i < 3, lambda i, ta: (i + 1, ta.write(i, math_ops.cast(i, "float32"))),
            (constant_op.constant(0), ta))
        picked = cond.cond(x[0, 0] > 0, lambda: ta.stack(), lambda: -ta.stack())
        print(isinstance(g, ops.Graph), x.name, w.name, h.name, train.name, step.name)
        print(tensor_shape.TensorShape([2, None]).as_list(), dtypes.as_dtype("int64").name)
        print(nest.flatten({"b": 1, "a": [2, 3]}), compat.as_bytes("hi"))
        print(ops.get_collection(ops.GraphKeys.GLOBAL_STEP)[0].name)
        print(issubclass(errors.NotFoundError, errors.OpError), errors.NotFoundError.__name__)
        print(isinstance(optimizer.Optimizer, type), saver.Saver.__name__)
        print(deprecated_argument_lookup("axis", None, "dim", 1))
        print(config_pb2.ConfigProto(allow_soft_placement=True).allow_soft_placement,
              graph_pb2.GraphDef.__name__, saver_pb2.SaverDef.V2)
        with session.Session() as s:
            s.run(variables.global_variables_initializer())
            for _ in range(2):
                s.run(train)
            print(s.run(w).round(5).tolist(), s.run(step), s.run(norm).round(5))
            print(s.run(picked).tolist(), picked.name)
        path = os.path.join(tempfile.mkdtemp(), "f.txt")
        file_io.write_string_to_file(path, "abc")
        print(file_io.file_exists(path), file_io.read_file_to_string(path), gfile.Exists(path))
    print(deprecation._PRINT_DEPRECATION_WARNINGS)
    for _ in range(2):  # a fresh context each call (TensorBoard's reader enters it per file)
        with deprecation.silence():
            print("silenced")
""")


def _run(argv):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": ":".join(p for p in sys.path if p)})
    return proc.returncode, proc.stdout, proc.stderr


def _scopeflow_run(tmp_path, program):
    script = tmp_path / "prog.py"
    script.write_text(program)
    return _run([sys.executable, "-m", "scopeflow", "run", str(script)])


@pytest.mark.oracle
def test_tf_internal_paths_run_as_in_tf(tmp_path):
    tf = tf_python()
    if tf is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    code, here, err = _scopeflow_run(tmp_path, PROGRAM)
    assert code == 0, err
    script = tmp_path / "prog_tf.py"
    script.write_text("import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()\n" + PROGRAM)
    code, there, err = _run([tf, str(script)])
    assert code == 0, err
    assert here == there


MISSING = [
    ("from tensorflow.python.ops.array_ops import no_such_fn",
     "NotProvidedError: scopeflow does not provide tensorflow.python.ops.array_ops.no_such_fn"),
    ("from tensorflow.python.ops import array_ops\narray_ops.no_such_fn",
     "AttributeError: scopeflow does not provide tensorflow.python.ops.array_ops.no_such_fn"),
    ("from tensorflow.python.ops import gen_no_such_ops",
     ("NotProvidedError: scopeflow does not provide the module "
      "tensorflow.python.ops.gen_no_such_ops")),
    ("import tensorflow.python.no.such.module",
     "NotProvidedError: scopeflow does not provide the module tensorflow.python.no"),
    ("from tensorflow.core.framework import no_such_pb2",
     ("NotProvidedError: scopeflow does not provide the module "
      "tensorflow.core.framework.no_such_pb2")),
]


def test_missing_name_or_module_says_scopeflow_does_not_provide_it(tmp_path):
    program = "" + "".join(
        "try:\n    exec(%r)\nexcept Exception as e:\n    print('%%s: %%s' %% (type(e).__name__, e))\n"
        % src for src, _ in MISSING)
    code, out, err = _scopeflow_run(tmp_path, program)
    assert code == 0, err
    for (_, message), line in zip(MISSING, out.splitlines()):
        assert line.startswith(message), line


def test_missing_names_are_catchable_as_tf_code_expects(tmp_path):
    program = textwrap.dedent("""
        from tensorflow.python.ops import array_ops
        try:
            from tensorflow.python.ops import gen_no_such_ops
        except ImportError:
            print("ImportError")
        print(hasattr(array_ops, "no_such_fn"), hasattr(array_ops, "concat"))
        print(getattr(array_ops, "no_such_fn", "default"))
    """)
    code, out, err = _scopeflow_run(tmp_path, program)
    assert (code, out) == (0, "ImportError\nFalse True\ndefault\n"), err


def test_views_resolve_in_process(tf):
    """The views without `scopeflow run`: TF-internal names land on scopeflow's objects."""
    from scopeflow.compat import tf_paths
    ops = tf_paths.module("tensorflow.python.framework.ops")
    array_ops = tf_paths.module("tensorflow.python.ops.array_ops")
    x = tf.constant([[1, 2]])
    assert ops.get_default_graph() is tf.get_default_graph()
    assert array_ops.reshape is tf.reshape
    assert array_ops.shape_internal(x, optimize=False).name == "Shape:0"
    assert ops._get_graph_from_inputs([x]) is tf.get_default_graph()
    util = tf_paths.module("tensorflow.python.ops.control_flow_util")
    assert util.GraphOrParentsInXlaContext(tf.get_default_graph()) is False
    metrics_impl = tf_paths.module("tensorflow.python.ops.metrics_impl")
    assert metrics_impl.metric_variable([], tf.float32, name="t").name == "t:0"
    deprecation = tf_paths.module("tensorflow.python.util.deprecation")
    with pytest.raises(ValueError, match="Cannot specify both 'dim' and 'axis'."):
        deprecation.deprecated_argument_lookup("axis", 1, "dim", 2)
    assert "reshape" in dir(array_ops)
    with pytest.raises(tf_paths.NotProvidedError, match="does not provide the module"):
        tf_paths.module("tensorflow.python.ops.gen_nothing_ops")


SAVED_MODEL_PROGRAM = textwrap.dedent("""
    import os, tempfile
    from tensorflow.python.framework import ops, constant_op, dtypes, graph_util
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants
    from tensorflow.python.ops import array_ops, variable_scope, variables
    from tensorflow.python.client import session
    from tensorflow.python.saved_model import (builder, loader, signature_constants,
        signature_def_utils, tag_constants, utils, main_op)
    from tensorflow.python.saved_model import simple_save as simple_save_lib
    from tensorflow.python.saved_model.signature_def_utils_impl import predict_signature_def

    export = os.path.join(tempfile.mkdtemp(), "m")
    with ops.Graph().as_default():
        x = array_ops.placeholder(dtypes.float32, [None], name="x")
        w = variable_scope.get_variable("w", initializer=constant_op.constant([2.0]))
        y = array_ops.identity(x * w, name="y")
        with session.Session() as s:
            s.run(variables.global_variables_initializer())
            sig = predict_signature_def({"x": x}, {"y": y})
            b = builder.SavedModelBuilder(export)
            b.add_meta_graph_and_variables(s, [tag_constants.SERVING],
                {signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY: sig})
            print(os.path.basename(b.save()))
            frozen = convert_variables_to_constants(s, s.graph.as_graph_def(), ["y"])
            print(sorted((n.name, n.op) for n in frozen.node),
                  [n.name for n in graph_util.extract_sub_graph(frozen, ["w"]).node])
    with ops.Graph().as_default() as g:
        with session.Session(graph=g) as s:
            mg = loader.load(s, [tag_constants.SERVING], export)
            info = mg.signature_def["serving_default"].outputs["y"]
            print(utils.get_tensor_from_tensor_info(info).name,
                  s.run(info.name, {"x:0": [1.0, 3.0]}).tolist(),
                  signature_def_utils.is_valid_signature(mg.signature_def["serving_default"]))
    print(callable(simple_save_lib.simple_save), callable(main_op.main_op))
""")


@pytest.mark.oracle
def test_saved_model_paths_run_as_in_tf(tmp_path):
    tf = tf_python()
    if tf is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    code, here, err = _scopeflow_run(tmp_path, SAVED_MODEL_PROGRAM)
    assert code == 0, err
    script = tmp_path / "prog_tf.py"
    script.write_text("import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()\n"
                      + SAVED_MODEL_PROGRAM)
    code, there, err = _run([tf, str(script)])
    assert code == 0, err
    assert here == there


def test_tensorboard_reads_event_files_under_the_aliases(tmp_path):
    """TensorBoard's reader enters `deprecation.silence()` per file it opens when `tensorflow`
    is importable (here: scopeflow's aliases); without it, its shared fallback context failed
    on the second file."""
    code = textwrap.dedent("""
        import sys, scopeflow.compat.v1 as tf
        from scopeflow.cli import install_aliases
        install_aliases()
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        for i in range(2):
            w = tf.summary.FileWriter(sys.argv[1] + "/%d" % i)
            w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="t", simple_value=i)]), 1)
            w.close()
            acc = EventAccumulator(sys.argv[1] + "/%d" % i)
            acc.Reload()
            print(acc.Scalars("t")[0].value)
    """)
    code_rc, out, err = _run([sys.executable, "-c", code, str(tmp_path)])
    assert code_rc == 0, err[-2000:]
    assert out.split() == ["0.0", "1.0"]
