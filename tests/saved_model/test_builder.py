"""SavedModelBuilder / simple_save: files TF Serving reads, both ways against real TF."""

import os
import stat

import pytest
from oracle import explain, run_here, same

# a model with a variable, an asset and a main op that records the length of the asset's path
# as fed at load time (scopeflow's string variables do not compile, so a length stands in)
_MODEL = """
import os
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.get_variable("w", initializer=[[1.0], [2.0]])
b = tf.get_variable("b", initializer=[0.5])
y = tf.add(tf.matmul(x, w), b, name="y")
path = tf.constant(VOCAB, name="vocab_path")
tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, path)
seen = tf.Variable(0, name="seen", collections=[tf.GraphKeys.LOCAL_VARIABLES])
init = tf.group(tf.assign(seen, tf.strings.length(path)), name="init_seen")
seen_out = tf.identity(seen, name="seen_out")
"""

_SIMPLE = _MODEL + """
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(tf.assign(w, [[2.0], [3.0]]))
    tf.saved_model.simple_save(sess, EXPORT, inputs={"x": x}, outputs={"y": y, "seen": seen_out},
                               legacy_init_op=init)
result = sorted(os.path.relpath(os.path.join(r, f), EXPORT)
                for r, _, fs in os.walk(EXPORT) for f in fs)
"""

_BUILDER = _MODEL + """
sm = tf.saved_model
ex = tf.placeholder(tf.string, [None], name="examples")
scores = tf.identity(tf.reshape(y, [-1]) * 0.0 + tf.ones_like(ex, tf.float32), name="scores")
u = sm.signature_def_utils
sigs = {"pred": u.predict_signature_def({"in": x}, {"out": y, "seen": seen_out}),
        "reg": u.regression_signature_def(ex, scores),
        "cls": u.classification_signature_def(ex, None, scores)}
b2 = sm.builder.SavedModelBuilder(EXPORT)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(tf.assign(b, [1.5]))
    b2.add_meta_graph_and_variables(sess, [sm.tag_constants.SERVING], signature_def_map=sigs,
                                    assets_collection=tf.get_collection(
                                        tf.GraphKeys.ASSET_FILEPATHS),
                                    main_op=init, strip_default_attrs=True)
    b2.add_meta_graph([sm.tag_constants.TRAINING, "extra"],
                      signature_def_map={"pred": sigs["pred"]}, clear_devices=True)
saved = b2.save(as_text=AS_TEXT)
result = [os.path.basename(saved), type(saved).__name__]
"""

_LOAD = """
with tf.Session(graph=tf.Graph()) as sess:
    mg = tf.saved_model.loader.load(sess, TAGS, EXPORT)
    s = mg.signature_def[KEY]
    out = sess.run({k: v.name for k, v in s.outputs.items()},
                   {s.inputs["in" if "in" in s.inputs else "x"].name: [[3.0, 1.0], [0.0, 1.0]]})
    out["seen"] = int(out["seen"]) - len(os.path.join(EXPORT, "assets", "vocab.txt"))
    result = [out, s.method_name, sorted(s.inputs), sorted(mg.meta_info_def.tags),
              sorted(mg.collection_def)]
"""


def _prog(code, **names):
    return "".join("%s = %r\n" % kv for kv in names.items()) + code


def _vocab(tmp_path):
    p = tmp_path / "vocab.txt"
    p.write_text("a\nb\n")
    return str(p)


@pytest.mark.oracle
@pytest.mark.parametrize("writer_name", ["scopeflow", "tf"])
def test_simple_save_loads_on_the_other_side(oracle, tmp_path, writer_name):
    writer, reader = (run_here, oracle) if writer_name == "scopeflow" else (oracle, run_here)
    export = str(tmp_path / "m")
    names = dict(VOCAB=_vocab(tmp_path), EXPORT=export)
    files = writer(_prog(_SIMPLE, **names))
    assert files == {"ok": ["assets/vocab.txt", "saved_model.pb",
                            "variables/variables.data-00000-of-00001",
                            "variables/variables.index"]}, files
    load = _prog("import os\n" + _LOAD, TAGS=["serve"], KEY="serving_default", **names)
    got, back = reader(load), writer(load)
    assert got == back, explain(load, back, got)
    out, method, inputs, tags, _ = got["ok"]
    assert out == {"seen": 0, "y": [[9.5], [3.5]]}
    assert (method, inputs, tags) == ("tensorflow/serving/predict", ["x"], ["serve"])


