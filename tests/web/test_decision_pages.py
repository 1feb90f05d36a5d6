"""Decision pages, without JavaScript: the commission puts motions and amendments, enters
hands, opens and closes secret ballots that attendees vote on through the poll pages; bad
counts are refused under their field and change nothing; the summary of past decisions is
public and names nobody."""

import pytest
from django.urls import reverse

from comuna.assemblies import decisions
from comuna.assemblies.models import Method, Mode, Motion, Outcome, Status
from comuna.voting.models import Poll
from comuna.voting.models import Status as PollStatus
from tests.assemblies.decision_helpers import PEOPLE, check_in, motion_on
from tests.assemblies.factories import assembly_in

pytestmark = pytest.mark.django_db


def _url(name, assembly, motion=None):
    kwargs = {"slug": assembly.body.slug, "pk": assembly.pk}
    if motion is not None:
        kwargs["motion"] = motion.pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def session(cast):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE[:6])
    return assembly


def test_a_motion_is_put_and_decided_by_hands_without_javascript(cast, login, session):
    client = login(cast.electoral.user)
    page = client.get(_url("assembly-motion-new", session))
    assert page.status_code == 200
    assert 'id="decisions"' in page.content.decode()
    item = session.items.order_by("position").first()
    response = client.post(
        _url("assembly-motion-new", session),
        {"item": item.pk, "text": "Pintar la casa comunal", "method": "hands"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#decisions")
    motion = Motion.objects.get(item=item)
    panel = client.get(_url("assembly-motion-new", session)).content.decode()
    assert "Pintar la casa comunal" in panel
    assert _url("assembly-motion-hands", session, motion) in panel
    response = client.post(
        _url("assembly-motion-hands", session, motion),
        {"votes_for": "5", "votes_against": "1", "abstentions": "0"},
    )
    assert response.status_code == 302
    motion.refresh_from_db()
    assert (motion.outcome, motion.votes_for, motion.present) == (Outcome.CARRIED, 5, 6)
    followed = client.get(response["Location"].split("#")[0])
    assert "messages" in followed.content.decode()


@pytest.mark.parametrize(
    "counts",
    [
        {"votes_for": "-1", "votes_against": "0", "abstentions": "0"},
        {"votes_for": "cinco", "votes_against": "0", "abstentions": "0"},
        {"votes_for": "", "votes_against": "0", "abstentions": "0"},
        {"votes_for": "5", "votes_against": "2", "abstentions": "0"},  # 7 above the 6 present
    ],
)
def test_bad_counts_are_refused_with_a_message_and_change_nothing(cast, login, session, counts):
    motion = motion_on(cast, session)
    response = login(cast.electoral.user).post(
        _url("assembly-motion-hands", session, motion), counts
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


def test_no_decision_without_quorum_says_why_and_changes_nothing(cast, login):
    assembly = assembly_in(cast, "in_session")
    check_in(cast, assembly, PEOPLE[:2])
    motion = motion_on(cast, assembly)
    client = login(cast.electoral.user)
    panel = client.get(_url("assembly-motion-new", assembly)).content.decode()
    assert 'id="no-quorum"' in panel
    response = client.post(
        _url("assembly-motion-hands", assembly, motion),
        {"votes_for": "1", "votes_against": "0", "abstentions": "0"},
    )
    assert response.status_code == 400
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING


def test_an_empty_motion_is_refused_under_its_field(cast, login, session):
    item = session.items.first()
    response = login(cast.electoral.user).post(
        _url("assembly-motion-new", session), {"item": item.pk, "text": " ", "method": "hands"}
    )
    assert response.status_code == 400
    assert not Motion.objects.exists()


def test_an_amendment_is_put_from_the_motion_and_shown_before_it(cast, login, session):
    motion = motion_on(cast, session)
    client = login(cast.electoral.user)
    address = _url("assembly-motion-new", session) + f"?amends={motion.pk}"
    assert client.get(address).status_code == 200
    response = client.post(
        address,
        {"item": motion.item_id, "text": "Pintar la casa de verde", "method": "hands"},
    )
    assert response.status_code == 302
    amendment = Motion.objects.get(amends=motion)
    page = client.get(_url("assembly-motion-new", session)).content.decode()
    assert page.index(f'id="motion-{amendment.pk}"') < page.index(f'id="motion-{motion.pk}"')
    assert _url("assembly-motion-hands", session, amendment) in page
    assert _url("assembly-motion-hands", session, motion) not in page  # not before its amendment


def test_a_secret_ballot_is_opened_voted_by_attendees_and_closed(cast, login, session):
    motion = motion_on(cast, session, method=Method.SECRET)
    client = login(cast.electoral.user)
    assert client.get(_url("assembly-motion-ballot", session, motion)).status_code == 200
    assert client.post(_url("assembly-motion-ballot", session, motion)).status_code == 302
    poll = Poll.objects.get(motion=motion)
    vote = reverse("poll-vote", kwargs={"slug": cast.council.slug, "pk": poll.pk})
    for name in PEOPLE[:4]:
        receipt = login(getattr(cast, name).user).post(vote, {"choice": "1"})
        assert receipt.status_code == 200 and 'class="receipt"' in receipt.content.decode()
    # the parliamentarian is a member but did not check in: not on the ballot's register
    refused = login(cast.parliamentarian.user).post(vote, {"choice": "2"})
    assert refused.status_code == 400
    client = login(cast.electoral.user)
    assert client.get(_url("assembly-motion-close", session, motion)).status_code == 200
    assert client.post(_url("assembly-motion-close", session, motion)).status_code == 302
    motion.refresh_from_db()
    assert (motion.votes_for, motion.votes_against, motion.outcome) == (4, 0, Outcome.CARRIED)
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.CLOSED


def test_merged_hands_above_the_room_are_refused_on_the_close_page(cast, login):
    assembly = assembly_in(cast, "in_session", online_url="https://meet.example.org/a")
    check_in(cast, assembly, PEOPLE[:4])
    check_in(cast, assembly, PEOPLE[4:6], mode=Mode.ONLINE)
    motion = motion_on(cast, assembly, method=Method.MERGED)
    decisions.open_ballot(motion, by=cast.electoral.user)
    client = login(cast.electoral.user)
    page = client.get(_url("assembly-motion-close", assembly, motion)).content.decode()
    assert 'name="votes_for"' in page
    response = client.post(
        _url("assembly-motion-close", assembly, motion),
        {"votes_for": "3", "votes_against": "1", "abstentions": "1"},  # 5 hands, 4 in the room
    )
    assert response.status_code == 400
    assert Motion.objects.get(pk=motion.pk).outcome == Outcome.PENDING
    response = client.post(
        _url("assembly-motion-close", assembly, motion),
        {"votes_for": "3", "votes_against": "1", "abstentions": "0"},
    )
    assert response.status_code == 302
    assert Motion.objects.get(pk=motion.pk).votes_for == 3


def test_a_resident_may_not_put_a_motion_and_is_told_why(cast, login, session):
    response = login(cast.resident.user).get(_url("assembly-motion-new", session))
    assert response.status_code == 403


def test_the_summary_of_past_decisions_is_public_and_names_nobody(cast, client, session):
    motion = motion_on(cast, session, text="Arreglar la cancha")
    decisions.decide_by_hands(
        motion, votes_for=5, votes_against=1, abstentions=0, by=cast.electoral.user
    )
    Motion.objects.create(item=session.items.last(), text="Nunca decidida")
    session.status = Status.ENDED
    session.save()
    coming = assembly_in(cast, "in_session", items=1)
    check_in(cast, coming, PEOPLE)
    decisions.decide_by_hands(
        motion_on(cast, coming, text="Todavía en sesión"),
        votes_for=8,
        votes_against=0,
        abstentions=0,
        by=cast.electoral.user,
    )
    response = client.get(reverse("assembly-decisions", kwargs={"slug": cast.council.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Arreglar la cancha" in page and session.title in page
    assert "Nunca decidida" not in page and "Todavía en sesión" not in page
    for name in PEOPLE:
        assert getattr(cast, name).given_name not in page
