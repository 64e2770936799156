"""tfprof's graph-only analysis (TF's C++ core/profiler/internal, rebuilt in Python).

The graph is read as TF's tfprof reads it: a GraphDef with `_output_shapes`, one node per op
carrying its op type plus the types and float_ops an OpLogProto adds
(`_trainable_variables`), its parameter count from its `shape` attr (a variable's or a
placeholder's; a scalar counts 1, an incomplete shape 0) and its input shapes. The scope
view arranges the nodes by name like a file system under `_TFProfRoot`, accounts the nodes
whose types match `account_type_regexes`, shows the ones that pass the thresholds and name
regexes up to `max_depth` (children of hidden nodes move up), sums totals over the shown
(or all accounted) descendants, orders siblings by `order_by` and prints TF's table.
Run metadata (times, memory, run counts) is not read: those columns are 0, as in TF when no
RunMetadata is given.
"""

import re
import sys

from scopeflow.profiler.protos import GraphNodeProto, MultiGraphNodeProto

ROOT = "_TFProfRoot"
SCOPE_PARENT = "_kTFScopeParent"
GRAPH_PARENT = "_TFGraphParent"
_ORDER_KEYS = {"bytes": "total_requested_bytes", "peak_bytes": "total_peak_bytes",
               "residual_bytes": "total_residual_bytes", "output_bytes": "total_output_bytes",
               "micros": "total_exec_micros", "accelerator_micros":
               "total_accelerator_exec_micros", "cpu_micros": "total_cpu_exec_micros",
               "params": "total_parameters", "float_ops": "total_float_ops"}
_ZERO_TOTALS = ("total_run_count", "total_exec_micros", "total_accelerator_exec_micros",
                "total_cpu_exec_micros", "total_requested_bytes", "total_peak_bytes",
                "total_residual_bytes", "total_output_bytes")


# output types and the options each requires
_OUTPUTS = {"timeline": ("outfile",), "stdout": (), "file": ("outfile",), "pprof": ("outfile",),
            "none": ()}


class Options(object):
    """tfprof's options from a `ProfileOptionBuilder` dict, with TF's defaults for keys left
    out (model_analyzer's _build_options)."""

    def __init__(self, d):
        g = d.get
        self.max_depth = g("max_depth", 10)
        self.min = {k: g(k, 0) for k in (
            "min_bytes", "min_peak_bytes", "min_residual_bytes", "min_output_bytes",
            "min_micros", "min_accelerator_micros", "min_cpu_micros", "min_params",
            "min_float_ops", "min_occurrence")}
        self.step = g("step", -1)
        self.order_by = g("order_by", "name")
        self.account_type_regexes = list(g("account_type_regexes", []))
        self.start_name_regexes = list(g("start_name_regexes", []))
        self.trim_name_regexes = list(g("trim_name_regexes", []))
        self.show_name_regexes = list(g("show_name_regexes", []))
        self.hide_name_regexes = list(g("hide_name_regexes", []))
        self.account_displayed_op_only = bool(g("account_displayed_op_only", False))
        self.select = sorted(set(g("select", [])))
        output = g("output", "stdout")
        kind, _, rest = output.partition(":")
        self.output_type = kind
        self.output_options = dict(kv.split("=", 1) for kv in rest.split(",") if "=" in kv)
        self.error = self._output_error()

    def _output_error(self):
        """TF's INVALID_ARGUMENT message for a bad `output` option, or None."""
        kind = self.output_type
        if kind not in _OUTPUTS:
            return ("E.g. Unknown output type: %s, Valid types: %s\n"
                    % (kind, ",".join(sorted(_OUTPUTS))))
        for key in self.output_options:
            if key not in _OUTPUTS[kind]:
                return "Unrecognized options %s for output_type: %s\n" % (key, kind)
        for key in _OUTPUTS[kind]:
            if key not in self.output_options:
                return ("Missing required output_options for %s\nE.g. -output %s:%s=...\n"
                        % (kind, kind, key))
        return None

    def to_string(self):
        """TF's `-option value` listing printed before a report."""
        rows = [("max_depth", self.max_depth)]
        rows += [(k, self.min[k]) for k in (
            "min_bytes", "min_peak_bytes", "min_residual_bytes", "min_output_bytes",
            "min_micros", "min_accelerator_micros", "min_cpu_micros", "min_params",
            "min_float_ops", "min_occurrence")]
        rows += [("step", self.step), ("order_by", self.order_by)]
        for k in ("account_type_regexes", "start_name_regexes", "trim_name_regexes",
                  "show_name_regexes", "hide_name_regexes"):
            rows.append((k, ",".join(getattr(self, k))))
        rows.append(("account_displayed_op_only",
                     "true" if self.account_displayed_op_only else "false"))
        rows.append(("select", ",".join(self.select)))
        rows.append(("output", "%s:%s" % (self.output_type, ",".join(
            "%s=%s" % kv for kv in sorted(self.output_options.items())))))
        return "".join("%-28s%s\n" % ("-" + k, v) for k, v in rows)


