"""`tf.keras.backend` in TF1 graph mode: the Keras session, learning phase and tensor helpers.

Keras keeps, per graph, one learning-phase placeholder (`keras_learning_phase`, a
PlaceholderWithDefault of False), the variables it made (initialized lazily by `get_session`)
and its layer-name counters (shared with `tf.layers`, as in TF).

>>> import scopeflow as tf
>>> tf.keras.backend.learning_phase().name
'keras_learning_phase:0'
"""

import contextlib
import weakref

import numpy as np

from scopeflow import dtypes as _dt
from scopeflow.core.frame import default_graph
from scopeflow.layers.base import _NAME_UIDS
from scopeflow.layers.base import unique_object_name as _unique_object_name
from scopeflow.layers.core import tf_api

_STATE = weakref.WeakKeyDictionary()  # graph -> _GraphState
_FLOATX, _EPSILON, _IMAGE_DATA_FORMAT = ["float32"], [1e-7], ["channels_last"]
_SESSION = [None]  # the session set by set_session (or made by get_session)


class _GraphState:
    """What Keras keeps about one graph."""

    def __init__(self):
        self.learning_phase = None  # the placeholder
        self.fixed_phase = None  # set_learning_phase(0/1)
        self.variables = []  # variables Keras made, initialized by get_session
        self.initialized = weakref.WeakKeyDictionary()  # session -> set of variable ids


def _state(graph=None):
    g = graph or default_graph()
    st = _STATE.get(g)
    if st is None:
        st = _STATE[g] = _GraphState()
    return st


def unique_object_name(name, zero_based=True):
    """Keras' per-graph layer names: `dense`, `dense_1`, ... (shared with tf.layers)."""
    return _unique_object_name(name, zero_based=zero_based)


def reset_uids():
    _NAME_UIDS.pop(default_graph(), None)


def get_uid(prefix=""):
    """The next 1-based uid of `prefix` in the default graph."""
    uids = _NAME_UIDS.setdefault(default_graph(), {})
    uids[prefix] = uids.get(prefix, 0) + 1
    return uids[prefix]


# ---- configuration ---------------------------------------------------------------------------
def floatx():
    return _FLOATX[0]


def set_floatx(value):
    _FLOATX[0] = str(value)


def epsilon():
    return _EPSILON[0]


def set_epsilon(value):
    _EPSILON[0] = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format):
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Unknown data_format: " + str(data_format))
    _IMAGE_DATA_FORMAT[0] = data_format


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


# ---- learning phase ------------------------------------------------------------------------
def learning_phase():
    """The graph's learning phase: `set_learning_phase`'s value, else the placeholder."""
    st = _state()
    if st.fixed_phase is not None:
        return st.fixed_phase
    if st.learning_phase is None:
        tf = tf_api()
        with tf.name_scope(""):
            st.learning_phase = tf.placeholder_with_default(False, shape=(),
                                                            name="keras_learning_phase")
    return st.learning_phase


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _state().fixed_phase = value


def learning_phase_input():
    """The graph's `keras_learning_phase` placeholder, made now if not yet (a fixed phase
    set by `set_learning_phase` makes none: Keras' functions are then not fed one)."""
    st = _state()
    if st.fixed_phase is None:
        learning_phase()
    return st.learning_phase


def symbolic_learning_phase():
    st = _state()
    learning_phase()
    return st.learning_phase if st.learning_phase is not None else learning_phase()


@contextlib.contextmanager
def learning_phase_scope(value):
    """The learning phase fixed to `value` (0 or 1) inside the block, restored after."""
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    st = _state()
    previous = st.fixed_phase
    st.fixed_phase = value
    try:
        yield
    finally:
        st.fixed_phase = previous


def learning_phase_feed():
    """`{placeholder: value}` for a run, or {} when the phase is fixed (or never asked for)."""
    st = _state()
    return {} if st.learning_phase is None or st.fixed_phase is not None else st.learning_phase


# ---- session ---------------------------------------------------------------------------------
def get_session(op_input_list=()):
    """The default session, else Keras' own one on the default graph; Keras variables
    not yet initialized in it are initialized."""
    tf = tf_api()
    session = tf.get_default_session()
    if session is None:
        session = _SESSION[0]
        if session is None or session.graph is not default_graph() or \
                getattr(session, "_closed", False):
            session = _SESSION[0] = tf.Session()
    _initialize_variables(session)
    return session


def set_session(session):
    _SESSION[0] = session


