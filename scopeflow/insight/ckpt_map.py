"""Checkpoint keys mapped onto a graph's variables when the names differ: exact names first, then
rules given or inferred (a scope prefix added, removed or renamed, `tower_0/` <-> none, `_N`
renumbering, optimizer slots following their variable, partitioned `part_N` <-> whole), every
pair checked for shape and dtype, with a coverage report and the `assignment_map` that
`tf.train.init_from_checkpoint` takes.

>>> import scopeflow.compat.v1 as tf
>>> g = tf.Graph()
>>> with g.as_default(), tf.variable_scope("new"):
...     w = tf.get_variable("w", [2])
>>> m = map_variables({"old/w": ((2,), "float32")}, g)
>>> m.assignment_map, m.rules[0][:34]
({'old/w': 'new/w'}, "scope prefix 'old/' -> 'new/' (inf")
"""

import dataclasses
import re

from scopeflow.insight.provenance import SHARD, VARIABLE_TYPES

_NUMBERED = re.compile(r"^(.*?)(?:_(\d+))?$")
_PART = re.compile(r"^(.*)/part_(\d+)$")
_MAX_RULES = 100  # prefix rules tried at most (each costs a pass over the free names)


@dataclasses.dataclass(frozen=True)
class Pair:
    """A checkpoint key, the graph variable it restores, the rule that paired them."""

    key: str
    target: str
    rule: str


@dataclasses.dataclass
class CheckpointMap:
    """The result of map_checkpoint: pairs, rules, and what is left over or doubtful."""

    pairs: list
    rules: list
    ambiguous: dict  # checkpoint key -> [compatible graph variables it could be]
    mismatched: list  # (key, target, why): the names match, shapes or dtypes do not
    left_checkpoint: list
    left_graph: list
    variables: dict  # graph name -> Variable, or list of shards (live graphs)
    needs_concat: list = dataclasses.field(default_factory=list)  # pairs of part_N -> whole

    store_keys: dict = dataclasses.field(default_factory=dict)  # graph name -> store key

    @property
    def assignment_map(self):
        """{checkpoint key: graph variable} for tf.train.init_from_checkpoint: the name
        get_variable's store knows it by (a slot's ends in '/': `w/Adam/`, as in TF), else
        the variable itself (tf.Variable, or the shards of a partitioned variable's slot:
        init_from_checkpoint does not find those by name, in TF either)."""
        return {p.key: self.store_keys.get(p.target) or self.variables.get(p.target, p.target)
                for p in self.pairs}

    @property
    def names(self):
        """{checkpoint key: graph variable name} of every pair (for printing)."""
        return {p.key: p.target for p in self.pairs}

    def report(self):
        """The coverage report as lines."""
        n_key = len(self.pairs) + len(self.left_checkpoint) + len(self.ambiguous) + \
            len(self.needs_concat)
        lines = ["mapped %d of %d checkpoint keys (%d of them by exact name)" % (
            len(self.pairs), n_key, sum(p.rule == "exact" for p in self.pairs))]
        lines += ["rule: %s" % r for r in self.rules]
        lines += ["  %s -> %s  [%s]" % (p.key, p.target, p.rule) for p in self.pairs]
        sections = (
            ("mismatched (shape or dtype)", ["%s -> %s: %s" % m for m in self.mismatched]),
            ("ambiguous", ["%s: could be %s" % (k, ", ".join(v))
                           for k, v in self.ambiguous.items()]),
            ("part_N -> whole (init_from_checkpoint cannot concatenate)",
             ["%s -> %s" % (p.key, p.target) for p in self.needs_concat]),
            ("left over in the checkpoint", self.left_checkpoint),
            ("left over in the graph (keep their initializers)", self.left_graph))
        for title, items in sections:
            if items:
                lines.append("%s: %d" % (title, len(items)))
                lines += ["  " + item for item in items]
        return lines


def checkpoint_entries(checkpoint):
    """{key: (shape tuple, dtype name)} of a checkpoint's tensors."""
    from scopeflow.checkpoint.reader import load_checkpoint
    reader = load_checkpoint(checkpoint)
    dtypes = reader.get_variable_to_dtype_map()
    return {k: (tuple(s), dtypes[k].base_dtype.name)
            for k, s in reader.get_variable_to_shape_map().items()
            if not k.startswith("_CHECKPOINTABLE")}