def _full_match(regex, s):
    return re.fullmatch(regex, s) is not None


def _shape_vec(shape_proto):
    """tfprof's ShapeProtoToVec: a known-rank scalar is [1], an unknown rank []."""
    if not shape_proto.dim and not shape_proto.unknown_rank:
        return [1]
    return [d.size for d in shape_proto.dim]


def _shape_proto(vec, proto):
    if not vec:
        proto.unknown_rank = True
    for d in vec:
        proto.dim.add(size=d)


class GraphNode(object):
    """One op of the profiled graph (tfprof's TFGraphNode)."""

    def __init__(self, node_def):
        self.name = node_def.name
        self.op = node_def.op
        self.op_types = {node_def.op}
        self.float_ops = 0
        self.shape = []
        self.output_shapes = {}
        self.inputs = {}  # input index -> (node name, output index)
        if "shape" in node_def.attr and node_def.attr["shape"].HasField("shape"):
            self.shape = _shape_vec(node_def.attr["shape"].shape)
        if "_output_shapes" in node_def.attr:
            for i, s in enumerate(node_def.attr["_output_shapes"].list.shape):
                self.output_shapes[i] = _shape_vec(s)
        # TF's GraphDef lists control inputs sorted by name (scopeflow's keeps their order)
        data = [i for i in node_def.input if not i.startswith("^")]
        control = sorted((i for i in node_def.input if i.startswith("^")), key=str.encode)
        # TF's release build parses "node:k" inside a DCHECK, which does not run: every
        # input's shape is that of its node's output 0
        for i, inp in enumerate(data + control):
            self.inputs[i] = (inp.partition(":")[0].lstrip("^"), 0)

    @property
    def parameters(self):
        if self.shape and all(d >= 0 for d in self.shape):
            n = 1
            for d in self.shape:
                n *= d
            return n
        return 0

    def input_shapes(self, nodes):
        out = {}
        for i, (src, idx) in self.inputs.items():
            node = nodes.get(src)
            out[i] = node.output_shapes.get(idx, []) if node is not None else []
        return out


def _parent_node(name, op=None):
    op = op or SCOPE_PARENT
    node = GraphNode.__new__(GraphNode)
    node.name, node.op, node.op_types = name, op, {op}
    node.float_ops, node.shape, node.output_shapes, node.inputs = 0, [], {}, {}
    return node


class Stats(object):
    """The profile of a graph: its nodes with the op log merged in (tfprof's TFStats)."""

    def __init__(self, graph_def, op_log=None):
        self.nodes = {}
        for nd in graph_def.node:
            self.nodes.setdefault(nd.name, GraphNode(nd))
        if op_log is not None:
            for entry in op_log.log_entries:
                node = self.nodes.get(entry.name)
                if node is None:
                    continue
                node.op_types.update(entry.types)
                if entry.float_ops:
                    node.float_ops = entry.float_ops

    def show(self, cmd, opts):
        if opts.error:
            sys.stderr.write("INVALID_ARGUMENT: %s\n" % opts.error)
            return MultiGraphNodeProto() if cmd in ("op", "code") else GraphNodeProto()
        if cmd == "scope":
            root, text = _ScopeView(self).show(opts)
        elif cmd == "graph":
            root, text = _GraphView(self).show(opts)
        else:
            root, text = _OpView(self).show(opts)
        _emit(cmd, opts, text)
        return root


