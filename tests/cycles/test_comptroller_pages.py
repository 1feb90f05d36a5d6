"""Social comptrollership's pages: filing a finding with evidence uploads, its page with its
deadline (overdue flagged there and on the body page) and evidence downloads, answering it,
starting a recall on it, filing an anonymous complaint, and who sees a complainant: the
comptroller unit always, the body's members for a named complaint, nobody else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comuna.cycles import comptroller
from comuna.cycles.models import Complaint, Evidence, Finding, FindingStatus
from comuna.mandates.models import Recall
from comuna.territory import statutes
from comuna.territory.models import Mandate, MandateKind
from tests.conftest import SETUP
from tests.cycles.comptroller_factories import PDF, fake_pdf, pdf

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PERSONAS_NOT_SEEING = ["anonymous", "outsider", "resident", "spokesperson", "admin"]


def _url(name, pk=None, slug="consejo-a"):
    return reverse(name, kwargs={"slug": slug, **({} if pk is None else {"pk": pk})})


@pytest.fixture
def inspection(cast):
    return comptroller.open_inspection(
        cast.council, title="Revisión de la obra", scope="Facturas.", by=cast.comptroller.user
    )


@pytest.fixture
def finding(cast, inspection):
    return comptroller.file_finding(
        inspection,
        title="Factura sin soporte",
        text="La factura 0042 no tiene orden de compra.",
        organ=cast.health,
        evidence=[pdf("factura-0042.pdf")],
        by=cast.comptroller.user,
    )


def _complaint(cast, anonymous, resident=None):
    resident = resident or cast.resident
    return comptroller.file_complaint(
        cast.council,
        resident=resident,
        subject="Cobros indebidos",
        text="Piden dinero para la bolsa de comida.",
        anonymous=anonymous,
        by=resident.user,
    )


def _finding_form(cast, **changes):
    return {
        "title": "Cemento de más",
        "text": "Se compraron 40 sacos para una obra de 20.",
        "organ": cast.health.pk,
        **changes,
    }


# --- filing a finding ---------------------------------------------------------------------------


def test_the_comptroller_unit_files_a_finding_with_two_evidence_files(cast, login, inspection):
    client = login(cast.comptroller.user)
    data = _finding_form(cast, evidence=[pdf("factura.pdf"), pdf("orden.pdf")])
    response = client.post(_url("finding-new", inspection.pk), data)
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("finding", finding.pk)
    assert sorted(finding.evidence.values_list("name", flat=True)) == ["factura.pdf", "orden.pdf"]
    assert finding.due_on == timezone.localdate() + timedelta(days=15)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"text": ""}, "text", "This field is required."),
        ({"evidence": [fake_pdf("truco.pdf")]}, "evidence", "truco.pdf: This file is not a PDF"),
        (
            {"evidence": [pdf("grande.pdf", PDF[:-7] + b"0" * (5 * 1024 * 1024) + b"%%EOF\n")]},
            "evidence",
            "the largest allowed is 5",
        ),
    ],
)
def test_a_bad_finding_is_refused_under_its_field_and_nothing_stored(
    cast, login, inspection, changes, field, message
):
    client = login(cast.comptroller.user)
    response = client.post(_url("finding-new", inspection.pk), _finding_form(cast, **changes), **EN)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert message.split(": ")[-1] in response.content.decode()
    assert not Finding.objects.exists() and not Evidence.objects.exists()


def test_the_body_page_and_the_comptroller_page_link_each_other(cast, client):
    page = client.get(_url("body")).content.decode()
    assert f'href="{_url("comptroller")}"' in page
    assert client.get(_url("comptroller")).status_code == 200


# --- a finding's page ---------------------------------------------------------------------------


def test_a_findings_page_shows_its_deadline_evidence_and_answer(cast, client, finding):
    page = client.get(_url("finding", finding.pk), **EN).content.decode()
    evidence = finding.evidence.get()
    assert "Factura sin soporte" in page and "Comité de Salud" in page
    assert f'href="{_url("evidence", evidence.pk)}"' in page and evidence.sha256 in page
    assert "overdue" not in page
    comptroller.answer_finding(finding, answer="Conseguimos la orden.", by=cast.spokesperson.user)
    page = client.get(_url("finding", finding.pk), **EN).content.decode()
    assert "Conseguimos la orden." in page and "Vocera Prueba" in page


def test_a_finding_past_its_day_is_flagged_on_its_page_and_on_the_body_page(cast, client, finding):
    Finding.objects.filter(pk=finding.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    page = client.get(_url("finding", finding.pk), **EN).content.decode()
    assert 'class="late"' in page and "overdue" in page
    body = client.get(_url("body"), **EN).content.decode()
    overdue = body.split('id="overdue-title"')[1].split("</section>")[0]
    assert f'href="{_url("finding", finding.pk)}"' in overdue and "Factura sin soporte" in overdue
    listing = client.get(_url("comptroller"), **EN).content.decode()
    assert '<li class="late"><a href="' + _url("finding", finding.pk) in listing


def test_an_answered_finding_is_no_longer_overdue(cast, client, finding):
    Finding.objects.filter(pk=finding.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    comptroller.answer_finding(finding, answer="Listo.", by=cast.spokesperson.user)
    body = client.get(_url("body"), **EN).content.decode()
    assert _url("finding", finding.pk) not in body


def test_a_closed_cycle_names_no_finding_on_the_body_page(cast, client, finding):
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    Finding.objects.filter(pk=finding.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    body = client.get(_url("body"), **EN).content.decode()
    assert "Factura sin soporte" not in body and "Comité de Salud" in body


def test_evidence_is_downloaded_with_its_type_and_never_sniffed(cast, client, finding):
    evidence = finding.evidence.get()
    response = client.get(_url("evidence", evidence.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert "factura-0042.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_evidence_of_a_closed_cycle_is_for_members_only(cast, client, login, finding):
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    url = _url("evidence", finding.evidence.get().pk)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert login(cast.outsider.user).get(url).status_code == 403
    assert login(cast.resident.user).get(url).status_code == 200


def test_evidence_of_another_body_is_not_found(cast, client, finding):
    evidence = finding.evidence.get()
    assert client.get(_url("evidence", evidence.pk, slug="consejo-b")).status_code == 404


# --- answering, closing, recalling --------------------------------------------------------------


def test_the_organs_spokesperson_answers_through_the_page(cast, login, finding):
    client = login(cast.spokesperson.user)
    page = client.get(_url("finding", finding.pk)).content.decode()
    assert _url("finding-answer", finding.pk) in page
    response = client.post(_url("finding-answer", finding.pk), {"answer": "Listo."})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED and finding.answer == "Listo."


def test_another_organs_spokesperson_is_refused_with_nothing_stored(cast, login, finding):
    client = login(cast.electoral.user)
    assert (
        _url("finding-answer", finding.pk)
        not in client.get(_url("finding", finding.pk)).content.decode()
    )
    response = client.post(_url("finding-answer", finding.pk), {"answer": "Listo."}, **EN)
    assert response.status_code == 400
    assert "Only a spokesperson in office of Comité de Salud" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.answer == ""


def test_a_resident_may_not_open_the_answer_form(cast, login, finding):
    assert login(cast.resident.user).get(_url("finding-answer", finding.pk)).status_code == 403


def test_the_comptroller_unit_starts_a_recall_on_a_finding_through_the_page(cast, login, finding):
    mandate = Mandate.objects.get(
        resident=cast.spokesperson, organ=cast.health, kind=MandateKind.SPOKESPERSON
    )
    client = login(cast.comptroller.user)
    response = client.post(
        _url("finding-recall", finding.pk),
        {"mandate": mandate.pk, "grounds": "No respondió por la factura."},
    )
    assert response.status_code == 302
    recall = Recall.objects.get()
    finding.refresh_from_db()
    assert finding.recall == recall and recall.mandate == mandate
    page = client.get(_url("finding", finding.pk)).content.decode()
    assert f'href="/b/consejo-a/recalls/{recall.pk}/"' in page
    recalls = client.get("/b/consejo-a/recalls/").content.decode()
    assert f'href="/b/consejo-a/recalls/{recall.pk}/"' in recalls


def test_a_recall_form_without_grounds_is_refused(cast, login, finding):
    mandate = Mandate.objects.get(resident=cast.spokesperson, organ=cast.health)
    response = login(cast.comptroller.user).post(
        _url("finding-recall", finding.pk), {"mandate": mandate.pk, "grounds": ""}
    )
    assert response.status_code == 400 and not Recall.objects.exists()


def test_the_comptroller_unit_closes_a_finding_through_the_page(cast, login, finding):
    response = login(cast.comptroller.user).post(_url("finding-close", finding.pk), {})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED


# --- complaints ---------------------------------------------------------------------------------


def test_a_resident_files_an_anonymous_complaint_through_the_form(cast, login):
    client = login(cast.resident.user)
    form = client.get(_url("complaint-new"), **EN).content.decode()
    assert 'name="anonymous"' in form and "Anonymous to everyone but the comptroller unit" in form
    response = client.post(
        _url("complaint-new"),
        {"subject": "Cobros", "text": "Piden dinero.", "anonymous": "on"},
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("complaint", complaint.pk)
    assert complaint.anonymous and complaint.filed_by == cast.resident


def test_a_complaint_without_text_is_refused_on_the_form(cast, login):
    response = login(cast.resident.user).post(
        _url("complaint-new"), {"subject": "Cobros", "text": ""}
    )
    assert response.status_code == 400 and not Complaint.objects.exists()


def _name(cast):
    return f"{cast.resident.given_name} {cast.resident.family_name}"


@pytest.mark.parametrize("persona", PERSONAS_NOT_SEEING)
def test_no_page_names_the_author_of_an_anonymous_complaint(cast, login, persona, client):
    complaint = _complaint(cast, anonymous=True)
    user = cast.user(persona)
    reader = login(user) if user is not None else client
    for url in (_url("comptroller"), _url("complaint", complaint.pk), _url("body")):
        response = reader.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Cobros indebidos" in page or url == _url("body")
        assert _name(cast) not in page and cast.resident.given_name not in page
        assert f"/census/residents/{cast.resident.pk}/" not in page


def test_the_comptroller_unit_sees_who_filed_an_anonymous_complaint(cast, login):
    complaint = _complaint(cast, anonymous=True)
    client = login(cast.comptroller.user)
    for url in (
        _url("comptroller"),
        _url("complaint", complaint.pk),
        _url("complaint-answer", complaint.pk),
    ):
        assert _name(cast) in client.get(url).content.decode()


def test_the_complainant_is_told_their_anonymity_holds(cast, login):
    complaint = _complaint(cast, anonymous=True)
    page = login(cast.resident.user).get(_url("complaint", complaint.pk), **EN).content.decode()
    assert "only the comptroller unit sees that it was you" in page


@pytest.mark.parametrize(
    "persona, shown",
    [("anonymous", False), ("outsider", False), ("spokesperson", True), ("comptroller", True)],
)
def test_a_named_complaint_shows_its_author_to_the_bodys_members_only(
    cast, login, client, persona, shown
):
    complaint = _complaint(cast, anonymous=False)
    user = cast.user(persona)
    reader = login(user) if user is not None else client
    for url in (_url("comptroller"), _url("complaint", complaint.pk)):
        assert (_name(cast) in reader.get(url).content.decode()) == shown


def test_the_comptroller_unit_answers_a_complaint_through_the_page(cast, login, client):
    complaint = _complaint(cast, anonymous=True)
    response = login(cast.comptroller.user).post(
        _url("complaint-answer", complaint.pk), {"answer": "Lo revisamos con el comité."}
    )
    assert response.status_code == 302
    page = client.get(_url("complaint", complaint.pk)).content.decode()
    assert "Lo revisamos con el comité." in page


def test_a_complaint_past_its_day_is_flagged_on_the_body_page(cast, client):
    complaint = _complaint(cast, anonymous=True)
    Complaint.objects.filter(pk=complaint.pk).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    body = client.get(_url("body"), **EN).content.decode()
    overdue = body.split('id="overdue-title"')[1].split("</section>")[0]
    assert f'href="{_url("complaint", complaint.pk)}"' in overdue
    assert _name(cast) not in overdue
