"""`scopeflow run | graph | explain | ckpt`: run TF1 scripts on scopeflow and read what they wrote.

    scopeflow run train.py --steps 10     # `import tensorflow` in train.py gives scopeflow
    scopeflow graph logs/                 # node names of the logged graph, grouped by scope
    scopeflow graph logs/ --hide 'gradients|save' --depth 2 --out filtered/   # for TensorBoard
    scopeflow explain s/w/Adam_1:0 --script train.py   # what the name is in the graph
    scopeflow ckpt model.ckpt             # variables of a TF checkpoint with their shapes
    scopeflow ckpt-map old.ckpt --script new.py   # its keys mapped onto the new graph
"""

import argparse
import glob
import importlib
import importlib.abc
import importlib.util
import os
import re
import runpy
import sys
import types
import zipfile

# `import <prefix>...` -> scopeflow modules to try, first found wins (longest prefix first).
_ALIASES = (
    ("tensorflow.contrib.slim", ("scopeflow.contrib.slim", "scopeflow.slim")),
    ("tf_slim", ("scopeflow.contrib.slim", "scopeflow.slim")),
    # TF 1.15's module paths, as pickled vocabulary processors name them
    ("tensorflow.contrib.learn.python.learn", ("scopeflow.contrib.learn",)),
    ("tensorflow", ("scopeflow",)),
)
# Packages TF1 scripts import that scopeflow may lack; an empty package stands in for them.
_STAND_INS = ("tensorflow.contrib", "tensorflow.contrib.learn.python")


def _targets(fullname):
    """The scopeflow module names that `fullname` (a tensorflow/tf_slim name) may stand for."""
    for prefix, targets in _ALIASES:
        if fullname == prefix or fullname.startswith(prefix + "."):
            return [t + fullname[len(prefix):] for t in targets]
    return None


def _find(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a missing parent package
        return False


def _resolve(fullname, targets):
    """The module `fullname` stands for: a scopeflow module, an attribute module, a stand-in."""
    from scopeflow.compat import tf_paths
    if tf_paths.handles(fullname):  # tensorflow.python.*, tensorflow.core.*: TF's own paths
        return tf_paths.module(fullname)
    for target in targets:
        if _find(target):
            return importlib.import_module(target)
    parent, _, leaf = fullname.rpartition(".")
    attr = getattr(sys.modules.get(parent), leaf, None)
    if isinstance(attr, types.ModuleType):  # e.g. tensorflow.compat.v1.nn
        return attr
    if fullname in _STAND_INS:
        stand_in = types.ModuleType(fullname, "Stand-in package: scopeflow has no %s." % fullname)
        stand_in.__path__ = []
        return stand_in
    raise ModuleNotFoundError("scopeflow has no module for %r (looked for %s)"
                              % (fullname, ", ".join(targets)), name=fullname)


class _AliasLoader(importlib.abc.Loader):
    """Replaces the fresh module in sys.modules by the scopeflow module it stands for."""

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = module.__name__
        resolved = sys.modules[name] = _resolve(name, _targets(name))
        if not hasattr(resolved, "__path__"):  # `import tensorflow.compat.v1.keras` needs the
            resolved.__path__ = []  # parent to be a package; its names come from attributes


class TensorflowAliases(importlib.abc.MetaPathFinder):
    """Meta-path finder making `tensorflow` (and tf_slim) imports resolve to scopeflow.

    >>> install_aliases(); import tensorflow.compat.v1 as tf; tf.__name__
    'scopeflow.compat.v1'
    """

    def find_spec(self, fullname, path=None, target=None):
        if _targets(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(), is_package=True)


def install_aliases():
    """Puts the `tensorflow` -> scopeflow finder first on sys.meta_path (once).

    >>> install_aliases(); import tensorflow as tf; tf.__name__
    'scopeflow'
    """
    if not any(isinstance(f, TensorflowAliases) for f in sys.meta_path):
        sys.meta_path.insert(0, TensorflowAliases())


def _run(args):
    install_aliases()
    sys.argv = [args.script] + args.args
    path = os.path.abspath(args.script)  # (Python makes a script's __file__ absolute)
    sys.path.insert(0, os.path.dirname(path))
    from scopeflow.core import stack
    stack.launched(path)
    try:
        _run_script(path)
    except Exception as e:  # noqa: BLE001 - reported as `python script.py` reports it
        tb = _from_script(e.__traceback__, args.script)
        sys.excepthook(type(e), e.with_traceback(tb), tb)  # (it prints the error's own)
        return 1
    return 0


def _run_script(path):
    """Runs the file at `path` as `__main__` as `python script.py` does: its `__file__` and
    code's file name absolute, `sys.argv[0]` left as typed (runpy.run_path would set it to
    `path`). Directories and zip files with a `__main__.py` go through runpy."""
    if not os.path.isfile(path) or zipfile.is_zipfile(path):
        runpy.run_path(path, run_name="__main__")
        return
    import builtins
    import importlib.machinery
    import io
    with io.open_code(path) as f:
        code = compile(f.read(), path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=path, __cached__=None, __package__=None, __spec__=None,
                         __builtins__=builtins,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", path))
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def _from_script(tb, script):
    """`tb` from the script's first frame on (without this module's and runpy's above it), as
    `python script.py` shows an uncaught error; all of it where the script has no frame."""
    path = os.path.abspath(script)
    at = tb
    while at is not None and os.path.abspath(at.tb_frame.f_code.co_filename) != path:
        at = at.tb_next
    return at or tb


def _lint(args):
    """Runs the script as `run` does, recording its runs, then lints the graphs it built (the
    default graph and every graph a Session ran)."""
    install_aliases()
    sys.argv = [args.script] + args.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.script)))
    from scopeflow import insight
    from scopeflow.core.frame import default_graph
    # the script's Session.run calls: feeds, initialized variables, the graphs that ran
    with insight.record_runs() as ran:
        try:
            runpy.run_path(args.script, run_name="__main__")
        except SystemExit:
            pass
        except Exception as e:  # noqa: BLE001 - the findings may say why the script failed
            lines = [ln for ln in str(e).split("\n") if ln.strip()][:2]
            print("scopeflow lint: the script stopped with %s: %s"
                  % (type(e).__name__, " ".join(lines)), file=sys.stderr)
    graphs = [default_graph()] + [g for g in ran if g is not default_graph()]
    findings = [f for g in graphs for f in insight.lint(g)]
    for f in findings:
        print(f)
    print("%d finding%s" % (len(findings), "" if len(findings) == 1 else "s"))
    return 1 if findings else 0