def graph_entries(graph):
    """({name: (shape, dtype)}, {name: Variable or shard list}, {whole: [shard names]}) of the
    variables a Saver of `graph` would save (a partitioned variable by its full name)."""
    entries, objects, shards = {}, {}, {}
    for v in graph.get_collection("variables") + graph.get_collection("local_variables"):
        info = getattr(v, "_save_slice_info", None)
        if info:
            entries[info.full_name] = (tuple(info.full_shape), v.dtype.base_dtype.name)
            objects.setdefault(info.full_name, []).append(v)
            objects[v.op.name] = v
            shards.setdefault(info.full_name, []).append((v.op.name, tuple(v.shape.as_list())))
        else:
            entries[v.op.name] = (tuple(v.shape.as_list()), v.dtype.base_dtype.name)
            objects[v.op.name] = v
    covered = {n for names in shards.values() for n, _ in names}
    for op in graph.get_operations():  # a GraphDef without collections: its variable ops
        if op.type in VARIABLE_TYPES and op.name not in entries and op.name not in covered:
            shape = op._get_attr("shape")
            entries[op.name] = (tuple(shape.as_list() if hasattr(shape, "as_list") else shape),
                                op._get_attr("dtype").base_dtype.name)
    return entries, objects, {k: sorted(v, key=lambda s: _part_index(s[0]))
                              for k, v in shards.items()}


def _part_index(name):
    m = _PART.match(name)
    return int(m.group(2)) if m else 0


def map_checkpoint(checkpoint, graph, rules=()):
    """A CheckpointMap of the checkpoint's keys onto `graph`'s variables. `rules` are stated
    prefix rules, (checkpoint prefix, graph prefix) pairs such as ("old/", "new/")."""
    from scopeflow.insight.sources import load_graph
    return map_variables(checkpoint_entries(checkpoint), load_graph(graph), rules)


def map_variables(ckpt, graph, rules=()):
    """map_checkpoint over checkpoint entries {key: (shape, dtype)} given as data."""
    entries, objects, shards = graph_entries(graph)
    m = _Matcher(ckpt, entries, shards)
    m.exact()
    for a, b in rules:
        m.prefix_rule(a, b, "stated")
        m.renumbered(lambda k, a=a, b=b: b + k[len(a):] if k.startswith(a) else None,
                     " under " + _rule_text(a, b))
    m.renumbered(lambda k: k, "")
    m.inferred_prefixes()
    m.slots()
    m.parts()
    return dataclasses.replace(m.result(objects), store_keys=_store_keys(graph, objects))


def _store_keys(graph, objects):
    """{graph name: the key init_from_checkpoint finds it by}: get_variable's store key (a
    partitioned variable by its full name); every name as is for a graph without a store (an
    imported graph: the program restoring into it has its own)."""
    from scopeflow.core.var_store import store_of
    store = getattr(store_of(graph), "_vars", {})
    if not store:
        return {n: n for n in objects}
    out = {key.rstrip("/"): key for key in store}
    for key in store:
        whole = SHARD.sub("", key)
        if whole != key:
            out.setdefault(whole, whole)
    return out