class _ShowNode(object):
    """A node as a view shows it (tfprof's ShowNode): self stats, totals, shown children."""

    def __init__(self, node, nodes):
        self.node = node
        self.name = node.name
        self.children = []
        self.show_children = []
        self.account = False
        self.formatted = ""
        self.parameters = node.parameters
        self.float_ops = node.float_ops
        self.input_shapes = node.input_shapes(nodes)
        self.reset_totals()

    def reset_totals(self):
        self.formatted = ""
        self.total_definition_count = 0
        self.total_parameters = 0
        self.total_float_ops = 0

    def add_self(self):
        self.total_definition_count += 1
        self.total_parameters += self.parameters
        self.total_float_ops += self.float_ops

    def aggregate(self, other):
        self.total_definition_count += other.total_definition_count
        self.total_parameters += other.total_parameters
        self.total_float_ops += other.total_float_ops

    def total(self, key):
        if key in _ZERO_TOTALS:
            return 0
        return getattr(self, key)

    def proto(self):
        p = GraphNodeProto(name=self.name, parameters=self.parameters,
                           float_ops=self.float_ops,
                           total_definition_count=self.total_definition_count,
                           total_parameters=self.total_parameters,
                           total_float_ops=self.total_float_ops)
        for i, vec in self.input_shapes.items():
            _shape_proto(vec, p.input_shapes[i])
        return p


def format_number(n):
    if n < 1000:
        return "%d" % n
    if n < 1000000:
        return "%.2fk" % (n / 1000.0)
    if n < 1000000000:
        return "%.2fm" % (n / 1000000.0)
    return "%.2fb" % (n / 1000000000.0)


def format_time(micros):
    if micros > 1000000:
        return "%.2fsec" % (micros / 1000000.0)
    if micros > 1000:
        return "%.2fms" % (micros / 1000.0)
    return "%dus" % micros


def format_memory(nbytes):
    if nbytes > 1000000:
        return "%.2fMB" % (nbytes / 1000000.0)
    if nbytes > 1000:
        return "%.2fKB" % (nbytes / 1000.0)
    return "%dB" % nbytes


def _pair(node, own, total, fmt):
    return ("%s/" % fmt(own) if node.account else "--/") + fmt(total)


def _format_node(node, opts):
    sel = opts.select
    info = []
    if "params" in sel:
        shape = "x".join(str(d) for d in node.node.shape)
        if shape:
            info.append(shape)
        info.append(_pair(node, node.parameters, node.total_parameters, format_number)
                    + " params")
    if "float_ops" in sel:
        info.append(_pair(node, node.float_ops, node.total_float_ops, format_number)
                    + " flops")
    for key in ("bytes", "peak_bytes", "residual_bytes", "output_bytes"):
        if key in sel:
            info.append(_pair(node, 0, 0, format_memory))
    if "micros" in sel:
        info += [_pair(node, 0, 0, format_time)] * 3
    else:
        for key in ("accelerator_micros", "cpu_micros"):
            if key in sel:
                info.append(_pair(node, 0, 0, format_time))
    if "op_types" in sel:
        info.append("|".join(sorted(node.node.op_types)))
    if "occurrence" in sel:
        info.append(("0/" if node.account else "--/") + "0|"
                    + ("1/" if node.account else "--/")
                    + format_number(node.total_definition_count))
    if "input_shapes" in sel:
        info.append("|".join("%d:%s" % (i, "x".join(str(d) for d in v) if v else "unknown")
                             for i, v in sorted(node.input_shapes.items())))
    return "%s (%s)" % (node.name, ", ".join(info))


_LEGENDS = (("params", ["# parameters"]), ("float_ops", ["# float_ops"]),
            ("bytes", ["requested bytes"]), ("peak_bytes", ["peak bytes"]),
            ("residual_bytes", ["residual bytes"]), ("output_bytes", ["output bytes"]),
            ("micros", ["total execution time", "accelerator execution time",
                        "cpu execution time"]))


def _legend(opts):
    sel = opts.select
    out = []
    for key, names in _LEGENDS:
        if key in sel:
            out += names
    if "micros" not in sel:
        if "accelerator_micros" in sel:
            out.append("accelerator execution time")
        if "cpu_micros" in sel:
            out.append("cpu execution time")
    for key, name in (("device", "assigned devices"), ("op_types", "op types"),
                      ("occurrence", "op count (run|defined)"), ("input_shapes", "input shapes")):
        if key in sel:
            out.append(name)
    return "node name | %s\n" % " | ".join(out)


