"""Every page, against every persona, in every phase of its object.

The cases are generated from what the code declares: each body page names its action (and the
model of its object) in its decorator, each capability registers its ``(action, phase) -> roles``
table. For every such page, every phase of its object and every persona of tests/conftest.py,
the page is requested (GET, and POST with valid data for forms). Allowed: 200, or a redirect
after a successful POST, and the change happened. Refused: 403 (anonymous visitors are sent to
log in) and nothing changed. A page or a registered rule with no probe here fails the suite.
"""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comuna.assemblies.models import Assembly, Petition
from comuna.mandates.models import Election, Recall
from comuna.territory import services as territory_services
from comuna.territory.models import Body, CensusQuestion, Household, Invitation, Resident
from comuna.territory.permissions import Role, allowed_roles, roles, rules, subject_of
from comuna.territory.rules import Action
from comuna.voting import services
from comuna.voting.models import PaperBatch, PaperSheet, Poll
from comuna.web.access import PERSONAL, PUBLIC, Permission
from tests.assemblies import pages_attendance, pages_convening, pages_decisions, pages_minutes
from tests.assemblies.factories import assembly_in, petition_in
from tests.conftest import MEMBERS, PERSONAS, SETUP, make_resident
from tests.cycles import (
    pages_budgets,
    pages_comptroller,
    pages_cycle,
    pages_execution,
    pages_import,
    pages_lessons,
    pages_needs,
    pages_projects,
)
from tests.cycles.comptroller_factories import OBJECTS as COMPTROLLER_OBJECTS
from tests.cycles.factories import OBJECTS as CYCLE_OBJECTS
from tests.federation import pages_parliament, pages_plan, pages_referendums
from tests.mandates import (
    pages_accounting,
    pages_elections,
    pages_recalls,
    pages_results,
    pages_seats,
)
from tests.mandates.factories import election_in, recall_in
from tests.web.probes import Probe

ASSEMBLY_PARTS = (pages_convening, pages_attendance, pages_decisions, pages_minutes)
MANDATE_PARTS = (pages_seats, pages_elections, pages_results, pages_recalls, pages_accounting)
FEDERATION_PARTS = (pages_referendums, pages_parliament, pages_plan)
CYCLE_PARTS = (
    pages_cycle,
    pages_needs,
    pages_projects,
    pages_budgets,
    pages_import,
    pages_lessons,
    pages_execution,
    pages_comptroller,
)

R, S = Role.RESIDENT, Role.SPOKESPERSON
# The roles each persona holds in council A: the facts the matrix is built on (checked below).
PERSONA_ROLES = {
    "anonymous": set(),
    "outsider": set(),
    "resident": {R},
    "substitute": {R},  # a substitute holds no power until they take the seat
    "parliamentarian": {R},  # their mandate is in the commune, not in the council
    "spokesperson": {R, S},
    "electoral": {R, S, Role.ELECTORAL},
    "comptroller": {R, S, Role.COMPTROLLER, Role.COORDINATION},
    "financial": {R, S, Role.FINANCIAL, Role.COORDINATION},
    "admin": {R, Role.ADMINISTRATOR},
}
# Django's own pages, guarded by nothing of ours.
NOT_OURS = {"login", "logout", "set_language"}


