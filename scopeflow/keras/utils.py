"""`tf.keras.utils`: to_categorical, normalize, Sequence, custom objects.

>>> import scopeflow as tf
>>> tf.keras.utils.to_categorical([0, 2], 3).tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""

import numpy as np

from scopeflow.keras.data_utils import (  # noqa: F401 - re-exports
    GeneratorEnqueuer,
    OrderedEnqueuer,
    SequenceEnqueuer,
)
from scopeflow.keras.get_file import get_file  # noqa: F401 - re-export
from scopeflow.keras.progbar import Progbar  # noqa: F401 - re-export
from scopeflow.keras.serialization_lib import (  # noqa: F401 - re-exports
    deserialize_keras_object,
    serialize_keras_object,
)
from scopeflow.keras.object_registration import (  # noqa: F401 - re-exports
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)


def to_categorical(y, num_classes=None, dtype="float32"):
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.ravel()
    num_classes = num_classes or int(y.max()) + 1
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


class Sequence:
    """`tf.keras.utils.Sequence`: batches by index (`__getitem__`), `__len__` batches an epoch."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """`tf.keras.utils.pad_sequences`: `tf.keras.preprocessing.sequence.pad_sequences`."""
    from scopeflow.keras.preprocessing.sequence import pad_sequences as pad
    return pad(sequences, maxlen, dtype, padding, truncating, value)


def __getattr__(name):
    """The image conversions tf_keras also has here (`keras.utils.load_img`, ...), loaded
    with `tf.keras.preprocessing.image`'s functions on first use."""
    if name in ("array_to_img", "img_to_array", "load_img", "save_img"):
        from scopeflow.keras.preprocessing import image_ops
        return getattr(image_ops, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def get_source_inputs(tensor, layer=None, node_index=None):
    """The Input tensors a Keras tensor was computed from (in the order its layer calls
    reach them, each once); `tensor` itself when no Keras layer made it."""
    from scopeflow.keras.engine.input_layer import InputLayer
    from scopeflow.keras.engine.node import keras_history
    history = keras_history(tensor)
    if history is None:
        return tensor
    if layer is None or node_index:
        layer, node_index = history[0], history[1]
    if not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if isinstance(layer, InputLayer):
        return list(node.output_tensors)
    sources = []
    for t in node.input_tensors:
        made = keras_history(t)
        if made is None:
            continue
        for x in get_source_inputs(t, made[0], made[1]):
            if all(x is not s for s in sources):
                sources.append(x)
    return sources
