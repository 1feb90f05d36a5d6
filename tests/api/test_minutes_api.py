"""The minutes' files in the API: the same bytes as the web downloads; sealed minutes public,
everything else a 404 problem."""

import hashlib

import pytest
from django.urls import reverse

from comuna.assemblies.models import Status
from comuna.ledger import entries
from tests.assemblies.factories import assembly_in
from tests.assemblies.pages_minutes import drafted, sealed

pytestmark = pytest.mark.django_db


def _api(minutes_or_assembly_id, kind):
    return f"/api/v1/bodies/consejo-a/assemblies/{minutes_or_assembly_id}/minutes.{kind}"


def test_the_html_is_the_web_download_and_hashes_to_the_ledgers_sha256(cast, client):
    minutes = sealed(cast)
    api = client.get(_api(minutes.assembly_id, "html"))
    web = client.get(
        reverse("assembly-minutes-html", kwargs={"slug": "consejo-a", "pk": minutes.assembly_id})
    )
    assert api.status_code == 200 and api["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment" in api["Content-Disposition"]
    assert api.content == web.content
    entry = entries(cast.council.ledger_chain).filter(kind="assembly.minutes_sealed").get()
    assert hashlib.sha256(api.content).hexdigest() == entry.data["sha256"] == minutes.sha256


def test_the_pdf_is_a_pdf(cast, client):
    minutes = sealed(cast)
    response = client.get(_api(minutes.assembly_id, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_a_draft_or_missing_minutes_are_a_404_problem(cast, client, kind):
    draft = drafted(cast, assembly_in(cast, Status.ENDED))
    for assembly_id in (draft.assembly_id, assembly_in(cast, Status.CONVENED).pk, 999999):
        response = client.get(_api(assembly_id, kind), headers={"Accept-Language": "en"})
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"] == "Not found."


def test_minutes_of_another_body_are_not_found_through_this_one(cast, client):
    minutes = sealed(cast, assembly_in(cast, Status.IN_SESSION))
    response = client.get(f"/api/v1/bodies/consejo-b/assemblies/{minutes.assembly_id}/minutes.html")
    assert response.status_code == 404


def test_the_openapi_document_declares_the_files(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    html = paths["/api/v1/bodies/{slug}/assemblies/{assembly_id}/minutes.html"]["get"]
    pdf = paths["/api/v1/bodies/{slug}/assemblies/{assembly_id}/minutes.pdf"]["get"]
    assert "text/html" in html["responses"]["200"]["content"]
    assert pdf["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert "404" in html["responses"]
