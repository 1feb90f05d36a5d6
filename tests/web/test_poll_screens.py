"""Every poll screen as a newcomer meets it: receipts, a poll closed meanwhile, refused ballots
kept, the budget's running total, confirmations, drafts edited and deleted, option pages."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from comuna.voting import services
from comuna.voting.models import Option, Poll, Status
from tests.conftest import SETUP, ballots_cast
from tests.voting.images import not_a_picture, png


def url(name, poll, **kw):
    return reverse(name, kwargs={"slug": poll.body.slug, "pk": poll.pk, **kw})


def new_poll(cast, method="single", options=("Sí", "No"), open_it=True, **settings):
    poll = services.create_poll(
        cast.council,
        title="¿Pintamos la casa comunal?",
        method=method,
        options=[
            {"label": o} if isinstance(o, str) else {"label": o[0], "cost": Decimal(o[1])}
            for o in options
        ],
        by=SETUP,
        **settings,
    )
    if open_it:
        services.open_poll(poll, by=SETUP)
    return poll


def budget(cast, **settings):
    return new_poll(
        cast,
        "budget",
        options=[("Techo", "600"), ("Cancha", "300"), ("Alumbrado", "250")],
        budget=Decimal("1000"),
        **settings,
    )


def receipt_of(response):
    return re.search(r'id="receipt-code"><strong>([0-9A-Z-]+)<', response.content.decode())[1]


# --- receipts and a poll closed meanwhile -----------------------------------------------------


def test_a_wrong_receipt_code_says_the_code_is_wrong_and_no_code_asks_for_it(cast, login):
    poll = new_poll(cast)
    code = services.cast(poll, cast.resident.user, "1").code
    with pytest.raises(services.VotingError, match="not the receipt code of your ballot"):
        services.cast(poll, cast.resident.user, "2", receipt_code="AAAA-BBBB-CCCC-DDDD")
    assert code
    client = login(cast.resident.user)
    wrong = client.post(
        url("poll-vote", poll), {"choice": "2", "receipt_code": "AAAA-BBBB-CCCC-DDDD"}
    )
    none = client.post(url("poll-vote", poll), {"choice": "2"})
    assert wrong.status_code == none.status_code == 400
    assert wrong.context["error"] != none.context["error"]
    assert "tu voto no cambió" in wrong.context["error"].lower()
    assert ballots_cast() == [["1"]]


def test_voting_after_the_poll_closed_meanwhile_says_so_on_the_poll_page(cast, login):
    poll = new_poll(cast)
    client = login(cast.resident.user)
    assert client.get(url("poll", poll)).status_code == 200  # the ballot is on the screen
    services.close_poll(poll, by=SETUP)
    response = client.post(url("poll-vote", poll), {"choice": "1"})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="closed-meanwhile"' in page and poll.title in page
    assert ballots_cast() == []


# --- a refused ballot is shown as the voter left it --------------------------------------------


def test_a_refused_budget_ballot_keeps_the_ticks_and_shows_the_total(cast, login):
    poll = budget(cast, max_cost=Decimal("800"))
    response = login(cast.resident.user).post(url("poll-vote", poll), {"choice": ["1", "2"]})
    assert response.status_code == 400 and ballots_cast() == []
    page = response.content.decode()
    assert re.search(r'value="1" checked', page) and re.search(r'value="2" checked', page)
    assert not re.search(r'value="3" checked', page)
    assert response.context["spent"] == Decimal("900")


def test_a_refused_ranked_ballot_keeps_the_ranks(cast, login):
    poll = new_poll(cast, "ranked", options=("Ana", "Beto", "Carla"), rule="irv")
    response = login(cast.resident.user).post(
        url("poll-vote", poll), {"rank_1": "1", "rank_3": "3"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="rank_1" size="3" value="1"' in page and 'name="rank_3" size="3" value="3"' in page


def test_a_refused_cumulative_ballot_keeps_the_points(cast, login):
    poll = new_poll(cast, "cumulative", options=("A", "B", "C"), max_points=5)
    response = login(cast.resident.user).post(
        url("poll-vote", poll), {"points_1": "4", "points_2": "4"}
    )
    assert response.status_code == 400
    assert 'name="points_2" size="4" value="4"' in response.content.decode()


def test_checking_a_budget_ballot_shows_its_total_and_casts_nothing(cast, login):
    poll = budget(cast)
    response = login(cast.resident.user).post(
        url("poll-vote", poll), {"choice": ["2", "3"], "check": "1"}
    )
    assert response.status_code == 200 and ballots_cast() == []
    assert response.context["spent"] == Decimal("550") and response.context["checked"]
    assert 'class="spent-amount">550' in response.content.decode()


def test_the_budget_ballot_loads_its_running_total_script(cast, login):
    page = login(cast.resident.user).get(url("poll", budget(cast))).content.decode()
    assert 'src="/static/web/ballot.js"' in page and 'data-cost="600.00"' in page
    assert "<script>" not in page  # no inline script


# --- who sees a draft ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "resident"])
def test_the_check_page_of_a_draft_is_found_only_by_those_who_see_the_draft(cast, login, persona):
    poll = new_poll(cast, open_it=False)
    response = login(cast.user(persona)).get(url("poll-check", poll))
    assert response.status_code == (200 if persona == "resident" else 404)
    assert (poll.title in response.content.decode()) == (persona == "resident")


# --- opening and closing ask first -----------------------------------------------------------


def test_opening_asks_first_and_says_what_will_happen(cast, login):
    poll = new_poll(cast, open_it=False)
    client = login(cast.electoral.user)
    page = client.get(url("poll-open", poll))
    assert page.status_code == 200 and page.context["register"] == 8
    assert "Mayoría de votos" in page.content.decode() and "plurality" not in page.content.decode()
    assert Poll.objects.get().status == Status.DRAFT
    assert client.post(url("poll-open", poll)).status_code == 302
    assert Poll.objects.get().status == Status.OPEN


def test_closing_asks_first_and_says_what_will_happen(cast, login):
    poll = new_poll(cast)
    services.cast(poll, cast.resident.user, "1")
    client = login(cast.electoral.user)
    page = client.get(url("poll-close", poll))
    assert page.status_code == 200 and page.context["online"] == 1
    assert Poll.objects.get().status == Status.OPEN
    assert client.post(url("poll-close", poll)).status_code == 302
    assert Poll.objects.get().status == Status.CLOSED


def test_opening_a_poll_saved_by_older_code_that_cannot_be_counted_says_why(cast, login):
    poll = new_poll(cast, open_it=False)
    Poll.objects.filter(pk=poll.pk).update(seats=5)
    response = login(cast.electoral.user).post(url("poll-open", poll), follow=True)
    assert response.status_code == 200 and Poll.objects.get().status == Status.DRAFT
    assert any("2" in str(m) for m in response.context["messages"])


# --- the poll form -----------------------------------------------------------------------------


def test_the_rule_list_is_grouped_by_method_and_a_misfit_is_refused(cast, login):
    client = login(cast.electoral.user)
    address = reverse("poll-new", kwargs={"slug": cast.council.slug})
    page = client.get(address).content.decode()
    assert page.count("<optgroup label=") == 5  # one group of rules per method
    assert 'src="/static/web/poll_form.js"' in page
    response = client.post(
        address,
        {
            "title": "T",
            "method": "single",
            "rule": "irv",
            "seats": 1,
            "min_choices": 1,
            "options": "A\nB",
        },
    )
    assert response.status_code == 200 and not Poll.objects.exists()
    assert "Mayoría de votos" in response.context["form"].errors["rule"][0]


def test_a_poll_with_more_winners_than_options_is_refused_on_the_field(cast, login):
    response = login(cast.electoral.user).post(
        reverse("poll-new", kwargs={"slug": cast.council.slug}),
        {"title": "T", "method": "single", "seats": 5, "min_choices": 1, "options": "A\nB"},
    )
    assert response.status_code == 200 and not Poll.objects.exists()
    assert response.context["form"].errors["seats"]


# --- editing and deleting a draft, option pages ----------------------------------------------


def edit_data(poll, **changes):
    return {
        "title": poll.title,
        "method": poll.method,
        "rule": poll.rule,
        "seats": poll.seats,
        "min_choices": poll.min_choices,
        "options": "\n".join(o.label for o in poll.options.all()),
        **changes,
    }


def test_a_draft_is_edited_with_descriptions_and_pictures(cast, login):
    poll = new_poll(cast, open_it=False)
    client = login(cast.electoral.user)
    assert client.get(url("poll-edit", poll)).status_code == 200
    response = client.post(
        url("poll-edit", poll),
        edit_data(
            poll,
            title="¿Pintamos de verde?",
            options="Blanco\nSí\nNo",
            description_1="Verde como la montaña.",
            image_1=png(),
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    poll.refresh_from_db()
    assert poll.title == "¿Pintamos de verde?"
    options = {o.label: o for o in poll.options.all()}
    assert [o.key for o in options.values()] == ["1", "2", "3"]
    # "Sí" moved to line 2 and kept its description and picture
    assert options["Sí"].key == "2" and options["Sí"].description == "Verde como la montaña."
    assert options["Sí"].image.name.endswith(".png") and not options["Blanco"].image
    page = client.get(url("poll-option", poll, key="2"))
    assert "Verde como la montaña." in page.content.decode()
    picture = client.get(url("poll-option-image", poll, key="2"))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"


@pytest.mark.parametrize("upload", ["not a picture", "too large"])
def test_an_upload_that_is_not_a_small_picture_is_refused(cast, login, upload):
    poll = new_poll(cast, open_it=False)
    if upload == "too large":
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile("big.png", png().read() + b"\0" * (2 * 1024 * 1024))
    else:
        file = not_a_picture()
    response = login(cast.electoral.user).post(
        url("poll-edit", poll), edit_data(poll, image_1=file)
    )
    assert response.status_code == 200 and response.context["form"].errors["image_1"]
    assert not Option.objects.get(poll=poll, key="1").image


def test_the_ballot_links_each_option_to_its_page(cast, login):
    poll = new_poll(cast)
    page = login(cast.resident.user).get(url("poll", poll)).content.decode()
    for key in ("1", "2"):
        assert f'href="{url("poll-option", poll, key=key)}"' in page


def test_a_draft_is_deleted_after_confirmation(cast, login):
    poll = new_poll(cast, open_it=False)
    client = login(cast.electoral.user)
    confirm = client.get(url("poll-delete", poll))
    assert confirm.status_code == 200 and Poll.objects.exists()
    assert client.post(url("poll-delete", poll)).status_code == 302
    assert not Poll.objects.exists()


def test_the_soi_export_names_each_alternative_by_its_label(cast, login):
    poll = new_poll(cast, "ranked", options=("Ana", "Beto", "Carla"), rule="irv")
    services.cast(poll, cast.resident.user, ["2", "1"])
    services.close_poll(poll, by=SETUP)
    text = login(None).get(url("poll-ballots", poll, fmt="soi")).content.decode()
    assert (
        "# ALTERNATIVE NAME 1: Ana\n# ALTERNATIVE NAME 2: Beto\n# ALTERNATIVE NAME 3: Carla\n"
        in text
    )
    assert "\n1: 2,1\n" in text
