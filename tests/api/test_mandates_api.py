"""The mandates endpoints answer anyone with a body's seats and holders, its elections
(calendar, candidates, objections, results with the engine's messages, mandates conferred), its
recalls (signatures against the threshold and never who signed, report, vote, deadlines) and
its spokespersons (seat, term, instructions, votes by name, questions, accounts, open recall);
another body's object is not found; a resident signs a petition once and asks a question."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from comuna.assemblies.models import Motion, Outcome
from comuna.mandates.models import (
    AccountsReport,
    CandidateStatus,
    Contest,
    DecisionStatus,
    ElectionPhase,
    ElectionStatus,
    Instruction,
    NamedVote,
    Objection,
    ObjectionStatus,
    Position,
    Question,
    RecallSignature,
    RecallStatus,
    SignatureSource,
)
from comuna.territory import services as territory
from comuna.territory.models import Counting, Mandate, MandateKind
from comuna.voting import services as voting
from tests.api.conftest import Caller
from tests.assemblies.factories import assembly_in
from tests.conftest import SETUP
from tests.mandates.factories import election_in, recall_in, seats_of

pytestmark = pytest.mark.django_db

API = "/api/v1/bodies"


def read(url, expect=200, user=None, **params):
    response = Caller(user, how="token-read" if user else "anonymous").get(url, **params)
    assert response.status_code == expect, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def label(code, text):
    return {"code": code, "label": text}


def mandate_of(cast, persona, organ=None) -> Mandate:
    found = Mandate.objects.filter(resident=getattr(cast, persona))
    return found.get(organ=organ) if organ else found.get()


def closed_poll(cast):
    """A closed single-choice poll of council A between two options, "1" and "2"."""
    by = cast.electoral.user
    poll = voting.create_poll(
        cast.council,
        title="Comité de Salud",
        method="single",
        options=[{"label": "Residente"}, {"label": "Vocera"}],
        by=by,
    )
    voting.open_poll(poll, by=by)
    voting.close_poll(poll, by=by)
    return poll


def motion(cast, *, outcome=Outcome.CARRIED, text="Moción", votes=(6, 1, 1)):
    """A decided motion of an ended assembly of council A, straight from the models."""
    item = assembly_in(cast, "ended", items=1).items.get()
    votes_for, against, abstentions = votes
    return Motion.objects.create(
        item=item,
        text=text,
        outcome=outcome,
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstentions,
        present=sum(votes),
        quorum_required=3,
        decided_at=timezone.now(),
    )


# --- seats ---------------------------------------------------------------------------------


def test_the_seats_give_each_organ_its_seats_holders_and_the_statute_term(cast):
    (first, second) = seats_of(cast.health, 2, Counting.STV)
    today = timezone.localdate()
    principal = territory.confer_mandate(
        cast.council, cast.resident, organ=cast.health, seat=first,
        kind=MandateKind.SPOKESPERSON, starts_on=today - timedelta(days=30), by=SETUP,
    )  # fmt: skip
    substitute = territory.confer_mandate(
        cast.council, cast.admin, organ=cast.health, seat=first,
        kind=MandateKind.SUBSTITUTE, starts_on=today - timedelta(days=30), by=SETUP,
    )  # fmt: skip
    got = read(f"{API}/consejo-a/seats/")
    statute = cast.council.current_statute()
    assert got["on"] == today.isoformat()
    assert got["term_years"] == statute.term_years
    assert got["reelection_allowed"] == statute.reelection_allowed
    assert got["statute_version"] == statute.number
    organs = {o["name"]: o for o in got["organs"]}
    assert set(organs) == {o.name for o in cast.council.organs.all()}
    health = organs["Comité de Salud"]
    assert health["counting"]["code"] == "stv"
    assert health["kind"]["code"] == "committee"
    assert [s["number"] for s in health["seats"]] == [1, 2]
    assert health["seats"][0]["principal"] == {
        "mandate": principal.pk,
        "name": "Residente Prueba",
        "starts_on": principal.starts_on.isoformat(),
        "ends_on": principal.ends_on.isoformat(),
    }
    assert health["seats"][0]["substitute"]["mandate"] == substitute.pk
    assert health["seats"][0]["incoming"] is None
    assert health["seats"][0]["vacant_since"] is None
    assert health["seats"][1] == {
        "number": 2,
        "principal": None,
        "substitute": None,
        "incoming": None,
        "vacant_since": None,
    }
    elected = territory.confer_mandate(
        cast.council, cast.financial, organ=cast.health, seat=second,
        kind=MandateKind.SPOKESPERSON, starts_on=today + timedelta(days=10), by=SETUP,
    )  # fmt: skip
    by_id = {o["id"]: o for o in read(f"{API}/consejo-a/seats/")["organs"]}
    again = by_id[cast.health.pk]["seats"][1]
    assert again["principal"] is None
    assert again["incoming"]["mandate"] == elected.pk  # elected for a term starting later
    # the cast's mandates, conferred before seats were declared, hold no numbered seat
    assert {(m["name"], m["kind"]["code"]) for m in health["unseated"]} == {
        ("Vocera Prueba", "spokesperson"),
        ("Suplente Prueba", "substitute"),
    }
    page = read(f"{API}/consejo-a/spokespersons/{principal.pk}/")
    assert page["seat"] == 1
    assert page["substitute"]["mandate"] == substitute.pk  # the same seat's, not the organ's
    electoral = organs["Comisión Electoral"]
    assert electoral["counting"]["code"] == "uninominal"
    assert electoral["seats"] == []  # none declared yet
    assert [m["name"] for m in electoral["unseated"]] == ["Electoral Prueba"]
    assert [o["name"] for o in got["organs"]] == sorted(organs)  # same position: by name


def test_a_term_ending_exactly_today_leaves_the_seat_to_its_successor(cast):
    (seat,) = seats_of(cast.health, 1)
    today = timezone.localdate()
    leaving = territory.confer_mandate(
        cast.council, cast.resident, organ=cast.health, seat=seat, kind=MandateKind.SPOKESPERSON,
        starts_on=today - timedelta(days=700), ends_on=today, by=SETUP,
    )  # fmt: skip
    got = read(f"{API}/consejo-a/seats/")
    health = next(o for o in got["organs"] if o["id"] == cast.health.pk)
    assert health["seats"][0]["principal"] is None
    assert health["seats"][0]["vacant_since"] == today.isoformat()
    successor = territory.confer_mandate(
        cast.council, cast.admin, organ=cast.health, seat=seat, kind=MandateKind.SPOKESPERSON,
        starts_on=today, by=SETUP,
    )  # fmt: skip
    got = read(f"{API}/consejo-a/seats/")
    health = next(o for o in got["organs"] if o["id"] == cast.health.pk)
    assert health["seats"][0]["principal"]["mandate"] == successor.pk
    assert leaving not in Mandate.objects.active()
    listed = read(f"{API}/consejo-a/spokespersons/", ended="true")
    assert leaving.pk in [m["id"] for m in listed["items"]]


def test_the_seats_of_a_body_that_does_not_exist_are_not_found(cast):
    assert read(f"{API}/nadie/seats/", expect=404)["detail"]


# --- elections -----------------------------------------------------------------------------

PHASES = [p for p in ElectionPhase.values]


def test_the_elections_list_filters_by_the_phase_of_today(cast):
    made = {phase: election_in(cast, phase) for phase in PHASES}
    listed = read(f"{API}/consejo-a/elections/")
    assert [e["id"] for e in listed["items"]] == sorted(e.pk for e in made.values())
    assert listed["next_after"] is None
    for phase, election in made.items():
        got = read(f"{API}/consejo-a/elections/", phase=phase)
        assert [e["id"] for e in got["items"]] == [election.pk], phase
        assert got["items"][0]["phase"] == label(phase, str(ElectionPhase(phase).label))
    first = read(f"{API}/consejo-a/elections/", limit=2)
    assert first["next_after"] == first["items"][-1]["id"]
    rest = read(f"{API}/consejo-a/elections/", after=first["next_after"])
    assert len(first["items"]) + len(rest["items"]) == len(PHASES)
    bad = read(f"{API}/consejo-a/elections/", expect=400, phase="nonsense")
    assert bad["errors"][0]["field"] == "phase"


def test_an_election_gives_its_calendar_contests_candidates_and_objections(cast):
    election = election_in(cast, ElectionPhase.OBJECTIONS)
    contest = election.contests.get()
    standing, withdrawn = contest.candidates.order_by("pk")
    withdrawn.status = CandidateStatus.WITHDRAWN
    withdrawn.reason = "Se muda de la comunidad."
    withdrawn.nominated_by = cast.electoral
    withdrawn.save()
    upheld = Objection.objects.create(
        candidate=standing,
        filed_by=cast.admin,
        grounds="No vive aquí.",
        status=ObjectionStatus.DISMISSED,
        decision_reason="Consta en el censo desde 2010.",
        decided_at=timezone.now(),
    )
    filed = Objection.objects.create(candidate=standing, filed_by=cast.admin, grounds="Otra.")
    got = read(f"{API}/consejo-a/elections/{election.pk}/")
    assert got["id"] == election.pk
    assert got["phase"]["code"] == "objections"
    assert got["calendar"] == {
        "candidacy_opens": election.candidacy_opens.isoformat(),
        "candidacy_closes": election.candidacy_closes.isoformat(),
        "objections_close": election.objections_close.isoformat(),
        "vote_on": election.vote_on.isoformat(),
        "term_starts": election.term_starts.isoformat(),
    }
    assert got["statute_version"] == election.statute.number
    assert got["recall"] is None
    assert got["mandates"] == []
    (shown,) = got["contests"]
    assert shown["organ"] == {"id": cast.health.pk, "name": "Comité de Salud"}
    assert shown["seats"] == [1]
    assert shown["counting"]["code"] == "uninominal"
    assert shown["poll"] is None and shown["result"] is None
    first, second = shown["candidates"]
    assert (first["id"], first["name"], first["status"]["code"]) == (
        standing.pk, "Residente Prueba", "standing"
    )  # fmt: skip
    assert first["nominated"] is False and first["nominated_by"] is None
    assert first["reason"] is None
    assert [o["id"] for o in first["objections"]] == [upheld.pk, filed.pk]
    assert first["objections"][0]["status"]["code"] == "dismissed"
    assert first["objections"][0]["decision_reason"] == "Consta en el censo desde 2010."
    assert first["objections"][1]["decision_reason"] is None
    assert first["objections"][1]["decided_at"] is None
    assert second["status"]["code"] == "withdrawn"
    assert second["reason"] == "Se muda de la comunidad."
    assert second["nominated"] is True and second["nominated_by"] == "Electoral Prueba"


def test_a_counted_election_gives_principals_substitutes_and_the_counts_messages(cast):
    election = election_in(cast, ElectionPhase.COUNTED)
    contest = election.contests.get()
    first, second = contest.candidates.order_by("pk")
    poll = closed_poll(cast)
    contest.poll = poll
    contest.result = {
        "poll": poll.pk,
        "options": {"1": first.pk, "2": second.pk},
        "principals": [first.pk],
        "substitutes": [second.pk],
        "substitute_count": {
            "winners": ["2"],
            "explanation": [{"id": "election.elected", "params": {"candidate": "2"}}],
        },
    }
    contest.save()
    got = read(f"{API}/consejo-a/elections/{election.pk}/")
    result = got["contests"][0]["result"]
    assert result["poll"] == poll.pk
    assert result["options"] == {"1": first.pk, "2": second.pk}
    assert result["principals"] == [first.pk] and result["substitutes"] == [second.pk]
    assert result["seats"] == [
        {
            "seat": 1,
            "principal": {"candidate": first.pk, "name": "Residente Prueba"},
            "substitute": {"candidate": second.pk, "name": "Vocera Prueba"},
        }
    ]
    poll.refresh_from_db()
    assert result["explanation"] == poll.result["explanation"]
    assert result["explanation"] and all(set(m) == {"id", "params"} for m in result["explanation"])
    assert result["substitute_explanation"] == [
        {"id": "election.elected", "params": {"candidate": "2"}}
    ]
    assert got["mandates"] == []


def test_a_conferred_election_lists_the_mandates_it_conferred(cast):
    election = election_in(cast, ElectionPhase.CONFERRED)
    contest = election.contests.get()
    (seat,) = contest.seats.all()
    conferred = [
        territory.confer_mandate(
            cast.council,
            resident,
            organ=cast.health,
            seat=seat,
            kind=kind,
            starts_on=election.term_starts,
            by=SETUP,
        )  # fmt: skip
        for resident, kind in (
            (cast.resident, MandateKind.SPOKESPERSON),
            (cast.spokesperson, MandateKind.SUBSTITUTE),
        )
    ]
    got = read(f"{API}/consejo-a/elections/{election.pk}/")
    assert [(m["mandate"], m["kind"]["code"], m["seat"]) for m in got["mandates"]] == [
        (conferred[0].pk, "spokesperson", 1),
        (conferred[1].pk, "substitute", 1),
    ]
    assert got["mandates"][0]["starts_on"] == election.term_starts.isoformat()
    assert got["mandates"][0]["organ"] == cast.health.pk


def test_another_bodys_election_recall_and_spokesperson_are_not_found(cast):
    election = election_in(cast, ElectionPhase.CANDIDACY, cast.commune, candidates=False)
    recall = recall_in(cast, RecallStatus.COLLECTING)
    mandate = mandate_of(cast, "spokesperson")
    for url in (
        f"{API}/consejo-a/elections/{election.pk}/",
        f"{API}/consejo-b/recalls/{recall.pk}/",
        f"{API}/consejo-b/spokespersons/{mandate.pk}/",
        f"{API}/consejo-a/spokespersons/{mandate_of(cast, 'admin').pk}/",  # no spokesperson
        f"{API}/consejo-a/elections/999999/",
    ):
        assert read(url, expect=404)["detail"] == "Not found."
    assert read(f"{API}/comuna/elections/{election.pk}/")["id"] == election.pk


# --- recalls -------------------------------------------------------------------------------


def test_a_recall_counts_signatures_against_the_threshold_and_never_says_who_signed(cast):
    recall = recall_in(cast, RecallStatus.COLLECTING)
    for resident in (cast.resident, cast.admin):
        RecallSignature.objects.create(recall=recall, resident=resident, source=SignatureSource.APP)
    got = read(f"{API}/consejo-a/recalls/{recall.pk}/")
    assert got["signatures"] == 2
    assert got["threshold"] == recall.threshold
    assert got["register_size"] == recall.register_size
    assert got["status"] == label("collecting", "Collecting signatures")
    assert got["origin"]["code"] == "petition"
    assert got["grounds"] == recall.grounds
    mandate = recall.mandate
    assert got["spokesperson"] == {
        "mandate": mandate.pk,
        "name": "Vocera Prueba",
        "organ": {"id": cast.health.pk, "name": "Comité de Salud"},
        "seat": None,
    }
    assert got["report"] is None and got["vote"] is None and got["successor"] is None
    assert got["deadlines"] == {
        "report_due": None,
        "report_overdue": False,
        "vote_due": None,
        "vote_overdue": False,
    }
    text = str(read(f"{API}/consejo-a/recalls/")) + str(got)
    assert "Residente" not in text and "Admin" not in text
    assert read(f"{API}/consejo-a/recalls/")["items"][0] == {
        k: v for k, v in got.items() if k in read(f"{API}/consejo-a/recalls/")["items"][0]
    }


def test_overdue_deadlines_are_flagged_and_a_late_report_said_late(cast):
    report = recall_in(cast, RecallStatus.REPORT)
    report.report_due = timezone.localdate() - timedelta(days=1)
    report.save()
    got = read(f"{API}/consejo-a/recalls/{report.pk}/")
    assert got["deadlines"]["report_overdue"] is True
    assert got["deadlines"]["vote_overdue"] is False
    vote = recall_in(cast, RecallStatus.VOTE)
    vote.report_due = timezone.localdate(vote.report_at) - timedelta(days=1)
    vote.vote_due = timezone.localdate() - timedelta(days=2)
    vote.save()
    got = read(f"{API}/consejo-a/recalls/{vote.pk}/")
    assert got["report"] == "La unidad de contraloría constató los hechos."
    assert got["report_late"] is True
    assert got["deadlines"] == {
        "report_due": vote.report_due.isoformat(),
        "report_overdue": False,
        "vote_due": vote.vote_due.isoformat(),
        "vote_overdue": True,
    }
    listed = read(f"{API}/consejo-a/recalls/", status="vote")
    assert [r["id"] for r in listed["items"]] == [vote.pk]


def test_a_carried_recall_gives_the_vote_and_the_successor(cast):
    recall = recall_in(cast, RecallStatus.CARRIED)
    decided = motion(cast, text="Revocar el mandato de Vocera Prueba")
    recall.item = decided.item
    recall.motion = decided
    successor = territory.confer_mandate(
        cast.council, cast.substitute, organ=cast.health, kind=MandateKind.SPOKESPERSON, by=SETUP
    )
    recall.successor = successor
    recall.save()
    got = read(f"{API}/consejo-a/recalls/{recall.pk}/")
    assert got["status"]["code"] == "carried"
    assert got["vote"] == {
        "assembly": decided.item.assembly_id,
        "item": decided.item_id,
        "motion": decided.pk,
        "votes_for": 6,
        "votes_against": 1,
        "abstentions": 1,
        "present": 8,
        "quorum_required": 3,
        "outcome": label("carried", "Carried"),
        "decided_at": got["vote"]["decided_at"],
    }
    assert got["successor"] == {"mandate": successor.pk, "name": "Suplente Prueba"}
    assert got["election"] is None


# --- spokespersons -------------------------------------------------------------------------


def test_the_spokespersons_list_gives_mandates_in_force_by_organ(cast):
    got = read(f"{API}/consejo-a/spokespersons/")
    names = {(m["name"], m["kind"]["code"]) for m in got["items"]}
    assert ("Vocera Prueba", "spokesperson") in names
    assert ("Suplente Prueba", "substitute") in names
    assert "Admin Prueba" not in {m["name"] for m in got["items"]}  # an administrator
    assert all(m["in_force"] for m in got["items"])
    health = read(f"{API}/consejo-a/spokespersons/", organ=cast.health.pk)
    assert {m["name"] for m in health["items"]} == {"Vocera Prueba", "Suplente Prueba"}
    assert read(f"{API}/consejo-a/spokespersons/", ended="true")["items"] == []
    commune = read(f"{API}/comuna/spokespersons/")
    assert [m["name"] for m in commune["items"]] == ["Parlamentaria Prueba"]


def test_a_spokesperson_gives_instructions_votes_questions_accounts_and_open_recall(cast):
    mandate = mandate_of(cast, "spokesperson")
    today = timezone.localdate()
    given = motion(cast, text="Mandato a Vocera Pérez: votar por el agua")
    instruction = Instruction.objects.create(
        body=cast.council,
        mandate=mandate,
        matter="El agua",
        text="Votar por el agua",
        position=Position.FOR,
        motion=given,
        status=DecisionStatus.CARRIED,
    )
    voted = motion(cast, text="Priorizar el agua")
    vote = NamedVote.objects.create(
        mandate=mandate, motion=voted, vote=Position.AGAINST, instruction=instruction
    )
    overdue = Question.objects.create(
        mandate=mandate,
        asked_by=cast.resident,
        text="¿Y la bomba?",
        asked_at=timezone.now() - timedelta(days=20),
        due_on=today - timedelta(days=5),
    )
    answered = Question.objects.create(
        mandate=mandate,
        asked_by=cast.resident,
        text="¿Y el tanque?",
        due_on=today + timedelta(days=10),
        answer="Llega el lunes.",
        answered_at=timezone.now(),
    )
    report = AccountsReport.objects.create(
        mandate=mandate,
        period_from=date(2025, 1, 1),
        period_to=date(2025, 12, 31),
        text="Cuentas del año.",
        motion=motion(cast, text="Aprobar las cuentas", outcome=Outcome.REJECTED),
        status=DecisionStatus.REJECTED,
    )
    recall = recall_in(cast, RecallStatus.REPORT)
    got = read(f"{API}/consejo-a/spokespersons/{mandate.pk}/")
    assert got["id"] == mandate.pk
    assert got["name"] == "Vocera Prueba"
    assert got["organ"] == {"id": cast.health.pk, "name": "Comité de Salud"}
    assert got["seat"] is None
    assert (got["starts_on"], got["ends_on"]) == ("2020-01-01", "2099-01-01")
    assert got["in_force"] is True and got["end_reason"] is None
    assert got["substitute"]["mandate"] == mandate_of(cast, "substitute").pk
    assert got["instructions"] == [
        {
            "id": instruction.pk,
            "body": "consejo-a",
            "matter": "El agua",
            "text": "Votar por el agua",
            "position": label("for", "Vote for"),
            "status": label("carried", "Approved by the assembly"),
            "assembly": given.item.assembly_id,
            "motion": given.pk,
            "decided_at": got["instructions"][0]["decided_at"],
        }
    ]
    (shown,) = got["named_votes"]
    assert (shown["id"], shown["motion"], shown["instruction"]) == (
        vote.pk, voted.pk, instruction.pk
    )  # fmt: skip
    assert shown["vote"]["code"] == "against" and shown["against_instruction"] is True
    assert shown["motion_text"] == "Priorizar el agua" and shown["body"] == "consejo-a"
    questions = {q["id"]: q for q in got["questions"]}
    assert questions[overdue.pk]["overdue"] is True
    assert questions[overdue.pk]["answer"] is None
    assert questions[answered.pk]["overdue"] is False
    assert questions[answered.pk]["answer"] == "Llega el lunes."
    assert "asked_by" not in questions[overdue.pk]
    (accounts,) = got["accounts"]
    assert accounts["id"] == report.pk
    assert accounts["status"]["code"] == "rejected"
    assert accounts["motion"] == report.motion_id and accounts["decided_at"]
    assert got["open_recall"] == recall.pk
    assert isinstance(got["deadlines"], list)


def test_a_substitute_has_a_page_without_a_substitute(cast):
    mandate = mandate_of(cast, "substitute")
    got = read(f"{API}/consejo-a/spokespersons/{mandate.pk}/")
    assert got["kind"]["code"] == "substitute"
    assert got["substitute"] is None and got["open_recall"] is None


# --- writes --------------------------------------------------------------------------------


def sign(cast, recall, persona="resident", how="token-read-write"):
    caller = Caller(cast.user(persona) if persona != "anonymous" else None, how=how)
    return caller.post(f"{API}/{recall.body.slug}/recalls/{recall.pk}/signatures")


def test_a_resident_signs_a_petition_once_and_the_threshold_moves_it_on(cast):
    recall = recall_in(cast, RecallStatus.COLLECTING)
    recall.threshold = 2
    recall.save()
    response = sign(cast, recall)
    assert response.status_code == 201, response.content
    assert response.json() == {
        "recall": recall.pk,
        "signatures": 1,
        "threshold": recall.threshold,
        "status": label("collecting", "Collecting signatures"),
    }
    assert RecallSignature.objects.filter(recall=recall, resident=cast.resident).count() == 1
    again = sign(cast, recall, how="session")
    assert again.status_code == 400
    assert "already signed" in again.json()["detail"]
    assert RecallSignature.objects.filter(recall=recall).count() == 1
    reached = sign(cast, recall, "admin")
    assert reached.status_code == 201
    assert reached.json()["signatures"] == 2
    assert reached.json()["status"]["code"] == "report"


def test_signing_outside_the_collecting_phase_is_a_conflict_and_changes_nothing(cast):
    recall = recall_in(cast, RecallStatus.REPORT)
    response = sign(cast, recall)
    assert response.status_code == 409
    assert response.json()["detail"] == "This petition no longer collects signatures."
    spanish = Caller(cast.resident.user, how="token-read-write")
    spanish.headers["Accept-Language"] = "es"
    said = spanish.post(f"{API}/consejo-a/recalls/{recall.pk}/signatures").json()["detail"]
    assert said == "Esta petición ya no recoge firmas."
    assert not RecallSignature.objects.exists()
    assert sign(cast, recall, "anonymous", how="anonymous").status_code == 401
    assert sign(cast, recall_in(cast), "outsider").status_code == 403
    assert sign(cast, recall_in(cast), how="token-read").status_code == 403
    assert not RecallSignature.objects.exists()


def ask(cast, mandate, text, persona="resident", how="token-read-write"):
    caller = Caller(cast.user(persona), how=how)
    return caller.post(
        f"{API}/{mandate.body.slug}/spokespersons/{mandate.pk}/questions", {"text": text}
    )


def test_a_resident_asks_a_spokesperson_a_question_in_public(cast):
    mandate = mandate_of(cast, "spokesperson")
    response = ask(cast, mandate, "¿Cuándo llega el agua?")
    assert response.status_code == 201, response.content
    question = Question.objects.get()
    statute = cast.council.current_statute()
    assert response.json() == {
        "id": question.pk,
        "text": "¿Cuándo llega el agua?",
        "asked_at": response.json()["asked_at"],
        "due_on": (timezone.localdate() + timedelta(days=statute.question_answer_days)).isoformat(),
        "answer": None,
        "answered_at": None,
        "overdue": False,
    }
    assert question.asked_by == cast.resident
    shown = read(f"{API}/consejo-a/spokespersons/{mandate.pk}/")["questions"]
    assert [q["id"] for q in shown] == [question.pk]


def test_a_question_refused_says_why_and_stores_nothing(cast):
    mandate = mandate_of(cast, "spokesperson")
    blank = ask(cast, mandate, "   ")
    assert blank.status_code == 400 and blank.json()["detail"]
    assert ask(cast, mandate, "").json()["errors"][0]["field"] == "text"
    assert ask(cast, mandate, "¿Hola?", persona="outsider").status_code == 403
    ended = territory.end_mandate(mandate, on=timezone.localdate(), reason="Renuncia", by=SETUP)
    gone = ask(cast, ended, "¿Hola?")
    assert gone.status_code == 409 and gone.json()["detail"]
    assert not Question.objects.exists()


def test_the_elections_of_a_phase_are_listed_with_the_status_kept_apart(cast):
    """The cancelled and conferred elections are filtered by their stored status."""
    cancelled = election_in(cast, ElectionPhase.CANCELLED)
    assert cancelled.status == ElectionStatus.CANCELLED
    got = read(f"{API}/consejo-a/elections/", phase="cancelled")
    assert [e["id"] for e in got["items"]] == [cancelled.pk]
    assert Contest.objects.filter(election=cancelled).exists()
