"""A refused page says why: not a member, no role for it, or not at this stage."""

import pytest
from django.urls import reverse

from comuna.voting import services


@pytest.fixture
def draft(cast):
    return services.create_poll(
        cast.council,
        title="¿Pintamos?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=cast.electoral.user,
    )


def refusal(client, name, poll):
    url = reverse(name, kwargs={"slug": poll.body.slug, "pk": poll.pk})
    response = client.post(url, {"choice": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    page = response.content.decode()
    return page[page.index('id="refusal"') :]


def test_a_stranger_is_told_the_page_is_for_members(cast, login, draft):
    said = refusal(login(cast.outsider.user), "poll-open", draft)
    assert "Only members of this body" in said and "Consejo A" not in said


def test_a_member_without_the_role_is_told_so(cast, login, draft):
    assert "None of your roles" in refusal(login(cast.resident.user), "poll-open", draft)


def test_the_right_role_at_the_wrong_stage_is_told_the_stage(cast, login, draft):
    assert "at this stage (Draft)" in refusal(login(cast.electoral.user), "poll-close", draft)
    assert "at this stage (Draft)" in refusal(login(cast.resident.user), "poll-vote", draft)


def test_the_refusal_is_in_the_language_of_the_page(cast, login, draft):
    url = reverse("poll-close", kwargs={"slug": draft.body.slug, "pk": draft.pk})
    response = login(cast.electoral.user).post(url, HTTP_ACCEPT_LANGUAGE="es")
    assert "Esto no se puede hacer en esta etapa (Borrador)." in response.content.decode()
