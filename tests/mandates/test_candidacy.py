"""Candidacies: registration and nomination, withdrawal, objections decided with reasons, and
the ledger's re-check of each."""

from __future__ import annotations

import pytest
from django.db import connection

from comuna.ledger import entries, verify
from comuna.mandates import candidacy
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    Candidate,
    CandidateStatus,
    ElectionPhase,
    ElectionStatus,
    ObjectionStatus,
)
from tests.conftest import make_resident
from tests.mandates.factories import election_in


def _contest(cast, phase=ElectionPhase.CANDIDACY):
    return election_in(cast, phase, candidates=False).contests.get()


def _kinds(cast):
    return [e.kind for e in entries(cast.council.ledger_chain).filter(kind__startswith="election.")]


def test_a_resident_registers_their_own_candidacy(cast):
    contest = _contest(cast)
    candidate = candidacy.stand(
        contest, cast.resident, statement="Salud para todos", by=cast.resident.user
    )
    assert candidate.status == CandidateStatus.STANDING and candidate.nominated_by is None
    entry = entries(cast.council.ledger_chain).get(kind="election.candidacy")
    assert entry.data["resident"] == cast.resident.pk and entry.data["statement"] == (
        "Salud para todos"
    )
    assert verify().ok


def test_a_resident_nominates_another(cast):
    contest = _contest(cast)
    candidate = candidacy.stand(
        contest, cast.admin, nominated_by=cast.resident, by=cast.resident.user
    )
    assert candidate.nominated_by == cast.resident and candidate.resident == cast.admin


def test_nobody_registers_another_as_if_it_were_themselves(cast):
    contest = _contest(cast)
    with pytest.raises(MandateError, match="Only the resident themselves"):
        candidacy.stand(contest, cast.admin, by=cast.resident.user)
    with pytest.raises(MandateError, match="nominating resident's own name"):
        candidacy.stand(contest, cast.admin, nominated_by=cast.financial, by=cast.resident.user)
    assert not Candidate.objects.exists()


@pytest.mark.parametrize(
    "phase", [ElectionPhase.CONVENED, ElectionPhase.OBJECTIONS, ElectionPhase.CAMPAIGN]
)
def test_candidacies_are_registered_only_while_they_are_open(cast, phase):
    contest = _contest(cast, phase)
    with pytest.raises(MandateError, match="Candidacies are not open"):
        candidacy.stand(contest, cast.resident, by=cast.resident.user)
    assert not Candidate.objects.exists()


def test_the_candidate_or_the_commission_withdraws_a_candidacy_and_nobody_else(cast):
    election = election_in(cast, ElectionPhase.CANDIDACY)
    mine, theirs = election.contests.get().candidates.order_by("pk")
    with pytest.raises(MandateError, match="Only the candidate themselves"):
        candidacy.withdraw(mine, reason="No quiero", by=cast.admin.user)
    with pytest.raises(MandateError, match="Say why"):
        candidacy.withdraw(mine, reason=" ", by=cast.resident.user)
    candidacy.withdraw(mine, reason="Me mudo de sector", by=cast.resident.user)
    candidacy.withdraw(theirs, reason="Lo pidió por escrito", by=cast.electoral.user)
    statuses = set(Candidate.objects.values_list("status", "reason"))
    assert statuses == {
        (CandidateStatus.WITHDRAWN, "Me mudo de sector"),
        (CandidateStatus.WITHDRAWN, "Lo pidió por escrito"),
    }
    assert _kinds(cast) == ["election.withdrawn", "election.withdrawn"]
    with pytest.raises(MandateError, match="no longer standing"):
        candidacy.withdraw(mine, reason="Otra vez", by=cast.resident.user)


def test_objections_are_filed_and_decided_with_reasons(cast):
    election = election_in(cast, ElectionPhase.OBJECTIONS)
    first, second = election.contests.get().candidates.order_by("pk")
    upheld = candidacy.object_to(first, grounds="Vive en otro consejo", by=cast.admin.user)
    dismissed = candidacy.object_to(second, grounds="No me cae bien", by=cast.admin.user)
    with pytest.raises(MandateError, match="Only the electoral commission"):
        candidacy.decide_objection(upheld, upheld=True, reason="Sí", by=cast.admin.user)
    with pytest.raises(MandateError, match="Give the reasons"):
        candidacy.decide_objection(upheld, upheld=True, reason="", by=cast.electoral.user)
    candidacy.decide_objection(
        upheld, upheld=True, reason="El censo lo ubica en el consejo B", by=cast.electoral.user
    )
    candidacy.decide_objection(
        dismissed, upheld=False, reason="No es un motivo del estatuto", by=cast.electoral.user
    )
    upheld.refresh_from_db()
    dismissed.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (upheld.status, upheld.decision_reason) == (
        ObjectionStatus.UPHELD,
        "El censo lo ubica en el consejo B",
    )
    assert (
        dismissed.status == ObjectionStatus.DISMISSED and upheld.decided_by == cast.electoral.user
    )
    assert first.status == CandidateStatus.DISQUALIFIED
    assert first.reason == "El censo lo ubica en el consejo B"
    assert second.status == CandidateStatus.STANDING
    with pytest.raises(MandateError, match="already decided"):
        candidacy.decide_objection(upheld, upheld=False, reason="Revisión", by=cast.electoral.user)
    assert verify().ok


def test_the_ballot_holds_only_the_standing_candidates(cast):
    election = election_in(cast, ElectionPhase.OBJECTIONS)
    contest = election.contests.get()
    first, _second = contest.candidates.order_by("pk")
    objection = candidacy.object_to(first, grounds="Tiene un cargo público", by=cast.admin.user)
    candidacy.decide_objection(objection, upheld=True, reason="Constatado", by=cast.electoral.user)
    on_ballot = contest.candidates.filter(status=CandidateStatus.STANDING)
    assert list(on_ballot.values_list("resident", flat=True)) == [cast.spokesperson.pk]


def test_objections_are_filed_only_during_their_period(cast):
    election = election_in(cast, ElectionPhase.CAMPAIGN)
    candidate = election.contests.get().candidates.first()
    with pytest.raises(MandateError, match="objections period"):
        candidacy.object_to(candidate, grounds="Tarde", by=cast.admin.user)


def test_nothing_is_withdrawn_once_the_vote_begins(cast):
    election = election_in(cast, ElectionPhase.VOTING)
    assert election.status == ElectionStatus.VOTING
    candidate = election.contests.get().candidates.first()
    with pytest.raises(MandateError, match="between registration and the vote"):
        candidacy.withdraw(candidate, reason="Tarde", by=cast.resident.user)


def test_ledger_verify_catches_a_candidacy_edited_in_sql(cast):
    contest = _contest(cast)
    candidate = candidacy.stand(contest, cast.resident, by=cast.resident.user)
    assert verify().ok
    stranger = make_resident(cast.council, "Otra")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Candidate._meta.db_table} SET resident_id = %s WHERE id = %s",
            [stranger.pk, candidate.pk],
        )
    report = verify()
    assert not report.ok
    assert any(p.kind == "election.candidacy" and "resident" in p.what for p in report.problems), (
        report.problems
    )
