"""MetaGraphDef export/import: collections, scopes, savers, text files (vs real TF)."""

import pytest
from oracle import explain, run_here, same

_SUMMARY = ("def summary(m):\n"
            "  cols = {k: [c.WhichOneof('kind'), len(getattr(c, c.WhichOneof('kind')).value)]"
            " for k, c in m.collection_def.items()}\n"
            "  nodes = {k: list(c.node_list.value) for k, c in m.collection_def.items()"
            " if c.WhichOneof('kind') == 'node_list'}\n"
            "  return [sorted(cols.items()), sorted(nodes.items()), str(m.saver_def),"
            " [n.name for n in m.graph_def.node], sorted({n.device for n in m.graph_def.node})]\n")
_GRAPH = ("with tf.device('/cpu:0'):\n  w = tf.get_variable('w', [2])\n"
          "with tf.variable_scope('sc'):\n  u = tf.get_variable('u', [3], trainable=False)\n"
          "  y = tf.identity(u, name='y')\n"
          "tf.add_to_collection('outs', y)\ntf.add_to_collection('outs', w.initializer)\n"
          "tf.add_to_collection('names', 'hello')\ntf.add_to_collection('ints', 3)\n"
          "tf.add_to_collection('floats', 0.5)\ntf.add_to_collection('objs', object())\n")

PROGRAMS = [
    _SUMMARY + _GRAPH + "m = tf.train.export_meta_graph()\nresult = summary(m)",
    _SUMMARY + _GRAPH + "s = tf.train.Saver()\ns2 = tf.train.Saver([w])\n"
    "m = s2.export_meta_graph(clear_extraneous_savers=True, clear_devices=True)\n"
    "result = summary(m)",
    _SUMMARY + _GRAPH + "m = tf.train.export_meta_graph(export_scope='sc')\nresult = summary(m)",
    _SUMMARY + _GRAPH + "m = tf.train.export_meta_graph(collection_list=['outs', 'nope'])\n"
    "result = summary(m)",
    # text files, then import under a scope: names, collections, the Saver
    _SUMMARY + _GRAPH + "import os, tempfile\nd = tempfile.mkdtemp()\n"
    "saver = tf.train.Saver()\nf = os.path.join(d, 'g.meta')\n"
    "m = tf.train.export_meta_graph(f, saver_def=saver.saver_def, as_text=True)\n"
    "text = open(f).read()\ng2 = tf.Graph()\nwith g2.as_default():\n"
    "  s2 = tf.train.import_meta_graph(f, import_scope='imp')\n"
    "  result = [text.startswith('meta_info_def'), str(s2.saver_def),"
    " [v.name for v in tf.global_variables()], [v.name for v in tf.trainable_variables()],"
    " [x.name for x in tf.get_collection('outs')], tf.get_collection('names'),"
    " tf.get_collection('ints'), tf.get_collection('floats'), tf.get_collection('objs'),"
    " tf.global_variables()[0] is tf.trainable_variables()[0]]",
    "import os, tempfile\nd = tempfile.mkdtemp()\n"
    "open(os.path.join(d, 'bad.meta'), 'w').write('{{ not a proto')\n"
    "tf.train.import_meta_graph(os.path.join(d, 'bad.meta'))",
    "tf.train.import_meta_graph('/no/such/file.meta')",
    # no SaverDef and no variables: no Saver; variables but no SaverDef: a fresh one
    "m = tf.MetaGraphDef()\nresult = [tf.train.import_meta_graph(m)]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("code", PROGRAMS)
def test_meta_graph_matches_tf(oracle, code):
    here, there = run_here(code), oracle(code)
    assert same(here, there), explain(code, here, there)


@pytest.mark.oracle
def test_missing_meta_file_message_is_tfs(oracle):
    code = "tf.train.import_meta_graph('/no/such/file.meta')"
    here, there = run_here(code), oracle(code)
    assert [here["raises"], here["msg"]] == [there["raises"], there["msg"]], (here, there)
