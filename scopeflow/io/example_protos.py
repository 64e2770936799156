"""`tf.train.Example`, `SequenceExample` and their parts: TF's protos, built from their schema.

tensorboard ships no copy of `tensorflow/core/example/{feature,example}.proto`, so the message
classes are made here from the same schema (proto3, package `tensorflow`, the same field
numbers, packed float and int64 lists): the bytes they write are TF's.

>>> ex = Example(features=Features(feature={"a": Feature(int64_list=Int64List(value=[1]))}))
>>> Example.FromString(ex.SerializeToString()).features.feature["a"].int64_list.value[0]
1
"""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto
_REPEATED, _OPTIONAL = _F.LABEL_REPEATED, _F.LABEL_OPTIONAL


def _message(file, name, fields, oneof=None):
    """Adds message `name` with fields (name, number, type, label, type_name) to `file`."""
    msg = file.message_type.add(name=name)
    if oneof:
        msg.oneof_decl.add(name=oneof)
    for fname, number, ftype, label, type_name in fields:
        f = msg.field.add(name=fname, number=number, type=ftype, label=label,
                          json_name=_camel(fname))
        if type_name:
            f.type_name = type_name
        if oneof:
            f.oneof_index = 0
        if ftype in (_F.TYPE_FLOAT, _F.TYPE_INT64) and label == _REPEATED:
            f.options.packed = True
    return msg


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _map(msg, field, number, value_type):
    """A proto3 `map<string, value_type> field = number;` inside `msg`."""
    entry = msg.nested_type.add(name=_camel(field)[0].upper() + _camel(field)[1:] + "Entry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=_F.TYPE_STRING, label=_OPTIONAL, json_name="key")
    entry.field.add(name="value", number=2, type=_F.TYPE_MESSAGE, label=_OPTIONAL,
                    type_name=value_type, json_name="value")
    msg.field.add(name=field, number=number, type=_F.TYPE_MESSAGE, label=_REPEATED,
                  type_name=".%s.%s" % ("tensorflow." + msg.name, entry.name),
                  json_name=_camel(field))


def _files():
    feature = descriptor_pb2.FileDescriptorProto(
        name="tensorflow/core/example/feature.proto", package="tensorflow", syntax="proto3")
    _message(feature, "BytesList", [("value", 1, _F.TYPE_BYTES, _REPEATED, None)])
    _message(feature, "FloatList", [("value", 1, _F.TYPE_FLOAT, _REPEATED, None)])
    _message(feature, "Int64List", [("value", 1, _F.TYPE_INT64, _REPEATED, None)])
    _message(feature, "Feature", [
        ("bytes_list", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.BytesList"),
        ("float_list", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.FloatList"),
        ("int64_list", 3, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Int64List")], oneof="kind")
    _map(_message(feature, "Features", []), "feature", 1, ".tensorflow.Feature")
    _message(feature, "FeatureList", [
        ("feature", 1, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.Feature")])
    _map(_message(feature, "FeatureLists", []), "feature_list", 1, ".tensorflow.FeatureList")
    example = descriptor_pb2.FileDescriptorProto(
        name="tensorflow/core/example/example.proto", package="tensorflow", syntax="proto3",
        dependency=["tensorflow/core/example/feature.proto"])
    _message(example, "Example", [
        ("features", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Features")])
    _message(example, "SequenceExample", [
        ("context", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Features"),
        ("feature_lists", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.FeatureLists")])
    return feature, example


# A pool of its own: real TF, if a program also imports it, registers the same names.
_POOL = descriptor_pool.DescriptorPool()
for _file in _files():
    _POOL.Add(_file)


def _cls(name):
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName("tensorflow." + name))


BytesList, FloatList, Int64List = _cls("BytesList"), _cls("FloatList"), _cls("Int64List")
Feature, Features = _cls("Feature"), _cls("Features")
FeatureList, FeatureLists = _cls("FeatureList"), _cls("FeatureLists")
Example, SequenceExample = _cls("Example"), _cls("SequenceExample")
