"""`tensor[...]` (TF's slice helper): random index specs, shapes, names and values vs TF."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from array_oracle import check_graph, check_values

_BOUND = st.one_of(st.none(), st.integers(-6, 6))


@st.composite
def index_specs(draw):
    """A random Python index: ints, slices (with steps), Ellipsis and tf.newaxis."""
    items = []
    ellipsis = False
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["int", "slice", "slice", "new", "ellipsis"]))
        if kind == "int":
            items.append(str(draw(st.integers(-2, 1))))
        elif kind == "slice":
            step = draw(st.sampled_from([None, 1, 2, -1, -2]))
            parts = [draw(_BOUND), draw(_BOUND), step]
            items.append(":".join("" if p is None else str(p) for p in parts))
        elif kind == "new":
            items.append("tf.newaxis")
        elif not ellipsis:
            ellipsis = True
            items.append("...")
    return ", ".join(items)


@st.composite
def slicing_cases(draw):
    dims = [draw(st.sampled_from([2, 3, 5, None])) for _ in range(draw(st.integers(1, 4)))]
    return dims, draw(index_specs())


@pytest.mark.oracle
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=slicing_cases())
def test_getitem_shapes_match_tf(oracle, case):
    dims, spec = case
    check_graph(oracle, "x = tf.placeholder(tf.float32, %r); y = x[%s]" % (dims, spec))


@pytest.mark.oracle
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=slicing_cases())
def test_getitem_values_match_tf(oracle, case):
    dims, spec = case
    known = [d or 4 for d in dims]
    code = ("x = tf.placeholder(tf.float32, %r); fetch = x[%s]; "
            "feed = {x: np.arange(%d.).reshape(%r)}" % (dims, spec, _prod(known), known))
    graph = check_graph_ok(oracle, code)
    if graph:
        check_values(oracle, code)


def check_graph_ok(oracle, code):
    """Whether TF builds the graph (index out of range etc. make no value test)."""
    out = oracle(code)
    return "ok" in out


def _prod(dims):
    n = 1
    for d in dims:
        n *= d
    return n
