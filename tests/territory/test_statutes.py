from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comuna.territory import services, statutes
from comuna.territory.models import BodyKind
from tests.conftest import SETUP


@pytest.fixture
def body(db):
    return services.create_body(name="Consejo", slug="consejo", kind=BodyKind.COUNCIL, by=SETUP)


def test_a_new_body_gets_the_2009_law_as_version_1(body):
    version = statutes.current(body)
    assert version.number == 1
    assert version.profile == "ley-2009"
    assert version.voting_age == 15
    assert version.candidate_residence_months == 12
    assert version.term_years == 2 and version.reelection_allowed
    assert version.quorum_first_call_pct == Decimal("30")
    assert version.quorum_second_call_pct == Decimal("20")
    assert version.recall_initiative_pct == Decimal("10")
    assert (version.recall_report_days, version.recall_assembly_days) == (15, 15)
    assert version.commune_referendum_turnout_pct == Decimal("15")
    assert version.parliament_initiative_pct == Decimal("60")


def test_the_2023_profile_has_three_year_terms(body):
    assert statutes.adopt(body, "reforma-2023", by=SETUP).term_years == 3


def test_amending_writes_a_new_version_and_keeps_the_old_one(body):
    first = statutes.current(body)
    second = statutes.amend(body, {"voting_age": 16}, note="acta 3", by=SETUP)
    assert second.number == 2 and second.voting_age == 16
    first.refresh_from_db()
    assert first.voting_age == 15
    assert statutes.current(body) == second
    assert statutes.overrides(second) == {"voting_age": (15, 16)}


def test_a_version_cannot_be_edited_or_deleted(body):
    version = statutes.current(body)
    version.voting_age = 18
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()


def test_amending_an_unknown_setting_is_refused_and_changes_nothing(body):
    statutes.current(body)
    with pytest.raises(ValueError, match="bogus"):
        statutes.amend(body, {"bogus": 1}, by=SETUP)
    assert body.statutes.count() == 1


def test_out_of_range_values_are_refused(body):
    with pytest.raises(ValidationError):
        statutes.amend(body, {"quorum_first_call_pct": Decimal("1234.5")}, by=SETUP)


def test_quorum_rounds_up_exactly(body):
    version = statutes.current(body)
    assert version.quorum(100) == 30
    assert version.quorum(101) == 31  # 30.3 people: 31 needed
    assert version.quorum(101, second_call=True) == 21  # 20.2
    assert version.recall_signatures(95) == 10  # 9.5


def test_majority_is_strictly_more_than_half_of_those_present(body):
    version = statutes.current(body)
    assert not version.majority_reached(yes=50, present=100)
    assert version.majority_reached(yes=51, present=100)
