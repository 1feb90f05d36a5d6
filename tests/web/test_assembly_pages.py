"""Assembly and petition pages without JavaScript: convene, amend, sign, enter paper, convene
on a petition (POST, redirect, message); bad input shown under its field, changing nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from comuna.assemblies import convening
from comuna.assemblies.models import Assembly, Majority, Petition, PetitionStatus
from comuna.ledger import entries
from tests.assemblies.factories import assembly_in, petition_in
from tests.assemblies.pages_convening import assembly_form, formset
from tests.conftest import MEMBERS, PERSONAS

pytestmark = pytest.mark.django_db


def _url(name, cast, **kw):
    return reverse(name, kwargs={"slug": cast.council.slug, **kw})


def _count(cast):
    return entries(cast.council.ledger_chain).count()


def test_the_coordination_convenes_an_assembly_through_the_form(cast, login):
    client = login(cast.comptroller.user)
    page = client.get(_url("assembly-new", cast)).content.decode()
    assert 'name="items-TOTAL_FORMS"' in page and 'type="date"' in page
    data = assembly_form(
        **formset(
            "items",
            [
                {"text": "Reparar la tubería", "majority": "simple"},
                {"text": "Informe", "description": "De la unidad financiera", "majority": "none"},
            ],
            extra=2,
        )
    )
    response = client.post(_url("assembly-new", cast), data, follow=True)
    assembly = Assembly.objects.get()
    assert response.redirect_chain[-1][0] == _url("assembly", cast, pk=assembly.pk)
    page = response.content.decode()
    assert "Reparar la tubería" in page and "Informe" in page
    assert [i.text for i in assembly.items.order_by("position")] == [
        "Reparar la tubería",
        "Informe",
    ]
    assert timezone.localtime(assembly.starts_at).strftime("%H:%M") == "18:30"
    assert 'class="messages"' in page


@pytest.mark.parametrize(
    "changes, field_text",
    [
        ({"date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "3"),
        ({"title": ""}, "obligatorio"),
        ({"online_url": "no es un enlace"}, "URL"),
        ({"date": "mañana"}, "fecha"),
        (formset("items", [], extra=3), "orden del día"),
        (formset("items", [{"text": "", "description": "solo detalles"}]), "obligatorio"),
    ],
)
def test_bad_input_on_the_convening_form_is_shown_and_changes_nothing(
    cast, login, changes, field_text
):
    before = _count(cast)
    data = assembly_form()
    if "items-TOTAL_FORMS" in changes:  # the agenda replaced, not added to
        data = {k: v for k, v in data.items() if not k.startswith("items-")}
    response = login(cast.comptroller.user).post(_url("assembly-new", cast), {**data, **changes})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert field_text in response.content.decode()
    assert Assembly.objects.count() == 0 and _count(cast) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_shows_coming_past_and_failed_assemblies_to_members(cast, login, persona):
    coming, past, failed = (assembly_in(cast, p) for p in ("convened", "ended", "failed"))
    response = login(cast.user(persona)).get(_url("assemblies", cast))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if persona not in MEMBERS:
        assert response.status_code == 403
        return
    page = response.content.decode()
    for assembly in (coming, past, failed):
        assert _url("assembly", cast, pk=assembly.pk) in page
    can_convene = persona in ("comptroller", "financial")
    assert (_url("assembly-new", cast) in page) == can_convene


def test_the_detail_page_shows_the_agenda_deadline_and_calendar(cast, login):
    assembly = assembly_in(cast, "convened")
    page = login(cast.resident.user).get(_url("assembly", cast, pk=assembly.pk)).content.decode()
    assert "Punto 1" in page and "Punto 2" in page
    assert _url("assembly-ics", cast, pk=assembly.pk) in page
    assert _url("assembly-agenda", cast, pk=assembly.pk) not in page  # residents do not amend
    response = login(cast.resident.user).get(_url("assembly-ics", cast, pk=assembly.pk))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == assembly.title


def test_the_agenda_is_amended_through_the_form(cast, login):
    assembly = assembly_in(cast, "convened")
    first = assembly.items.order_by("position").first()
    client = login(cast.financial.user)
    assert (
        _url("assembly-agenda", cast, pk=assembly.pk)
        in client.get(_url("assembly", cast, pk=assembly.pk)).content.decode()
    )
    data = {
        "withdraw": [str(first.pk)],
        "reason": "Ya se resolvió",
        **formset("add", [{"text": "Jornada de vacunación", "majority": "none"}]),
    }
    response = client.post(_url("assembly-agenda", cast, pk=assembly.pk), data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.withdrawn
    assert assembly.items.filter(text="Jornada de vacunación", majority=Majority.NONE).exists()


@pytest.mark.parametrize(
    "data, shown",
    [
        ({"reason": "", **formset("add", [{"text": "Punto"}])}, "obligatorio"),
        ({"reason": "nada", **formset("add", [])}, "nada cambiaría"),
    ],
)
def test_bad_input_on_the_agenda_form_is_shown_and_changes_nothing(cast, login, data, shown):
    assembly = assembly_in(cast, "convened")
    before = _count(cast)
    response = login(cast.comptroller.user).post(
        _url("assembly-agenda", cast, pk=assembly.pk), data
    )
    assert response.status_code == 400
    assert shown in response.content.decode()
    assert assembly.items.count() == 2 and _count(cast) == before


def test_after_the_deadline_the_agenda_page_says_so(cast, login):
    assembly = assembly_in(cast, "convened")
    Assembly.objects.filter(pk=assembly.pk).update(starts_at=timezone.now() + timedelta(days=1))
    client = login(cast.comptroller.user)
    page = client.get(_url("assembly-agenda", cast, pk=assembly.pk)).content.decode()
    assert "es definitivo" in page
    response = client.post(
        _url("assembly-agenda", cast, pk=assembly.pk),
        {"reason": "tarde", **formset("add", [{"text": "Punto tardío"}])},
    )
    assert response.status_code == 400
    assert "podía modificar hasta" in response.content.decode()
    assert assembly.items.count() == 2


def test_a_petition_is_started_signed_and_convened_through_the_pages(cast, login):
    resident = login(cast.resident.user)
    response = resident.post(
        _url("petition-new", cast), {"title": "Asamblea sobre la basura", "majority": "simple"}
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert petition.status == PetitionStatus.REACHED  # 10% of 8: the starter's signature
    page = login(cast.electoral.user).get(_url("petition", cast, pk=petition.pk)).content.decode()
    assert _url("petition-convene", cast, pk=petition.pk) in page
    response = login(cast.electoral.user).post(
        _url("petition-convene", cast, pk=petition.pk),
        {"mode": "new", **assembly_form(title="Asamblea sobre la basura")},
    )
    assembly = Assembly.objects.get()
    assert response.status_code == 302
    assert assembly.items.order_by("position").first().petition == petition
    page = login(cast.resident.user).get(_url("assembly", cast, pk=assembly.pk)).content.decode()
    assert _url("petition", cast, pk=petition.pk) in page


def test_a_reached_petition_is_added_to_a_coming_agenda_through_the_page(cast, login):
    coming = assembly_in(cast, "convened")
    petition = petition_in(cast, "reached")
    client = login(cast.comptroller.user)
    page = client.get(_url("petition-convene", cast, pk=petition.pk)).content.decode()
    assert coming.title in page
    response = client.post(
        _url("petition-convene", cast, pk=petition.pk), {"mode": "add", "assembly": coming.pk}
    )
    assert response.status_code == 302
    assert coming.items.filter(petition=petition).exists()
    response = client.post(
        _url("petition-convene", cast, pk=petition_in(cast, "reached").pk),
        {"mode": "add", "assembly": "999999"},
    )
    assert response.status_code == 400


def test_signing_twice_through_the_page_says_so(cast, login):
    petition = convening.start_petition(
        cast.council, title="Agua", by=cast.resident.user
    )  # reached at once: 10% of 8
    Petition.objects.filter(pk=petition.pk).update(status=PetitionStatus.COLLECTING)
    client = login(cast.resident.user)
    response = client.post(_url("petition-sign", cast, pk=petition.pk), follow=True)
    assert "Ya firmó esta petición" in response.content.decode()
    assert petition.signatures.count() == 1


def test_paper_signatures_show_each_lines_outcome(cast, login):
    from tests.assemblies.test_petitions import give_document

    give_document(cast.spokesperson, "V-22")
    petition = petition_in(cast, "collecting")
    client = login(cast.electoral.user)
    response = client.post(_url("petition-paper", cast, pk=petition.pk), {"documents": "  \n"})
    assert response.status_code == 400 and 'class="errorlist' in response.content.decode()
    response = client.post(
        _url("petition-paper", cast, pk=petition.pk), {"documents": "V-404\nV-22\n"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "No está en el registro" in page and "Contada" in page
    assert petition.signatures.count() == 1
