"""`tf.keras.applications`: the Keras ImageNet networks as TF1 graphs, with the layer and
variable names of tf_keras', their preprocessing, and their imagenet weights fetched into
`~/.keras/models` by get_file (the same files and hashes as tf_keras).

>>> import scopeflow as tf
>>> tf.keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3)).name
'mobilenetv2_1.00_32'
"""
# ruff: noqa: F401 - re-exports

from scopeflow.keras.applications import (densenet, imagenet_utils, inception_resnet_v2,
                                          inception_v3, mobilenet, mobilenet_v2,
                                          mobilenet_v3, nasnet, resnet, resnet50, resnet_v2,
                                          vgg16, vgg19, xception)
from scopeflow.keras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from scopeflow.keras.applications.inception_resnet_v2 import InceptionResNetV2
from scopeflow.keras.applications.inception_v3 import InceptionV3
from scopeflow.keras.applications.mobilenet import MobileNet
from scopeflow.keras.applications.mobilenet_v2 import MobileNetV2
from scopeflow.keras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from scopeflow.keras.applications.nasnet import NASNetLarge, NASNetMobile
from scopeflow.keras.applications.resnet import ResNet50, ResNet101, ResNet152
from scopeflow.keras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from scopeflow.keras.applications.vgg import VGG16, VGG19
from scopeflow.keras.applications.xception import Xception

del vgg  # noqa: F821 - the shared VGG module is no name of TF's (vgg16 / vgg19 are)
