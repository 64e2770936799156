"""`tf.saved_model.signature_def_utils`: predict, classify and regress SignatureDefs.

>>> import scopeflow as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 2], name="x")
...     sig = predict_signature_def({"in": x}, {"out": tf.identity(x, name="y")})
>>> sig.method_name, sig.outputs["out"].name
('tensorflow/serving/predict', 'y:0')
"""

from tensorboard.compat.proto import meta_graph_pb2, types_pb2

from scopeflow import errors
from scopeflow.core.tensor import Tensor
from scopeflow.saved_model import constants as C
from scopeflow.saved_model.utils import (
    build_tensor_info,
    build_tensor_info_from_op,
    get_element_from_tensor_info,
)
from scopeflow.summary.graph_def import tensor_proto

__all__ = ["build_signature_def", "classification_signature_def", "is_valid_signature",
           "predict_signature_def", "regression_signature_def"]


def build_signature_def(inputs=None, outputs=None, method_name=None, defaults=None):
    """A SignatureDef from {key: TensorInfo} maps and a method name."""
    sig = meta_graph_pb2.SignatureDef()
    for key in inputs or ():
        sig.inputs[key].CopyFrom(inputs[key])
    for key in outputs or ():
        sig.outputs[key].CopyFrom(outputs[key])
    if method_name is not None:
        sig.method_name = method_name
    for arg, default in (defaults or {}).items():
        if getattr(getattr(default, "op", None), "type", None) != "Const":
            raise ValueError("Unable to convert object %s of type %s to TensorProto."
                             % (default, type(default)))
        sig.defaults[arg].CopyFrom(tensor_proto(default.op._get_attr("value")))
    return sig


def regression_signature_def(examples, predictions):
    """A regress signature: serialized Examples (string) in, float predictions out."""
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Expected regression `examples` to be of type Tensor. Found "
                         "`examples` of type %s." % type(examples))
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    inp = build_tensor_info(examples)
    if inp.dtype != types_pb2.DT_STRING:
        raise ValueError("Regression input tensors must be of type string. Found tensors with "
                         "type %s." % inp.dtype)
    out = build_tensor_info(predictions)
    if out.dtype != types_pb2.DT_FLOAT:
        raise ValueError("Regression output tensors must be of type float. Found tensors with "
                         "type %s." % out.dtype)
    return build_signature_def({C.REGRESS_INPUTS: inp}, {C.REGRESS_OUTPUTS: out},
                               C.REGRESS_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """A classify signature: serialized Examples in, string classes and/or float scores out."""
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Classification `examples` must be a string Tensor. Found `examples` "
                         "of type %s." % type(examples))
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    inp = build_tensor_info(examples)
    if inp.dtype != types_pb2.DT_STRING:
        raise ValueError("Classification input tensors must be of type string. Found tensors "
                         "of type %s" % inp.dtype)
    outputs = {}
    if classes is not None:
        info = build_tensor_info(classes)
        if info.dtype != types_pb2.DT_STRING:
            raise ValueError("Classification classes must be of type string Tensor. Found "
                             "tensors of type %s.`" % info.dtype)
        outputs[C.CLASSIFY_OUTPUT_CLASSES] = info
    if scores is not None:
        info = build_tensor_info(scores)
        if info.dtype != types_pb2.DT_FLOAT:
            raise ValueError("Classification scores must be a float Tensor.")
        outputs[C.CLASSIFY_OUTPUT_SCORES] = info
    return build_signature_def({C.CLASSIFY_INPUTS: inp}, outputs, C.CLASSIFY_METHOD_NAME)


def predict_signature_def(inputs, outputs):
    """A predict signature from {key: Tensor} inputs and outputs."""
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               {k: build_tensor_info(t) for k, t in outputs.items()},
                               C.PREDICT_METHOD_NAME)


def is_valid_signature(signature_def):
    """Whether a SignatureDef is a well-formed classify, regress or predict signature."""
    if signature_def is None:
        return False
    return (_valid_classification(signature_def) or _valid_regression(signature_def)
            or _valid_predict(signature_def))


def _valid_predict(sig):
    return (sig.method_name == C.PREDICT_METHOD_NAME and bool(sig.inputs.keys())
            and bool(sig.outputs.keys()))


def _valid_regression(sig):
    return (sig.method_name == C.REGRESS_METHOD_NAME
            and set(sig.inputs.keys()) == {C.REGRESS_INPUTS}
            and sig.inputs[C.REGRESS_INPUTS].dtype == types_pb2.DT_STRING
            and set(sig.outputs.keys()) == {C.REGRESS_OUTPUTS}
            and sig.outputs[C.REGRESS_OUTPUTS].dtype == types_pb2.DT_FLOAT)


def _valid_classification(sig):
    if sig.method_name != C.CLASSIFY_METHOD_NAME:
        return False
    if set(sig.inputs.keys()) != {C.CLASSIFY_INPUTS}:
        return False
    if sig.inputs[C.CLASSIFY_INPUTS].dtype != types_pb2.DT_STRING:
        return False
    outs = sig.outputs
    if not outs.keys() or set(outs.keys()) - {C.CLASSIFY_OUTPUT_CLASSES,
                                              C.CLASSIFY_OUTPUT_SCORES}:
        return False
    if C.CLASSIFY_OUTPUT_CLASSES in outs and \
            outs[C.CLASSIFY_OUTPUT_CLASSES].dtype != types_pb2.DT_STRING:
        return False
    return not (C.CLASSIFY_OUTPUT_SCORES in outs
                and outs[C.CLASSIFY_OUTPUT_SCORES].dtype != types_pb2.DT_FLOAT)


def op_signature_def(op, key):
    """A signature holding one op under `key` (TF2's way of storing init and train ops)."""
    return build_signature_def(outputs={key: build_tensor_info_from_op(op)})


def load_op_from_signature_def(signature_def, key, import_scope=None):
    """The op an op signature stores under `key`."""
    try:
        return get_element_from_tensor_info(signature_def.outputs[key],
                                            import_scope=import_scope)
    except KeyError:
        raise errors.NotFoundError(
            None, None, 'The key "%s" could not be found in the graph. Please make sure the '
            "SavedModel was created by the internal _SavedModelBuilder. If you are using the "
            'public API, please make sure the SignatureDef in the SavedModel does not contain '
            'the key "%s".' % (key, key)) from None
