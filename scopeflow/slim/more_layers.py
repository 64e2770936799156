"""The module path of slim's separable/unit-norm/maxout/sequence layers before they moved
into scopeflow.slim.layers (layers/more.py)."""
# ruff: noqa: F401, F403 - re-exports

from scopeflow.slim.layers.more import *