class _Matcher:
    """The matching state: what is paired so far, by which rule."""

    def __init__(self, ckpt, graph, shards):
        self.ckpt, self.graph, self.shards = ckpt, graph, shards
        self.pairs, self.rules, self.mismatched, self.needs_concat = {}, [], [], []
        self.taken = set()  # graph names mapped

    def free_keys(self):
        return [k for k in self.ckpt if k not in self.pairs]

    def free(self, target):
        return target in self.graph and target not in self.taken

    def fits(self, key, target):
        return self.ckpt[key] == self.graph[target]

    def pair(self, key, target, rule):
        self.pairs[key] = Pair(key, target, rule)
        self.taken.add(target)

    def exact(self):
        for k in self.free_keys():
            if k in self.graph:
                if self.fits(k, k):
                    self.pair(k, k, "exact")
                else:
                    self.mismatched.append((k, k, "checkpoint %s %s, graph %s %s" % (
                        self.ckpt[k][1], list(self.ckpt[k][0]), self.graph[k][1],
                        list(self.graph[k][0]))))

    def prefix_rule(self, a, b, how):
        """Maps keys `a + rest` to free variables `b + rest` that fit; states the rule."""
        n = 0
        for k in self.free_keys():
            if k.startswith(a):
                t = b + k[len(a):]
                if self.free(t) and self.fits(k, t):
                    self.pair(k, t, _rule_text(a, b))
                    n += 1
        if n:
            self.rules.append("%s (%s, %d variable%s)" % (_rule_text(a, b), how, n,
                                                          "" if n == 1 else "s"))
        return n

    def inferred_prefixes(self):
        """Prefix rules inferred from free keys and variables whose names end alike (up to
        `_N` suffixes), the rule with the most support first, each followed by the `_N`
        renumbering under it; renumbering alone is left to `renumbered`."""
        tried = set()
        for _ in range(_MAX_RULES):
            votes, by_leaf = {}, {}
            for t in self.graph:
                if t not in self.taken:
                    by_leaf.setdefault(_norm(t.rsplit("/", 1)[-1]), []).append(t)
            for k in self.free_keys():
                for t in by_leaf.get(_norm(k.rsplit("/", 1)[-1]), ()):
                    rule = _prefix_of(k, t) if self.fits(k, t) else None
                    if rule and rule not in tried:
                        votes.setdefault(rule, set()).add(k)
            best = max(votes, key=lambda r: (len(votes[r]), -len(r[0]) - len(r[1])), default=None)
            if best is None or len(votes[best]) < 2:
                self.single_renames()  # a rule one variable supports: only where unique
                return
            rivals = {r for r, v in votes.items()
                      if r != best and len(v) == len(votes[best]) and v & votes[best]}
            tried |= rivals | {best}
            if rivals:
                continue  # another rule as strong takes the same keys elsewhere: ambiguous
            self.prefix_rule(best[0], best[1], "inferred")
            self.renumbered(lambda k, r=best: r[1] + k[len(r[0]):] if k.startswith(r[0])
                            else None, " under " + _rule_text(*best))
        self.single_renames()

    def single_renames(self):
        """Pairs a free key with a free variable when each is the other's only candidate (same
        name tail up to `_N`, shape and dtype): a rename no rule shared by two supports."""
        cands, back = {}, {}
        for k in self.free_keys():
            for t in self.graph:
                if t not in self.taken and self.fits(k, t) and \
                        _norm(t.rsplit("/", 1)[-1]) == _norm(k.rsplit("/", 1)[-1]):
                    cands.setdefault(k, []).append(t)
                    back.setdefault(t, []).append(k)
        n = 0
        for k, ts in cands.items():
            if len(ts) == 1 and len(back[ts[0]]) == 1 and _prefix_of(k, ts[0]):
                self.pair(k, ts[0], _rule_text(*_prefix_of(k, ts[0])))
                self.rules.append("%s (inferred: the only variable of that name tail, shape "
                                  "and dtype, 1 variable)" % _rule_text(*_prefix_of(k, ts[0])))
                n += 1
        return n

    def renumbered(self, rename, after):
        """Pairs free keys with free variables whose names differ only in `_N` suffixes
        (`dense_1/kernel` -> `dense/kernel`), in `_N` order, where exactly one order-keeping
        choice fits every key."""
        keys, targets = {}, {}
        for k in self.free_keys():
            r = rename(k)
            if r is not None:
                keys.setdefault(_norm(r), []).append(k)
        for t in self.graph:
            if t not in self.taken:
                targets.setdefault(_norm(t), []).append(t)
        n = 0
        for norm, ks in keys.items():
            ks, ts = sorted(ks, key=_numbers), sorted(targets.get(norm, []), key=_numbers)
            chosen = self._in_order(ks, ts)
            if chosen is None or [rename(k) for k in ks] == chosen:
                continue
            for k, t in zip(ks, chosen):
                self.pair(k, t, "_N renumbered" + after)
                n += 1
        if n:
            self.rules.append("_N suffixes renumbered%s (inferred, %d variable%s)"
                              % (after, n, "" if n == 1 else "s"))

    def _in_order(self, ks, ts):
        """The targets for keys `ks` in order, each fitting its key, when the earliest and the
        latest such choice agree (the choice is unique); else None."""
        def greedy(ks, ts):
            out, i = [], 0
            for k in ks:
                while i < len(ts) and not self.fits(k, ts[i]):
                    i += 1
                if i == len(ts):
                    return None
                out.append(ts[i])
                i += 1
            return out
        first = greedy(ks, ts)
        last = greedy(ks[::-1], ts[::-1])
        return first if first is not None and last is not None and first == last[::-1] \
            else None

    def slots(self):
        """Slot keys `<key>/<Optimizer>(_N)` of a mapped key follow it to the variable's slots
        of the same optimizer, in `_N` order (a second optimizer instance: Adam_2 -> Adam)."""
        n = 0
        for key, p in list(self.pairs.items()):
            ks = [k for k in self.free_keys() if k.startswith(key + "/") and "/" not in
                  k[len(key) + 1:]]
            ts = [t for t in self.graph if t not in self.taken and t.startswith(p.target + "/")
                  and "/" not in t[len(p.target) + 1:]]
            by_opt = {}
            for k in ks:
                by_opt.setdefault(_norm(k[len(key) + 1:]), ([], []))[0].append(k)
            for t in ts:
                by_opt.setdefault(_norm(t[len(p.target) + 1:]), ([], []))[1].append(t)
            for kk, tt in by_opt.values():
                kk, tt = sorted(kk, key=_numbers), sorted(tt, key=_numbers)
                if kk and len(kk) == len(tt) and all(map(self.fits, kk, tt)):
                    for k, t in zip(kk, tt):
                        self.pair(k, t, "slot of %s" % p.target)
                        n += 1
        if n:
            self.rules.append("optimizer slots follow their variable, in _N order (inferred, "
                              "%d variable%s)" % (n, "" if n == 1 else "s"))

    def parts(self):
        """`X/part_N` keys onto a variable partitioned alike (shard by shard), or onto a whole
        variable X (reported: restoring it needs the parts concatenated on axis 0)."""
        groups = {}
        for k in self.free_keys():
            m = _PART.match(k)
            if m:
                groups.setdefault(m.group(1), []).append(k)
        renames = [lambda x: x] + [
            (lambda x, a=a, b=b: b + x[len(a):] if x.startswith(a) else None)
            for a, b in self._adopted()]
        for whole, keys in groups.items():
            keys.sort(key=_part_index)
            for rename in renames:
                t = rename(whole)
                if t is None or not self.free(t):
                    continue
                if self._onto_shards(keys, t) or self._onto_whole(keys, t):
                    break

    def _adopted(self):
        out = []
        for p in self.pairs.values():
            i = len(p.key) - len(_common_tail(p.key, p.target))
            j = len(p.target) - len(_common_tail(p.key, p.target))
            if (p.key[:i], p.target[:j]) not in out and p.key[:i] != p.target[:j]:
                out.append((p.key[:i], p.target[:j]))
        return out

    def _onto_shards(self, keys, target):
        shards = self.shards.get(target, [])
        dtype = self.graph[target][1]
        if len(shards) != len(keys) or any(self.ckpt[k] != (shape, dtype)
                                           for k, (_, shape) in zip(keys, shards)):
            return False
        for k, (name, _) in zip(keys, shards):
            self.pairs[k] = Pair(k, name, "part_N onto the shards of partitioned %s" % target)
        self.taken.add(target)
        return True

    def _onto_whole(self, keys, target):
        shapes = [self.ckpt[k] for k in keys]
        full, dtype = self.graph[target]
        if not full or any(d != dtype or s[1:] != full[1:] for s, d in shapes) or \
                sum(s[0] for s, _ in shapes) != full[0]:
            return False
        self.needs_concat += [Pair(k, target, "part_N of whole %s" % target) for k in keys]
        self.taken.add(target)
        return True

    def result(self, objects):
        done = set(self.pairs) | {p.key for p in self.needs_concat}
        ambiguous, left = {}, []
        free_targets = [t for t in self.graph if t not in self.taken]
        for k in self.ckpt:
            if k in done:
                continue
            cands = [t for t in free_targets if _norm(t.rsplit("/", 1)[-1]) ==
                     _norm(k.rsplit("/", 1)[-1]) and self.fits(k, t)]
            if cands:
                ambiguous[k] = cands
            else:
                left.append(k)
        return CheckpointMap(sorted(self.pairs.values(), key=lambda p: p.key), self.rules,
                             ambiguous, self.mismatched, sorted(left),
                             sorted(t for t in self.graph if t not in self.taken), objects,
                             self.needs_concat)


