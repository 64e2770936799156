"""`tf.summary.FileWriter`: TF event files that TensorBoard reads (summary/event_file.py).

The constructor's graph is written as a GraphDef event (with output shapes, as TF does) and a
MetaGraphDef event, so TensorBoard draws the graph with its name scopes as groups.
"""

import atexit
import threading
import time
import warnings

from tensorboard.compat.proto import event_pb2, graph_pb2, meta_graph_pb2, summary_pb2
from scopeflow.core.graph import Graph, get_default_graph
from scopeflow.summary.event_file import EventsFile

__all__ = ["FileWriter", "FileWriterCache"]

_VERSION = "2.21.0"

# The event writers of FileWriters not yet closed, held as TF's writer thread holds its C++
# EventsWriter until `close` (a FileWriter dropped unclosed, or a script's namespace cleared, still
# writes). TF's events reach the file as they are added, and the C++ buffer is written out when
# the process ends, so a program that never closes its FileWriter finds every event on disk;
# an EventsFile keeps them in a Python buffer, flushed here at exit.
_OPEN = set()


@atexit.register
def _flush_open_writers():
    for events in list(_OPEN):
        events.flush()


class FileWriter:
    """Writes Summary, Graph and other event protos to an events file in `logdir`.

    >>> import tempfile, scopeflow as tf
    >>> with tf.summary.FileWriter(tempfile.mkdtemp(), tf.get_default_graph()) as w:
    ...     w.flush()
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self._logdir = str(logdir)
        self._opts = (max_queue, flush_secs, filename_suffix or "")
        self._writer = self._open()
        self._closed = False
        _OPEN.add(self._writer)
        self._lock = threading.Lock()
        self._session_run_tags = {}
        self._seen_summary_tags = set()
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)
            gd = graph.as_graph_def(add_shapes=True) if isinstance(graph, Graph) else (
                graph_def if isinstance(graph_def, graph_pb2.GraphDef) else graph)
            if isinstance(gd, graph_pb2.GraphDef):
                self.add_meta_graph(_meta_graph(gd))

    def _open(self):
        max_queue, flush_secs, suffix = self._opts
        return EventsFile(self._logdir, max_queue, flush_secs, suffix)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get_logdir(self):
        return self._logdir

    # ---- events -------------------------------------------------------------------------------
    def add_summary(self, summary, global_step=None):
        """Adds a Summary proto (or its serialized bytes) at `global_step`."""
        if isinstance(summary, bytes):
            parsed = summary_pb2.Summary()
            parsed.ParseFromString(summary)
            summary = parsed
        elif not isinstance(summary, summary_pb2.Summary) and hasattr(summary,
                                                                      "SerializeToString"):
            parsed = summary_pb2.Summary()
            parsed.ParseFromString(summary.SerializeToString())
            summary = parsed
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self._add_event(event_pb2.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None):
        self._add_event(event_pb2.Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Adds the GraphDef of `graph` (a Graph, or a GraphDef as TF still accepts)."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if isinstance(graph, Graph) or isinstance(graph_def, Graph):
            gd = (graph if isinstance(graph, Graph) else graph_def).as_graph_def(add_shapes=True)
        elif isinstance(graph, graph_pb2.GraphDef) or isinstance(graph_def, graph_pb2.GraphDef):
            gd = graph if isinstance(graph, graph_pb2.GraphDef) else graph_def
        else:
            raise TypeError("The passed graph must be an instance of `Graph` or the deprecated "
                            "`GraphDef`")
        self._add_event(event_pb2.Event(graph_def=gd.SerializeToString()), global_step)

    def add_meta_graph(self, meta_graph_def, global_step=None):
        if not isinstance(meta_graph_def, meta_graph_pb2.MetaGraphDef):
            if hasattr(meta_graph_def, "SerializeToString") and \
                    type(meta_graph_def).__name__ == "MetaGraphDef":
                meta_graph_def = meta_graph_pb2.MetaGraphDef.FromString(
                    meta_graph_def.SerializeToString())
            else:
                raise TypeError("meta_graph_def must be type MetaGraphDef, saw type: %s"
                                % type(meta_graph_def))
        self._add_event(event_pb2.Event(meta_graph_def=meta_graph_def.SerializeToString()),
                        global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags[tag] = True
        tagged = event_pb2.TaggedRunMetadata(tag=tag,
                                             run_metadata=run_metadata.SerializeToString())
        self._add_event(event_pb2.Event(tagged_run_metadata=tagged), global_step)

    def add_event(self, event):
        """Adds an Event proto as given."""
        if self._warn_if_closed():
            return
        self._writer.add_event(event)

    def _add_event(self, event, step):
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def _warn_if_closed(self):
        if self._closed:
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a noop "
                          "unless the FileWriter is explicitly reopened.")
        return self._closed

    # ---- lifetime -----------------------------------------------------------------------------
    def flush(self):
        if not self._warn_if_closed():
            self._writer.flush()

    def close(self):
        """Flushes and closes the events file (`reopen` starts a new one)."""
        with self._lock:
            if not self._closed:
                self._writer.close()
                _OPEN.discard(self._writer)
                self._closed = True

    def reopen(self):
        """After `close`, continues in a new events file in the same logdir."""
        with self._lock:
            if self._closed:
                self._writer = self._open()
                self._closed = False
                _OPEN.add(self._writer)


def _meta_graph(gd):
    mg = meta_graph_pb2.MetaGraphDef()
    mg.meta_info_def.tensorflow_version = _VERSION
    mg.meta_info_def.tensorflow_git_version = "scopeflow"
    mg.graph_def.CopyFrom(gd)
    return mg


class FileWriterCache:
    """One shared FileWriter per logdir (`tf.summary.FileWriterCache`)."""

    _cache = {}  # noqa: RUF012 - TF's shared class attribute
    _lock = threading.RLock()

    @staticmethod
    def clear():
        with FileWriterCache._lock:
            for w in FileWriterCache._cache.values():
                w.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir):
        with FileWriterCache._lock:
            w = FileWriterCache._cache.get(logdir)
            if w is None:
                w = FileWriterCache._cache[logdir] = FileWriter(logdir,
                                                                graph=get_default_graph())
            return w
