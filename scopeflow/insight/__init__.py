"""Scope insight: where variables were created and reused, and scoping mistakes found in a graph.

>>> import scopeflow.compat.v1 as tf
>>> from scopeflow import insight
>>> g = tf.Graph()
>>> with g.as_default(), tf.name_scope("s"):
...     a = tf.Variable(1.0, name="a")
...     b = tf.get_variable("b", [])
>>> [f.kind for f in insight.lint(g)]
['get_variable-ignores-name_scope']
"""

from scopeflow.insight.lint import Finding, lint
from scopeflow.insight.provenance import Site, get_variable_calls

__all__ = ["Finding", "Site", "get_variable_calls", "lint"]
