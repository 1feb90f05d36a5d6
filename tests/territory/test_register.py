from datetime import date

from comuna.territory import census, statutes
from tests.conftest import SETUP, make_resident


def test_the_register_holds_residents_of_voting_age_on_the_day(cast):
    on = date(2026, 6, 1)
    turns_15_today = make_resident(cast.council, "Quince", born=date(2011, 6, 1))
    turns_15_tomorrow = make_resident(cast.council, "Catorce", born=date(2011, 6, 2))
    register = set(census.register(cast.council, on=on))
    assert turns_15_today in register
    assert turns_15_tomorrow not in register


def test_the_register_follows_an_amended_voting_age(cast):
    on = date(2026, 6, 1)
    sixteen = make_resident(cast.council, "Dieciséis", born=date(2010, 1, 1))
    fifteen = make_resident(cast.council, "Quince", born=date(2011, 1, 1))
    statutes.amend(cast.council, {"voting_age": 16}, by=SETUP)
    register = set(census.register(cast.council, on=on))
    assert sixteen in register and fifteen not in register


def test_a_commune_register_joins_its_councils_registers(cast):
    commune = set(census.register(cast.commune))
    assert cast.resident in commune and cast.outsider in commune
    assert cast.outsider not in set(census.register(cast.council))


def test_standing_as_spokesperson_needs_a_year_of_residence(cast):
    on = date(2026, 6, 1)
    newcomer = make_resident(cast.council, "Nueva", since=date(2025, 12, 1))
    settled = make_resident(cast.council, "Antigua", since=date(2025, 6, 1))
    assert not census.may_stand(newcomer, cast.council, on=on)
    assert census.may_stand(settled, cast.council, on=on)


def test_residence_rule_for_voters_applies_when_the_statute_sets_one(cast):
    on = date(2026, 6, 1)
    newcomer = make_resident(cast.council, "Recién", since=date(2026, 3, 1))
    assert newcomer in set(census.register(cast.council, on=on))
    statutes.amend(cast.council, {"voter_residence_months": 6}, by=SETUP)
    assert newcomer not in set(census.register(cast.council, on=on))
