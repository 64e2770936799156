"""Graphs to look into: a script run up to its first `Session.run`, an events file or log
directory, a GraphDef (.pb / .pbtxt), a MetaGraphDef (.meta) or a checkpoint (its .meta).

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     c = tf.constant(1.0, name="c")
>>> [o.name for o in load_graph(g.as_graph_def()).get_operations()]
['c']
"""

import contextlib
import os
import runpy
import sys

from scopeflow.core.frame import default_graph


class _GraphBuilt(BaseException):
    """Raised by Session.run while a script runs for its graph: building is over."""


@contextlib.contextmanager
def _stop_at_first_run():
    from scopeflow import session
    run = session.BaseSession.run

    def stop(self, *args, **kwargs):
        raise _GraphBuilt

    session.BaseSession.run = stop
    try:
        yield
    finally:
        session.BaseSession.run = run


def run_script(script, args=(), until_run=True):
    """Runs a TF1 script on scopeflow (`import tensorflow` gives scopeflow) after resetting
    the default graph, and returns the default graph it built; with `until_run`, stops at its
    first Session.run (the graph is built by then; no training is needed to look at it)."""
    from scopeflow.cli import install_aliases
    from scopeflow.core.graph import reset_default_graph
    install_aliases()
    reset_default_graph()
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        with _stop_at_first_run() if until_run else contextlib.nullcontext():
            runpy.run_path(script, run_name="__main__")
    except (_GraphBuilt, SystemExit):
        pass
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    return default_graph()


def graph_def_of(source):
    """The GraphDef of a live graph, a GraphDef, or a file (as `load_graph` reads them)."""
    from tensorboard.compat.proto import graph_pb2
    if hasattr(source, "as_graph_def"):
        return source.as_graph_def()
    if isinstance(source, graph_pb2.GraphDef) or type(source).__name__ == "GraphDef":
        return source
    path = os.fspath(source)
    meta = _meta_path(path)
    if meta is not None:
        from scopeflow.checkpoint.meta_graph import read_meta_graph_file
        return read_meta_graph_file(meta).graph_def
    if not os.path.exists(path) and os.path.exists(path + ".index"):
        raise ValueError("checkpoint %s has no .meta (MetaGraphDef) beside it to read the graph "
                         "from: give the script that builds the graph instead" % path)
    from scopeflow.cli import load_graph_def
    return load_graph_def(path)


def _meta_path(path):
    """The .meta file of a MetaGraphDef path or a checkpoint prefix, else None."""
    if path.endswith(".meta") and os.path.isfile(path):
        return path
    if os.path.isfile(path + ".meta"):
        return path + ".meta"
    if os.path.isdir(path):
        from scopeflow.checkpoint.reader import checkpoint_filename
        try:
            prefix = checkpoint_filename(path)
        except (OSError, ValueError):
            prefix = None
        if prefix and os.path.isfile(prefix + ".meta"):
            return prefix + ".meta"
    return None


def load_graph(source):
    """A scopeflow Graph from a live graph (returned as is), a GraphDef, an events file or log
    directory, a .pb/.pbtxt GraphDef, a .meta MetaGraphDef, or a checkpoint with its .meta.
    Imported graphs have their collections (MetaGraphDef) but no defining lines."""
    from scopeflow.core.graph import Graph
    if isinstance(source, Graph):
        return source
    graph = Graph()
    graph.__dict__["_insight_imported"] = True
    meta = None if not isinstance(source, (str, os.PathLike)) else _meta_path(os.fspath(source))
    with graph.as_default():
        if meta is not None:
            from scopeflow.checkpoint.meta_import import import_meta_graph
            import_meta_graph(meta)
        else:
            from scopeflow.checkpoint.importer import import_graph_def
            import_graph_def(graph_def_of(source), name="")
    return graph
