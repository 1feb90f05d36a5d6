"""Accounting to the base: instructions decided by the assembly, named votes beside the
instruction carried, public questions answered within the statute's days, accounts approved
or rejected as a decision; `ledger verify` re-derives every entry."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from comuna.assemblies import decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Attendance, Outcome
from comuna.ledger import entries, verify
from comuna.mandates import accounting, deadlines
from comuna.mandates.errors import MandateError
from comuna.mandates.models import AccountsReport, DecisionStatus, Question
from comuna.territory.models import Mandate
from tests.assemblies.factories import assembly_in
from tests.mandates.pages_accounting import decided_motion, health_mandate, quorate_assembly

pytestmark = pytest.mark.django_db


def _hands(cast, motion, carried: bool):
    counts = (6, 1, 1) if carried else (1, 6, 1)
    return decisions.decide_by_hands(
        motion,
        votes_for=counts[0],
        votes_against=counts[1],
        abstentions=counts[2],
        by=cast.electoral.user,
    )


def _instruct(cast, assembly, mandate, position="for", matter="Ambulatorio"):
    return accounting.propose_instruction(
        assembly.items.order_by("position").first(),
        mandate,
        matter=matter,
        text="Pedir un médico a tiempo completo",
        position=position,
        by=cast.electoral.user,
    )


def test_an_instruction_carried_is_given_and_one_rejected_is_not(cast):
    assembly = quorate_assembly(cast)
    mandate = health_mandate(cast)
    given = _instruct(cast, assembly, mandate)
    refused = _instruct(cast, assembly, mandate, matter="Cancha")
    assert str(cast.spokesperson) in given.motion.text
    assert "Pedir un médico a tiempo completo" in given.motion.text
    _hands(cast, given.motion, carried=True)
    _hands(cast, refused.motion, carried=False)
    given.refresh_from_db(), refused.refresh_from_db()
    assert (given.status, refused.status) == (DecisionStatus.CARRIED, DecisionStatus.REJECTED)
    kinds = list(entries(cast.council.ledger_chain).values_list("kind", flat=True))
    assert kinds.count("mandate.instructed") == 2
    assert verify().ok


def test_the_parliamentarian_is_instructed_by_their_council_and_votes_beside_it(cast):
    """A mandate in the commune held by a resident of council A: council A's assembly
    instructs it, the commune's electoral commission records the vote; one against the
    instruction is flagged, one with a free instruction never is."""
    parliament = Mandate.objects.active().get(resident=cast.parliamentarian)
    council_assembly = quorate_assembly(cast)
    against = _instruct(cast, council_assembly, parliament, position="for")
    free = _instruct(cast, council_assembly, parliament, position="free", matter="Vialidad")
    _hands(cast, against.motion, carried=True)
    _hands(cast, free.motion, carried=True)
    commune_assembly = assembly_in(cast, "in_session", cast.commune)
    first = decided_motion(commune_assembly)
    second = decided_motion(commune_assembly)
    [vote] = accounting.record_named_votes(
        first, {parliament.pk: ("against", against.pk)}, by=cast.electoral.user
    )
    [free_vote] = accounting.record_named_votes(
        second, {parliament.pk: ("against", free.pk)}, by=cast.electoral.user
    )
    assert vote.against_instruction and not free_vote.against_instruction
    page = accounting.spokesperson(parliament)
    beside = {i["id"]: i["votes"] for i in page["instructions"]}
    assert [v["against_instruction"] for v in beside[against.pk]] == [True]
    assert [v["against_instruction"] for v in beside[free.pk]] == [False]
    assert verify().ok


def test_a_vote_is_recorded_once_for_a_spokesperson_of_the_body_on_a_decided_motion(cast):
    assembly = quorate_assembly(cast)
    mandate = health_mandate(cast)
    pending = decisions.propose_motion(
        assembly.items.first(), text="Pintar", by=cast.electoral.user
    )
    with pytest.raises(MandateError, match="once the motion is decided"):
        accounting.record_named_votes(pending, {mandate.pk: ("for", None)}, by=cast.electoral.user)
    motion = decided_motion(assembly)
    parliament = Mandate.objects.active().get(resident=cast.parliamentarian)
    with pytest.raises(MandateError, match="spokespersons of Consejo A"):
        accounting.record_named_votes(
            motion, {parliament.pk: ("for", None)}, by=cast.electoral.user
        )
    other = _instruct(cast, assembly, Mandate.objects.active().get(resident=cast.financial))
    with pytest.raises(MandateError, match="not given to"):
        accounting.record_named_votes(
            motion, {mandate.pk: ("for", other.pk)}, by=cast.electoral.user
        )
    accounting.record_named_votes(motion, {mandate.pk: ("for", None)}, by=cast.electoral.user)
    with pytest.raises(MandateError, match="already recorded"):
        accounting.record_named_votes(
            motion, {mandate.pk: ("against", None)}, by=cast.electoral.user
        )
    assert verify().ok


def test_a_question_answered_in_time_and_one_past_due_flagged(cast):
    mandate = health_mandate(cast)
    answered = accounting.ask(mandate, text="¿Cuándo llega el médico?", by=cast.resident.user)
    statute = cast.council.current_statute()
    assert answered.due_on == timezone.localdate() + timedelta(days=statute.question_answer_days)
    late = accounting.ask(mandate, text="¿Y las vacunas?", by=cast.substitute.user)
    Question.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    accounting.answer(answered, text="El lunes.", by=cast.spokesperson.user)
    late.refresh_from_db()
    assert late.is_overdue() and not Question.objects.get(pk=answered.pk).is_overdue()
    overdue = deadlines.overdue(cast.council)
    assert [d.url.endswith(f"#question-{late.pk}") for d in overdue].count(True) == 1
    assert not any(d.url.endswith(f"#question-{answered.pk}") for d in overdue)
    page = accounting.spokesperson(mandate)
    assert {q["id"]: q["overdue"] for q in page["questions"]} == {
        answered.pk: False,
        late.pk: True,
    }


def test_only_the_holder_answers_and_answers_are_final(cast):
    question = accounting.ask(
        health_mandate(cast), text="¿Cuándo llega el médico?", by=cast.resident.user
    )
    for other in (cast.electoral, cast.comptroller, cast.substitute):
        with pytest.raises(MandateError, match="Only Vocera Prueba, who holds this mandate"):
            accounting.answer(question, text="Yo respondo", by=other.user)
    assert Question.objects.get(pk=question.pk).answered_at is None
    accounting.answer(question, text="El lunes.", by=cast.spokesperson.user)
    with pytest.raises(MandateError, match="answers are final"):
        accounting.answer(question, text="Mejor el martes.", by=cast.spokesperson.user)
    assert Question.objects.get(pk=question.pk).answer == "El lunes."


def test_only_residents_of_the_body_ask(cast):
    with pytest.raises(MandateError, match="Only residents of Consejo A"):
        accounting.ask(health_mandate(cast), text="¿Hola?", by=cast.outsider.user)


def test_ledger_verify_catches_an_edited_answer(cast):
    question = accounting.ask(health_mandate(cast), text="¿Cuándo?", by=cast.resident.user)
    accounting.answer(question, text="El lunes.", by=cast.spokesperson.user)
    assert verify().ok
    Question.objects.filter(pk=question.pk).update(answer="Nunca dije eso.")
    report = verify()
    assert not report.ok
    assert any(p.kind == "question.answered" and "answer" in p.what for p in report.problems)


def _submit(cast, mandate, start, end):
    return accounting.submit_accounts(
        mandate,
        period_from=start,
        period_to=end,
        text="Asistí a todas las reuniones.",
        by=cast.spokesperson.user,
    )


def test_accounts_approved_and_rejected_by_a_decision(cast):
    mandate = health_mandate(cast)
    before = accounting.accounts_due(mandate)
    assert before == date(2021, 1, 1)  # a year after the term's start: overdue
    approved = _submit(cast, mandate, date(2020, 1, 1), date(2020, 12, 31))
    rejected = _submit(cast, mandate, date(2021, 1, 1), date(2021, 12, 31))
    assembly = quorate_assembly(cast)
    _hands(
        cast,
        accounting.put_accounts(approved, None, assembly=assembly, by=cast.electoral.user),
        carried=True,
    )
    item = assembly.items.order_by("position").first()
    _hands(cast, accounting.put_accounts(rejected, item, by=cast.electoral.user), carried=False)
    approved.refresh_from_db(), rejected.refresh_from_db()
    assert (approved.status, rejected.status) == (DecisionStatus.CARRIED, DecisionStatus.REJECTED)
    assert str(cast.spokesperson) in approved.motion.text
    # the next accounts are due a year after the last period approved
    assert accounting.accounts_due(mandate) == date(2021, 12, 31)
    with pytest.raises(MandateError, match="already before an assembly"):
        accounting.put_accounts(rejected, item, by=cast.electoral.user)
    assert verify().ok


def test_no_decision_on_accounts_without_quorum(cast):
    mandate = health_mandate(cast)
    report = _submit(cast, mandate, date(2020, 1, 1), date(2020, 12, 31))
    assembly = assembly_in(cast, "in_session")
    Attendance.objects.create(assembly=assembly, resident=cast.resident)
    motion = accounting.put_accounts(report, assembly.items.first(), by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="without quorum"):
        _hands(cast, motion, carried=True)
    assert AccountsReport.objects.get(pk=report.pk).status == DecisionStatus.PROPOSED
    assert motion.outcome == Outcome.PENDING


def test_accounts_are_the_holders_for_an_ended_period_within_the_term(cast):
    mandate = health_mandate(cast)
    with pytest.raises(MandateError, match="Only Vocera Prueba"):
        accounting.submit_accounts(
            mandate,
            period_from=date(2020, 1, 1),
            period_to=date(2020, 12, 31),
            text="Cuentas",
            by=cast.electoral.user,
        )
    with pytest.raises(MandateError, match="within the mandate's term"):
        _submit(cast, mandate, date(2019, 1, 1), date(2019, 12, 31))
    with pytest.raises(MandateError, match="period that has ended"):
        _submit(cast, mandate, date(2020, 1, 1), timezone.localdate() + timedelta(days=1))
    _submit(cast, mandate, date(2020, 1, 1), date(2020, 12, 31))
    with pytest.raises(MandateError, match="overlap"):
        _submit(cast, mandate, date(2020, 6, 1), date(2021, 5, 31))


def test_the_deadlines_of_a_mandate_list_met_and_open_ones(cast):
    mandate = health_mandate(cast)
    answered = accounting.ask(mandate, text="¿Cuándo?", by=cast.resident.user)
    accounting.answer(answered, text="El lunes.", by=cast.spokesperson.user)
    accounting.ask(mandate, text="¿Y las vacunas?", by=cast.resident.user)
    found = deadlines.of_mandate(mandate)
    assert sorted(d.done for d in found) == [False, False, True]  # 2 questions, the accounts
    assert all(d.mandate_id == mandate.pk for d in found)
