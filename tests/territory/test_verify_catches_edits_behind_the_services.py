"""`comuna ledger verify` re-derives statutes, the census, organs, mandates and poll registers
from the database: an edit made with SQL, behind the services' back, is named."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comuna.ledger import verify
from comuna.territory.models import Mandate
from comuna.voting import services as voting
from tests.conftest import SETUP, make_resident


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def problems(body):
    report = verify([body.ledger_chain])
    return [str(p) for p in report.problems]


def test_an_honest_cast_verifies_with_a_check_for_every_entry(cast):
    report = verify([cast.council.ledger_chain, cast.commune.ledger_chain])
    assert report.ok, report.problems
    assert report.entries > 0 and report.checks_run == report.entries


def test_an_edited_statute_version_is_named(cast):
    sql(
        "UPDATE territory_statuteversion SET voting_age = 12 WHERE body_id = %s",
        [cast.council.pk],
    )
    [problem] = problems(cast.council)
    assert "statute.version" in problem and "voting age (years)" in problem


def test_a_census_row_edited_with_sql_is_named(cast):
    sql(
        "UPDATE territory_resident SET given_name = 'Otra' WHERE id = %s",
        [cast.resident.pk],
    )
    found = problems(cast.council)
    assert any(f"resident {cast.resident.pk} differs" in p for p in found), found


def test_a_household_answer_edited_with_sql_is_named(cast):
    sql(
        "UPDATE territory_household SET has_running_water = %s WHERE id = %s",
        [False, cast.household.pk],
    )
    found = problems(cast.council)
    assert any(f"household {cast.household.pk} differs" in p for p in found), found


def test_a_resident_slipped_in_with_sql_is_named(cast):
    sql(
        "INSERT INTO territory_resident (household_id, body_id, given_name, family_name, "
        "document_id, birth_date, sex, resident_since, is_household_head, occupation, "
        "education, has_disability, phone, email, extra, created_at, updated_at) VALUES "
        "(%s, %s, 'Fantasma', 'X', '', '1980-01-01', 'F', '2000-01-01', %s, '', '', %s, '', '', "
        "'{}', %s, %s)",
        [cast.household.pk, cast.council.pk, False, False, "2026-01-01", "2026-01-01"],
    )
    found = problems(cast.council)
    assert any("no entry records it" in p and "resident" in p for p in found), found


def test_a_resident_removed_with_sql_is_named(cast):
    gone = make_resident(cast.council, "Borrada")
    sql("DELETE FROM territory_resident WHERE id = %s", [gone.pk])
    found = problems(cast.council)
    assert any(f"resident {gone.pk} was recorded here but is gone" in p for p in found), found


def test_a_mandate_extended_with_sql_is_named(cast):
    mandate = Mandate.objects.get(resident=cast.spokesperson)
    sql("UPDATE territory_mandate SET ends_on = %s WHERE id = %s", [date(2199, 1, 1), mandate.pk])
    found = problems(cast.council)
    assert any(f"mandate {mandate.pk} differs" in p for p in found), found


def test_a_voter_struck_from_a_frozen_register_is_named(cast):
    poll = voting.create_poll(
        cast.council,
        title="Agua",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=SETUP,
    )
    voting.open_poll(poll, by=SETUP)
    sql(
        "DELETE FROM voting_voter WHERE poll_id = %s AND resident_id = %s",
        [poll.pk, cast.resident.pk],
    )
    found = problems(cast.council)
    assert any("poll.opened" in p and "voters on its register" in p for p in found), found


def test_the_command_names_the_edit_and_exits_1(cast):
    sql(
        "UPDATE territory_resident SET family_name = 'Cambiado' WHERE id = %s",
        [cast.admin.pk],
    )
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", stdout=StringIO(), stderr=StringIO())
    assert failure.value.returncode == 1
    assert "consejo-a" in str(failure.value) and f"resident {cast.admin.pk}" in str(failure.value)
