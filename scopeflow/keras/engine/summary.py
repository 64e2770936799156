"""`model.summary()`: Keras' table of layers, output shapes, parameter counts (and, for
non-sequential graphs, the inbound connections), in Keras' column layout.
"""

import numpy as np

from scopeflow.keras.engine.node import keras_history


def _count(weights):
    unique = {id(w): w for w in weights}.values()
    return int(sum(np.prod(w.shape.as_list()) for w in unique))


def _memory(weights):
    unique = {id(w): w for w in weights}.values()
    return sum(int(np.prod(w.shape.as_list())) * w.dtype.base_dtype.size for w in unique)


def _readable(size):
    for unit in ("Byte", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return "{:.2f} {}".format(size, unit)
        size /= 1024
    return "{:.2f} {}".format(size, "PB")


def _sequential_like(model):
    if type(model).__name__ == "Sequential" or not model._is_graph_network:
        return True
    nodes = [n for n in model._nodes if not type(n.layer).__name__ == "InputLayer"]
    if any(len(n.input_tensors) > 1 for n in nodes):
        return False
    made = {}
    for n in nodes:
        for t in n.input_tensors:
            made[id(t)] = made.get(id(t), 0) + 1
    if any(v > 1 for v in made.values()):
        return False
    layers = [n.layer for n in nodes]
    return len({id(x) for x in layers}) == len(layers)


def _output_shape(layer):
    try:
        return layer.output_shape
    except AttributeError:
        return "multiple"


def _print_row(fields, positions, print_fn):
    left = [str(x) for x in fields]
    while any(left):
        line = ""
        for col in range(len(left)):
            start = positions[col - 1] if col > 0 else 0
            last = col == len(positions) - 1
            space = 0 if last else 2
            cutoff = positions[col] - start - space - (0 if last else 1)
            fit = left[col][:cutoff]
            breaks = [fit.find(x) + len(x) for x in ("),", "},", "],", "',") if fit.find(x) >= 0]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            line += (" " if col == 0 else "") + fit + " " * space
            left[col] = left[col][cutoff:]
            line += " " * (positions[col] - len(line))
        print_fn(line)


def _connections(layer, relevant):
    out = []
    for node in layer._inbound_nodes:
        if id(node) not in relevant:
            continue
        for t in node.input_tensors:
            hist = keras_history(t)
            if hist is not None and type(layer).__name__ != "InputLayer":
                out.append("%s[%d][%d]" % (hist[0].name, hist[1], hist[2]))
    return out


def print_summary(model, line_length=None, print_fn=None):
    """Prints the table as Keras does (`print_fn` gets one line at a time)."""
    print_fn = print_fn or print
    sequential = _sequential_like(model)
    line_length = line_length or (65 if sequential else 98)
    fractions = [0.45, 0.85, 1.0] if sequential else [0.3, 0.6, 0.70, 1.0]
    positions = [int(line_length * p) for p in fractions]
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if sequential else ["Connected to"])
    relevant = {id(n) for n in model._nodes}
    print_fn('Model: "%s"' % model.name)
    print_fn("_" * line_length)
    _print_row(header, positions, print_fn)
    print_fn("=" * line_length)
    for layer in model.layers:
        fields = ["%s (%s)" % (layer.name, type(layer).__name__), _output_shape(layer),
                  layer.count_params() if layer.built else "0 (unused)"]
        if not sequential:
            fields.append(_connections(layer, relevant))
        _print_row(fields, positions, print_fn)
        print_fn(" " * line_length)
    print_fn("=" * line_length)
    trainable, frozen = model.trainable_weights, model.non_trainable_weights
    print_fn("Total params: %d (%s)" % (_count(trainable) + _count(frozen),
                                        _readable(_memory(trainable) + _memory(frozen))))
    print_fn("Trainable params: %d (%s)" % (_count(trainable), _readable(_memory(trainable))))
    print_fn("Non-trainable params: %d (%s)" % (_count(frozen), _readable(_memory(frozen))))
    print_fn("_" * line_length)
