"""Numbers on the poll form are bounded where a person can read the bound."""

from django.urls import reverse

from comuna.voting.models import Poll


def test_a_huge_number_of_winners_or_points_is_refused_with_a_readable_bound(cast, login):
    address = reverse("poll-new", kwargs={"slug": cast.council.slug})
    response = login(cast.electoral.user).post(
        address,
        {
            "title": "T",
            "method": "cumulative",
            "seats": "100000000000000000000",
            "min_choices": "1",
            "max_points": "100000000000000000000",
            "options": "A\nB",
        },
    )
    errors = response.context["form"].errors
    assert response.status_code == 200 and not Poll.objects.exists()
    assert "999" in errors["seats"][0] and "9223372036854775807" not in errors["seats"][0]
    assert "1000000" in errors["max_points"][0]
