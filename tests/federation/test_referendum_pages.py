"""The founding referendum's pages: a body's list, the referendum read from the host's, a
member's and the founded body's address (another body's is not found), and the forms of the
promoting commission and the electoral commission; each form refuses bad input with a clear
error and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comuna.federation.models import Place, Referendum, ReferendumStatus
from comuna.voting.models import Poll
from tests.federation.referendum_fixtures import (
    CHARTER,
    QUESTION,
    counted,
    join_all,
    open_voting,
    place_of,
    propose,
    run_polls,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _as(client, user):
    client.force_login(user)
    return client


def _url(name, slug, pk=None):
    return reverse(name, kwargs={"slug": slug, **({"pk": pk} if pk is not None else {})})


def _proposal(founders, **changes):
    data = {
        "name": "Comuna El Valle",
        "slug": "comuna-el-valle",
        "territory": "Valle alto",
        "parent": str(founders.city.pk),
        "members": [str(f.body.pk) for f in founders.councils[1:]],
        "question": QUESTION,
        "charter": CHARTER,
    }
    data.update(changes)
    return data


def _world():
    return (
        sorted(Referendum.objects.values_list("pk", "status", "charter", "opens_at")),
        sorted(Place.objects.values_list("pk", "joined_at")),
        Poll.objects.count(),
    )


def test_the_coordinator_proposes_from_the_form(en, founders):
    client = _as(en, founders.host.coordinator)
    form = client.get(_url("referendum-new", "el-valle"))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Consejo La Loma" in html and "Consejo El Río" in html
    assert "Consejo A" not in html  # in a commune already: not offered
    done = client.post(_url("referendum-new", "el-valle"), _proposal(founders))
    referendum = Referendum.objects.get()
    assert done.status_code == 302
    assert done["Location"] == _url("referendum", "el-valle", referendum.pk)
    assert referendum.places.count() == 3


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"slug": "consejo-a"}, "Another body already has the short name consejo-a."),
        ({"slug": "con espacios"}, "letters, digits, hyphens and underscores"),
        ({"charter": "   "}, "This field is required."),
        ({"charter": "x" * 20001}, "At most 20000 characters."),
        ({"members": []}, "at least two members"),
        ({"members": ["999999"]}, "999999"),
        ({"parent": ""}, "must federate into Ciudad too"),
        ({"question": "¿" + "x" * 250}, "At most 200 characters."),
    ],
)
def test_a_bad_proposal_is_refused_with_its_reason_and_nothing_changes(en, founders, changes, says):
    client = _as(en, founders.host.coordinator)
    before = _world()
    page = client.post(_url("referendum-new", "el-valle"), _proposal(founders, **changes))
    assert page.status_code == 400
    assert says in page.content.decode()
    assert _world() == before


def test_a_member_joins_from_the_referendums_page(en, founders):
    referendum = propose(founders)
    loma = founders.councils[1]
    client = _as(en, loma.coordinator)
    page = client.get(_url("referendum", "la-loma", referendum.pk))
    place = place_of(referendum, loma.body)
    join = reverse("referendum-join", kwargs={"slug": "la-loma", "pk": place.pk})
    assert join in page.content.decode()
    done = client.post(join)
    assert done.status_code == 302
    assert Place.objects.get(pk=place.pk).joined_at is not None
    again = client.post(join)  # joined: the rule still allows, the service refuses
    assert again.status_code == 400 and "already joined" in again.content.decode()
    # from the host's address the place is not found
    assert (
        client.post(
            reverse("referendum-join", kwargs={"slug": "el-valle", "pk": place.pk})
        ).status_code
        == 404
    )


def test_the_charter_form_refuses_an_empty_charter(en, founders):
    referendum = propose(founders)
    client = _as(en, founders.host.coordinator)
    url = _url("referendum-charter", "el-valle", referendum.pk)
    assert CHARTER[:20] in client.get(url).content.decode()
    before = _world()
    page = client.post(url, {"charter": ""})
    assert page.status_code == 400 and _world() == before
    page = client.post(url, {"charter": "Carta nueva."})
    assert page.status_code == 302
    assert Referendum.objects.get().charter == "Carta nueva."


def _when(delta):
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_opening_refuses_until_everyone_joined_and_times_in_order(en, founders):
    referendum = propose(founders)
    client = _as(en, founders.host.coordinator)
    url = _url("referendum-open", "el-valle", referendum.pk)
    good = {"opens_at": _when(timedelta(hours=1)), "closes_at": _when(timedelta(days=1))}
    before = _world()
    page = client.post(url, good)
    assert page.status_code == 400
    assert "still to join: Consejo El Río, Consejo La Loma" in page.content.decode()
    join_all(founders, referendum)
    before = _world()
    for bad, says in [
        ({"opens_at": _when(timedelta(hours=-1))}, "Voting must open later than now."),
        ({"closes_at": _when(timedelta(minutes=30))}, "Voting must close after it opens."),
        ({"opens_at": "mañana"}, "Enter a valid date/time."),
    ]:
        page = client.post(url, {**good, **bad})
        assert page.status_code == 400 and says in page.content.decode()
        assert _world() == before
    assert client.post(url, good).status_code == 302
    assert Referendum.objects.get().status == ReferendumStatus.VOTING


def test_counting_names_the_members_still_voting_then_founds(en, founders):
    referendum = propose(founders)
    join_all(founders, referendum)
    referendum = open_voting(founders, referendum)
    client = _as(en, founders.host.electoral)
    url = _url("referendum-count", "el-valle", referendum.pk)
    before = _world()
    page = client.post(url)
    assert page.status_code == 400
    assert (
        "still voting: Consejo El Río, Consejo El Valle, Consejo La Loma" in page.content.decode()
    )
    assert _world() == before
    run_polls(founders, referendum, [(4, 1), (3, 1), (2, 2)])
    assert client.post(url).status_code == 302
    page = client.get(_url("referendum", "el-valle", referendum.pk)).content.decode()
    assert "Carried: Comuna El Valle is founded." in page
    assert "72.2% of the register voted (15% was needed);" in page
    assert "yes won 69.2% of the valid votes (more than 50% was needed)." in page
    assert reverse("body", kwargs={"slug": "comuna-el-valle"}) in page


def test_the_referendum_reads_from_its_members_and_the_founded_body_only(en, founders, cast):
    referendum = counted(founders, [(4, 1), (3, 1), (2, 2)])
    for slug in ("el-valle", "la-loma", "el-rio", "comuna-el-valle"):
        page = en.get(_url("referendum", slug, referendum.pk))
        assert page.status_code == 200, slug
        assert "Comuna El Valle" in page.content.decode()
        listed = en.get(_url("referendums", slug)).content.decode()
        assert _url("referendum", slug, referendum.pk) in listed
    for slug in ("consejo-a", "comuna", "ciudad"):
        assert en.get(_url("referendum", slug, referendum.pk)).status_code == 404
    assert en.get(_url("referendum", "el-valle", 999999999)).status_code == 404


def test_the_page_shows_counts_never_a_census_row_or_a_ballot(en, founders):
    referendum = counted(founders, [(4, 1), (3, 1), (2, 2)])
    html = en.get(_url("referendum", "el-valle", referendum.pk)).content.decode()
    assert "5 of 6 on the register voted: 4 yes, 1 no, 0 blank" in html
    for founder in founders.councils:
        for user in founder.voters:
            assert user.resident.given_name not in html
            assert user.username not in html


def test_in_spanish_the_count_explains_itself(client, founders):
    referendum = counted(founders, [(4, 1), (3, 1), (2, 2)])
    client.cookies["django_language"] = "es"
    page = client.get(_url("referendum", "el-valle", referendum.pk))
    assert page.status_code == 200


def test_withdrawing_from_the_page(en, founders):
    referendum = propose(founders)
    client = _as(en, founders.host.coordinator)
    assert client.post(_url("referendum-withdraw", "el-valle", referendum.pk)).status_code == 302
    assert Referendum.objects.get().status == ReferendumStatus.WITHDRAWN
    # withdrawn: the forms are refused by the rule
    assert client.post(_url("referendum-withdraw", "el-valle", referendum.pk)).status_code == 403


def test_the_body_page_links_to_its_referendums(en, founders):
    page = en.get(reverse("body", kwargs={"slug": "el-valle"})).content.decode()
    assert _url("referendums", "el-valle") in page


def test_another_members_commission_is_refused_on_a_members_poll_pages(en, founders):
    referendum = propose(founders)
    join_all(founders, referendum)
    referendum = open_voting(founders, referendum)
    poll = place_of(referendum, founders.councils[1].body).poll
    client = _as(en, founders.host.electoral)
    for name in ("poll-open", "poll-edit", "poll-delete"):
        url = reverse(name, kwargs={"slug": "la-loma", "pk": poll.pk})
        assert client.post(url).status_code == 403, name
    assert Poll.objects.get(pk=poll.pk).status == "draft"
    own = _as(en, founders.councils[1].electoral)
    assert (
        own.post(reverse("poll-open", kwargs={"slug": "la-loma", "pk": poll.pk})).status_code == 302
    )
    assert Poll.objects.get(pk=poll.pk).status == "open"


def test_a_members_commission_enters_paper_ballots_twice_on_the_poll_page(en, founders):
    """Paper ballots of a member's poll, entered on the poll's page by two members of that
    member's electoral commission (double entry), count in the merge, blank ones included."""
    from datetime import date

    from comuna.territory import services as territory
    from comuna.territory.models import MandateKind, Organ, OrganKind
    from tests.conftest import SETUP, make_resident

    referendum = propose(founders)
    join_all(founders, referendum)
    referendum = open_voting(founders, referendum)
    loma = founders.councils[1]
    second = make_resident(loma.body, "Segunda", username="loma-electoral-2")
    territory.confer_mandate(
        loma.body,
        second,
        organ=Organ.objects.get(body=loma.body, kind=OrganKind.ELECTORAL),
        kind=MandateKind.SPOKESPERSON,
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 1, 1),
        by=SETUP,
    )
    poll = place_of(referendum, loma.body).poll
    url = reverse("poll-paper", kwargs={"slug": "la-loma", "pk": poll.pk})
    _as(en, loma.electoral).post(reverse("poll-open", kwargs={"slug": "la-loma", "pk": poll.pk}))
    sheet = {"polling_place": "Casa comunal", "n_ballots": "4", "total_yes": "2", "total_no": "1"}
    for user in (loma.electoral, second.user):
        assert _as(en, user).post(url, sheet).status_code in (200, 302)
    assert poll.paper_batches.count() == 1
    _as(en, loma.electoral).post(reverse("poll-close", kwargs={"slug": "la-loma", "pk": poll.pk}))
    for founder in (founders.councils[0], founders.councils[2]):
        other = place_of(referendum, founder.body).poll
        _as(en, founder.electoral).post(
            reverse("poll-open", kwargs={"slug": founder.body.slug, "pk": other.pk})
        )
        _as(en, founder.electoral).post(
            reverse("poll-close", kwargs={"slug": founder.body.slug, "pk": other.pk})
        )
    assert (
        _as(en, founders.host.electoral)
        .post(_url("referendum-count", "el-valle", referendum.pk))
        .status_code
        == 302
    )
    loma_row = next(
        p for p in Referendum.objects.get().result["places"] if p["member"] == loma.body.pk
    )
    assert (loma_row["ballots"], loma_row["yes"], loma_row["no"], loma_row["blank"]) == (4, 2, 1, 1)
