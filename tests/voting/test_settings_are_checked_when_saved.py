"""A poll that could not be voted on or counted is refused when its draft is saved, field by
field, and nothing is saved; a poll saved so by older code is refused at opening and closing
with a message, never half-way."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comuna.voting import services
from comuna.voting.models import Option, Poll, Status
from tests.conftest import SETUP


def refusal(make_poll, method="single", **kwargs):
    with pytest.raises(services.PollSettingsError) as caught:
        make_poll(method, open_it=False, **kwargs)
    assert not Poll.objects.exists() and not Option.objects.exists()
    return caught.value.message_dict


def test_it_refuses_more_winners_than_options(make_poll):
    found = refusal(make_poll, seats=5)
    assert found["seats"] == ["There can be at most 2 winners: the poll has 2 options."]


def test_it_refuses_fewest_choices_above_most_choices(make_poll):
    found = refusal(make_poll, "approval", options=("A", "B", "C"), min_choices=2, max_choices=1)
    assert "cannot be more than the most" in found["min_choices"][0]


def test_it_refuses_more_choices_than_options(make_poll):
    found = refusal(make_poll, "approval", max_choices=3)
    assert "more than the poll's 2 options" in found["max_choices"][0]


def test_it_refuses_a_single_winner_rule_with_two_seats(make_poll):
    found = refusal(make_poll, "ranked", options=("A", "B", "C"), rule="irv", seats=2)
    assert found["seats"] == ["The rule Instant runoff elects a single winner."]


def test_it_refuses_a_rule_that_does_not_count_the_method(make_poll):
    found = refusal(make_poll, "single", rule="irv")
    assert "does not count" in found["rule"][0] and "plurality" in found["rule"][0]


def test_it_refuses_a_cumulative_poll_without_points(make_poll):
    assert "max_points" in refusal(make_poll, "cumulative", options=("A", "B", "C"))


def test_it_refuses_a_cumulative_poll_with_fewer_points_than_required_choices(make_poll):
    found = refusal(make_poll, "cumulative", options=("A", "B", "C"), max_points=1, min_choices=2)
    assert "cannot give points to 2 options" in found["min_choices"][0]


@pytest.mark.parametrize(
    ("given", "options", "field", "words"),
    [
        ({"budget": Decimal("0")}, [("A", "5"), ("B", "5")], "budget", "positive budget"),
        (
            {"budget": Decimal("100"), "max_cost": Decimal("150")},
            [("A", "5"), ("B", "5")],
            "max_cost",
            "more than the budget",
        ),
        ({"budget": Decimal("100")}, [("A", "0"), ("B", "5")], "options", "Line 1"),
        ({"budget": Decimal("100")}, [("A", "5"), ("B", "500")], "options", "whole budget"),
        (
            {"budget": Decimal("100"), "max_cost": Decimal("50"), "min_choices": 2},
            [("A", "40"), ("B", "30")],
            "min_choices",
            "cheapest",
        ),
    ],
)
def test_it_refuses_budget_settings_nobody_could_vote_or_count(
    make_poll, given, options, field, words
):
    found = refusal(make_poll, "budget", options=options, **given)
    assert any(words in message for message in found[field]), found


def test_it_refuses_an_option_twice(make_poll):
    found = refusal(make_poll, options=("Sí", "No", "sí"))
    assert found["options"] == ["Line 3: sí is already on line 1."]


def test_it_refuses_a_closing_time_before_the_opening_time(make_poll):
    soon = timezone.now() + timedelta(days=1)
    found = refusal(make_poll, opens_at=soon, closes_at=soon - timedelta(hours=1))
    assert found["closes_at"] == ["The poll must close after it opens."]


def test_it_refuses_a_scheduled_time_already_past(make_poll):
    found = refusal(make_poll, opens_at=timezone.now() - timedelta(minutes=1))
    assert found["opens_at"] == ["This time has already passed."]


def test_the_model_clean_refuses_the_same_settings(cast):
    poll = Poll(body=cast.council, title="x", method="approval", rule="approval")
    poll.min_choices, poll.max_choices = 3, 2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        poll.full_clean(exclude=["body"])
    assert "min_choices" in caught.value.message_dict


def test_opening_a_poll_saved_with_too_many_seats_is_refused_with_why(make_poll):
    poll = make_poll(open_it=False)
    Poll.objects.filter(pk=poll.pk).update(seats=5)  # as older code let it be saved
    with pytest.raises(services.VotingError, match="at most 2 winners"):
        services.open_poll(poll, by=SETUP)
    assert Poll.objects.get(pk=poll.pk).status == Status.DRAFT


def test_closing_a_poll_saved_with_too_many_seats_is_refused_with_why(cast, make_poll):
    poll = make_poll()
    services.cast(poll, cast.resident.user, "1")
    Poll.objects.filter(pk=poll.pk).update(seats=5)
    with pytest.raises(services.VotingError, match="at most 2 winners"):
        services.close_poll(poll, by=SETUP)
    assert Poll.objects.get(pk=poll.pk).status == Status.OPEN
