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


def _open_poll(cast, method="ranked", rule="stv", options=("Ana", "Beto", "Cora"), title="Agua"):
    poll = voting.create_poll(
        cast.council,
        title=title,
        method=method,
        rule=rule,
        options=[{"label": label} for label in options],
        by=SETUP,
    )
    voting.open_poll(poll, by=SETUP)
    return poll


def test_a_voter_struck_from_a_frozen_register_is_named(cast):
    poll = _open_poll(cast, "single", "plurality", ("Sí", "No"), title="Agua")
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


def test_a_statute_version_slipped_in_with_sql_is_named(cast):
    sql(
        "INSERT INTO territory_statuteversion (body_id, number, profile, note, created_at, "
        "voting_age, voter_residence_months, candidate_residence_months, term_years, "
        "reelection_allowed, quorum_first_call_pct, quorum_second_call_pct, "
        "decision_majority_pct, recall_initiative_pct, recall_report_days, "
        "recall_assembly_days, commune_referendum_turnout_pct, parliament_initiative_pct) "
        "SELECT body_id, 2, profile, '', created_at, 12, voter_residence_months, "
        "candidate_residence_months, term_years, reelection_allowed, quorum_first_call_pct, "
        "quorum_second_call_pct, decision_majority_pct, recall_initiative_pct, "
        "recall_report_days, recall_assembly_days, commune_referendum_turnout_pct, "
        "parliament_initiative_pct FROM territory_statuteversion WHERE body_id = %s",
        [cast.council.pk],
    )
    found = problems(cast.council)
    assert any("statute version 2 is in the database but no entry" in p for p in found), found


def test_a_council_moved_to_another_commune_with_sql_is_named(cast):
    sql("UPDATE territory_body SET parent_id = %s WHERE id = %s", [cast.city.pk, cast.council.pk])
    found = problems(cast.council)
    assert any("body.created" in p and "federated into comuna" in p for p in found), found


def test_a_body_slipped_in_with_sql_is_named_by_the_command(cast):
    sql(
        "INSERT INTO territory_body (name, slug, kind, parent_id, description, territory, "
        "created_at, digest_key) VALUES ('Fantasma', 'fantasma', 'council', %s, '', '', "
        "%s, %s)",
        [cast.commune.pk, "2026-01-01", "00" * 32],
    )
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", stdout=StringIO(), stderr=StringIO())
    assert "fantasma" in str(failure.value) and "creation" in str(failure.value)


def test_a_counting_setting_changed_with_sql_is_named(cast):
    poll = _open_poll(cast)
    sql("UPDATE voting_poll SET seats = 2 WHERE id = %s", [poll.pk])
    found = problems(cast.council)
    assert any("poll.created" in p and "winners" in p for p in found), found
    assert any("poll.opened" in p and "winners" in p for p in found), found


def test_a_login_swapped_on_a_frozen_register_is_named(cast):
    poll = _open_poll(cast)
    sql(
        "UPDATE voting_voter SET user_id = %s WHERE poll_id = %s AND resident_id = %s",
        [cast.outsider.user.pk, poll.pk, cast.resident.pk],
    )
    found = problems(cast.council)
    assert any("poll.opened" in p and "not the one frozen" in p for p in found), found


def test_a_ballot_stuffed_before_closing_stops_the_count_and_changes_nothing(cast):
    from comuna.voting.models import Ballot, Status

    poll = _open_poll(cast)
    voting.cast(poll, cast.resident.user, ["1", "2"])
    Ballot.objects.create(poll=poll, receipt_hash="f" * 64, choices=["3"])
    with pytest.raises(voting.VotingError, match="2 online ballots but 1 voters"):
        voting.close_poll(poll, by=SETUP)
    poll.refresh_from_db()
    assert poll.status == Status.OPEN and poll.result is None


def test_a_voter_marked_as_voted_with_sql_stops_the_count(cast):
    poll = _open_poll(cast)
    sql(
        "UPDATE voting_voter SET has_voted = %s WHERE poll_id = %s AND resident_id = %s",
        [True, poll.pk, cast.admin.pk],
    )
    with pytest.raises(voting.VotingError, match="0 online ballots but 1 voters"):
        voting.close_poll(poll, by=SETUP)


def test_a_corrected_paper_entry_swapped_back_with_sql_is_named(cast):
    from comuna.voting.models import PaperBatch

    poll = _open_poll(cast, "single", "plurality", ("Sí", "No"), title="Plaza")
    first = voting.enter_paper(poll, "Escuela", totals={"1": 5, "2": 1}, n_ballots=6, by=SETUP)
    second = voting.enter_paper(
        poll,
        "Escuela",
        totals={"1": 1, "2": 5},
        n_ballots=6,
        corrects=first,
        reason="acta mal copiada",
        by=SETUP,
    )
    sql("UPDATE voting_paperbatch SET state = 'corrected' WHERE id = %s", [second.pk])
    sql("UPDATE voting_paperbatch SET state = 'active' WHERE id = %s", [first.pk])
    assert PaperBatch.objects.get(pk=first.pk).state == "active"
    found = problems(cast.council)
    assert any(f"paper entry {first.pk} is marked" in p for p in found), found
