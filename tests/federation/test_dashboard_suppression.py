"""Complementary suppression on any tree of counts (no database): after it, no count below the
threshold is shown, and no sum (a row and the terms it adds up) has exactly one hidden term, so
no hidden count is the total less the shown ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from comuna.federation.dashboard import Row, _Node, suppress
from comuna.territory.models import Body

NAMES = ("register", "eligible")


def _node(raw: dict, terms: list[_Node]) -> _Node:
    return _Node(Row(body=Body(slug="b")), raw, terms)


counts = st.one_of(st.none(), st.integers(min_value=0, max_value=12))


@st.composite
def trees(draw, depth=0):
    """A leaf with its counts (None: nothing to count), or a sum of 1 to 4 subtrees (an own
    row among them sometimes); a sum's counts are its terms' sums."""
    if depth >= 2 or draw(st.booleans()) and depth > 0:
        return _node({n: draw(counts) for n in NAMES}, [])
    terms = [draw(trees(depth=depth + 1)) for _ in range(draw(st.integers(1, 4)))]
    raw = {}
    for name in NAMES:
        values = [t.raw[name] for t in terms if t.raw[name] is not None]
        raw[name] = sum(values) if values else None
    return _node(raw, terms)


def _walk(node):
    yield node
    for term in node.terms:
        yield from _walk(term)


@settings(max_examples=300, deadline=None)
@given(trees(), st.integers(min_value=2, max_value=8))
def test_no_small_count_is_shown_nor_can_be_subtracted_out(root, threshold):
    hidden = suppress(root, NAMES, threshold)
    for node in _walk(root):
        for name in NAMES:
            value = node.raw[name]
            if value is not None and value < threshold:
                assert id(node) in hidden
        if node.terms:
            for name in NAMES:
                unknown = [
                    n for n in [node, *node.terms] if id(n) in hidden and n.raw[name] is not None
                ]
                assert len(unknown) != 1


def test_a_single_small_member_takes_the_smallest_other_with_it():
    a, b, c = (_node({"register": v, "eligible": None}, []) for v in (8, 6, 3))
    root = _node({"register": 17, "eligible": None}, [a, b, c])
    assert suppress(root, NAMES, 5) == {id(b), id(c)}


def test_two_small_members_need_no_company():
    a, b, c = (_node({"register": v, "eligible": None}, []) for v in (8, 4, 3))
    root = _node({"register": 15, "eligible": None}, [a, b, c])
    assert suppress(root, NAMES, 5) == {id(b), id(c)}
