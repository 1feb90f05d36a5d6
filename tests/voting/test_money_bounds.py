"""Every amount of a poll fits its column (14 digits, 2 after the point): a larger or more
precise one is refused where it is typed, naming the line or field and the largest amount."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comuna.voting import services
from comuna.voting.models import Option, Poll

HUGE = "100000000000000000000"


def test_a_project_costing_more_than_the_column_holds_is_refused(make_poll):
    with pytest.raises(services.PollSettingsError) as caught:
        make_poll("budget", options=[("Techo", HUGE), ("Cancha", "300")], budget=Decimal(1000))
    message = caught.value.message_dict["options"][0]
    assert message.startswith("Line 1:") and "999,999,999,999.99" in message
    assert not Poll.objects.exists() and not Option.objects.exists()


def test_a_budget_larger_than_the_column_holds_is_refused(make_poll):
    with pytest.raises(services.PollSettingsError) as caught:
        make_poll("budget", options=[("Techo", "5"), ("Cancha", "3")], budget=Decimal(HUGE))
    assert "largest amount allowed, 999,999,999,999.99" in caught.value.message_dict["budget"][0]
    assert not Poll.objects.exists()


def test_a_cost_with_more_than_two_decimals_is_refused(make_poll):
    with pytest.raises(services.PollSettingsError) as caught:
        make_poll("budget", options=[("Techo", "5.001"), ("Cancha", "3")], budget=Decimal(10))
    assert caught.value.message_dict["options"] == [
        "Line 1: 5.001 has more than two decimal places."
    ]


def test_the_poll_form_names_the_line_and_the_largest_amount(cast, login):
    response = login(cast.electoral.user).post(
        reverse("poll-new", kwargs={"slug": cast.council.slug}),
        {
            "title": "PP",
            "method": "budget",
            "seats": 1,
            "min_choices": 1,
            "budget": "1000",
            "options": f"Techo | 600\nCancha | {HUGE}",
        },
    )
    assert response.status_code == 200 and not Poll.objects.exists()
    errors = response.context["form"].errors["options"]
    assert (
        len(errors) == 1 and errors[0].startswith("Línea 2:") and "999.999.999.999,99" in errors[0]
    )


def test_the_poll_form_refuses_a_budget_larger_than_the_column(cast, login):
    response = login(cast.electoral.user).post(
        reverse("poll-new", kwargs={"slug": cast.council.slug}),
        {
            "title": "PP",
            "method": "budget",
            "seats": 1,
            "min_choices": 1,
            "budget": HUGE,
            "options": "Techo | 600\nCancha | 300",
        },
    )
    assert response.status_code == 200 and not Poll.objects.exists()
    assert "999.999.999.999,99" in response.context["form"].errors["budget"][0]
