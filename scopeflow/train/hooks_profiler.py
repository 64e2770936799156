"""`tf.train.ProfilerHook`: every N steps or seconds, a traced run written as
`timeline-<step>.json` (TF's Chrome-trace layout, summary/timeline.py) and as run metadata
(`step_<step>`) in the output directory's events file, for TensorBoard.

scopeflow runs a step as one XLA program, so the trace holds one `_XlaRun` event per traced
run (its wall time and fetches), not one event per op as TF's does.

>>> import tempfile
>>> ProfilerHook(save_steps=10, output_dir=tempfile.mkdtemp())._output_file.endswith(
...     "timeline-{}.json")
True
"""

import logging
import os

from scopeflow.session_config import RunOptions
from scopeflow.summary.timeline import Timeline
from scopeflow.summary.writer import FileWriterCache
from scopeflow.train.hooks_basic import SecondOrStepTimer, get_or_create_global_step_read
from scopeflow.train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = ["ProfilerHook"]

_log = logging.getLogger("tensorflow")


class ProfilerHook(SessionRunHook):
    """Captures a timeline of a run every `save_steps` steps or `save_secs` seconds."""

    def __init__(self, save_steps=None, save_secs=None, output_dir="", show_dataflow=True,
                 show_memory=False):
        self._output_file = os.path.join(output_dir, "timeline-{}.json")
        self._file_writer = FileWriterCache.get(output_dir)
        self._show_dataflow = show_dataflow
        self._show_memory = show_memory
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        self._next_step = None
        self._global_step_tensor = get_or_create_global_step_read()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use ProfilerHook.")

    def before_run(self, run_context):
        self._request_summary = (self._next_step is not None
                                 and self._timer.should_trigger_for_step(self._next_step))
        opts = RunOptions(trace_level=RunOptions.FULL_TRACE) if self._request_summary else None
        return SessionRunArgs({"global_step": self._global_step_tensor}, options=opts)

    def after_run(self, run_context, run_values):
        stale = run_values.results["global_step"]
        if self._next_step is None:  # first run: start counting from here
            self._timer.update_last_triggered_step(stale)
        step = stale + 1
        if self._request_summary:
            step = run_context.session.run(self._global_step_tensor)
            self._timer.update_last_triggered_step(step)
            self._save(step, self._output_file.format(step), run_values.run_metadata.step_stats)
            self._file_writer.add_run_metadata(run_values.run_metadata, "step_%d" % step)
        self._next_step = step + 1

    def _save(self, step, path, step_stats):
        _log.info("Saving timeline for %d into '%s'.", step, path)
        with open(path, "w") as f:
            f.write(Timeline(step_stats).generate_chrome_trace_format(
                show_dataflow=self._show_dataflow, show_memory=self._show_memory))
