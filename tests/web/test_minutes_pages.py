"""Minutes pages without JavaScript: draft, open to corrections, propose, decide, approve in
session, download; bad input gets its message under the field and changes nothing."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comuna.assemblies.models import CorrectionStatus, Minutes, MinutesStatus, Status
from comuna.web import assembly_minutes
from tests.assemblies.factories import assembly_in
from tests.assemblies.pages_minutes import TEXT, drafted, open_for_corrections, present, sealed
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def url(name, assembly, **kw):
    return reverse(name, kwargs={"slug": assembly.body.slug, "pk": assembly.pk, **kw})


def test_the_secretariat_drafts_and_edits_the_minutes(cast, login):
    assembly = assembly_in(cast, Status.ENDED)
    client = login(cast.comptroller.user)  # the coordination collective
    page = client.get(url("assembly-minutes", assembly))
    assert page.status_code == 200 and 'name="text"' in page.content.decode()
    response = client.post(url("assembly-minutes", assembly), {"text": "Acta."}, follow=True)
    assert response.redirect_chain[-1][0] == url("assembly-minutes", assembly)
    assert Minutes.objects.get(assembly=assembly).text == "Acta."
    assert "Acta." in response.content.decode()


def test_an_empty_text_is_shown_under_the_field_and_nothing_is_saved(cast, login):
    assembly = assembly_in(cast, Status.ENDED)
    response = login(cast.electoral.user).post(url("assembly-minutes", assembly), {"text": " "})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Minutes.objects.exists()


def test_editing_sealed_minutes_is_refused_with_the_reason(cast, login):
    minutes = sealed(cast)
    client = login(cast.electoral.user)
    page = client.get(url("assembly-minutes", minutes.assembly)).content.decode()
    assert 'name="text"' not in page and minutes.sha256 in page
    response = client.post(url("assembly-minutes", minutes.assembly), {"text": "Otro"})
    assert response.status_code == 400
    assert "sealed" in response.content.decode() or "sellad" in response.content.decode()
    assert Minutes.objects.get(pk=minutes.pk).text == TEXT


def test_opening_to_corrections_then_an_attendee_proposes_and_the_secretariat_decides(
    cast, login, client
):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    drafted(cast, assembly)
    client.force_login(cast.electoral.user)
    assert client.get(url("assembly-minutes-open", assembly)).status_code == 200
    assert client.post(url("assembly-minutes-open", assembly)).status_code == 302
    minutes = Minutes.objects.get(assembly=assembly)
    assert minutes.status == MinutesStatus.CORRECTIONS
    client.force_login(cast.resident.user)
    page = client.get(url("assembly-minutes-corrections", assembly)).content.decode()
    assert 'name="text"' in page
    response = client.post(url("assembly-minutes-corrections", assembly), {"text": "Eran 9."})
    assert response.status_code == 302
    correction = minutes.corrections.get()
    client.force_login(cast.electoral.user)
    address = url("assembly-minutes-correction", assembly, correction=correction.pk)
    bad = client.post(address, {"decision": "reject", "reason": ""})
    assert bad.status_code == 400 and 'class="errorlist' in bad.content.decode()
    response = client.post(address, {"decision": "accept", "text": TEXT + " Eran 9."})
    assert response.status_code == 302
    correction.refresh_from_db()
    minutes.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED and minutes.text.endswith("Eran 9.")


def test_someone_who_did_not_attend_is_told_why_and_nothing_is_saved(cast, login):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly, 1)
    open_for_corrections(cast, assembly)
    response = login(cast.substitute.user).post(
        url("assembly-minutes-corrections", assembly), {"text": "Eran 9."}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Minutes.objects.get(assembly=assembly).corrections.exists()


def test_after_the_deadline_no_correction_form_is_offered(cast, login):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    minutes = open_for_corrections(cast, assembly)
    Minutes.objects.filter(pk=minutes.pk).update(
        corrections_until=timezone.now() - timedelta(minutes=1)
    )
    page = login(cast.resident.user).get(url("assembly-minutes-corrections", assembly))
    assert 'name="text"' not in page.content.decode()


def test_the_approval_in_session_seals_the_minutes_and_offers_the_downloads(cast, login):
    earlier = assembly_in(
        cast, Status.ENDED, starts_at=timezone.now() - timedelta(days=30, hours=1)
    )
    minutes = drafted(cast, earlier)
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    client = login(cast.electoral.user)
    form = client.get(url("assembly-minutes-approve", session)).content.decode()
    assert f'value="{minutes.pk}"' in form
    response = client.post(
        url("assembly-minutes-approve", session),
        {"minutes": minutes.pk, "votes_for": 6, "votes_against": 1, "abstentions": 1},
        follow=True,
    )
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.SEALED
    page = response.content.decode()
    assert minutes.sha256 in page and url("assembly-minutes-pdf", earlier) in page


def test_counts_above_those_present_are_refused_with_the_reason(cast, login):
    session = assembly_in(cast, Status.IN_SESSION)
    present(session, 4)
    minutes = drafted(cast, session)
    response = login(cast.electoral.user).post(
        url("assembly-minutes-approve", session),
        {"minutes": minutes.pk, "votes_for": 4, "votes_against": 2, "abstentions": 0},
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT
    assert not session.items.filter(text__icontains="acta").exists()


def test_a_negative_count_is_shown_under_its_field(cast, login):
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    minutes = drafted(cast, session)
    response = login(cast.electoral.user).post(
        url("assembly-minutes-approve", session),
        {"minutes": minutes.pk, "votes_for": -1, "votes_against": 2, "abstentions": 0},
    )
    assert response.status_code == 400
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT


@pytest.mark.parametrize("persona", PERSONAS)
def test_sealed_minutes_are_public_and_their_download_hashes_to_the_seal(cast, login, persona):
    minutes = sealed(cast)
    client = login(cast.user(persona))
    html = client.get(url("assembly-minutes-html", minutes.assembly))
    assert html.status_code == 200
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert 'filename="consejo-a-assembly-' in html["Content-Disposition"]
    assert hashlib.sha256(html.content).hexdigest() == minutes.sha256
    pdf = client.get(url("assembly-minutes-pdf", minutes.assembly))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_is_downloaded_by_members_only(cast, login, persona):
    from tests.conftest import MEMBERS

    assembly = assembly_in(cast, Status.ENDED)
    drafted(cast, assembly)
    response = login(cast.user(persona)).get(url("assembly-minutes-html", assembly))
    if persona in MEMBERS:
        assert response.status_code == 200 and b'id="draft"' in response.content
        assert "private" in response["Cache-Control"]
    else:
        assert response.status_code == 404


def test_no_minutes_no_download(cast, client):
    assembly = assembly_in(cast, Status.CONVENED)
    assert client.get(url("assembly-minutes-html", assembly)).status_code == 404
    assert client.get(url("assembly-minutes-pdf", assembly)).status_code == 404


def test_the_panel_offers_each_person_what_they_may_do(cast, rf):
    from django.template.loader import render_to_string

    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    open_for_corrections(cast, assembly)
    for user, offered, withheld in [
        (cast.resident.user, "minutes/corrections/", "minutes/open/"),
        (cast.electoral.user, "/minutes/", "minutes/approve/"),
    ]:
        request = rf.get("/")
        request.user = user
        context = {"body": assembly.body, "assembly": assembly}
        context.update(assembly_minutes.panel(request, assembly.body, assembly))
        html = render_to_string("web/assemblies/_minutes.html", context, request=request)
        assert offered in html and withheld not in html