# ----------------------------------------------------------------------------- graph

def _events_graph(path):
    """The last GraphDef written to an events file."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.compat.proto import graph_pb2

    graph = None
    for event in EventFileLoader(path).Load():
        if event.HasField("graph_def"):
            graph = graph_pb2.GraphDef.FromString(event.graph_def)
    return graph


def load_graph_def(path):
    """A GraphDef from a log directory, an events file, a .pbtxt or a binary .pb file."""
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2

    if os.path.isdir(path):
        events = sorted(glob.glob(os.path.join(path, "**", "*tfevents*"), recursive=True),
                        key=os.path.getmtime)
        graphs = [g for g in map(_events_graph, reversed(events)) if g is not None]
        if not graphs:
            raise SystemExit("scopeflow graph: no graph in an events file under %s" % path)
        return graphs[0]
    if "tfevents" in os.path.basename(path):
        return _events_graph(path) or graph_pb2.GraphDef()
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith((".pbtxt", ".txt")):
        return text_format.Parse(data.decode("utf-8"), graph_pb2.GraphDef())
    return graph_pb2.GraphDef.FromString(data)


def scope_tree(nodes):
    """Nested dict of name segments; the key None holds the op type where a node ends.

    >>> scope_tree([("a/b", "Const"), ("a", "Add")])
    {'a': {'b': {None: 'Const'}, None: 'Add'}}
    """
    root = {}
    for name, op_type in nodes:
        level = root
        for segment in name.split("/"):
            level = level.setdefault(segment, {})
        level[None] = op_type
    return root


def _tree_lines(tree, depth=0):
    for segment, sub in tree.items():
        if segment is None:
            continue
        if None in sub:  # an op (maybe also the scope of its helper ops)
            label, info = segment, sub[None]
        else:  # only a scope
            count = _count(sub)
            label, info = segment + "/", "(%d op%s)" % (count, "" if count == 1 else "s")
        yield "%-48s %s" % ("  " * depth + label, info)
        yield from _tree_lines(sub, depth + 1)


def _count(tree):
    return sum(_count(sub) if key is not None else 1 for key, sub in tree.items())


def _graph(args):
    if args.hide or args.depth or args.out or args.text:
        return _filtered_graph(args)
    nodes = [(n.name, n.op) for n in load_graph_def(args.path).node]
    lines = ("%-48s %s" % node for node in nodes) if args.flat else _tree_lines(scope_tree(nodes))
    for line in lines:
        print(line.rstrip())
    print("%d nodes" % len(nodes))
    return 0


def _filtered_graph(args):
    """`graph PATH --hide RE --depth N [--out DIR] [--text]`: the graph without the hidden
    scopes, deeper scopes collapsed, as an events file for TensorBoard and/or as text."""
    from scopeflow.insight import graph_filter, sources
    full = sources.graph_def_of(args.path)
    shown = graph_filter.filter_graph_def(full, hide=args.hide, depth=args.depth)
    if args.text or not args.out:
        print(graph_filter.graph_text(shown))
    if args.out:
        path = graph_filter.write_events(shown, args.out)
        print("wrote %s: %d of %d nodes (tensorboard --logdir %s)"
              % (path, len(shown.node), len(full.node), args.out))
    return 0


# ----------------------------------------------------------------------------- explain

# (pattern on one name segment, meaning); {p} is the enclosing name, {0}, {1} the groups.
_SEGMENT_RULES = (
    (r"read", "snapshot (Identity) of variable {p}: what the variable converts to as a tensor"),
    (r"Assign", "an assignment to {p}; under a variable it is the initializer ({p}.initializer)"),
    (r"Initializer", ("name scope of the ops computing variable {p}'s initial value "
                      "(tf.get_variable)")),
    (r"initial_value", "initial value of variable {p} (tf.Variable)"),
    (r"part_(\d+)", "shard {0} of partitioned variable {p}"),
    (r"(Adam|Adagrad|Momentum|Ftrl|Adadelta|RMSProp)(_1)?",
     "{0}'s slot variable for {p} (a second slot of one optimizer gets _1)"),
    (r"ExponentialMovingAverage", "the moving-average shadow variable of {p}"),
    (r"(beta1_power|beta2_power)", "Adam's running power of beta, shared by all variables"),
    (r"gradients(_\d+)?", "name scope of one tf.gradients call (later calls: gradients_1, ...)"),
    (r"(.+)_grad", "gradient ops of op {0} (inside a gradients scope)"),
    (r"update_(.+)", "the optimizer's update of a variable; its name starts with {0}"),
    (r"[xy]", "a Python or numpy operand of op {p}, converted to a Const in the op's scope"),
    (r"(.+)_(\d+)", ("'{0}' made unique: later uses of a name in one scope get _1, _2, "
                     "... (TF compares names lowercased)")),
)
# Rules for a first segment, tried before the others.
_TOP_RULES = (
    (r"(Adam|Adagrad|Momentum|Ftrl|Adadelta|RMSProp|GradientDescent|ExponentialMovingAverage)",
     "name scope and update op of the {0} optimizer (minimize / apply_gradients / apply)"),
    (r"init", "tf.global_variables_initializer()'s op"),
)

# A segment no rule explains: (a scope, the op itself).
_PLAIN = ("a name scope (name_scope, variable_scope, or an op's own scope)",
          "the op's name (its default name, or name=...)")


def explain_name(name):
    """Lines saying what each part of a TF tensor or op name means.

    >>> explain_name("s/w/read:0")[-1]
    '  read: snapshot (Identity) of variable s/w: what the variable converts to as a tensor'
    """
    op_name, _, index = name.partition(":")
    lines = ["%s: op %r" % (name, op_name) + (", output %s" % index if index else "")]
    segments = op_name.split("/")
    for i, segment in enumerate(segments):
        rules = _TOP_RULES + _SEGMENT_RULES if i == 0 else _SEGMENT_RULES
        enclosing = "/".join(segments[:i]) or "(top level)"
        found = (m for m in (re.fullmatch(p, segment) for p, _ in rules) if m)
        match = next(found, None)
        if match is not None:
            meaning = dict(rules)[match.re.pattern].format(*match.groups(""), p=enclosing)
        else:
            meaning = _PLAIN[i == len(segments) - 1]
        lines.append("  %s: %s" % (segment, meaning))
    return lines


def _explain(args):
    """Explains a name from a graph (--graph PATH or --script FILE); by TF's naming patterns
    only when no graph is given."""
    if not (args.graph or args.script):
        for line in explain_name(args.name):
            print(line)
        return 0
    from scopeflow.insight import explain
    found = explain(_insight_graph(args), args.name)
    print(found)
    return 0 if found.kind != "unknown" else 1


# ----------------------------------------------------------------------------- ckpt

def _ckpt(args):
    try:
        from scopeflow.checkpoint import list_variables
    except ImportError as e:
        print("scopeflow ckpt: checkpoint reading is not available (%s)" % e, file=sys.stderr)
        return 2
    for name, shape in list_variables(args.path):
        print("%-48s %s" % (name, list(shape)))
    return 0


def _insight_graph(args):
    """The graph of --script (run up to its first Session.run) or --graph PATH."""
    from scopeflow.insight import sources
    if args.script:
        return sources.run_script(args.script, args.args)
    try:
        return sources.load_graph(args.graph)
    except (ValueError, OSError) as e:
        raise SystemExit("scopeflow %s: %s" % (args.command, e)) from None


def _ckpt_map(args):
    """`ckpt-map CHECKPOINT --script FILE | --graph PATH [--rule OLD=NEW]`: the checkpoint's
    keys mapped onto the graph's variables, the coverage report and the assignment_map."""
    import json

    from scopeflow.insight import ckpt_map
    if not (args.script or args.graph):
        print("scopeflow ckpt-map: give the graph with --script FILE or --graph PATH",
              file=sys.stderr)
        return 2
    graph = _insight_graph(args)
    rules = [tuple(r.split("=", 1)) for r in args.rule]
    found = ckpt_map.map_checkpoint(args.checkpoint, graph, rules)
    for line in found.report():
        print(line)
    names = {k: v if isinstance(v, str) else found.names[k]
             for k, v in found.assignment_map.items()}
    print("assignment_map = " + json.dumps(names, indent=1, sort_keys=True))
    by_object = sorted(k for k, v in found.assignment_map.items() if not isinstance(v, str))
    if by_object:
        print("# not in get_variable's store by these names (tf.Variable, slots of partitioned "
              "variables): init_from_checkpoint takes the variables themselves for " +
              ", ".join(by_object))
    return 1 if found.left_graph or found.ambiguous else 0


