"""Scope-filtered graphs: hide scopes (gradients, save, ...) or collapse scopes below a depth,
rewiring the edges through what was hidden, for TensorBoard or as text.

A hidden node's consumers take its inputs instead (transitively), so `ApplyAdam <- gradients/...
<- dense/MatMul` becomes `ApplyAdam <- dense/MatMul`; an edge that passed a control edge on the
way becomes a control edge.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default():
...     x = tf.constant(1.0, name="x")
...     with tf.name_scope("noise"):
...         y = tf.identity(x, name="id")
...     z = tf.square(y, name="z")
>>> [(n.name, list(n.input)) for n in filter_graph_def(g.as_graph_def(), hide="noise").node]
[('x', []), ('z', ['x'])]
"""

import re

# op type given to a node standing for a collapsed scope with no op of its own name
SCOPE_OP = "NameScope"


def _node_name(inp):
    """'a/b' of the input strings 'a/b', 'a/b:1' and '^a/b'."""
    return inp.lstrip("^").split(":")[0]


def hidden_matcher(hide):
    """Predicate on node names: whether a scope segment (or the op's own name) matches the
    regular expression `hide` fully, allowing TF's `_N` suffix (`gradients` hides `gradients_1`).

    >>> hidden_matcher("gradients|save")("train/gradients_1/AddN")
    True
    """
    if not hide:
        return lambda name: False
    pattern = re.compile(r"(?:%s)(?:_\d+)?" % hide)
    return lambda name: any(pattern.fullmatch(seg) for seg in name.split("/"))


def _rewire(nodes, hidden):
    """{visible node name: [input strings]} with hidden sources replaced by their own
    (visible) sources, control edges kept as control edges; order kept, duplicates dropped."""
    memo = {}

    def through(name, visiting):
        """The visible (input string, is_control) pairs a hidden node stands for."""
        if name in memo:
            return memo[name]
        if name in visiting or name not in nodes:
            return []
        visiting.add(name)
        out = []
        for inp in nodes[name].input:
            out.extend(expand(inp, visiting))
        visiting.discard(name)
        memo[name] = out
        return out

    def expand(inp, visiting):
        src = _node_name(inp)
        control = inp.startswith("^")
        if src not in hidden:
            return [(inp.lstrip("^"), control)]
        return [(s, c or control) for s, c in through(src, visiting)]

    return {name: _merge(p for inp in node.input for p in expand(inp, set()))
            for name, node in nodes.items() if name not in hidden}


def _merge(pairs):
    """Input strings: data inputs first-seen order, then control inputs of other nodes."""
    data, control = {}, {}
    for inp, is_control in pairs:
        (control if is_control else data).setdefault(inp, None)
    data_nodes = {_node_name(i) for i in data}
    return list(data) + ["^" + _node_name(c) for c in dict.fromkeys(
        _node_name(c) for c in control) if c not in data_nodes]


def filter_graph_def(graph_def, hide=None, depth=None):
    """A copy of `graph_def` without the nodes `hide` matches (see hidden_matcher) and, with
    `depth`, with every scope deeper than `depth` name segments collapsed into one node."""
    from tensorboard.compat.proto import graph_pb2
    nodes = {n.name: n for n in graph_def.node}
    is_hidden = hidden_matcher(hide)
    hidden = {name for name in nodes if is_hidden(name)}
    inputs = _rewire(nodes, hidden)
    out = graph_pb2.GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    out.library.CopyFrom(graph_def.library)
    if not depth:
        for name, ins in inputs.items():
            node = out.node.add()
            node.CopyFrom(nodes[name])
            del node.input[:]
            node.input.extend(ins)
        return out
    _collapse(out, nodes, inputs, depth)
    return out


def _collapse(out, nodes, inputs, depth):
    """Adds to `out` one node per scope prefix of `depth` segments (an op of that name keeps
    its type and attrs), with the edges between groups."""
    group = {name: "/".join(name.split("/")[:depth]) for name in inputs}
    members = {}
    for name, key in group.items():
        members.setdefault(key, []).append(name)
    for key, names in members.items():
        pairs = []
        for name in names:
            for inp in inputs[name]:
                src = group.get(_node_name(inp), _node_name(inp))
                if src == key:
                    continue
                as_is = src == _node_name(inp)  # the source is its own group: keep its output
                pairs.append((inp.lstrip("^") if as_is else src, inp.startswith("^")))
        node = out.node.add()
        if key in nodes:
            node.CopyFrom(nodes[key])
            del node.input[:]
        else:
            node.name, node.op = key, SCOPE_OP
        if len(names) > 1 or names[0] != key:
            node.attr["_collapsed_ops"].i = len(names)
        node.input.extend(_merge(pairs))


def graph_text(graph_def):
    """The graph as indented text: one line per scope and per node, with the node's type and
    inputs (`<-`); control inputs start with ^.

    >>> from tensorboard.compat.proto import graph_pb2
    >>> g = graph_pb2.GraphDef()
    >>> _ = g.node.add(name="s/a", op="Const"); _ = g.node.add(name="b", op="Neg", input=["s/a"])
    >>> print(graph_text(g))
    s/
      a  Const
    b  Neg <- s/a
    """
    lines, open_scopes = [], []
    for node in graph_def.node:
        segments = node.name.split("/")
        scopes = segments[:-1]
        k = 0
        while k < min(len(scopes), len(open_scopes)) and scopes[k] == open_scopes[k]:
            k += 1
        for i in range(k, len(scopes)):
            lines.append("  " * i + scopes[i] + "/")
        open_scopes = scopes
        info = node.op + (" <- " + ", ".join(node.input) if node.input else "")
        if "_collapsed_ops" in node.attr:
            info += "  (%d ops collapsed)" % node.attr["_collapsed_ops"].i
        lines.append("  " * len(scopes) + segments[-1] + "  " + info)
    return "\n".join(lines)


def write_events(graph_def, logdir):
    """Writes `graph_def` to a new events file in `logdir` (TensorBoard's graph tab shows it);
    returns the file's path."""
    import glob
    import os

    from scopeflow.summary.writer import FileWriter
    before = set(glob.glob(os.path.join(logdir, "*tfevents*")))
    with FileWriter(logdir, filename_suffix=".scopes") as writer:
        writer.add_graph(graph_def)
    new = sorted(set(glob.glob(os.path.join(logdir, "*tfevents*"))) - before)
    return new[-1] if new else None
