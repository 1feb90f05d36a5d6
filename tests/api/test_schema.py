"""Schemathesis against the API's own OpenAPI document, on the demo: every operation, a bounded
number of generated requests each; no answer is a server error, and every answer (status,
content type, headers, body) is one the document describes."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from comuna.api import tokens
from comuna.voting.models import Poll
from tests.api.demo import _media_in_tmp, demo, demo_dirs  # noqa: F401 (fixtures)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
# the demo's budget poll and election are in this council; its commune and city have none
DEMO_SLUGS = ["cc-las-veritas", "comuna-el-cardonal", "ciudad-valle-del-turbio"]


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the requests with a well-formed address name a real demo body (and one of its
    polls), so the generated queries reach its data and not only the 404 of a random name."""
    if not path_parameters or not SLUG.match(str(path_parameters.get("slug", ""))):
        return st.just(path_parameters)  # a malformed address is answered before any lookup
    real = {name: st.just(value) for name, value in path_parameters.items()}
    if "poll_id" in path_parameters:
        given = path_parameters["poll_id"]
        if isinstance(given, bool) or not isinstance(given, int):
            return st.just(path_parameters)  # a negative case: its malformed id is the point
        try:
            polls = Poll.objects.filter(body__slug=DEMO_SLUGS[0]).order_by("pk")
            ids = list(polls.values_list("pk", flat=True))
        except RuntimeError:  # the document's own examples are drawn at collection, no database
            return st.just(path_parameters)
        real["slug"] = st.just(DEMO_SLUGS[0])
        real["poll_id"] = st.sampled_from(ids)
    else:
        real["slug"] = st.sampled_from(DEMO_SLUGS)
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


@pytest.fixture
def _connection_kept():
    """The requests go through Django's WSGI handler, which closes a connection in a
    transaction at each request's start and end: the test's own would go (Django's test
    client leaves these signals out the same way)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo", "_connection_kept")
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same requests on every run, so a failure is seen again
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_document_says(case):
    """The personal operations are called with a read-write token of the demo's electoral
    commissioner (a resident who may vote and read the census), so they are reached past the
    401 of an anonymous caller."""
    headers = {}
    if case.path.startswith("/api/v1/me/") or case.method == "POST" or "census" in case.path:
        user = User.objects.get(username="electoral")
        headers["Authorization"] = "Bearer " + tokens.issue(user, name="st", scope="read-write")[1]
    excluded = []
    if case.method == "POST":
        # a ballot the document allows may still be refused (400): which options exist and
        # which field the poll's method takes are the poll's, not the document's
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(headers=headers, excluded_checks=excluded)
