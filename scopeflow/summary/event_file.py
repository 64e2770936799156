"""The events file of a `tf.summary.FileWriter`, written as TF's EventsWriter writes it.

TF names the file `events.out.tfevents.<seconds, 10 digits>.<host><suffix>`, creates it at
the first event (a writer that gets none leaves no file), and opens it with an Event holding
the file version and the writer's name, at whole seconds; records are TFRecords (ops/records
format: length, masked CRC-32C, bytes, masked CRC-32C). Events are written as they are added
and the file is flushed every `flush_secs`, at `flush()` and at `close()`.

Where TF would open a second file of the same name (two writers in one log directory within
a second), TF truncates the first one's file; here the second file is named for the next
second that is free, so both are kept and sort in the order they were made (TensorBoard
reads a directory's files in name order).

>>> import os, tempfile
>>> from tensorboard.compat.proto import event_pb2
>>> d = tempfile.mkdtemp()
>>> w = EventsFile(d)
>>> os.listdir(d)
[]
>>> w.add_event(event_pb2.Event(step=1)); w.close()
>>> [n.startswith("events.out.tfevents.") for n in os.listdir(d)]
[True]
"""

import os
import socket
import struct
import threading
import time

from tensorboard.compat.proto import event_pb2

from scopeflow.summary.records import _masked_crc

_VERSION = "brain.Event:2"
_WRITER = "tensorflow.core.util.events_writer"


class EventsFile:
    """Event protos appended to one events file in `logdir` (the file made at the first)."""

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=""):
        del max_queue  # (events are written as they come: nothing queues)
        self._logdir = str(logdir)
        self._suffix = filename_suffix or ""
        self._flush_secs = flush_secs
        self._file = None
        self._next_flush = 0.0
        self._lock = threading.Lock()
        self._closed = False

    def get_logdir(self):
        return self._logdir

    def _open(self):
        os.makedirs(self._logdir, exist_ok=True)
        now = time.time()
        secs, host = int(now), socket.gethostname()
        while True:
            path = os.path.join(self._logdir, "events.out.tfevents.%010d.%s%s"
                                % (secs, host, self._suffix))
            if not os.path.exists(path):
                break
            secs += 1
        self._file = open(path, "wb")  # noqa: SIM115 - open until close()
        self._next_flush = now + self._flush_secs
        first = event_pb2.Event(wall_time=float(secs), file_version=_VERSION)
        first.source_metadata.writer = _WRITER
        self._write(first.SerializeToString())
        self._file.flush()

    def _write(self, data):
        header = struct.pack("<Q", len(data))
        self._file.write(b"".join((header, struct.pack("<I", _masked_crc(header)), data,
                                   struct.pack("<I", _masked_crc(data)))))

    def add_event(self, event):
        """Appends `event` (flushing when `flush_secs` have passed since the last flush)."""
        data = event.SerializeToString()
        with self._lock:
            if self._closed:
                return
            if self._file is None:
                self._open()
            self._write(data)
            if time.time() >= self._next_flush:
                self._flush_locked()

    def _flush_locked(self):
        if self._file is not None:
            self._file.flush()
            self._next_flush = time.time() + self._flush_secs

    def flush(self):
        with self._lock:
            self._flush_locked()

    def close(self):
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._closed = True
