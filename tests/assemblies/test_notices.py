"""Notices of an assembly: in the app, and by e-mail to the register once the change commits
(never when it rolls back), in Spanish, with the agenda and an iCalendar file that parses back."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from comuna.assemblies import convening, notices
from comuna.assemblies.models import Assembly, Majority, Notice
from tests.assemblies.factories import assembly_in
from tests.conftest import COUNCIL_A_VOTERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def addresses(cast):
    """Every login of council A has an e-mail address (the outsider of council B too)."""
    users = get_user_model().objects.exclude(username="")
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return users


def _convene(cast, **kw):
    return convening.convene(
        cast.council,
        title="Asamblea ordinaria",
        starts_at=timezone.now() + timedelta(days=10),
        place="Casa comunal",
        online_url="https://meet.example.org/asamblea",
        items=[
            {"text": "Reparar la tubería", "majority": Majority.SIMPLE},
            {"text": "Informe financiero", "majority": Majority.NONE},
        ],
        by=cast.comptroller.user,
        **kw,
    )


def test_the_register_is_mailed_after_commit_with_the_agenda_and_calendar(
    cast, addresses, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assembly = _convene(cast)
        assert mailoutbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == COUNCIL_A_VOTERS
    assert "outsider@example.org" not in {m.to[0] for m in mailoutbox}
    message = mailoutbox[0]
    assert len(message.to) == 1  # nobody sees the others' addresses
    assert message.subject == "Asamblea convocada: Asamblea ordinaria"
    assert "Casa comunal" in message.body and "Reparar la tubería" in message.body
    assert "https://meet.example.org/asamblea" in message.body
    name, content, kind = message.attachments[0]
    assert name.endswith(".ics") and kind == "text/calendar"
    assert (
        Calendar.from_ical(content).walk("VEVENT")[0]["UID"]
        == f"assembly-{assembly.pk}@consejo-a.comuna"
    )


def test_no_mail_leaves_when_the_transaction_rolls_back(
    cast, addresses, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _convene(cast)
                raise RuntimeError("the power went out")
        except RuntimeError:
            pass
    assert mailoutbox == []
    assert Assembly.objects.count() == 0 and Notice.objects.count() == 0


def test_an_amended_agenda_is_mailed_too(
    cast, addresses, mailoutbox, django_capture_on_commit_callbacks
):
    assembly = _convene(cast)
    with django_capture_on_commit_callbacks(execute=True):
        convening.amend_agenda(
            assembly,
            add=[{"text": "Fiesta de diciembre", "majority": Majority.SIMPLE}],
            reason="Pedido de la vocería de cultura",
            by=cast.comptroller.user,
        )
    assert len(mailoutbox) == COUNCIL_A_VOTERS
    assert mailoutbox[0].subject.startswith("Orden del día modificado")
    assert "Fiesta de diciembre" in mailoutbox[0].body


def test_residents_without_an_address_are_not_mailed(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _convene(cast)
    assert mailoutbox == []
    assert Notice.objects.filter(kind=Notice.Kind.CONVENED).count() == 1


def test_the_calendar_file_parses_back_with_the_assembly(cast):
    assembly = _convene(cast)
    event = Calendar.from_ical(notices.ics(assembly)).walk("VEVENT")[0]
    assert event["UID"] == f"assembly-{assembly.pk}@consejo-a.comuna"
    assert event.decoded("DTSTART") == assembly.starts_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Casa comunal"
    assert str(event["URL"]) == "https://meet.example.org/asamblea"
    assert "Reparar la tubería" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Asamblea ordinaria"
    # the same assembly keeps its UID when the agenda changes; the sequence rises
    convening.amend_agenda(
        assembly, add=[{"text": "Otro punto"}], reason="falta", by=cast.comptroller.user
    )
    again = Calendar.from_ical(notices.ics(assembly)).walk("VEVENT")[0]
    assert again["UID"] == event["UID"] and again["SEQUENCE"] == event["SEQUENCE"] + 1
    assert "Otro punto" in str(again["DESCRIPTION"])


def test_the_home_page_lists_coming_assemblies_of_the_users_bodies(cast, login):
    assembly = _convene(cast)
    past = assembly_in(cast, "ended")
    Notice.objects.create(assembly=past, kind=Notice.Kind.CONVENED)
    page = login(cast.resident.user).get("/").content.decode()
    assert f'href="/b/consejo-a/assemblies/{assembly.pk}/"' in page
    assert f'href="/b/consejo-a/assemblies/{past.pk}/"' not in page
    stranger = login(cast.outsider.user).get("/").content.decode()
    assert f"/assemblies/{assembly.pk}/" not in stranger
