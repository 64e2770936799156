"""TF's CTC beam search (CTCBeamSearchDecoder's kernel, default scorer), step by step on the host.

TF keeps the beam in a `gtl::TopN` of entry pointers ordered by each entry's current total
log probability, read when compared, also after TF resets a dropped entry in place. Which
of equal beams survive and in which order they come out follows that container (TF 2.21's
tensorflow/core/lib/gtl/top_n.h, as its wheel's headers ship it): a vector that becomes a
libstdc++ heap once it overflows, `std::sort` (introsort, then insertion sort) or
`sort_heap` on extraction. Those algorithms are written out here as the C++ library
performs them, so ties come out in TF's order. Probabilities are kept in the input's type
(NumPy scalars): each step's inputs shifted by TF's softmax normalizer (max plus the log
of the sum of exponentials), TF's two-term log-sum-exp through float `expf` / `log1pf`.

>>> import numpy as np
>>> x = np.log(np.array([[[.3, .7]], [[.4, .6]]], np.float32))
>>> paths, probs = beam_search(x, [2], beam_width=2, top_paths=2, merge_repeated=True)
>>> paths[0], [round(float(p), 3) for p in probs[0]]
([[0], []], [-0.545, -0.868])
"""

import math

import numpy as np

_THRESHOLD = 16  # libstdc++'s _S_threshold


class _Prob:
    __slots__ = ("total", "blank", "label")

    def __init__(self, zero):
        self.total = self.blank = self.label = zero

    def reset(self, zero):
        self.total = self.blank = self.label = zero

    def copy_from(self, other):
        self.total, self.blank, self.label = other.total, other.blank, other.label


class _Entry:
    __slots__ = ("parent", "label", "children", "oldp", "newp")

    def __init__(self, parent, label, zero):
        self.parent, self.label, self.children = parent, label, {}
        self.oldp, self.newp = _Prob(zero), _Prob(zero)

    def labels(self, merge_repeated):
        out, prev, c = [], -1, self
        while c.parent is not None:
            if not merge_repeated or c.label != prev:
                out.append(c.label)
            prev, c = c.label, c.parent
        return out[::-1]


def _gt(a, b):
    return a.newp.total > b.newp.total