@pytest.mark.oracle
@pytest.mark.parametrize("as_text", [False, True])
@pytest.mark.parametrize("writer_name", ["scopeflow", "tf"])
def test_builder_loads_on_the_other_side(oracle, tmp_path, writer_name, as_text):
    writer, reader = (run_here, oracle) if writer_name == "scopeflow" else (oracle, run_here)
    export = str(tmp_path / "m")
    names = dict(VOCAB=_vocab(tmp_path), EXPORT=export)
    saved = writer(_prog(_BUILDER, AS_TEXT=as_text, **names))
    assert saved == {"ok": ["saved_model.pbtxt" if as_text else "saved_model.pb", "bytes"]}
    for tags in (["serve"], ["extra", "train"]):
        load = _prog("import os\n" + _LOAD, TAGS=tags, KEY="pred", **names)
        got, back = reader(load), writer(load)
        assert got == back, explain(load, back, got)
        assert got["ok"][0] == {"out": [[6.5], [3.5]], "seen": 0}


def test_files_are_written_with_the_umask(tf, tmp_path):
    old = os.umask(0o027)
    try:
        x = tf.placeholder(tf.float32, [None], name="x")
        v = tf.get_variable("v", initializer=[1.0])
        with tf.Session() as sess:
            sess.run(v.initializer)
            tf.saved_model.simple_save(sess, str(tmp_path / "m"), {"x": x}, {"y": x * v})
    finally:
        os.umask(old)
    for root, _, files in os.walk(tmp_path / "m"):
        for f in files:
            assert stat.S_IMODE(os.stat(os.path.join(root, f)).st_mode) == 0o640, f
    assert not [f for _, _, fs in os.walk(tmp_path) for f in fs if "tempstate" in f]


