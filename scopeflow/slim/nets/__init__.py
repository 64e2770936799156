"""tf_slim.nets: the model zoo of TF-Slim, built from slim layers with TF-Slim's names.

>>> from scopeflow.slim import nets
>>> nets.vgg.vgg_16.default_image_size
224
"""
# ruff: noqa: F401 - re-exports

from scopeflow.slim.nets import (
    alexnet,
    inception,
    inception_v1,
    inception_v2,
    inception_v3,
    overfeat,
    resnet_utils,
    resnet_v1,
    resnet_v2,
    vgg,
)