# ---- libstdc++'s heap and sort algorithms (comparator: greater total) ----------------------
def _push_heap(v, first, hole, top, value):
    parent = (hole - 1) // 2
    while hole > top and _gt(v[first + parent], value):
        v[first + hole] = v[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    v[first + hole] = value


def _adjust_heap(v, first, hole, n, value):
    top, child = hole, hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if _gt(v[first + child], v[first + child - 1]):
            child -= 1
        v[first + hole] = v[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        v[first + hole] = v[first + child - 1]
        hole = child - 1
    _push_heap(v, first, hole, top, value)


def _pop_to(v, first, last, result):
    value = v[result]
    v[result] = v[first]
    _adjust_heap(v, first, 0, last - first, value)


def _make_heap(v, first, last):
    n = last - first
    if n < 2:
        return
    parent = (n - 2) // 2
    while True:
        _adjust_heap(v, first, parent, n, v[first + parent])
        if parent == 0:
            return
        parent -= 1


def _pop_heap(v, first, last):
    if last - first > 1:
        _pop_to(v, first, last - 1, last - 1)


def _sort_heap(v, first, last):
    while last - first > 1:
        last -= 1
        _pop_to(v, first, last, last)


def _median_to_first(v, result, a, b, c):
    ab, ac, bc = _gt(v[a], v[b]), _gt(v[a], v[c]), _gt(v[b], v[c])  # (no side effects)
    if ab:
        pick = b if bc else (c if ac else a)
    else:
        pick = a if ac else (c if bc else b)
    v[result], v[pick] = v[pick], v[result]


def _partition(v, first, last, pivot):
    while True:
        while _gt(v[first], v[pivot]):
            first += 1
        last -= 1
        while _gt(v[pivot], v[last]):
            last -= 1
        if not first < last:
            return first
        v[first], v[last] = v[last], v[first]
        first += 1


def _introsort(v, first, last, depth):
    while last - first > _THRESHOLD:
        if depth == 0:
            _make_heap(v, first, last)  # (partial_sort over the whole range)
            _sort_heap(v, first, last)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(v, first, first + 1, mid, last - 1)
        cut = _partition(v, first + 1, last, first)
        _introsort(v, cut, last, depth)
        last = cut


def _linear_insert(v, last):
    val = v[last]
    nxt = last - 1
    while _gt(val, v[nxt]):
        v[last] = v[nxt]
        last = nxt
        nxt -= 1
    v[last] = val


def _insertion_sort(v, first, last):
    for i in range(first + 1, last):
        if _gt(v[i], v[first]):
            val = v[i]
            v[first + 1:i + 1] = v[first:i]
            v[first] = val
        else:
            _linear_insert(v, i)


def std_sort(v):
    """`std::sort(v.begin(), v.end(), greater-total)` as libstdc++ runs it, in place."""
    n = len(v)
    if n < 2:
        return
    _introsort(v, 0, n, 2 * (n.bit_length() - 1))
    if n > _THRESHOLD:
        _insertion_sort(v, 0, _THRESHOLD)
        for i in range(_THRESHOLD, n):
            _linear_insert(v, i)
    else:
        _insertion_sort(v, 0, n)


class TopN:
    """gtl::TopN<BeamEntry*, greater total> as TF 2.21 ships it: the n best entries pushed,
    a plain vector (its lowest first once asked for) until it overflows, then a heap of n."""

    def __init__(self, limit):
        self.limit, self.items, self.heap, self.bottom_known = limit, [], False, False

    def size(self):
        return len(self.items)

    def push(self, e):
        v = self.items
        if self.limit == 0:
            return
        if not self.heap:
            v.append(e)
            if len(v) == self.limit + 1:
                _make_heap(v, 0, len(v))
                _pop_heap(v, 0, len(v))
                v.pop()
                self.heap = True
            elif self.bottom_known and not _gt(v[-1], v[0]):
                v[0], v[-1] = v[-1], v[0]
        elif _gt(e, v[0]):
            _pop_heap(v, 0, len(v))
            v[-1] = e
            _push_heap(v, 0, len(v) - 1, 0, v[-1])

    def peek_bottom(self):
        v = self.items
        if not self.heap and not self.bottom_known:
            low = 0
            for i in range(1, len(v)):
                if _gt(v[low], v[i]):
                    low = i
            v[0], v[low] = v[low], v[0]
            self.bottom_known = True
        return v[0]

    def extract(self):
        v, self.items = self.items, []
        if not self.heap:
            std_sort(v)
        else:
            _sort_heap(v, 0, len(v))
        self.heap = self.bottom_known = False
        return v

    def unsorted(self):
        return list(self.items)


class BeamError(ValueError):
    """A TopPaths failure (TF's InvalidArgumentError)."""


def _lse(a, b, zero, f32):
    if a == zero:
        return b
    if b == zero:
        return a
    hi, lo = (a, b) if a > b else (b, a)
    return hi + a.dtype.type(f32(math.log1p(f32(math.exp(f32(lo - hi))))))


def _decode_row(rows, beam_width, top_paths, merge_repeated):
    """TF's Step over `rows` (time, classes), then TopPaths: (label lists, log probs)."""
    num_classes = rows.shape[1]
    blank = num_classes - 1
    t = rows.dtype.type
    zero = t(-np.inf)
    f32 = np.float32
    leaves = TopN(beam_width)
    root = _Entry(None, -1, zero)
    root.newp.total = root.newp.blank = rows.dtype.type(0)
    leaves.push(root)
    for raw in rows:
        max_coeff = raw.max()
        total = t(0)
        for v in raw:  # (the softmax's normalizer, summed in class order)
            total = total + t(math.exp(v - max_coeff))
        norm = max_coeff + t(math.log(total))
        branches = leaves.extract()
        for b in branches:
            b.oldp.copy_from(b.newp)
        for b in branches:
            p = b.newp
            if b.parent is not None:
                if b.parent.newp.total != zero:
                    prev = b.parent.oldp.blank if b.label == b.parent.label \
                        else b.parent.oldp.total
                    p.label = _lse(p.label, prev, zero, f32)
                p.label = p.label + (raw[b.label] - norm)
            p.blank = (b.oldp.total + raw[blank]) - norm
            p.total = _lse(p.blank, p.label, zero, f32)
            leaves.push(b)
        for b in branches:
            if not _candidate(b.oldp.total, leaves, beam_width, zero):
                continue
            for label in range(num_classes - 1):
                c = b.children.get(label)
                if c is None:
                    c = b.children[label] = _Entry(b, label, zero)
                if c.newp.total != zero:
                    continue
                c.newp.blank = zero
                prev = b.oldp.blank if label == b.label else b.oldp.total
                c.newp.label = (raw[label] - norm) + prev
                c.newp.total = c.newp.label
                if _candidate(c.newp.total, leaves, beam_width, zero):
                    if leaves.size() == beam_width:
                        leaves.peek_bottom().newp.reset(zero)
                    leaves.push(c)
                else:
                    c.oldp.reset(zero)
                    c.newp.reset(zero)
    if top_paths > beam_width:
        raise BeamError("requested more paths than the beam width.")
    if top_paths > leaves.size():
        raise BeamError("Less leaves in the beam search than requested.")
    best = TopN(top_paths)
    for e in leaves.unsorted():
        best.push(e)
    chosen = best.extract()[:top_paths]
    return [e.labels(merge_repeated) for e in chosen], [e.newp.total for e in chosen]


def _candidate(total, leaves, beam_width, zero):
    return total > zero and (leaves.size() < beam_width
                             or total > leaves.peek_bottom().newp.total)


def beam_search(inputs, seq_len, *, beam_width, top_paths, merge_repeated):
    """Per batch row: the top paths (label lists) and their log probabilities, as TF."""
    paths, probs = [], []
    for b in range(inputs.shape[1]):
        p, lp = _decode_row(inputs[:int(seq_len[b]), b], beam_width, top_paths, merge_repeated)
        paths.append(p)
        probs.append(lp)
    return paths, probs
