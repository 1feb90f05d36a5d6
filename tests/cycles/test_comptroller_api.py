"""Social comptrollership's API: findings with their evidence hashes, deadlines and answers;
complaints' public parts, never naming the author of an anonymous one; read page by page, as
public as the cycle."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comuna.cycles import comptroller
from comuna.cycles.models import Finding
from comuna.ledger import entries
from comuna.territory import statutes
from comuna.territory.models import Mandate, MandateKind
from tests.conftest import SETUP
from tests.cycles.comptroller_factories import pdf

API = "/api/v1/bodies/consejo-a"


@pytest.fixture
def finding(cast):
    inspection = comptroller.open_inspection(
        cast.council, title="Revisión", scope="Facturas.", by=cast.comptroller.user
    )
    return comptroller.file_finding(
        inspection,
        title="Factura sin soporte",
        text="La factura 0042 no tiene orden de compra.",
        organ=cast.health,
        evidence=[pdf("factura.pdf")],
        by=cast.comptroller.user,
    )


def _complaint(cast, anonymous):
    return comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="Cobros indebidos",
        text="Piden dinero para la bolsa de comida.",
        anonymous=anonymous,
        by=cast.resident.user,
    )


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


def _as(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_finding_comes_with_its_evidence_hash_deadline_and_answer(cast, client, finding):
    comptroller.answer_finding(finding, answer="Listo.", by=cast.spokesperson.user)
    answer = _get(client, f"{API}/findings/{finding.pk}/")
    evidence = finding.evidence.get()
    recorded = entries(cast.council.ledger_chain).filter(kind="finding.filed").get()
    assert answer["evidence"] == [
        {
            "id": evidence.pk,
            "name": "factura.pdf",
            "type": "pdf",
            "sha256": recorded.data["evidence"][0]["sha256"],
            "url": f"/b/consejo-a/evidence/{evidence.pk}/",
        }
    ]
    assert answer["organ"] == {"id": cast.health.pk, "name": "Comité de Salud"}
    assert answer["due_on"] == str(finding.due_on) and answer["overdue"] is False
    assert answer["status"]["code"] == "answered" and answer["answer"] == "Listo."
    mandate = Mandate.objects.get(resident=cast.spokesperson, kind=MandateKind.SPOKESPERSON)
    assert answer["answered_by_mandate"] == mandate.pk
    assert answer["inspection_detail"]["title"] == "Revisión"


def test_an_overdue_finding_is_flagged(cast, client, finding):
    Finding.objects.filter(pk=finding.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    listed = _get(client, f"{API}/findings/")["items"]
    assert [(f["id"], f["overdue"]) for f in listed] == [(finding.pk, True)]


def test_findings_are_read_page_by_page_and_by_status(cast, client, finding):
    second = comptroller.file_finding(
        finding.inspection, title="Otra", text="X", organ=cast.health, by=cast.comptroller.user
    )
    comptroller.close_finding(second, by=cast.comptroller.user)
    first = _get(client, f"{API}/findings/?limit=1")
    assert [f["id"] for f in first["items"]] == [finding.pk]
    rest = _get(client, f"{API}/findings/?limit=1&after={first['next_after']}")
    assert [f["id"] for f in rest["items"]] == [second.pk] and rest["next_after"] is None
    closed = _get(client, f"{API}/findings/?status=closed")["items"]
    assert [f["id"] for f in closed] == [second.pk]
    assert _get(client, f"{API}/findings/?status=nonsense", 400)["errors"][0]["field"] == "status"


def test_a_finding_of_another_body_is_not_found(cast, client, finding):
    _get(client, f"/api/v1/bodies/consejo-b/findings/{finding.pk}/", 404)


def test_no_api_answer_names_the_author_of_an_anonymous_complaint(cast):
    complaint = _complaint(cast, anonymous=True)
    comptroller.answer_complaint(complaint, answer="Lo revisamos.", by=cast.comptroller.user)
    # not even to the comptroller unit: the API gives the public parts only
    for reader in (_as(None), _as(cast.resident.user), _as(cast.comptroller.user)):
        listed = _get(reader, f"{API}/complaints/")["items"]
        detail = _get(reader, f"{API}/complaints/{complaint.pk}/")
        for answer in (listed[0], detail):
            assert answer["anonymous"] is True and answer["resident"] is None
            text = str(answer)
            assert cast.resident.given_name not in text and "user" not in text
            assert set(answer) <= {
                "id",
                "subject",
                "execution",
                "anonymous",
                "resident",
                "status",
                "filed_at",
                "due_on",
                "overdue",
                "answered_at",
                "text",
                "answer",
            }
        assert detail["answer"] == "Lo revisamos." and detail["status"]["code"] == "answered"


def test_a_named_complaint_names_its_author_as_the_ledger_does(cast, client):
    complaint = _complaint(cast, anonymous=False)
    detail = _get(client, f"{API}/complaints/{complaint.pk}/")
    recorded = entries(cast.council.ledger_chain).filter(kind="complaint.filed").get()
    assert detail["resident"] == recorded.data["resident"] == cast.resident.pk
    assert cast.resident.given_name not in str(detail)


def test_a_closed_cycles_findings_and_complaints_are_for_members(cast, finding):
    _complaint(cast, anonymous=True)
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    for url in (f"{API}/findings/", f"{API}/complaints/"):
        _get(_as(None), url, 401)
        _get(_as(cast.outsider.user), url, 403)
        assert _get(_as(cast.resident.user), url)["items"]
