"""Scope insight: where variables were created and reused, what a name is in a graph, scoping
mistakes, checkpoint name mapping and scope-filtered graphs.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow import insight
>>> g = tf.Graph()
>>> with g.as_default(), tf.name_scope("s"):
...     a = tf.Variable(1.0, name="a")
...     b = tf.get_variable("b", [])
>>> [f.kind for f in insight.lint(g)]
['get_variable-ignores-name_scope']
>>> insight.explain(g, "b").kind
'variable'
"""

from scopeflow.insight.ckpt_map import CheckpointMap, map_checkpoint
from scopeflow.insight.explain import Explanation, explain
from scopeflow.insight.graph_filter import filter_graph_def, graph_text, write_events
from scopeflow.insight.lint import Finding, lint
from scopeflow.insight.lint_runs import record_runs
from scopeflow.insight.provenance import (
                                          Site,
                                          VariableProvenance,
                                          Where,
                                          get_variable_calls,
                                          op_site,
                                          provenance,
)
from scopeflow.insight.sources import load_graph, run_script

__all__ = ["CheckpointMap", "Explanation", "Finding", "Site", "VariableProvenance", "Where",
           "explain", "filter_graph_def", "get_variable_calls", "graph_text", "lint",
           "load_graph", "map_checkpoint", "op_site", "provenance", "record_runs", "run_script",
           "write_events"]
