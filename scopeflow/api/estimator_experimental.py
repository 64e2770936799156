"""`tf.estimator.experimental`: the early stopping hooks, InMemoryEvaluatorHook."""
# ruff: noqa: F401 - a namespace of re-exports

from scopeflow.estimator.early_stopping import (
                                                make_early_stopping_hook,
                                                stop_if_higher_hook,
                                                stop_if_lower_hook,
                                                stop_if_no_decrease_hook,
                                                stop_if_no_increase_hook,
)
from scopeflow.estimator.hooks import InMemoryEvaluatorHook, make_stop_at_checkpoint_step_hook