def _sort(nodes, opts):
    if not opts.order_by or not nodes:
        return nodes
    key = _ORDER_KEYS.get(opts.order_by)
    if key is None:
        return sorted(nodes, key=lambda n: n.name.encode())
    return sorted(nodes, key=lambda n: -n.total(key))


class _ScopeView(object):
    """tfprof's scope view: nodes nested by their '/'-separated names."""

    def __init__(self, stats):
        self.nodes = {}
        nodes = stats.nodes
        for name in nodes:
            self.nodes[name] = _ShowNode(nodes[name], nodes)
        for name in list(nodes):
            while "/" in name:
                name = name.rsplit("/", 1)[0]
                if name not in self.nodes:
                    self.nodes[name] = _ShowNode(_parent_node(name), nodes)
        roots = []
        for name in sorted(self.nodes, key=lambda s: s.encode()):
            node = self.nodes[name]
            if "/" in name:
                self.nodes[name.rsplit("/", 1)[0]].children.append(node)
            else:
                roots.append(node)
        self.root = _ShowNode(_parent_node(ROOT), nodes)
        self.root.children = roots

    def _reaccount(self, node, opts):
        regexes = opts.account_type_regexes
        if regexes == [".*"]:
            return True
        return any(_full_match(r, t) for r in regexes for t in node.node.op_types)

    # an unaccounted node with accounted descendants: kept (a scope) or passed over (graph)
    PASS_UP = False

    def _account(self, roots, opts, visits=None):
        """The accounted nodes among `roots` (depth first), their totals and children set."""
        visits = set() if visits is None else visits
        out = []
        for node in roots:
            if node.name in visits:
                continue
            visits.add(node.name)
            node.reset_totals()
            kids = self._account(node.children, opts, visits)
            node.account = self._reaccount(node, opts)
            if node.account or (kids and not self.PASS_UP):
                node.show_children = []
                node.reset_totals()
                node.add_self()
                for c in kids:
                    node.aggregate(c)
                    node.show_children.append(c)
                out.append(node)
            else:
                out += kids
        return out

    def _search_root(self, roots, regexes, visits=None):
        visits = set() if visits is None else visits
        out = []
        for node in roots:
            if node.name in visits:  # a node reached again (graph view) is skipped
                continue
            visits.add(node.name)
            if any(_full_match(r, node.name) for r in regexes):
                out.append(node)
                continue
            out += self._search_root(node.show_children, regexes, visits)
        return out

    def _should_show(self, node, opts, depth):
        if node.name == ROOT:
            return True
        m = opts.min
        if (any(m[k] > 0 for k in ("min_bytes", "min_peak_bytes", "min_residual_bytes",
                                   "min_output_bytes", "min_micros", "min_accelerator_micros",
                                   "min_cpu_micros", "min_occurrence"))
                or node.parameters < m["min_params"] or node.float_ops < m["min_float_ops"]
                or depth > opts.max_depth):
            return False
        if opts.show_name_regexes != [".*"] and not any(
                _full_match(r, node.name) for r in opts.show_name_regexes):
            return False
        return not any(_full_match(r, node.name) for r in opts.hide_name_regexes)

    def _print(self, roots, opts, depth, last_ident, visits=None):
        visits = set() if visits is None else visits
        shown = []
        for node in roots:
            if node.name in visits:
                continue
            visits.add(node.name)
            ident = last_ident
            show = self._should_show(node, opts, depth)
            if show:
                ident += 2
            kids = []
            trimmed = any(_full_match(r, node.name) for r in opts.trim_name_regexes)
            if not trimmed and depth <= opts.max_depth:
                kids = self._print(node.show_children, opts, depth + 1, ident, visits)
            if show:
                self._adopt(node, kids, opts, last_ident)
                shown.append(node)
            else:
                shown += kids
        return shown

    @staticmethod
    def _adopt(node, kids, opts, last_ident):
        """A shown node takes its shown descendants `kids` as children, in order."""
        node.show_children = []
        if opts.account_displayed_op_only:
            node.reset_totals()
            node.add_self()
        for c in _sort(kids, opts):
            node.show_children.append(c)
            if opts.account_displayed_op_only:
                node.aggregate(c)
        node.formatted = "%s%s\n" % (" " * last_ident, _format_node(node, opts))

    def show(self, opts):
        root = self.root
        root.reset_totals()
        roots = self._account(root.children, opts)
        root.show_children = []
        for n in roots:
            root.aggregate(n)
        if opts.start_name_regexes != [".*"]:
            roots = self._search_root(roots, opts.start_name_regexes)
        root.show_children = roots
        root = self._print([root], opts, 1, 0)[0]
        lines = [_legend(opts), root.formatted]
        proto = root.proto()

        def walk(nodes, parent):
            for n in nodes:
                lines.append(n.formatted)
                child = parent.children.add()
                child.MergeFrom(n.proto())
                walk(n.show_children, child)
        walk(root.show_children, proto)
        return proto, "".join(lines)


