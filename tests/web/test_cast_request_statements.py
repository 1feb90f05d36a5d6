"""One ballot cast through the web runs a bounded number of SQL statements.

A cast request is the busiest request Comuna serves (hundreds a second while a poll is open),
and on this kind of request each ORM statement costs about half a millisecond of the server's
CPU. The web layer around the casting service reads five things: the poll with its body, the
session, the user, the user's residence (enough to allow a resident's vote: their mandates are
not read) and the poll's options. The casting service's own statements are counted apart, as
they are the service's business; the bound on them is today's count, to be tightened when the
service changes.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comuna.voting import services
from tests.conftest import ballots_cast

pytestmark = pytest.mark.usefixtures("rate_limited")  # as served: the limits count too

# poll and body, session, user, residence, options, the ledger head the receipt shows
WEB_STATEMENTS = 6
# the rate limits' counters (comuna.web.limits): the voter's and the address's, both counted
# with one statement
LIMIT_STATEMENTS = 1
LIMITS_TABLE = "comuna_ratelimit"
# the service, transaction control (BEGIN, COMMIT, savepoints) left out: the poll's shared
# advisory lock (PostgreSQL), the voter marked (only if unmarked and the poll open), the ballot
# put in the box
SERVICE_STATEMENTS = 3


def _counted(statements):
    return [
        q["sql"]
        for q in statements
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", q["sql"], re.I)
    ]


def _cast_through_the_web(client, poll, monkeypatch):
    """POST a ballot: (the response, statements of the whole request, of the service)."""
    in_service = []
    real_cast = services.cast

    def cast_counted(*args, **kwargs):
        with CaptureQueriesContext(connection) as inside:
            receipt = real_cast(*args, **kwargs)
        in_service.append(inside.captured_queries)
        return receipt

    monkeypatch.setattr(services, "cast", cast_counted)
    address = reverse("poll-vote", kwargs={"slug": poll.body.slug, "pk": poll.pk})
    with CaptureQueriesContext(connection) as whole:
        response = client.post(address, {"choice": "1"})
    assert len(in_service) == 1, "the request did not cast through services.cast"
    return response, whole.captured_queries, in_service[0]


def _web_part(whole, service):
    """The statements of the request that the service and the rate limits did not run."""
    mine = {id(q) for q in service}
    return [q for q in whole if id(q) not in mine and LIMITS_TABLE not in q["sql"]]


def _limits_part(whole):
    return [q for q in whole if LIMITS_TABLE in q["sql"]]


def test_a_resident_casting_costs_a_few_web_statements_around_the_service(
    cast, login, poll, monkeypatch
):
    response, whole, service = _cast_through_the_web(login(cast.resident.user), poll, monkeypatch)
    assert response.status_code == 200
    assert re.search(rb'id="receipt-code"><strong>[0-9A-Z-]+</strong>', response.content)
    assert len(ballots_cast(poll)) == 1
    web = _counted(_web_part(whole, service))
    assert len(web) <= WEB_STATEMENTS, "\n".join(web)
    limits = _counted(_limits_part(whole))
    assert len(limits) == LIMIT_STATEMENTS, "\n".join(limits)
    assert len(_counted(service)) <= SERVICE_STATEMENTS, "\n".join(_counted(service))
    # no row is locked for reading and the poll's row is not written (a row lock writes the row)
    statements = web + _counted(service)
    assert not any(re.search(r"FOR (SHARE|UPDATE)|UPDATE .?voting_poll", s) for s in statements)


def test_a_spokesperson_casting_costs_no_more_than_a_resident(cast, login, poll, monkeypatch):
    """Residence allows the vote: the mandates of a member of the commission are not read."""
    response, whole, service = _cast_through_the_web(login(cast.electoral.user), poll, monkeypatch)
    assert response.status_code == 200
    web = _counted(_web_part(whole, service))
    assert len(web) <= WEB_STATEMENTS, "\n".join(web)
    assert not any("territory_mandate" in sql for sql in web)
