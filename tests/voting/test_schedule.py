"""Scheduled opening and closing: `comuna polls tick` opens and closes the polls whose time has
come, through the services, as the scheduler; reading a page never does."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from comuna.ledger import entries
from comuna.voting import services
from comuna.voting.models import Poll, Status


@pytest.fixture
def scheduled(make_poll):
    now = timezone.now()
    return make_poll(
        open_it=False, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2)
    )


def test_the_tick_opens_and_then_closes_a_poll_when_its_time_comes(cast, scheduled):
    now = timezone.now()
    assert services.run_schedule(now) == services.Tick([], [], [], [])
    tick = services.run_schedule(now + timedelta(hours=1, minutes=1))
    assert [p.pk for p in tick.opened] == [scheduled.pk] and not tick.closed
    scheduled.refresh_from_db()
    assert scheduled.status == Status.OPEN and scheduled.voters.count() > 0
    services.cast(scheduled, cast.resident.user, "1")
    tick = services.run_schedule(now + timedelta(hours=2, minutes=1))
    assert [p.pk for p in tick.closed] == [scheduled.pk]
    scheduled.refresh_from_db()
    assert scheduled.status == Status.CLOSED and scheduled.result["winners"] == ["1"]
    kinds = {e.kind: e.actor for e in entries(cast.council.ledger_chain)}
    assert kinds["poll.opened"] == kinds["poll.closed"] == "system:scheduler"


def test_the_command_ticks_and_names_what_it_did(scheduled):
    Poll.objects.filter(pk=scheduled.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("polls", "tick", stdout=out)
    assert f"poll {scheduled.pk}" in out.getvalue()
    assert Poll.objects.get().status == Status.OPEN


def test_the_command_names_a_poll_it_could_not_open_and_fails(scheduled):
    Poll.objects.filter(pk=scheduled.pk).update(
        opens_at=timezone.now() - timedelta(minutes=1), seats=9
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("polls", "tick", stderr=err)
    assert "at most 2 winners" in err.getvalue()
    assert Poll.objects.get().status == Status.DRAFT


def test_reading_a_poll_after_its_opening_time_does_not_open_it(cast, login, scheduled):
    Poll.objects.filter(pk=scheduled.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    url = reverse("poll", kwargs={"slug": cast.council.slug, "pk": scheduled.pk})
    page = login(cast.resident.user).get(url)
    assert page.status_code == 200 and Poll.objects.get().status == Status.DRAFT
    assert 'class="schedule"' in page.content.decode()
