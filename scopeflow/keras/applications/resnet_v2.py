"""`tf.keras.applications.resnet_v2`: ResNet50V2/101V2/152V2, pre-activation bottlenecks
(see resnet.py) fed images scaled to [-1, 1]."""

from scopeflow.keras.applications import imagenet_utils
from scopeflow.keras.applications.resnet import _resnet


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
               input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.ResNet50V2`: 3, 4, 6, 3 pre-activation bottlenecks."""
    return _resnet(50, True, (include_top, weights, input_tensor, input_shape, pooling, classes),
                   {"classifier_activation": classifier_activation})


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.ResNet101V2`: 3, 4, 23, 3 pre-activation bottlenecks."""
    return _resnet(101, True, (include_top, weights, input_tensor, input_shape, pooling,
                               classes), {"classifier_activation": classifier_activation})


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """`tf.keras.applications.ResNet152V2`: 3, 8, 36, 3 pre-activation bottlenecks."""
    return _resnet(152, True, (include_top, weights, input_tensor, input_shape, pooling,
                               classes), {"classifier_activation": classifier_activation})


def preprocess_input(x, data_format=None):
    """Images as ResNet V2 was trained on: scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)
