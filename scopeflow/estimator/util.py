"""What an input_fn returns, turned into (features, labels, hooks): a tf.data.Dataset gets an
initializable iterator and a hook that initializes it in each new session.

>>> parse_iterator_result(({"x": 1}, 2))
({'x': 1}, 2)
"""

from scopeflow.estimator._tf import tf
from scopeflow.train.session_run_hook import SessionRunHook


class _DatasetInitializerHook(SessionRunHook):
    """Runs the iterator's initializer after the session is created."""

    def __init__(self, iterator):
        self._iterator = iterator

    def begin(self):
        self._initializer = self._iterator.initializer

    def after_create_session(self, session, coord):
        del coord
        session.run(self._initializer)


def parse_input_fn_result(result):
    """(features, labels, input_hooks) of an input_fn's result."""
    hooks = []
    t = tf()
    if isinstance(result, t.data.Dataset):
        iterator = t.data.make_initializable_iterator(result)
        hooks.append(_DatasetInitializerHook(iterator))
        result = iterator.get_next()
    return parse_iterator_result(result) + (hooks,)


def parse_iterator_result(result):
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1]
    return result, None


__all__ = ["parse_input_fn_result", "parse_iterator_result"]
