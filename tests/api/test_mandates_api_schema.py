"""Schemathesis on the mandates endpoints, on the demo's council with an election in every
phase (candidates, an objection, a counted result) and a recall in every phase: every answer is
one the document describes, to a visitor and to a resident's token."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from comuna.api import tokens
from comuna.mandates.models import (
    Candidate,
    Election,
    ElectionPhase,
    Objection,
    Recall,
    RecallStatus,
)
from comuna.territory.models import Body, Mandate
from tests.api.demo import _media_in_tmp, demo, demo_dirs  # noqa: F401 (fixtures)
from tests.api.test_schema import _connection_kept  # noqa: F401 (fixture)
from tests.mandates.factories import election_in, recall_in

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex="/(seats|elections|recalls|spokespersons)/"
)

SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
COUNCIL = "cc-las-veritas"
IDS = {"election_id": Election, "recall_id": Recall, "mandate_id": Mandate}


@pytest.fixture(scope="module")
def mandates(demo, django_db_blocker):  # noqa: F811 (the demo fixture)
    """An election and a recall of the demo's council in each phase, rolled back with the
    demo."""
    with django_db_blocker.unblock(), transaction.atomic():
        body = Body.objects.get(slug=COUNCIL)
        nobody = SimpleNamespace(council=None)
        elections = [election_in(nobody, phase, body) for phase in ElectionPhase.values]
        residents = list(body.residents.order_by("pk")[:2])
        for election in elections:
            contest = election.contests.get()
            made = [Candidate.objects.create(contest=contest, resident=r) for r in residents]
            Objection.objects.create(candidate=made[0], filed_by=residents[1], grounds="No.")
        recalls = [recall_in(nobody, phase, body) for phase in RecallStatus.values]
    return elections, recalls


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the well-formed addresses name the demo council (and one of its objects)."""
    if not path_parameters or not SLUG.match(str(path_parameters.get("slug", ""))):
        return st.just(path_parameters)
    real = {name: st.just(value) for name, value in path_parameters.items()}
    real["slug"] = st.just(COUNCIL)
    for name, model in IDS.items():
        if name not in path_parameters:
            continue
        given = path_parameters[name]
        if isinstance(given, bool) or not isinstance(given, int):
            return st.just(path_parameters)  # a negative case: its malformed id is the point
        try:
            found = model.objects.filter(body__slug=COUNCIL).order_by("pk")
            ids = list(found.values_list("pk", flat=True))
        except RuntimeError:  # the document's own examples are drawn at collection
            return st.just(path_parameters)
        if not ids:
            return st.just(path_parameters)
        real[name] = st.sampled_from(ids)
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


@pytest.mark.django_db
@pytest.mark.usefixtures("mandates", "_connection_kept")
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_mandates_answer_as_their_document_says(case):
    """Reads as a visitor; writes with a read-and-write token of the demo's electoral
    commissioner (a resident), so they are reached past the 401."""
    headers, excluded = {}, []
    if case.method == "POST":
        user = User.objects.get(username="electoral")
        headers["Authorization"] = "Bearer " + tokens.issue(user, name="st", scope="read-write")[1]
        # a write the document allows may still be refused (400, 409): a second signature,
        # a petition no longer collecting, a mandate no longer in force are the objects' state
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(headers=headers, excluded_checks=excluded)