class _GraphView(_ScopeView):
    """tfprof's graph view: each node's children are its inputs (data and control, in input
    order); the roots are the nodes no other node reads, and a node shows once, where the
    depth-first walk first reaches it."""

    PASS_UP = True

    def __init__(self, stats):
        nodes = stats.nodes
        self.nodes = {name: _ShowNode(nodes[name], nodes) for name in nodes}
        read = set()
        for name in sorted(self.nodes, key=lambda s: s.encode()):
            node = self.nodes[name]
            for _, (src, _) in sorted(node.node.inputs.items()):
                read.add(src)
                if src in self.nodes:
                    node.children.append(self.nodes[src])
        self.root = _ShowNode(_parent_node(ROOT, GRAPH_PARENT), nodes)
        self.root.children = [self.nodes[n] for n in sorted(self.nodes, key=lambda s: s.encode())
                              if n not in read]


class _MultiNode(object):
    """An op type as the op view shows it (tfprof's ShowMultiNode over a TFMultiGraphNode):
    the graph nodes of that type, their summed stats and the running totals."""

    def __init__(self, name, graph_nodes, nodes):
        self.name = name
        self.graph_nodes = graph_nodes  # {name: GraphNode}, all nodes of the type
        self.all_nodes = nodes
        self.snapshot = []
        self.parameters = self.float_ops = 0
        self.account = self.show = False
        self.reset_totals()

    def reinit(self, regexes):
        """Snapshot of the nodes whose types match `regexes` (TF's SnapshotNodes): whether
        any matched."""
        if not regexes:
            picked = []
        elif regexes == [".*"]:
            picked = list(self.graph_nodes.values())
        else:
            picked = [n for r in regexes for n in self.graph_nodes.values()
                      if any(_full_match(r, t) for t in n.op_types)]
        self.parameters = sum(n.parameters for n in picked)
        self.float_ops = sum(n.float_ops for n in picked)
        self.snapshot = sorted({n.name: n for n in picked}.values(), key=lambda n: n.name.encode())
        if not picked:
            return regexes == [".*"]
        return True

    def reset_totals(self):
        self.total_parameters = 0
        self.total_float_ops = 0

    def add_self(self):
        self.total_parameters += self.parameters
        self.total_float_ops += self.float_ops

    def aggregate(self, other):
        self.total_parameters += other.total_parameters
        self.total_float_ops += other.total_float_ops

    def total(self, key):
        return 0 if key in _ZERO_TOTALS else getattr(self, key)

    def proto(self):
        p = MultiGraphNodeProto(name=self.name, parameters=self.parameters,
                                float_ops=self.float_ops, total_parameters=self.total_parameters,
                                total_float_ops=self.total_float_ops)
        for n in self.snapshot:
            s = _ShowNode(n, self.all_nodes)
            s.add_self()
            p.graph_nodes.add().MergeFrom(s.proto())
        return p


def _pct_column(label, own, total, root_total):
    accu = pct = 0.0
    if total > 0:
        accu = 100.0 * total / root_total
        pct = 100.0 * own / root_total
    return "%30s" % ("%s (%.2f%%, %.2f%%)" % (label, accu, pct))


