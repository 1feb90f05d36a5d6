"""Amendments: put on a pending motion, decided before it in the order they were put; a
carried amendment gives the motion its wording, recorded in the ledger."""

import pytest

from comuna.assemblies import decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Motion, Outcome
from comuna.ledger import entries, verify
from tests.assemblies.decision_helpers import PEOPLE, check_in, motion_on
from tests.assemblies.factories import assembly_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE)
    return assembly


def _amend(cast, motion, text):
    return decisions.propose_motion(motion.item, text=text, amends=motion, by=cast.electoral.user)


def _hands(cast, motion, f, a, s=0):
    return decisions.decide_by_hands(
        motion, votes_for=f, votes_against=a, abstentions=s, by=cast.electoral.user
    )


def test_a_motion_is_not_decided_before_its_amendments(cast, session):
    motion = motion_on(cast, session)
    _amend(cast, motion, "Pintar la casa comunal de verde")
    with pytest.raises(AssemblyError, match="amendments to this motion first"):
        _hands(cast, motion, 6, 2)
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


def test_amendments_are_decided_in_the_order_they_were_put(cast, session):
    motion = motion_on(cast, session)
    first = _amend(cast, motion, "Pintar la casa comunal de verde")
    second = _amend(cast, motion, "Pintar la casa comunal de azul")
    with pytest.raises(AssemblyError, match="in the order they were put"):
        _hands(cast, second, 6, 2)
    _hands(cast, first, 2, 6)
    _hands(cast, second, 6, 2)
    order = [r["motion"].pk for r in decisions.voting_order(motion.item)]
    assert order == [first.pk, second.pk, motion.pk]


def test_a_carried_amendment_gives_the_motion_its_wording_and_the_ledger_records_it(cast, session):
    motion = motion_on(cast, session)
    amendment = _amend(cast, motion, "Pintar la casa comunal de verde")
    _hands(cast, amendment, 5, 3)
    motion.refresh_from_db()
    assert motion.text == "Pintar la casa comunal de verde"
    assert motion.original_text == "Pintar la casa comunal"
    entry = entries(cast.council.ledger_chain).filter(kind="assembly.decision").last()
    assert entry.data["amended"] == {"motion": motion.pk, "text_before": "Pintar la casa comunal"}
    decided = _hands(cast, motion, 7, 1)
    assert decided.outcome == Outcome.CARRIED
    last = entries(cast.council.ledger_chain).filter(kind="assembly.decision").last()
    assert last.data["text"] == "Pintar la casa comunal de verde"
    assert verify().ok


def test_a_rejected_amendment_leaves_the_motion_as_it_was_put(cast, session):
    motion = motion_on(cast, session)
    amendment = _amend(cast, motion, "No pintar nada")
    _hands(cast, amendment, 1, 7)
    motion.refresh_from_db()
    assert motion.text == "Pintar la casa comunal"


def test_an_amendment_to_an_amendment_is_decided_first(cast, session):
    motion = motion_on(cast, session)
    amendment = _amend(cast, motion, "De verde")
    sub = _amend(cast, amendment, "De verde claro")
    with pytest.raises(AssemblyError, match="amendments to this motion first"):
        _hands(cast, amendment, 6, 2)
    rows = decisions.voting_order(motion.item)
    assert [(r["motion"].pk, r["depth"], r["next"]) for r in rows] == [
        (sub.pk, 2, True),
        (amendment.pk, 1, False),
        (motion.pk, 0, False),
    ]


def test_a_decided_motion_cannot_be_amended(cast, session):
    motion = motion_on(cast, session)
    _hands(cast, motion, 6, 2)
    with pytest.raises(AssemblyError, match="already decided"):
        _amend(cast, motion, "Otra cosa")


def test_an_amendment_amends_a_motion_of_the_same_item(cast, session):
    motion = motion_on(cast, session)
    other_item = session.items.last()
    with pytest.raises(AssemblyError, match="same item"):
        decisions.propose_motion(other_item, text="x", amends=motion, by=cast.electoral.user)


def test_putting_a_motion_is_recorded_and_an_edit_of_its_text_is_caught(cast, session):
    from django.db import connection

    motion = motion_on(cast, session)
    entry = entries(cast.council.ledger_chain).filter(kind="assembly.motion").last()
    assert entry.data["motion"] == motion.pk and entry.data["text"] == "Pintar la casa comunal"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Motion._meta.db_table} SET original_text = 'Vender la casa' WHERE id = %s",
            [motion.pk],
        )
    report = verify()
    assert not report.ok
    assert any("differs from the entry that put it" in str(p) for p in report.problems)
