"""`tf.contrib.seq2seq.BasicDecoder`: one cell step, an optional output layer, then the
helper's sample and next inputs, under `BasicDecoderStep` as TF 1.15 builds it."""

import collections

from scopeflow.contrib.seq2seq.decoder import Decoder
from scopeflow.contrib.seq2seq.helper import Helper
from scopeflow.core.shape import TensorShape
from scopeflow.layers.base import Layer
from scopeflow.layers.core import tf_api
from scopeflow.ops import nest


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    pass


def _has(obj, name):
    try:
        getattr(obj, name)
    except AttributeError:
        return False
    return True


def assert_like_rnncell(cell_name, cell):
    """TF's TypeError when `cell` lacks what an RNNCell has."""
    problems = [
        (_has(cell, "output_size"), "'output_size' property is missing"),
        (_has(cell, "state_size"), "'state_size' property is missing"),
        (_has(cell, "get_initial_state") or _has(cell, "zero_state"),
         "either 'zero_state' or 'get_initial_state' method is required"),
        (callable(cell), "is not callable")]
    missing = [text for ok, text in problems if not ok]
    if missing:
        raise TypeError("The argument {!r} ({}) is not an RNNCell: {}.".format(
            cell_name, cell, ", ".join(missing)))


def rnn_output_size(cell, output_layer):
    """The size of one example's output: the cell's, or `output_layer`'s over it."""
    size = cell.output_size
    if output_layer is None:
        return size
    # the layer's output shape for the cell's output with an unknown batch
    shapes = nest.map_structure(lambda s: TensorShape([None]).concatenate(s), size)
    out = output_layer.compute_output_shape(shapes)
    return nest.map_structure(lambda s: s[1:], out)


class BasicDecoder(Decoder):
    """Runs `cell` (then `output_layer`) and lets `helper` sample and pick the next input."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        assert_like_rnncell("cell", cell)
        if not isinstance(helper, Helper):
            raise TypeError("helper must be a Helper, received: %s" % type(helper))
        if output_layer is not None and not isinstance(output_layer, Layer):
            raise TypeError("output_layer must be a Layer, received: %s" % type(output_layer))
        self._cell, self._helper = cell, helper
        self._initial_state, self._output_layer = initial_state, output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        return rnn_output_size(self._cell, self._output_layer)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with tf_api().name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished
