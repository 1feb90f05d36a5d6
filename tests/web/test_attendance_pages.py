"""The attendance pages: the door works with plain forms (search, one tap, back to the same
search), the panel says in plain words why there is no quorum, the sheet prints the frozen
register, the sheet's count refuses bad input under its field, refusals say why."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comuna.assemblies import attendance
from comuna.assemblies.models import Attendance, Mode, Status
from comuna.web import assembly_attendance
from tests.assemblies.sessions import at_door, opened

pytestmark = pytest.mark.django_db


def _url(name, assembly, **extra):
    return reverse(name, kwargs={"slug": assembly.body.slug, "pk": assembly.pk, **extra})


def _panel(cast, assembly, user):
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "body": assembly.body,
        "assembly": assembly,
        **assembly_attendance.panel(request, assembly.body, assembly),
    }
    return render_to_string("web/assemblies/_attendance.html", context, request=request)


def test_the_door_finds_a_person_and_one_tap_records_them_then_returns_to_the_search(cast, login):
    assembly = opened(cast)
    client = login(cast.electoral.user)
    page = client.get(_url("assembly-door", assembly), {"q": "residente"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Residente Prueba" in html and 'name="resident"' in html
    assert "<script" not in html
    response = client.post(
        _url("assembly-door", assembly), {"resident": cast.resident.pk, "q": "residente"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("assembly-door", assembly) + "?q=residente"
    after = client.get(response["Location"]).content.decode()
    assert "Residente Prueba" in after and 'name="resident"' not in after
    assert Attendance.objects.get(assembly=assembly).resident == cast.resident


def test_the_same_tap_twice_says_when_the_person_came_and_changes_nothing(cast, login):
    assembly = opened(cast)
    client = login(cast.electoral.user)
    url = _url("assembly-door", assembly)
    client.post(url, {"resident": cast.resident.pk, "q": "res"})
    response = client.post(url, {"resident": cast.resident.pk, "q": "res"}, follow=True)
    html = response.content.decode()
    assert "Residente Prueba" in html and "en la puerta" in html  # Spanish by default
    assert assembly.attendances.count() == 1


@pytest.mark.parametrize("resident", ["", "abc", "999999", "-1"])
def test_the_door_refuses_a_tap_that_names_nobody_on_the_register(cast, login, resident):
    assembly = opened(cast)
    response = login(cast.electoral.user).post(
        _url("assembly-door", assembly), {"resident": resident}, follow=True
    )
    assert response.status_code == 200
    assert not assembly.attendances.exists()
    assert 'class="error"' in response.content.decode()


def test_the_door_refuses_a_resident_of_another_council(cast, login):
    assembly = opened(cast)
    login(cast.electoral.user).post(_url("assembly-door", assembly), {"resident": cast.outsider.pk})
    assert not assembly.attendances.exists()


def test_a_search_too_long_is_refused_with_a_message(cast, login):
    assembly = opened(cast)
    page = login(cast.electoral.user).get(_url("assembly-door", assembly), {"q": "x" * 300})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()


def test_the_door_is_for_the_electoral_commission_and_says_why_to_others(cast, login):
    assembly = opened(cast)
    response = login(cast.resident.user).get(_url("assembly-door", assembly))
    assert response.status_code == 403
    assert "roles" in response.content.decode() or "rol" in response.content.decode()


def test_a_presence_is_taken_back_with_a_reason_from_the_door(cast, login):
    assembly = opened(cast)
    present = attendance.record_presence(assembly, cast.resident, by=cast.electoral.user)
    client = login(cast.electoral.user)
    url = _url("assembly-presence-remove", assembly, attendance_pk=present.pk)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert assembly.attendances.count() == 1
    done = client.post(url, {"reason": "Otra persona"})
    assert done.status_code == 302 and not assembly.attendances.exists()


def test_a_member_checks_in_online_from_the_assembly_panel(cast, login):
    assembly = opened(cast, online=True)
    html = _panel(cast, assembly, cast.resident.user)
    assert _url("assembly-check-in", assembly) in html
    response = login(cast.resident.user).post(_url("assembly-check-in", assembly))
    assert response.status_code == 302
    assert Attendance.objects.get(assembly=assembly).mode == Mode.ONLINE
    again = login(cast.resident.user).post(_url("assembly-check-in", assembly), follow=True)
    assert assembly.attendances.count() == 1
    assert "en línea" in again.content.decode()


def test_without_quorum_the_panel_says_why_in_plain_words(cast):
    assembly = opened(cast)
    at_door(cast, assembly, 2)
    html = _panel(cast, assembly, cast.resident.user)
    assert "Without quorum the assembly can deliberate, but it cannot take binding" in html
    assert "2 of the 3 needed are present (first call, 30% of the register frozen on" in html
    assert "The second call can be made from" in html


def test_the_panel_says_when_quorum_is_met_and_shows_the_commissions_buttons(cast):
    assembly = opened(cast, started_minutes_ago=40)
    html = _panel(cast, assembly, cast.electoral.user)
    assert "The second call can be made now" in html
    assert _url("assembly-second-call", assembly) in html
    assert _url("assembly-door", assembly) in html and _url("assembly-end", assembly) in html
    at_door(cast, assembly, 3)
    html = _panel(cast, assembly, cast.electoral.user)
    assert "Quorum is met." in html and _url("assembly-second-call", assembly) not in html
    assert _url("assembly-door", assembly) not in _panel(cast, assembly, cast.resident.user)


def test_the_commission_opens_makes_the_second_call_and_ends_through_plain_forms(cast, login):
    from tests.assemblies.factories import assembly_in

    assembly = assembly_in(cast, "convened", starts_at=timezone.now() - timedelta(minutes=35))
    client = login(cast.electoral.user)
    for name in ("assembly-open", "assembly-second-call", "assembly-end"):
        assert client.get(_url(name, assembly)).status_code == 200
        assert client.post(_url(name, assembly)).status_code == 302
    assembly.refresh_from_db()
    assert (assembly.status, assembly.call) == (Status.FAILED, "second")


def test_a_refused_step_says_why_and_changes_nothing(cast, login):
    from tests.assemblies.factories import assembly_in

    assembly = assembly_in(cast, "convened")  # starts in ten days
    response = login(cast.electoral.user).post(_url("assembly-open", assembly), follow=True)
    assert "dos horas antes" in response.content.decode()
    assembly.refresh_from_db()
    assert assembly.status == Status.CONVENED


def test_the_sheet_lists_the_frozen_register_for_signatures(cast, login):
    assembly = opened(cast)
    page = login(cast.electoral.user).get(_url("assembly-sheet", assembly)).content.decode()
    assert page.count('<td class="signature">') == assembly.register_size
    assert "Prueba, Residente" in page and "sheet.css" in page
    assert "Foránea" not in page


@pytest.mark.parametrize(
    "data, field",
    [({"count": "9"}, "count"), ({"count": "-1"}, "count"), ({"count": "tres"}, "count")],
)
def test_a_bad_sheet_count_is_refused_under_its_field(cast, login, data, field):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    response = login(cast.electoral.user).post(_url("assembly-sheet-count", assembly), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assembly.refresh_from_db()
    assert assembly.sheet_count is None and assembly.status == Status.FAILED


def test_the_sheet_count_is_entered_after_the_session(cast, login):
    assembly = opened(cast)
    attendance.end_session(assembly, by=cast.electoral.user)
    client = login(cast.electoral.user)
    assert client.post(_url("assembly-sheet-count", assembly), {"count": "4"}).status_code == 302
    again = client.post(_url("assembly-sheet-count", assembly), {"count": "4"})
    assert again.status_code == 200 and "errorlist" in again.content.decode()
    assembly.refresh_from_db()
    assert (assembly.sheet_count, assembly.status) == (4, Status.ENDED)
