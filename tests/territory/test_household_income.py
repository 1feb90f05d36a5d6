"""A household's monthly income is never negative, whether typed in the form or imported."""

from comuna.territory.forms import HouseholdForm


def test_a_negative_monthly_income_is_refused_on_its_field(cast):
    form = HouseholdForm(
        data={"code": "LAS-900", "address": "Calle 9", "monthly_income": "-5"}, body=cast.council
    )
    assert not form.is_valid()
    assert "monthly_income" in form.errors
    zero = HouseholdForm(
        data={"code": "LAS-901", "address": "Calle 9", "monthly_income": "0"}, body=cast.council
    )
    zero.is_valid()
    assert "monthly_income" not in zero.errors
