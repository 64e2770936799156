"""A lint finding, and the user's line an op or a variable came from.

>>> print(Finding("kind", "f.py:3", "what is wrong", "the fix"))
f.py:3: [kind] what is wrong
    fix: the fix
"""

import dataclasses

from scopeflow.insight import provenance


@dataclasses.dataclass(frozen=True)
class Finding:
    """A finding: its kind, the user's line (`where`), what is wrong and how to fix it."""

    kind: str
    where: str
    message: str
    fix: str

    def __str__(self):
        return "%s: [%s] %s\n    fix: %s" % (self.where, self.kind, self.message, self.fix)


def frames_where(frames):
    """'file:line' of the innermost user frame of `frames` (outermost first), or None."""
    site, _ = provenance.user_site(frames)
    return "%s:%d" % (site.filename, site.lineno) if site else None


def op_where(op):
    """'file:line' of the user's line that built `op` (its name when no user frame is known)."""
    return frames_where(op.traceback) or op.name


def variables_by_op(graph):
    """{variable op: variable object} for the graph's global and local variables."""
    out = {}
    for key in ("variables", "local_variables"):
        for v in graph.get_collection(key):
            op = getattr(v, "op", None)
            if op is not None:
                out.setdefault(op, v)
    return out


def ancestors(ops, control=False):
    """The ops `ops` depend on (themselves included), through data edges and, with `control`,
    control edges."""
    seen, todo = set(), list(ops)
    while todo:
        op = todo.pop()
        if op in seen:
            continue
        seen.add(op)
        todo.extend(t.op for t in op.inputs)
        if control:
            todo.extend(op.control_inputs)
    return seen


def some(names, limit=6):
    """'a', 'b' and 3 more: a short list of names for a message."""
    names = list(names)
    text = ", ".join("%r" % n for n in names[:limit])
    return text + (" and %d more" % (len(names) - limit) if len(names) > limit else "")
