"""decisions_of: the decided motions of an assembly in agenda order, amendments before the
motion they amend, as plain values (for the minutes and the API)."""

import pytest

from comuna.assemblies import decisions
from tests.assemblies.decision_helpers import PEOPLE, check_in
from tests.assemblies.factories import assembly_in

pytestmark = pytest.mark.django_db


def test_decisions_come_in_agenda_order_with_amendments_first(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE)
    first, second = assembly.items.order_by("position")
    by = cast.electoral.user
    late = decisions.propose_motion(second, text="Arreglar la cancha", by=by)
    decisions.decide_by_hands(late, votes_for=6, votes_against=2, abstentions=0, by=by)
    motion = decisions.propose_motion(first, text="Pintar", by=by)
    amendment = decisions.propose_motion(first, text="Pintar de verde", amends=motion, by=by)
    pending = decisions.propose_motion(first, text="Sin decidir", by=by)
    decisions.decide_by_hands(amendment, votes_for=5, votes_against=3, abstentions=0, by=by)
    decisions.decide_by_hands(motion, votes_for=8, votes_against=0, abstentions=0, by=by)
    found = decisions.decisions_of(assembly)
    assert [d["id"] for d in found] == [amendment.pk, motion.pk, late.pk]
    assert pending.pk not in [d["id"] for d in found]
    made = found[1]
    assert made["amends"] is None and found[0]["amends"] == motion.pk
    assert made["text"] == "Pintar de verde" and made["original_text"] == "Pintar"
    assert (made["votes_for"], made["votes_against"], made["abstentions"]) == (8, 0, 0)
    assert made["outcome"] == "carried" and made["present"] == 8
    assert made["statute_version"] == assembly.statute.number
    assert made["entry"] and made["poll"] is None