def _norm(name):
    """`name` with TF's `_N` uniquifying suffixes left out of every segment."""
    return "/".join(_NUMBERED.match(s).group(1) for s in name.split("/"))


def _numbers(name):
    """Sort key: the `_N` numbers of the segments (none counts as 0)."""
    return [int(_NUMBERED.match(s).group(2) or 0) for s in name.split("/")]


def _common_tail(a, b):
    """The longest common suffix of whole segments of names `a` and `b`."""
    sa, sb = a.split("/"), b.split("/")
    n = 0
    while n < min(len(sa), len(sb)) and sa[-1 - n] == sb[-1 - n]:
        n += 1
    return "/".join(sa[len(sa) - n:]) if n else ""


def _prefix_of(key, target):
    """(checkpoint prefix, graph prefix), each empty or ending in '/', before the longest tail
    of segments the names share up to `_N` suffixes; None for no shared tail, or where the
    prefixes differ only in `_N` suffixes (a renumbering, not a prefix rule)."""
    sa, sb = key.split("/"), target.split("/")
    n = 0
    while n < min(len(sa), len(sb)) and _norm(sa[-1 - n]) == _norm(sb[-1 - n]):
        n += 1
    if not n:
        return None
    a, b = "/".join(sa[:len(sa) - n]), "/".join(sb[:len(sb) - n])
    a, b = a + "/" if a else "", b + "/" if b else ""
    return (a, b) if _norm(a) != _norm(b) else None


def _rule_text(a, b):
    if not a:
        return "scope prefix %r added" % b
    if not b:
        return "scope prefix %r removed" % a
    return "scope prefix %r -> %r" % (a, b)
