"""Schemathesis on the assemblies endpoints, called as a member of the demo's council (the API's
schema test calls them as a visitor, so it sees only their 401): with assemblies in every phase,
one with decisions and sealed minutes, every answer is one the document describes."""

from __future__ import annotations

import hashlib
import re

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from comuna.api import tokens
from comuna.assemblies import decisions
from comuna.assemblies.models import Assembly, Attendance, Minutes, MinutesStatus, Status
from comuna.territory.models import Body
from tests.api.demo import _media_in_tmp, demo, demo_dirs  # noqa: F401 (fixtures)
from tests.api.test_schema import _connection_kept  # noqa: F401 (fixture)
from tests.assemblies.factories import assembly_in

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex="/assemblies/"
)

SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
COUNCIL = "cc-las-veritas"


@pytest.fixture(scope="module")
def assemblies(demo, django_db_blocker):  # noqa: F811 (the demo fixture)
    """An assembly of the demo's council in each phase; the one in session has two decisions,
    the ended one sealed minutes. Rolled back with the demo."""
    with django_db_blocker.unblock(), transaction.atomic():
        body = Body.objects.get(slug=COUNCIL)
        by = User.objects.get(username="electoral")
        made = {phase: assembly_in(None, phase, body) for phase in Status.values}
        session = made[Status.IN_SESSION]
        for registered in session.registered.all():
            Attendance.objects.create(assembly=session, resident_id=registered.resident_id)
        present = session.attendances.count()
        for item in session.items.all():
            motion = decisions.propose_motion(item, text=f"Moción {item.pk}", by=by)
            decisions.decide_by_hands(
                motion, votes_for=present, votes_against=0, abstentions=0, by=by
            )
        html = "<html><body>Acta</body></html>"
        Minutes.objects.create(
            assembly=made[Status.ENDED],
            status=MinutesStatus.SEALED,
            sealed_html=html,
            sha256=hashlib.sha256(html.encode()).hexdigest(),
        )
    return made


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the well-formed addresses name the demo council (and one of its assemblies)."""
    if not path_parameters or not SLUG.match(str(path_parameters.get("slug", ""))):
        return st.just(path_parameters)
    real = {name: st.just(value) for name, value in path_parameters.items()}
    real["slug"] = st.just(COUNCIL)
    if "assembly_id" in path_parameters:
        try:
            found = Assembly.objects.filter(body__slug=COUNCIL).order_by("pk")
            ids = list(found.values_list("pk", flat=True))
        except RuntimeError:  # the document's own examples are drawn at collection
            return st.just(path_parameters)
        if not ids:
            return st.just(path_parameters)
        real["assembly_id"] = st.sampled_from(ids)
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


@pytest.mark.django_db
@pytest.mark.usefixtures("assemblies", "_connection_kept")
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_assemblies_answer_a_member_as_their_document_says(case):
    user = User.objects.get(username="electoral")
    secret = tokens.issue(user, name="st", scope="read")[1]
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