_ERRORS = [
    # a non-empty export directory
    "import os\nd = EXPORT\nos.makedirs(d)\nopen(os.path.join(d, 'f'), 'w').close()\n"
    "tf.saved_model.builder.SavedModelBuilder(d)",
    # add_meta_graph before the variables
    "b = tf.saved_model.builder.SavedModelBuilder(EXPORT)\nb.add_meta_graph(['serve'])",
    # twice add_meta_graph_and_variables
    "v = tf.get_variable('v', [1])\nb = tf.saved_model.builder.SavedModelBuilder(EXPORT)\n"
    "with tf.Session() as sess:\n  sess.run(v.initializer)\n"
    "  b.add_meta_graph_and_variables(sess, ['serve'])\n"
    "  b.add_meta_graph_and_variables(sess, ['serve'])",
    # a reserved signature key
    "x = tf.placeholder(tf.float32, name='x')\n"
    "b = tf.saved_model.builder.SavedModelBuilder(EXPORT)\n"
    "s = tf.saved_model.predict_signature_def({'a': x}, {'b': x})\n"
    "with tf.Session() as sess:\n"
    "  b.add_meta_graph_and_variables(sess, ['serve'], {'__saved_model_init_op': s})",
    # a TensorInfo without dtype
    "b = tf.saved_model.builder.SavedModelBuilder(EXPORT)\n"
    "s = tf.saved_model.build_signature_def({'a': tf.TensorInfo(name='x:0')}, {})\n"
    "with tf.Session() as sess:\n  b.add_meta_graph_and_variables(sess, ['serve'], {'k': s})",
    # a main op that is not an Operation
    "b = tf.saved_model.builder.SavedModelBuilder(EXPORT)\n"
    "with tf.Session() as sess:\n  b.add_meta_graph_and_variables(sess, ['serve'], main_op='op')",
    # a second main op
    "tf.add_to_collection('saved_model_main_op', tf.no_op())\n"
    "b = tf.saved_model.builder.SavedModelBuilder(EXPORT)\n"
    "with tf.Session() as sess:\n"
    "  b.add_meta_graph_and_variables(sess, ['serve'], main_op=tf.no_op())",
    # an asset tensor that is not a constant
    "p = tf.placeholder(tf.string, [])\nb = tf.saved_model.builder.SavedModelBuilder(EXPORT)\n"
    "with tf.Session() as sess:\n"
    "  b.add_meta_graph_and_variables(sess, ['serve'], assets_collection=[p])",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", _ERRORS)
def test_builder_errors_match_tf(oracle, tmp_path, code):
    here = run_here(_prog(code, EXPORT=str(tmp_path / "here")))
    there = oracle(_prog(code, EXPORT=str(tmp_path / "there")))
    assert "raises" in there, there
    assert same(here, there), explain(code, here, there)
    assert here["msg"].replace("here", "there") == there["msg"], explain(code, here, there)


@pytest.mark.oracle
def test_collections_and_meta_graph_match_tf(oracle, tmp_path):
    code = _SIMPLE + """
mg = tf.saved_model.loader.load(tf.Session(graph=tf.Graph()), ["serve"], EXPORT)
cols = {k: str(v) for k, v in mg.collection_def.items()
        if k not in ("variables", "trainable_variables", "local_variables")}
result = [cols, str(mg.signature_def), mg.meta_info_def.tags[:], mg.saver_def.sharded,
          sorted(n.name for n in mg.graph_def.node if n.device)]
"""
    vocab = _vocab(tmp_path)
    here = run_here(_prog(code, VOCAB=vocab, EXPORT=str(tmp_path / "h")))
    there = oracle(_prog(code, VOCAB=vocab, EXPORT=str(tmp_path / "t")))
    assert here == there, explain(code, here, there)


_TF2_LOAD = """
import sys
import tensorflow as tf
m = tf.saved_model.load(sys.argv[1])
f = m.signatures["serving_default"]
print(sorted(f.structured_outputs), f(x=tf.constant([[3.0, 1.0]]))["y"].numpy().tolist())
"""


@pytest.mark.oracle
def test_tf2_loader_serves_scopeflows_saved_model(tf, tmp_path):
    """TF2's `tf.saved_model.load` (the path serving-style loaders take) runs the signature."""
    import subprocess

    from oracle import tf_python
    python = tf_python()
    if python is None:
        pytest.skip("TensorFlow is not installed (set SCOPEFLOW_TF_PYTHON)")
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.get_variable("w", initializer=[[1.0], [2.0]])
    with tf.Session() as sess:
        sess.run(w.initializer)
        tf.saved_model.simple_save(sess, str(tmp_path / "m"), {"x": x},
                                   {"y": tf.matmul(x, w, name="y")})
    script = tmp_path / "load.py"
    script.write_text(_TF2_LOAD)
    proc = subprocess.run([python, str(script), str(tmp_path / "m")], capture_output=True,
                          text=True, timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3",
                                                       "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines()[-1] == "['y'] [[5.0]]"


_STRIP = """
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.get_variable("w", initializer=[[1.0], [2.0]])
y = tf.nn.relu(tf.matmul(x, w), name="y")
c = tf.cast(tf.shape(y, name="s"), tf.float32, name="c")
b = tf.saved_model.builder.SavedModelBuilder(EXPORT)
with tf.Session() as sess:
    sess.run(w.initializer)
    b.add_meta_graph_and_variables(sess, ["serve"], strip_default_attrs=True)
    b.add_meta_graph(["other"])
b.save()
with tf.Session(graph=tf.Graph()) as sess:
    mg = tf.saved_model.loader.load(sess, ["serve"], EXPORT)
    out = sess.run("c:0", {"x:0": [[1.0, 1.0]]}).tolist()
result = [mg.meta_info_def.stripped_default_attrs, out,
          [(n.name, sorted(n.attr)) for n in mg.graph_def.node]]
"""


@pytest.mark.oracle
def test_strip_default_attrs_matches_tf(oracle, tmp_path):
    here = run_here(_prog(_STRIP, EXPORT=str(tmp_path / "h")))
    there = oracle(_prog(_STRIP, EXPORT=str(tmp_path / "t")))
    assert "ok" in there, there
    assert here == there, explain(_STRIP, here, there)


_DEVICES = """
with tf.device("/cpu:0"):
    v = tf.get_variable("v", [1])
    y = tf.identity(v, name="y")
out = []
for clear in (False, True):
    b = tf.saved_model.builder.SavedModelBuilder(EXPORT + str(clear))
    with tf.Session() as sess:
        sess.run(v.initializer)
        b.add_meta_graph_and_variables(sess, ["serve"], clear_devices=clear)
    b.save()
    with tf.Session(graph=tf.Graph()) as sess:
        mg = tf.saved_model.loader.load(sess, ["serve"], EXPORT + str(clear))
    out.append(sorted((n.name, n.device) for n in mg.graph_def.node if n.device))
result = out
"""


@pytest.mark.oracle
def test_clear_devices_matches_tf(oracle, tmp_path):
    here = run_here(_prog(_DEVICES, EXPORT=str(tmp_path / "h")))
    there = oracle(_prog(_DEVICES, EXPORT=str(tmp_path / "t")))
    assert "ok" in there and there["ok"][1] == [], there
    assert here == there, explain(_DEVICES, here, there)
