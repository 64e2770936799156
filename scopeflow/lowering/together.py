"""Blocking host ops of one step that run at once, as TF's executor runs them.

TF runs a step's ops as soon as their inputs are ready, so two dequeues of one Session.run
wait side by side; when one fails (its queue closed and empty) the step ends with that error
and TF's cancellation manager cancels the other's wait. A HostPlan gives such ops one
("together", ops) step: each runs on its own thread, the first failure cancels the others'
waits (stages.wait raises CancelledError in them), and the step raises that failure.

>>> run_together([1, 2], lambda x: x * 10)
[10, 20]
"""

import threading

from scopeflow.lowering import stages


class Cancellation:
    """One step's cancellation: `cancel()` wakes every wait registered with `watch`."""

    def __init__(self):
        self.cancelled = False
        self._lock = threading.Lock()
        self._conds = []

    def watch(self, cond):
        """Registers `cond` (held by the caller) before it waits; raises if cancelled."""
        with self._lock:
            if self.cancelled:
                raise cancelled_error()
            self._conds.append(cond)

    def unwatch(self, cond):
        with self._lock:
            self._conds.remove(cond)

    def cancel(self):
        with self._lock:
            self.cancelled = True
            conds = list(self._conds)
        for cond in conds:  # a waiter holds its cond only until it waits on it
            with cond:
                cond.notify_all()


def cancelled_error():
    from scopeflow import errors
    return errors.CancelledError(None, None, "Graph execution error:\n\nStep was cancelled "
                                 "by an error in another op of the step")


def run_together(items, run_one):
    """`[run_one(x) for x in items]`, the items run at once (the first here, the others on
    threads); the first to fail cancels the others' waits and its error is raised (an error
    that is not a cancellation first, as TF reports a step's errors)."""
    cancel = Cancellation()
    deadline = stages.set_deadline(None)
    stages.set_deadline(deadline)
    results = [None] * len(items)
    failures = []

    def work(i):
        old = stages.set_cancellation(cancel)
        old_deadline = stages.set_deadline(deadline)
        try:
            results[i] = run_one(items[i])
        except BaseException as e:  # noqa: BLE001 - re-raised by the calling thread
            failures.append(e)
            cancel.cancel()
        finally:
            stages.set_cancellation(old)
            stages.set_deadline(old_deadline)

    threads = [threading.Thread(target=work, args=(i,), daemon=True,
                                name="scopeflow-step-op-%d" % i) for i in range(1, len(items))]
    for t in threads:
        t.start()
    work(0)
    for t in threads:
        t.join()
    if failures:
        from scopeflow import errors
        raise next((e for e in failures if not isinstance(e, errors.CancelledError)),
                   failures[0])
    return results
