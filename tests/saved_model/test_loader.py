"""tf.saved_model.loader: tags, import scopes, errors and directory checks, against real TF."""

import pytest
from oracle import explain, run_here

_SAVE = """
x = tf.placeholder(tf.float32, [None, 2], name="x")
w = tf.get_variable("w", initializer=[[1.0], [2.0]])
y = tf.matmul(x, w, name="y")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    tf.saved_model.simple_save(sess, EXPORT, inputs={"x": x}, outputs={"y": y})
tf.reset_default_graph()
"""

CASES = [
    # a tag set that is not there: TF's RuntimeError, naming the tags found
    "with tf.Session(graph=tf.Graph()) as sess:\n"
    "  tf.saved_model.loader.load(sess, ['train'], EXPORT)",
    "with tf.Session(graph=tf.Graph()) as sess:\n"
    "  tf.saved_model.loader.load(sess, ['serve', 'gpu'], EXPORT)",
    # an import scope prefixes the graph, not the returned MetaGraphDef
    "g = tf.Graph()\nwith tf.Session(graph=g) as sess:\n"
    "  mg = tf.saved_model.loader.load(sess, ['serve'], EXPORT, import_scope='imp')\n"
    "  s = mg.signature_def['serving_default']\n"
    "  t = tf.saved_model.utils.get_tensor_from_tensor_info(s.outputs['y'], import_scope='imp')\n"
    "  result = [t.name, s.outputs['y'].name, sorted(v.name for v in tf.global_variables()),\n"
    "            sess.run(t, {'imp/x:0': [[1.0, 1.0]]})]",
    # the default graph collections after a load
    "with tf.Session(graph=tf.Graph()) as sess:\n"
    "  tf.saved_model.load(sess, ['serve'], EXPORT)\n"
    "  g = sess.graph\n"
    "  result = [sorted(g.get_all_collection_keys()), [v.name for v in tf.global_variables()],\n"
    "            len(g.get_collection('savers'))]",
    "result = [tf.saved_model.loader.maybe_saved_model_directory(EXPORT),\n"
    "          tf.saved_model.maybe_saved_model_directory(EXPORT + '/variables'),\n"
    "          tf.saved_model.contains_saved_model(EXPORT)]",
    # no SavedModel there
    "with tf.Session(graph=tf.Graph()) as sess:\n"
    "  tf.saved_model.loader.load(sess, ['serve'], EXPORT + '/variables')",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", CASES)
def test_loader_matches_tf(oracle, tmp_path, code):
    prog = "EXPORT = %r\n" + _SAVE + code
    here = run_here(prog % str(tmp_path / "m"))
    there = oracle(prog % str(tmp_path / "m2"))
    if "raises" in there:
        assert here.get("raises") == there["raises"], explain(code, here, there)
        assert here["msg"].replace("/m/", "/m2/") == there["msg"], explain(code, here, there)
    else:
        assert here == there, explain(code, here, there)


def test_text_saved_model_loads(tf, tmp_path):
    export = str(tmp_path / "m")
    v = tf.get_variable("v", initializer=[3.0])
    b = tf.saved_model.Builder(export)
    with tf.Session() as sess:
        sess.run(v.initializer)
        b.add_meta_graph_and_variables(sess, ["serve"])
    assert b.save(as_text=True).endswith(b"saved_model.pbtxt")
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export)
        assert sess.run("v:0").tolist() == [3.0]