def _world():
    """Everything a page of the matrix could change: every row of the census, the polls and
    their ballots, and every model of the assemblies, mandates, cycles and federation, field
    by field (the ledger shows in the rows' changes too: every service writes both). Read
    with one plain SELECT per table: it runs before and after each persona's request."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for table in _world_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found.append(sorted(map(repr, cursor.fetchall())))
    return found


@cache
def _world_tables() -> tuple[str, ...]:
    from django.apps import apps

    from comuna.territory.models import Mandate, Seat
    from comuna.voting.models import Ballot, BoxedBallot

    models = [
        Household,
        Resident,
        CensusQuestion,
        Poll,
        Ballot,
        BoxedBallot,
        PaperBatch,
        PaperSheet,
        Invitation,
        *apps.get_app_config("assemblies").get_models(),
        *apps.get_app_config("mandates").get_models(),
        *apps.get_app_config("cycles").get_models(),
        *apps.get_app_config("federation").get_models(),
        Mandate,
        Seat,
    ]
    return tuple(m._meta.db_table for m in models)


def _poll_in(cast, phase, body=None):
    poll = services.create_poll(
        body or cast.council,
        title="¿Pintamos la casa comunal?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=cast.electoral.user,
    )
    if phase in ("open", "closed"):
        services.open_poll(poll, by=cast.electoral.user)
    if phase == "closed":
        services.close_poll(poll, by=cast.electoral.user)
    return poll


# How to make an object of each model, in a phase. A new capability adds its model here.
OBJECTS: dict[type, Callable[[Any, Any], Any]] = {
    Body: lambda cast, phase: cast.council,
    Poll: _poll_in,
    Assembly: assembly_in,
    Petition: petition_in,
    Election: election_in,
    Recall: recall_in,
    **CYCLE_OBJECTS,
    **COMPTROLLER_OBJECTS,
    **pages_referendums.OBJECTS,
}


def _question(cast):
    return CensusQuestion.objects.get_or_create(
        body=cast.council,
        key="food_bag",
        defaults={"target": "household", "label": "¿Bolsa?", "kind": "yes_no"},
    )[0]


def _household_form(code, address):
    return {"code": code, "address": address, "tenure": "owned", "dwelling": "house"}


def _resident_form(given_name, family_name, birth_date, sex, resident_since):
    return dict(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date,
        sex=sex,
        resident_since=resident_since,
    )


def _question_form(key, label):
    return {"target": "household", "key": key, "label": label, "kind": "yes_no", "position": 0}


CENSUS_CSV = (Path(__file__).parents[1] / "territory" / "data" / "census_good.csv").read_bytes()


def _pk(cast, obj):
    return {"pk": obj.pk}


def _pictured(poll):
    """The key of the poll's first option, given a picture (stored under the test's
    MEDIA_ROOT) if it has none."""
    from comuna.voting.models import Option
    from tests.voting.images import png

    option = Option.objects.get(poll=poll, key="1")
    if not option.image:
        option.image = png()
        option.save()
    return option.key


def _invited(cast, obj):
    """A resident with no login, invited by code: the invitation a probe revokes."""
    resident = make_resident(cast.council, "Invitada")
    territory_services.invite_resident(resident, by=SETUP, delivery="code")
    return {"pk": resident.pk}


PROBES = {
    "register": Probe(),
    "census": Probe(),
    "census-import": Probe(
        post=lambda cast, obj: {"file": SimpleUploadedFile("census.csv", CENSUS_CSV)}
    ),
    "census-import-sample": Probe(),
    "household-new": Probe(post=lambda cast, obj: _household_form("NEW-1", "Calle Nueva 1")),
    "household": Probe(
        kwargs=lambda cast, obj: {"pk": cast.household.pk},
        post=lambda cast, obj: _household_form(cast.household.code, "Calle Cambiada 9"),
    ),
    "resident-new": Probe(
        kwargs=lambda cast, obj: {"household": cast.household.pk},
        post=lambda cast, obj: _resident_form("Nuevo", "Vecino", "1990-01-01", "M", "2020-01-01"),
    ),
    "resident": Probe(
        kwargs=lambda cast, obj: {"pk": cast.resident.pk},
        post=lambda cast, obj: _resident_form(
            "Cambiado", cast.resident.family_name, "1980-05-17", "F", "2010-01-01"
        ),
    ),
    "census-questions": Probe(
        post=lambda cast, obj: _question_form("water_tank", "¿Tanque de agua?")
    ),
    "census-question": Probe(
        kwargs=lambda cast, obj: {"pk": _question(cast).pk},
        post=lambda cast, obj: _question_form("food_bag", "¿Recibe bolsa de alimentos?"),
    ),
    "resident-login": Probe(
        kwargs=lambda cast, obj: {"pk": make_resident(cast.council, "Sin Login").pk},
        post=lambda cast, obj: {"delivery": "code", "email": "", "language": "es"},
    ),
    "resident-invitation-revoke": Probe(kwargs=_invited, get=False, post=lambda c, o: {}),
    "resident-login-unlink": Probe(
        kwargs=lambda cast, obj: {"pk": cast.resident.pk}, get=False, post=lambda c, o: {}
    ),
    "polls": Probe(),
    "poll-new": Probe(
        post=lambda cast, obj: {
            "title": "Presupuesto 2027",
            "method": "single",
            "seats": 1,
            "min_choices": 1,
            "options": "Techo\nCancha\n",
        }
    ),
    "poll": Probe(kwargs=_pk),
    "poll-vote": Probe(kwargs=_pk, get=False, post=lambda cast, obj: {"choice": "1"}),
    "poll-open": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "poll-close": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "poll-edit": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {
            "title": "¿Pintamos de verde la casa comunal?",
            "method": "single",
            "seats": 1,
            "min_choices": 1,
            "options": "Sí\nNo\n",
        },
    ),
    "poll-delete": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "poll-option": Probe(kwargs=lambda cast, obj: {"pk": obj.pk, "key": "1"}),
    "poll-option-image": Probe(kwargs=lambda cast, obj: {"pk": obj.pk, "key": _pictured(obj)}),
    "poll-paper": Probe(
        kwargs=_pk,
        post=lambda cast, obj: {
            "polling_place": "Casa comunal",
            "n_ballots": "4",
            "total_1": "3",
            "total_2": "1",
        },
    ),
}
for _part in (*ASSEMBLY_PARTS, *MANDATE_PARTS, *CYCLE_PARTS, *FEDERATION_PARTS):
    PROBES.update(_part.PROBES)


def _patterns(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api-v1":
                continue  # the API's operations: tests/api/test_permission_matrix.py
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def declared_pages() -> dict[str, Any]:
    """Every named page and what its decorator declares (None when it declares nothing)."""
    return {p.name: getattr(p.callback, "permission", None) for p in _patterns()}


def body_pages() -> dict[str, Permission]:
    return {n: d for n, d in declared_pages().items() if isinstance(d, Permission)}


def _phases(model):
    subject = subject_of(model)
    return [None] if subject is None else list(subject.phases)


CASES = [
    (name, phase, method)
    for name, declared in sorted(body_pages().items())
    for phase in _phases(declared.model)
    for method in ("get", "post")
    if (method == "get" and PROBES[name].get) or (method == "post" and PROBES[name].post)
]


def _id(case):
    name, phase, method = case
    return f"{name}-{phase or 'body'}-{method}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_the_page_lets_exactly_the_roles_of_its_rule_act_in_each_phase(cast, case):
    """Every persona in turn, each on the same world: a persona's request runs in a savepoint
    rolled back after it (the cast and the object are made once per page, phase and method)."""
    name, phase, method = case
    declared = body_pages()[name]
    obj = OBJECTS[declared.model](cast, phase)
    probe = PROBES[name]
    url = reverse(name, kwargs={"slug": cast.council.slug, **probe.kwargs(cast, obj)})
    for persona in PERSONAS:
        with transaction.atomic():
            _request_as(cast, persona, declared, phase, method, url, probe, obj, name)
            transaction.set_rollback(True)


def _request_as(cast, persona, declared, phase, method, url, probe, obj, name):
    allowed = bool(PERSONA_ROLES[persona] & allowed_roles(declared.action, phase))
    client = Client()
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    if probe.prepare is not None:
        probe.prepare(cast, obj, persona)
    before = _world()
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, probe.post(cast, obj))
    detail = f"{persona}: {declared.action} in phase {phase}: {response.status_code}"
    if persona == "anonymous":
        assert response.status_code == 302, detail
        assert response["Location"].startswith("/login/")
    elif not allowed:
        assert response.status_code == 403, detail
    elif method == "get":
        assert response.status_code == 200, detail
    else:
        assert response.status_code in (200, 302), detail
        if response.status_code == 302:
            assert not response["Location"].startswith("/login/")
        assert _world() != before, f"{name} as {persona}: an allowed {method} changed nothing"
    if not allowed or method == "get":
        assert _world() == before, (
            f"{name} as {persona}: a refused or read-only request changed something"
        )


def test_every_page_declares_who_it_is_for():
    undeclared = [n for n, d in declared_pages().items() if d is None and n not in NOT_OURS]
    assert undeclared == []
    for name, declared in declared_pages().items():
        assert declared in (None, PUBLIC, PERSONAL) or isinstance(declared, Permission), name


def test_every_body_page_has_a_probe_and_a_registered_action():
    pages = body_pages()
    assert sorted(set(pages) - set(PROBES)) == [], "pages with no probe in this test"
    assert sorted(set(PROBES) - set(pages)) == [], "probes of pages that no longer exist"
    for declared in pages.values():
        allowed_roles(declared.action, None)  # raises for an action nobody registered
        assert declared.model in OBJECTS


# Public pages with a part only some roles see: the rule of each part, the page, and text
# only that part shows.
PUBLIC_PARTS = {
    (Action.VIEW_BODY, None): ("body", 'href="/b/consejo-a/register/"'),
    (Action.VIEW_CENSUS, None): ("body", 'href="/b/consejo-a/census/"'),
    **pages_comptroller.PUBLIC_PARTS,
}


def test_every_registered_rule_is_exercised_by_a_page():
    exercised = {
        (declared.action, phase)
        for declared in body_pages().values()
        for phase in _phases(declared.model)
    }
    assert sorted(set(rules()) - exercised - set(PUBLIC_PARTS), key=str) == []


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("part", sorted(PUBLIC_PARTS, key=str), ids=str)
def test_a_public_page_shows_each_part_to_exactly_the_roles_of_its_rule(cast, login, persona, part):
    action, phase = part
    name, marker = PUBLIC_PARTS[part]
    assert declared_pages()[name] == PUBLIC
    response = login(cast.user(persona)).get(reverse(name, kwargs={"slug": cast.council.slug}))
    assert response.status_code == 200
    allowed = bool(PERSONA_ROLES[persona] & allowed_roles(action, phase))
    assert (marker in response.content.decode()) == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_holds_the_roles_the_matrix_assumes(cast, persona):
    user = cast.user(persona)
    assert roles(user, cast.council) == PERSONA_ROLES[persona]
    assert (persona in MEMBERS) == bool(PERSONA_ROLES[persona])


# --- cases that are not a row of the matrix --------------------------------------------------


def test_an_outsider_sees_another_council_only_as_the_public_does(cast, login):
    client = login(cast.outsider.user)
    own = client.get(reverse("body", kwargs={"slug": cast.other.slug})).content.decode()
    other = client.get(reverse("body", kwargs={"slug": cast.council.slug})).content.decode()
    assert 'href="/b/consejo-b/register/"' in own
    assert "register/" not in other and "polls/" not in other and "Vocera Prueba" in other


def test_residents_of_a_council_are_members_of_its_commune_and_city(cast, login):
    client = login(cast.resident.user)
    for body in (cast.commune, cast.city):
        assert client.get(reverse("body", kwargs={"slug": body.slug})).status_code == 200


def test_a_household_of_another_body_is_not_found_through_this_body(cast, login):
    foreign = cast.outsider.household
    url = reverse("household", kwargs={"slug": cast.council.slug, "pk": foreign.pk})
    assert login(cast.electoral.user).get(url).status_code == 404


def test_a_poll_of_another_body_is_not_found_through_this_body(cast, login):
    poll = _poll_in(cast, "draft", body=cast.other)
    url = reverse("poll", kwargs={"slug": cast.council.slug, "pk": poll.pk})
    assert login(cast.electoral.user).get(url).status_code == 404


def test_profile_needs_a_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", sorted(MEMBERS | {"outsider"}))
def test_home_lists_exactly_the_bodies_of_the_user(cast, login, persona):
    page = login(cast.user(persona)).get("/").content.decode()
    own = cast.other if persona == "outsider" else cast.council
    stranger = cast.council if persona == "outsider" else cast.other
    for body in (own, cast.commune, cast.city):
        assert f'href="/b/{body.slug}/"' in page
    assert f'href="/b/{stranger.slug}/"' not in page
