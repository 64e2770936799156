"""The module path of slim's extra layers before they moved into scopeflow.slim.layers."""


from scopeflow.slim.layers.extra import *