class _OpView(object):
    """tfprof's op view: one node per op type, a chain ordered by `order_by` whose totals
    accumulate from the end."""

    _ORDER_SELF = {"params": "parameters", "float_ops": "float_ops"}

    def __init__(self, stats):
        by_type = {}
        for node in stats.nodes.values():
            by_type.setdefault(node.op, {})[node.name] = node
        self.types = [_MultiNode(t, by_type[t], stats.nodes)
                      for t in sorted(by_type, key=lambda s: s.encode())]
        self.root = _MultiNode(ROOT, {}, stats.nodes)

    def _sort(self, nodes, opts):
        if not opts.order_by:
            return nodes
        if opts.order_by == "occurrence":
            return sorted(nodes, key=lambda n: -len(n.graph_nodes))
        attr = self._ORDER_SELF.get(opts.order_by)
        if attr is None:  # name, or a column that is 0 without run metadata: name order
            return nodes
        return sorted(nodes, key=lambda n: -getattr(n, attr))

    def _should_show(self, node, opts, depth):
        m = opts.min
        if (any(m[k] > 0 for k in ("min_bytes", "min_peak_bytes", "min_residual_bytes",
                                   "min_output_bytes", "min_micros", "min_accelerator_micros",
                                   "min_cpu_micros"))
                or node.total_parameters < m["min_params"]
                or node.total_float_ops < m["min_float_ops"] or depth > opts.max_depth
                or m["min_occurrence"] > len(node.graph_nodes)):
            return False
        if opts.show_name_regexes != [".*"] and not any(
                _full_match(r, node.name) for r in opts.show_name_regexes):
            return False
        return not any(_full_match(r, node.name) for r in opts.hide_name_regexes)

    def _format(self, node, opts):
        root, sel = self.root, opts.select
        cols = []
        for key in ("bytes", "peak_bytes", "residual_bytes", "output_bytes"):
            if key in sel:
                cols.append(_pct_column(format_memory(0), 0, 0, 0))
        if "micros" in sel:
            cols += [_pct_column(format_time(0), 0, 0, 0)] * 3
        else:
            for key in ("accelerator_micros", "cpu_micros"):
                if key in sel:
                    cols.append(_pct_column(format_time(0), 0, 0, 0))
        if "params" in sel:
            cols.append(_pct_column(format_number(node.parameters) + " params",
                                    node.parameters, node.total_parameters,
                                    root.total_parameters))
        if "float_ops" in sel:
            cols.append(_pct_column(format_number(node.float_ops) + " float_ops",
                                    node.float_ops, node.total_float_ops,
                                    root.total_float_ops))
        if "op_types" in sel:
            cols.append("|".join(sorted({t for n in node.graph_nodes.values()
                                         for t in n.op_types})))
        if "occurrence" in sel:
            cols.append("%10s" % ("0|%d" % len(node.snapshot)))
        return "%-25s%s\n" % (node.name, ", ".join(cols))

    def _legend(self, opts):
        sel = opts.select
        out = []
        for key, name in (("bytes", "requested bytes"), ("peak_bytes", "peak bytes"),
                          ("residual_bytes", "residual bytes"),
                          ("output_bytes", "output bytes")):
            if key in sel:
                out.append(name)
        if "micros" in sel:
            out += ["total execution time", "accelerator execution time",
                    "cpu execution time"]
        else:
            if "accelerator_micros" in sel:
                out.append("accelerator execution time")
            if "cpu_micros" in sel:
                out.append("cpu execution time")
        for key, name in (("params", "# parameters"), ("float_ops", "# float_ops"),
                          ("device", "assigned devices"), ("op_types", "op types"),
                          ("occurrence", "op occurrence (run|defined)"),
                          ("input_shapes", "input shapes")):
            if key in sel:
                out.append(name)
        return "node name | %s\n" % " | ".join(out)

    def show(self, opts):
        root = self.root
        root.reset_totals()
        for n in self.types:
            n.account = n.reinit(opts.account_type_regexes)
            n.reset_totals()
            n.add_self()
        nodes = self._sort(self.types, opts)
        accounted = [n for n in nodes if n.account]
        for i in range(len(accounted) - 2, -1, -1):
            accounted[i].aggregate(accounted[i + 1])
        if accounted:
            root.aggregate(accounted[0])
        start = 0
        if opts.start_name_regexes and opts.start_name_regexes != [".*"]:
            start = next((i for i, n in enumerate(accounted) if any(
                _full_match(r, n.name) for r in opts.start_name_regexes)), len(accounted))
        shown = []
        for depth, n in enumerate(accounted[start:]):
            if any(_full_match(r, n.name) for r in opts.trim_name_regexes) or \
                    depth > opts.max_depth:
                break
            n.show = self._should_show(n, opts, depth)
            if n.show:
                shown.append(n)
        if opts.account_displayed_op_only:
            for i in range(len(shown) - 1, -1, -1):
                shown[i].reset_totals()
                shown[i].add_self()
                if i + 1 < len(shown):
                    shown[i].aggregate(shown[i + 1])
            root.reset_totals()
            if shown:
                root.aggregate(shown[0])
        text = self._legend(opts) + "".join(self._format(n, opts) for n in shown)
        proto = root.proto()
        parent = proto
        for n in shown:
            parent = parent.children.add()
            parent.MergeFrom(n.proto())
        return proto, text