def _initialize_variables(session):
    st = _state(session.graph)
    done = st.initialized.setdefault(session, set())
    todo = [v for v in st.variables if id(v) not in done]
    if not todo:
        return
    tf = tf_api()
    with session.graph.as_default():
        flags = session.run([tf.is_variable_initialized(v) for v in todo])
        fresh = [v for v, ok in zip(todo, flags) if not ok]
        if fresh:
            session.run(tf.variables_initializer(fresh))
    done.update(id(v) for v in todo)


def track_variable(v):
    tracked = _state(v.graph).variables
    if id(v) not in {id(t) for t in tracked}:  # (`any` is K.any here)
        tracked.append(v)


def clear_session():
    """A fresh default graph, Keras' session and counters dropped."""
    tf = tf_api()
    if _SESSION[0] is not None:
        _SESSION[0] = None
    tf.reset_default_graph()
    reset_uids()


def manual_variable_initialization(value):
    pass


def name_scope(name):
    return tf_api().name_scope(name)


# ---- variables and placeholders ------------------------------------------------------------
def variable(value, dtype=None, name=None, constraint=None):
    """A Keras variable (a tf.Variable Keras initializes in `get_session`)."""
    from scopeflow.core.variables import VariableV1
    dtype = _dt.as_dtype(dtype or floatx())
    if not hasattr(value, "op"):  # a tensor is the initial value as it is
        value = np.asarray(value, dtype=dtype.as_numpy_dtype)
    v = VariableV1(value, dtype=dtype, name=name, constraint=constraint, use_resource=True)
    track_variable(v)
    return v


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    tf = tf_api()
    if shape is None and ndim:
        shape = (None,) * ndim
    return tf.placeholder(dtype or floatx(), shape=shape, name=name)


def get_value(x):
    return get_session().run(x)


def batch_get_value(tensors):
    return get_session().run(list(tensors)) if tensors else []


def set_value(x, value):
    batch_set_value([(x, value)])


def batch_set_value(tuples):
    tf = tf_api()
    if not tuples:
        return
    sess = get_session()
    ops, feed = [], {}
    for x, value in tuples:
        value = np.asarray(value, dtype=x.dtype.base_dtype.as_numpy_dtype)
        ph = tf.placeholder(x.dtype.base_dtype, value.shape)
        ops.append(tf.assign(x, ph) if not hasattr(x, "assign") else x.assign(ph))
        feed[ph] = value
    sess.run(ops, feed)


def eval(x):  # noqa: A001 - Keras' name
    return get_value(x)


def int_shape(x):
    shape = x.shape
    return None if shape.ndims is None else tuple(shape.as_list())


def ndim(x):
    return x.shape.ndims


def dtype(x):
    return x.dtype.base_dtype.name


def is_keras_tensor(x):
    """Whether `x` is a Keras layer's output (or an Input); anything but a tensor, a variable,
    a SparseTensor or a RaggedTensor is tf_keras' ValueError."""
    from scopeflow.core.tensor import Tensor
    from scopeflow.core.variables import VariableV1
    from scopeflow.keras.engine.node import keras_history
    from scopeflow.ragged.ragged_tensor import RaggedTensor
    from scopeflow.sparse_tensor import SparseTensor
    if not isinstance(x, (Tensor, VariableV1, SparseTensor, RaggedTensor)):
        raise ValueError("Unexpectedly found an instance of type `%s`. Expected a symbolic "
                         "tensor instance." % type(x))
    return keras_history(x) is not None


def _keras_made(x):
    """`is_keras_tensor` without its type check: False for anything Keras did not make."""
    from scopeflow.keras.engine.node import keras_history
    return keras_history(x) is not None


def is_placeholder(x):
    return getattr(getattr(x, "op", None), "type", None) == "Placeholder"


def count_params(x):
    return int(np.prod(x.shape.as_list()))


from scopeflow.keras.backend_ops import *  # noqa: E402,F401,F403 - the tensor functions
from scopeflow.keras.backend_conv import bias_add, conv1d, conv2d, conv3d  # noqa: E402,F401
from scopeflow.keras.backend_seq import *  # noqa: E402,F401,F403 - more tensor functions
from scopeflow.keras.backend_ctc import *  # noqa: E402,F401,F403 - CTC cost and decoding
from scopeflow.keras.losses_focal import (  # noqa: E402,F401 - the focal cross-entropies
    backend_binary_focal_crossentropy as binary_focal_crossentropy,
    backend_categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from scopeflow.keras.backend_nn import (  # noqa: E402,F401 - more tensor functions
    backend, batch_normalization, conv2d_transpose, depthwise_conv2d, eye, is_sparse,
    local_conv1d, local_conv2d, normalize_batch_in_training, pool2d, pool3d, random_bernoulli,
    random_binomial, random_normal_variable, random_uniform_variable, rnn, separable_conv2d,
    to_dense,
)
