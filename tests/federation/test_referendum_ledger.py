"""``ledger verify`` re-derives every referendum.* and federation.* entry a founding writes:
an insider's SQL edit of the sealed charter, of the stored result, of a status, of a member's
federation or of a parliament seat no longer matches its entry."""

import json

import pytest
from django.db import connection

from comuna.federation import referendums as service
from comuna.federation.models import Referendum
from comuna.ledger import verify
from tests.federation.referendum_fixtures import counted, join_all, open_voting, propose


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _problems() -> str:
    report = verify()
    return " | ".join(f"{p.kind}: {p.what}" for p in report.problems)


@pytest.fixture
def founded(founders):
    return counted(founders, [(4, 1), (3, 1), (2, 2)])


def test_a_founding_verifies(founded):
    assert _problems() == ""


def test_a_draft_amended_withdrawn_verifies(founders):
    referendum = propose(founders)
    join_all(founders, referendum)
    service.amend_charter(referendum, "Nueva carta.", by=founders.host.coordinator)
    service.withdraw(referendum, by=founders.host.coordinator)
    assert _problems() == ""


def test_the_sealed_charter_edited_is_caught(founded):
    _sql("UPDATE federation_referendum SET charter = %s WHERE id = %s", ["Otra carta.", founded.pk])
    problems = _problems()
    assert "is not the one sealed" in problems
    assert "federation.founded" in problems


def test_a_draft_charter_edited_is_caught(founders):
    referendum = propose(founders)
    _sql(
        "UPDATE federation_referendum SET charter = %s WHERE id = %s",
        ["Carta cambiada.", referendum.pk],
    )
    assert "referendum.proposed" in _problems()


def test_the_stored_result_edited_is_caught(founded):
    result = dict(founded.result, totals={**founded.result["totals"], "yes": 99})
    _sql(
        "UPDATE federation_referendum SET result = %s WHERE id = %s",
        [json.dumps(result), founded.pk],
    )
    problems = _problems()
    assert "referendum.counted" in problems
    assert "federation.founded" in problems


def test_a_members_poll_tally_edited_is_caught(founded):
    place = founded.places.first()
    result = dict(place.poll.result, tally={"yes": 0, "no": 9})
    _sql("UPDATE voting_poll SET result = %s WHERE id = %s", [json.dumps(result), place.poll_id])
    assert "referendum.counted" in _problems()


def test_a_status_set_with_sql_is_caught(founders):
    referendum = propose(founders)
    _sql("UPDATE federation_referendum SET status = 'voting' WHERE id = %s", [referendum.pk])
    assert "no entry says so" in _problems()


def test_a_referendum_inserted_with_sql_is_caught(founders):
    inserted = Referendum.objects.create(  # a row, as SQL would write it: no entry
        host=founders.host.body, name="Otra", slug="otra", charter="Carta.", question="¿Sí?"
    )
    assert f"referendum {inserted.pk} was never recorded" in _problems()


def test_a_slug_edited_with_sql_is_caught(founders):
    referendum = propose(founders)
    Referendum.objects.filter(pk=referendum.pk).update(slug="x")  # the row, as SQL would
    assert "referendum.proposed" in _problems()


def test_a_member_joined_with_sql_is_caught(founders):
    from django.utils import timezone

    from comuna.federation.models import Place

    referendum = propose(founders)
    Place.objects.filter(referendum=referendum, member=founders.councils[1].body).update(
        joined_at=timezone.now()
    )
    assert f"this body joined referendum {referendum.pk}, but no entry says so" in _problems()


def test_a_member_moved_out_with_sql_is_caught(founded, founders):
    _sql(
        "UPDATE territory_body SET parent_id = %s WHERE id = %s",
        [None, founders.councils[1].body.pk],
    )
    assert "federation.joined" in _problems()


def test_a_parliament_seat_given_to_another_member_is_caught(founded, cast):
    organ = founded.founded.organs.get(kind="parliament")
    seat = organ.seat_rows.order_by("number").first()
    _sql("UPDATE territory_seat SET member_id = %s WHERE id = %s", [cast.other.pk, seat.pk])
    assert "federation.founded" in _problems()


def test_the_thresholds_edited_after_opening_are_caught(founders):
    referendum = propose(founders)
    join_all(founders, referendum)
    open_voting(founders, referendum)
    _sql("UPDATE federation_referendum SET turnout_pct = 1 WHERE id = %s", [referendum.pk])
    assert "referendum.opened" in _problems()