_CMD_DOCS = {
    "scope": "scope: The nodes in the model graph are organized by their names, which is "
             "hierarchical like filesystem.",
    "graph": "scope: The nodes in the model graph are organized by their names, which is "
             "hierarchical like filesystem.",
    "code": "code: When python trace is available, the nodes are python lines and their are "
            "organized by the python call stack.",
    "op": "op: The nodes are operation kernel type, such as MatMul, Conv2D. Graph nodes "
          "belonging to the same type are aggregated together.",
}
_TOTAL_MICROS = "total execution time: Sum of accelerator execution time and cpu execution time."
_ACC_MICROS = ("accelerator execution time: Time spent executing on the accelerator. This is "
               "normally measured by the actual hardware library.")
_CPU_MICROS = ("cpu execution time: The time from the start to the end of the operation. It's "
               "the sum of actual cpu run time plus the time that it spends waiting if part of "
               "computation is launched asynchronously.")
_SELECT_DOCS = {
    "bytes": "requested bytes: The memory requested by the operation, accumulatively.",
    "micros": "\n".join((_TOTAL_MICROS, _CPU_MICROS, _ACC_MICROS)),
    "params": "param: Number of parameters (in the Variable).",
    "float_ops": "flops: Number of float operations. Note: Please read the implementation for "
                 "the math behind it.",
    "tensor_value": "tensor_value: Not supported now.",
    "device": "device: which device is placed on.",
    "op_types": "op_types: The attributes of the operation, includes the Kernel name device "
                "placed on and user-defined strings.",
    "occurrence": "occurrence: The number of times it occurs",
    "input_shapes": "input shape: The shape of input tensors",
    "accelerator_micros": _ACC_MICROS,
    "cpu_micros": _CPU_MICROS,
    "peak_bytes": "peak bytes: The peak amount of memory that the operation is holding at some "
                  "point.",
    "residual_bytes": "residual bytes: The memory not de-allocated after the operation "
                      "finishes.",
    "output_bytes": "output bytes: The memory that is output from the operation (not "
                    "necessarily allocated by the operation)",
}


def _doc(cmd, opts):
    helps = [_SELECT_DOCS.get(s, "Unknown select: " + s) for s in opts.select]
    return "\nDoc:\n%s\n%s\n\n" % (_CMD_DOCS.get(cmd, "Unknown command: " + cmd),
                                   "\n".join(helps))


def _emit(cmd, opts, text):
    """Where TF's report goes: stdout (with the option listing and banners), a file, or
    nowhere."""
    report = _doc(cmd, opts) + "Profile:\n" + text
    if opts.output_type == "stdout":
        sys.stdout.write(
            "\n=========================Options=============================\n"
            + opts.to_string()
            + "\n==================Model Analysis Report======================\n"
            + report
            + "\n======================End of Report==========================\n")
        sys.stdout.flush()
    elif opts.output_type == "file":
        from scopeflow.io import gfile
        with gfile.GFile(opts.output_options["outfile"], "w") as f:
            f.write(report)
    elif opts.output_type in ("none", "pprof"):
        if opts.output_type == "pprof" and cmd != "code":
            sys.stderr.write("Only 'code' view supports pprof output now.\n")
    elif opts.output_type != "timeline":
        sys.stderr.write("Unknown output type: %s\n" % opts.output_type)


__all__ = ["GraphNode", "MultiGraphNodeProto", "Options", "Stats", "format_number"]