def _parser():
    ap = argparse.ArgumentParser(prog="scopeflow", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a TF1 script with `import tensorflow` -> scopeflow")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    graph = sub.add_parser("graph", help="node names of a logged graph, grouped by scope")
    graph.add_argument("path", help="log directory, events file, .pbtxt or .pb GraphDef")
    graph.add_argument("--flat", action="store_true", help="one 'name type' line per node")
    graph.add_argument("--hide", help="regex of scopes to hide, e.g. 'gradients|save' (edges "
                                      "are rewired through them)")
    graph.add_argument("--depth", type=int, help="collapse scopes below this many segments")
    graph.add_argument("--out", help="write the filtered graph to an events file in this dir")
    graph.add_argument("--text", action="store_true", help="print the filtered graph with edges")
    explain = sub.add_parser("explain", help="what TF's naming rules say a name means")
    explain.add_argument("name")
    explain.add_argument("--graph", help="explain it from this graph: events file or log dir, "
                                         ".pb/.pbtxt GraphDef, .meta, checkpoint with .meta")
    explain.add_argument("--script", help="explain it from the graph this TF1 script builds "
                                          "(run up to its first Session.run)")
    explain.add_argument("--arg", action="append", default=[], dest="args",
                         help="an argument for the script (repeat for more)")
    lint = sub.add_parser("lint", help="run a TF1 script, then report scoping mistakes "
                                       "in the graph it built (file:line, why, fix)")
    lint.add_argument("script")
    lint.add_argument("args", nargs=argparse.REMAINDER)
    cmap = sub.add_parser("ckpt-map", help="map a checkpoint's keys onto a graph's variables "
                                           "(renamed scopes, slots, _N, part_N)")
    cmap.add_argument("checkpoint", help="checkpoint prefix or directory")
    cmap.add_argument("--script", help="the TF1 script building the graph (run up to its "
                                       "first Session.run)")
    cmap.add_argument("--graph", help="or the graph: .meta, checkpoint, events, GraphDef")
    cmap.add_argument("--rule", action="append", default=[],
                      help="a stated prefix rule CKPT_PREFIX=GRAPH_PREFIX, e.g. old/=new/")
    cmap.add_argument("--arg", action="append", default=[], dest="args",
                      help="an argument for the script (repeat for more)")
    ckpt = sub.add_parser("ckpt", help="variables of a checkpoint, with shapes")
    ckpt.add_argument("path", help="checkpoint prefix or directory")
    return ap


_COMMANDS = {"run": _run, "graph": _graph, "explain": _explain, "ckpt": _ckpt, "lint": _lint,
             "ckpt-map": _ckpt_map}


def main(argv=None):
    """Entry point of the `scopeflow` command; returns the exit status."""
    args = _parser().parse_args(argv)
    # the process is scopeflow's: XLA:CPU's run buffers are kept for the next run instead of
    # being unmapped and faulted in again (lowering/host_memory.py; SCOPEFLOW_KEEP_MEMORY=0)
    from scopeflow.lowering import host_memory
    host_memory.from_environment(default=True)
    return _COMMANDS[args.command](args)
