"""The statute's poll quorum: a setting added after statute versions were first recorded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from comuna.ledger import entries, record, verify
from comuna.territory import services, statutes
from comuna.territory.models import BodyKind, StatuteVersion
from tests.conftest import SETUP

# The settings a statute version recorded before the poll quorum existed.
SETTINGS_BEFORE_POLL_QUORUM = [
    "voting_age",
    "voter_residence_months",
    "candidate_residence_months",
    "term_years",
    "reelection_allowed",
    "quorum_first_call_pct",
    "quorum_second_call_pct",
    "decision_majority_pct",
    "recall_initiative_pct",
    "recall_report_days",
    "recall_assembly_days",
    "commune_referendum_turnout_pct",
    "parliament_initiative_pct",
]


@pytest.fixture
def body(db):
    return services.create_body(name="Consejo", slug="consejo", kind=BodyKind.COUNCIL, by=SETUP)


def record_version_the_old_way(body) -> StatuteVersion:
    """Version 2 written as the code before the poll quorum wrote it: the row (which the
    migration gives the default) and an entry whose settings do not name the poll quorum."""
    base = statutes.current(body)
    values = {key: getattr(base, key) for key in SETTINGS_BEFORE_POLL_QUORUM}
    with connection.cursor() as cursor:
        columns = ["body_id", "number", "profile", "note", "created_at", *values]
        cursor.execute(
            f"INSERT INTO territory_statuteversion ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            [body.pk, 2, base.profile, "acta 7", base.created_at, *values.values()],
        )
    version = body.statutes.get(number=2)
    record(
        body.ledger_chain,
        "statute.version",
        {
            "body": body.slug,
            "version": 2,
            "profile": base.profile,
            "note": "acta 7",
            "settings": {
                key: str(v) if isinstance(v, Decimal) else v
                for key in SETTINGS_BEFORE_POLL_QUORUM
                for v in [getattr(version, key)]
            },
        },
        actor="system:old-code",
    )
    return version


def test_the_existing_profiles_have_no_poll_quorum(body):
    assert statutes.current(body).poll_quorum_pct == 0
    assert statutes.adopt(body, "reforma-2023", by=SETUP).poll_quorum_pct == 0
    assert statutes.current(body).poll_quorum(57) == 0


def test_the_poll_quorum_rounds_up_exactly(body):
    version = statutes.amend(body, {"poll_quorum_pct": Decimal("30")}, by=SETUP)
    assert version.poll_quorum(57) == 18  # 17.1 ballots: 18 needed
    assert version.poll_quorum(10) == 3


@pytest.mark.parametrize("pct", [Decimal("-1"), Decimal("100.01")])
def test_a_poll_quorum_outside_0_to_100_is_refused_and_changes_nothing(body, pct):
    with pytest.raises(ValidationError) as refused:
        statutes.amend(body, {"poll_quorum_pct": pct}, by=SETUP)
    assert "poll_quorum_pct" in refused.value.message_dict
    assert body.statutes.count() == 1


def test_a_new_version_records_its_poll_quorum_in_the_ledger(body):
    statutes.amend(body, {"poll_quorum_pct": Decimal("25")}, by=SETUP)
    entry = entries(body.ledger_chain).filter(kind="statute.version").order_by("seq").last()
    assert entry.data["settings"]["poll_quorum_pct"] == "25.00"
    assert verify([body.ledger_chain]).ok


def test_a_version_recorded_before_the_poll_quorum_existed_still_verifies(body):
    record_version_the_old_way(body)
    report = verify([body.ledger_chain])
    assert report.ok, report.problems
    assert statutes.current(body).poll_quorum_pct == 0


def test_a_poll_quorum_given_with_sql_to_such_a_version_is_named(body):
    record_version_the_old_way(body)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territory_statuteversion SET poll_quorum_pct = 30 "
            "WHERE body_id = %s AND number = 2",
            [body.pk],
        )
    report = verify([body.ledger_chain])
    assert not report.ok
    [problem] = report.problems
    assert "statute version 2" in str(problem) and "poll quorum" in str(problem)
