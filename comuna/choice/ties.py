"""The tie-breaking vocabulary: one set of names for both families of rules.

Breaking a tie is an argument of every rule, never hidden. A name means the same order of
projects (PB) and of candidates (elections); every order ends with the ids compared as text,
so it is total and deterministic.

- ``"id"``: ids compared as text, so "10" comes before "9". The PB default, as in pabutools
  1.2.3 (``lexico_tie_breaking``).
- ``"listed"``: the order the input lists them: the PROJECTS rows of a .pb file, the
  candidates of a profile. The elections default.
- ``"supporters"``: most supporters first, then id. A supporter of a project or candidate is a
  ballot that lists it, whatever points or rank it gives. Cities break ties this way: Katowice
  funds, of two projects with the same points, the one more voters chose. On approval ballots
  this is pabutools' ``app_score_tie_breaking``.
- ``"cost-min"``, ``"cost-max"`` (PB only): cheapest, or most expensive, project first, then id
  (pabutools' ``min_cost_tie_breaking``, ``max_cost_tie_breaking``).

Elections also take an explicit order, a list of every candidate, the one winning ties first.
"""

from __future__ import annotations

TIE_ORDERS: dict[str, str] = {
    "id": 'ids compared as text ("10" before "9")',
    "listed": "the order the input lists them (file rows, profile candidates)",
    "supporters": "most ballots listing it first, then id",
    "cost-min": "cheapest project first, then id",
    "cost-max": "most expensive project first, then id",
}
PB_TIE_ORDERS = ("id", "listed", "supporters", "cost-min", "cost-max")
ELECTION_TIE_ORDERS = ("listed", "id", "supporters")


def check(name: str, known: tuple[str, ...]) -> str:
    """``name`` if it is one of the orders ``known``; ValueError listing them otherwise."""
    if name not in known:
        raise ValueError(f"unknown tie-breaking order {name!r} (known: {', '.join(known)})")
    return name
