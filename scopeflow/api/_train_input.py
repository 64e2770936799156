"""`tf.train`'s queue-based input names: producers, batching, QueueRunner, Coordinator."""


import types as _types

from scopeflow.train.coordinator import Coordinator, LooperThread
from scopeflow.train.input import (
                                   batch,
                                   batch_join,
                                   input_producer,
                                   limit_epochs,
                                   match_filenames_once,
                                   maybe_batch,
                                   maybe_batch_join,
                                   maybe_shuffle_batch,
                                   maybe_shuffle_batch_join,
                                   range_input_producer,
                                   shuffle_batch,
                                   shuffle_batch_join,
                                   slice_input_producer,
                                   string_input_producer,
)
from scopeflow.train.queue_runner import QueueRunner, add_queue_runner, start_queue_runners

# tf.train.queue_runner: the module path TF1 code also uses
queue_runner = _types.SimpleNamespace(QueueRunner=QueueRunner, add_queue_runner=add_queue_runner,
                                      start_queue_runners=start_queue_runners)

__all__ = ["Coordinator", "LooperThread", "QueueRunner", "add_queue_runner", "batch",
           "batch_join", "input_producer", "limit_epochs", "match_filenames_once",
           "maybe_batch", "maybe_batch_join", "maybe_shuffle_batch", "maybe_shuffle_batch_join",
           "queue_runner",
           "range_input_producer", "shuffle_batch", "shuffle_batch_join",
           "slice_input_producer", "start_queue_runners", "string_input_producer"]
