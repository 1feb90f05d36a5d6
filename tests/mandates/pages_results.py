"""The results pages' probes for tests/web/test_permission_matrix.py (PROBES: page name -> Probe)
and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both.

``election_in`` makes no polls: :func:`with_ballots` opens the contests' ballots of an election
in the voting phase (as ``open_vote`` makes them), and :func:`with_result` also counts them (an
election in the counted phase), so that the commission's next step can be taken."""

from __future__ import annotations

from django.urls import reverse

from comuna.mandates import results
from comuna.mandates.models import Election, ElectionStatus
from tests.web.probes import Probe


def with_ballots(election: Election) -> Election:
    """The election's contests with their secret ballots open (voting, counted, conferred)."""
    from tests.conftest import SETUP

    if election.status in (
        ElectionStatus.VOTING,
        ElectionStatus.COUNTED,
        ElectionStatus.CONFERRED,
    ):
        for contest in election.contests.filter(poll__isnull=True):
            results.make_poll(contest, by=SETUP)
    return election


def with_result(election: Election) -> Election:
    """The election's contests counted (no ballots cast: the tie order decides) when it is in
    the counted or conferred phase."""
    from tests.conftest import SETUP

    with_ballots(election)
    if election.status in (ElectionStatus.COUNTED, ElectionStatus.CONFERRED):
        for contest in election.contests.all():
            if "principals" not in (contest.result or {}):
                results.count_contest(contest, by=SETUP)
    return election


def _ready(cast, election) -> dict:
    return {"pk": with_result(election).pk}


PROBES: dict = {
    "election-open-vote": Probe(kwargs=_ready, post=lambda cast, obj: {}),
    "election-count": Probe(kwargs=_ready, post=lambda cast, obj: {}),
    "election-confer": Probe(kwargs=_ready, post=lambda cast, obj: {}),
}


def urls(cast) -> dict[str, list[str]]:
    from tests.mandates.factories import election_in

    made = [
        with_result(election_in(cast, phase))
        for phase in ("candidacy", "campaign", "voting", "counted", "conferred")
    ]
    return {
        name: [reverse(name, kwargs={"slug": cast.council.slug, "pk": e.pk}) for e in made]
        for name in PROBES
    }
