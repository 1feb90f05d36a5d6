"""The spokesperson's page and the accounting pages: what a visitor reads (instructions with
their decisions, votes beside them, overdue questions in red, accounts with the decision), and
the forms of residents, the holder and the electoral commission, each refusal on the form."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comuna.assemblies import decisions
from comuna.assemblies.models import Motion
from comuna.mandates import accounting
from comuna.mandates.models import AccountsReport, DecisionStatus, Instruction, NamedVote, Question
from comuna.territory.models import Mandate
from tests.mandates.pages_accounting import (
    decided_motion,
    health_mandate,
    question_to,
    quorate_assembly,
    report_of,
)

pytestmark = pytest.mark.django_db


def _url(name, body, **kwargs):
    return reverse(name, kwargs={"slug": body.slug, **kwargs})


def test_the_page_shows_the_mandate_and_its_accounting_to_the_base(cast, client):
    mandate = health_mandate(cast)
    assembly = quorate_assembly(cast)
    instruction = accounting.propose_instruction(
        assembly.items.first(),
        mandate,
        matter="Ambulatorio",
        text="Pedir un médico",
        position="for",
        by=cast.electoral.user,
    )
    decisions.decide_by_hands(
        instruction.motion, votes_for=6, votes_against=1, abstentions=1, by=cast.electoral.user
    )
    voted = decided_motion(assembly)
    accounting.record_named_votes(
        voted, {mandate.pk: ("against", instruction.pk)}, by=cast.electoral.user
    )
    late = question_to(mandate, cast.resident, days_ago=20, due_in=-5)
    report = report_of(mandate)
    page = client.get(_url("spokesperson", cast.council, pk=mandate.pk)).content.decode()
    assert "Vocera Prueba" in page and "Suplente Prueba" in page  # holder and substitute
    assert "Ambulatorio" in page
    assert f'href="/b/consejo-a/assemblies/{assembly.pk}/#motion-{instruction.motion_id}"' in page
    assert page.count("votó en contra del mandato") == 2  # beside it, and in the votes
    assert f'<li id="question-{late.pk}" class="late">' in page
    assert f'id="accounts-{report.pk}"' in page
    assert "accounts-put" not in page and f"/accounts/{report.pk}/put/" not in page  # a visitor


def test_a_mandate_of_another_body_is_not_found(cast, client):
    parliament = Mandate.objects.active().get(resident=cast.parliamentarian)
    assert client.get(_url("spokesperson", cast.council, pk=parliament.pk)).status_code == 404
    assert client.get(_url("spokesperson", cast.commune, pk=parliament.pk)).status_code == 200
    assert client.get(_url("spokesperson", cast.council, pk=2**63)).status_code == 404


def test_the_body_page_links_each_mandate_to_its_page(cast, client):
    mandate = health_mandate(cast)
    page = client.get(_url("body", cast.council)).content.decode()
    assert f'href="/b/consejo-a/spokespersons/{mandate.pk}/"' in page


def test_a_resident_asks_and_the_holder_answers(cast, login):
    mandate = health_mandate(cast)
    client = login(cast.resident.user)
    response = client.post(_url("spokesperson-ask", cast.council, pk=mandate.pk), {"text": "¿Y?"})
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#question-{question.pk}")
    client = login(cast.spokesperson.user)
    page = client.get(_url("spokesperson", cast.council, pk=mandate.pk)).content.decode()
    assert f'href="/b/consejo-a/questions/{question.pk}/answer/"' in page
    url = _url("question-answer", cast.council, pk=question.pk)
    assert client.post(url, {"text": "El lunes."}).status_code == 302
    assert Question.objects.get().answer == "El lunes."


def test_another_spokesperson_is_refused_the_answer_on_the_form(cast, login):
    question = question_to(health_mandate(cast), cast.resident)
    client = login(cast.electoral.user)
    url = _url("question-answer", cast.council, pk=question.pk)
    assert "Solo Vocera Prueba" in client.get(url).content.decode()
    response = client.post(url, {"text": "Respondo yo."})
    assert response.status_code == 400
    assert "Vocera Prueba" in response.content.decode()
    assert Question.objects.get().answered_at is None


def test_the_holder_renders_accounts_and_another_spokesperson_is_refused(cast, login):
    mandate = health_mandate(cast)
    url = _url("accounts-new", cast.council, pk=mandate.pk)
    form = {"period_from": "2020-01-01", "period_to": "2020-12-31", "text": "Cuentas claras."}
    assert login(cast.financial.user).post(url, form).status_code == 400
    assert not AccountsReport.objects.exists()
    response = login(cast.spokesperson.user).post(url, form)
    assert response.status_code == 302 and response["Location"].endswith("#accounts")
    assert AccountsReport.objects.get().period_to == date(2020, 12, 31)


def test_the_commission_puts_accounts_on_a_new_item_of_the_assembly_in_session(cast, login):
    report = report_of(health_mandate(cast))
    assembly = quorate_assembly(cast)
    client = login(cast.electoral.user)
    url = _url("accounts-put", cast.council, pk=report.pk)
    assert f'value="new-{assembly.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"target": f"new-{assembly.pk}", "method": "hands"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.motion.item.position == 3  # after the assembly's two items
    decisions.decide_by_hands(
        report.motion, votes_for=2, votes_against=5, abstentions=1, by=cast.electoral.user
    )
    assert AccountsReport.objects.get().status == DecisionStatus.REJECTED
    again = client.post(url, {"target": f"new-{assembly.pk}", "method": "hands"})
    assert again.status_code == 400 and Motion.objects.count() == 1


def test_the_commission_instructs_a_spokesperson_from_the_assembly_page(cast, login):
    assembly = quorate_assembly(cast)
    client = login(cast.electoral.user)
    page = client.get(_url("assembly", cast.council, pk=assembly.pk)).content.decode()
    assert f'href="/b/consejo-a/assemblies/{assembly.pk}/instructions/new/"' in page
    form = {
        "target": str(assembly.items.first().pk),
        "mandate": str(health_mandate(cast).pk),
        "matter": "",
        "text": "Pedir un médico",
        "position": "for",
        "method": "hands",
    }
    url = _url("instruction-new", cast.council, pk=assembly.pk)
    assert client.post(url, form).status_code == 400  # no matter
    assert client.post(url, {**form, "matter": "Ambulatorio"}).status_code == 302
    assert Instruction.objects.get().matter == "Ambulatorio"


def test_the_commission_records_named_votes_on_a_decided_motion(cast, login):
    assembly = quorate_assembly(cast)
    mandate = health_mandate(cast)
    motion = decided_motion(assembly)
    client = login(cast.electoral.user)
    page = client.get(_url("assembly", cast.council, pk=assembly.pk)).content.decode()
    url = _url("named-votes", cast.council, pk=assembly.pk, motion=motion.pk)
    assert f'href="{url}"' in page
    assert client.post(url, {f"vote_{mandate.pk}": "abstain"}).status_code == 302
    assert NamedVote.objects.get().vote == "abstain"
    page = client.get(url).content.decode()
    assert f'name="vote_{mandate.pk}"' not in page  # recorded: final


def test_an_unanswered_question_past_due_is_overdue_on_the_body_page(cast, client):
    question = question_to(health_mandate(cast), cast.resident, days_ago=20, due_in=-1)
    page = client.get(_url("body", cast.council)).content.decode()
    assert f"#question-{question.pk}" in page
    Question.objects.filter(pk=question.pk).update(
        answer="Tarde.", answered_at=timezone.now() - timedelta(hours=1)
    )
    page = client.get(_url("body", cast.council)).content.decode()
    assert f"#question-{question.pk}" not in page
