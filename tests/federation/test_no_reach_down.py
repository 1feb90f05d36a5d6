"""No commune- or city-level role reaches down into a council: its census, its register, its
ballots and who voted stay the council's.

Personas reside in council B (so they are members of the commune and the city) and hold every
role of the commune and of the city: a seat in the parliament, the electoral commission, the
comptroller unit, the financial unit, the coordination collective, the executive unit, and the
administrator's mandate; one persona per role and body, and one holding them all. Council A is
probed: a world with census rows of residents whose names, document numbers and birth dates are
distinctive, a poll with their ballots (counted) and one open with one of them marked as having
voted, an assembly they attend, a budget they voted in, and one object of every model a page
takes. Every URL pattern of the site that takes a body's slug (the web's and the API's, read
from the URL resolver and from the API's routers) is requested for council A, its parameters
filled with the world's ids, as each persona: no response contains a marked resident's name,
document number or birth date, and every page or operation guarded by a council rule (the
census, the register, the voter lists, paper entry, the ballot box, attendance...) refuses.

The markers are checked to show where they are allowed (council A's own administrator reads
them on the census page), so the test would see a leak.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comuna.api import tokens
from comuna.api.app import api
from comuna.api.models import Scope
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Attendance,
    Correction,
    Motion,
    Petition,
    Status,
)
from comuna.cycles import budgets
from comuna.cycles.models import (
    Budget,
    BudgetStatus,
    Complaint,
    Cycle,
    Evidence,
    Execution,
    Expense,
    Finding,
    Inspection,
    Lesson,
    Milestone,
    Need,
    ProgressUpdate,
    Project,
)
from comuna.federation.models import Initiative, Place, Referendum, ReferendumStatus
from comuna.mandates.models import AccountsReport, Candidate, Election, Objection, Question, Recall
from comuna.territory import services
from comuna.territory.forms import ResidentForm
from comuna.territory.models import (
    CensusQuestion,
    Household,
    Mandate,
    MandateKind,
    Organ,
    OrganKind,
    Resident,
)
from comuna.territory.permissions import Role, can, roles, subject_of
from comuna.territory.rules import Action
from comuna.voting import services as voting
from comuna.voting.models import Poll, Voter
from comuna.web.access import Permission
from tests.assemblies.factories import assembly_in, petition_in
from tests.conftest import SETUP, make_household
from tests.cycles.comptroller_factories import OBJECTS as COMPTROLLER_OBJECTS
from tests.cycles.factories import OBJECTS as CYCLE_OBJECTS
from tests.cycles.factories import budget_in
from tests.federation.referendum_fixtures import referendum_in
from tests.mandates.factories import election_in, recall_in

pytestmark = pytest.mark.django_db

# council-A residents with no mandate who authored nothing public: their data is the census's
# (their family names sort after the personas' "Prueba": the factories take a body's first
# resident as the author of what they make, a need or a project, public by design)
MARKED = [
    ("Zoraida Eleuteria", "Quintanilla Urdaneta", "V-31415926", date(1963, 7, 21), "zoraida"),
    ("Ermenegildo", "Sanabria Brizuela", "V-27182818", date(1971, 11, 3), "ermenegildo"),
    ("Hortensia", "Villalobos Carrasquero", "E-16180339", date(1988, 2, 29), "hortensia"),
]
# their households' addresses (census rows too)
ADDRESSES = ["Vereda Tamarindo 41-B", "Callejon Guayacan 77", "Sector Los Mamoncillos 5"]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"]
MONTHS_ES += ["septiembre", "octubre", "noviembre", "diciembre"]


def markers() -> list[str]:
    """What must not be read of a marked resident: names, document numbers (as typed and as
    digits), birth dates in the formats a page or a file could write."""
    found = list(ADDRESSES)
    for given, family, document, born, _username in MARKED:
        found += [*given.split(), *family.split(), document, re.sub(r"\D", "", document)]
        found += [
            born.isoformat(),
            born.strftime("%d/%m/%Y"),
            born.strftime("%m/%d/%Y"),
            born.strftime("%d-%m-%Y"),
            born.strftime("%d.%m.%Y"),
            f"{born.day} de {MONTHS_ES[born.month - 1]} de {born.year}",
            born.strftime("%B %-d, %Y"),
        ]
    return found


FEDERAL_ROLES = {
    "parliament": OrganKind.PARLIAMENT,
    "electoral": OrganKind.ELECTORAL,
    "comptroller": OrganKind.COMPTROLLER,
    "financial": OrganKind.FINANCIAL,
    "coordination": OrganKind.COORDINATION,
    "executive": OrganKind.EXECUTIVE,
    "administrator": None,
}


# one object of each model a page takes, in its first phase (what the permission matrices make)
OBJECTS = {
    Assembly: assembly_in,
    Petition: petition_in,
    Election: election_in,
    Recall: recall_in,
    **CYCLE_OBJECTS,
    **COMPTROLLER_OBJECTS,
}


# --- the world -------------------------------------------------------------------------------


def _resident(body, address, given, family, document, born, username) -> Resident:
    """A resident of ``body`` through the census service, in a household of their own, with
    a login named ``username``."""
    household = make_household(body, address=address)
    form = ResidentForm(
        {
            "given_name": given,
            "family_name": family,
            "document_id": document,
            "birth_date": born.isoformat(),
            "sex": "F",
            "resident_since": "2001-01-01",
        },
        household=household,
    )
    assert form.is_valid(), form.errors
    resident = services.save_resident(form, by=SETUP)
    user = get_user_model().objects.create_user(username)
    return services.link_login(resident, user, by=SETUP)


def _organ(body, kind):
    organ = Organ.objects.filter(body=body, kind=kind).first()
    return organ or services.create_organ(body, by=SETUP, kind=kind, name=f"{kind} {body.slug}")


def _federal_persona(cast, name: str, grants: list[tuple]) -> object:
    """A resident of council B with a login, holding ``grants`` ((body, organ kind or None
    for the administrator)): their user."""
    resident = _resident(
        cast.other, f"Avenida {name}", name, "Federal", "", date(1975, 3, 3), f"federal-{name}"
    )
    for body, kind in grants:
        services.confer_mandate(
            body,
            resident,
            organ=_organ(body, kind) if kind else None,
            kind=MandateKind.SPOKESPERSON if kind else MandateKind.ADMINISTRATOR,
            starts_on=date(2020, 1, 1),
            ends_on=date(2099, 1, 1),
            by=SETUP,
        )
    return resident.user


def federal_personas(cast) -> dict[str, object]:
    found = {}
    every = []
    for body in (cast.commune, cast.city):
        for role, kind in FEDERAL_ROLES.items():
            name = f"{body.kind}-{role}"
            found[name] = _federal_persona(cast, name, [(body, kind)])
            every.append((body, kind))
    found["every-role"] = _federal_persona(cast, "every-role", every)
    return found


def _poll(cast, title):
    """An open poll of council A, by its electoral commission."""
    poll = voting.create_poll(
        cast.council,
        title=title,
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=cast.electoral.user,
    )
    voting.open_poll(poll, by=cast.electoral.user)
    return poll


def council_world(cast) -> list[Resident]:
    """Council A's census with the marked residents, their ballots, attendance and budget
    votes, a founding referendum's poll over its register, and an object of every model a
    page takes."""
    marked = [_resident(cast.council, a, *row) for a, row in zip(ADDRESSES, MARKED, strict=True)]
    counted = _poll(cast, "Consulta contada")
    for resident in marked:
        voting.cast(counted, resident.user, "1")
    voting.close_poll(counted, by=cast.electoral.user)
    live = _poll(cast, "Consulta abierta")
    voting.cast(live, marked[0].user, "2")  # marked[0] has voted; the others not
    assembly = OBJECTS[Assembly](cast, Status.IN_SESSION)
    for resident in marked:
        Attendance.objects.create(assembly=assembly, resident=resident)
    budget = budget_in(cast, BudgetStatus.OPEN)
    district = budget.districts.get()
    for resident in marked:
        budgets.cast(budget, user=resident.user, choices={district.pk: ["1", "2"]})
    # a founding referendum hosted by council A: its place's poll holds council A's register
    referendum_in(cast, ReferendumStatus.VOTING)
    for model, make in OBJECTS.items():
        if model in (Assembly, Budget):
            continue
        subject = subject_of(model)
        make(cast, subject.phases[0] if subject else None)
    return marked


# --- the pages and operations ---------------------------------------------------------------


def _patterns(resolver=None):
    """Every named URL pattern of the site but the API's (:func:`operations`)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "api-v1":
                yield from _patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def web_pages() -> list[URLPattern]:
    """Every page (not the API's: :func:`api_reads`) whose URL takes a body's slug."""
    return [p for p in _patterns() if "slug" in p.pattern.converters]


def guarded_pages() -> set[str]:
    """The pages guarded by a body's rule (``@body_view``)."""
    return {
        p.name
        for p in _patterns()
        if isinstance(getattr(p.callback, "permission", None), Permission)
    }


def operations() -> dict[str, object]:
    """Every API operation, ``"METHOD /api/v1/path"``, with what it declares."""
    found = {}
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                address = "/api/v1" + ("/" + prefix.strip("/") + path).replace("//", "/")
                for method in operation.methods:
                    found[f"{method} {address}"] = getattr(operation.view_func, "permission", None)
    return found


# --- filling the URLs ------------------------------------------------------------------------

# the model whose ids fill a parameter: by the parameter's name, or for ``pk`` by the segment
# of the path before it
BY_NAME = {
    "poll_id": (Poll,),
    "assembly_id": (Assembly,),
    "election_id": (Election,),
    "recall_id": (Recall,),
    "mandate_id": (Mandate,),
    "cycle_id": (Cycle,),
    "need_id": (Need,),
    "project_id": (Project,),
    "budget_id": (Budget,),
    "finding_id": (Finding,),
    "complaint_id": (Complaint,),
    "household": (Household,),
    "attendance_pk": (Attendance,),
    "motion": (Motion,),
    "correction": (Correction,),
    "cid": (Candidate,),
    "oid": (Objection,),
    "expense": (Expense,),
    "update": (ProgressUpdate,),
    "milestone": (Milestone,),
    "referendum_id": (Referendum,),
    "initiative": (Initiative,),
    "item": (AgendaItem,),
}
BY_SEGMENT = {
    "questions": (CensusQuestion, Question),
    "households": (Household,),
    "residents": (Resident,),
    "polls": (Poll,),
    "assemblies": (Assembly,),
    "petitions": (Petition,),
    "seats": (Organ,),
    "elections": (Election,),
    "recalls": (Recall,),
    "spokespersons": (Mandate,),
    "accounts": (AccountsReport,),
    "cycles": (Cycle,),
    "needs": (Need,),
    "projects": (Project,),
    "budgets": (Budget,),
    "executions": (Execution,),
    "inspections": (Inspection,),
    "findings": (Finding,),
    "evidence": (Evidence,),
    "complaints": (Complaint,),
    "lessons": (Lesson,),
    "referendums": (Referendum,),
    "places": (Place,),
}
STRINGS = {"key": ["1", "2"], "fmt": ["json", "soi", "pb"]}
PARAMETER = re.compile(r"([^/<>{}.]*)[/.][<{](?:\w+:)?(\w+)[>}]")


def _ids(models, limit=4) -> list[int]:
    """The latest ids of each model's objects, council A's where the model has a body."""
    found: list[int] = []
    for model in models:
        rows = model.objects.order_by("-pk")
        if any(f.name == "body" for f in model._meta.get_fields()):
            rows = rows.filter(body__slug="consejo-a")
        found += list(rows.values_list("pk", flat=True)[:limit])
    return sorted(set(found))


def _values(segment: str, name: str) -> list:
    if name in STRINGS:
        return STRINGS[name]
    models = BY_NAME.get(name) or (BY_SEGMENT.get(segment) if name == "pk" else None)
    if models:
        return _ids(models) or [1]
    # a parameter this test does not know (a new page's): ids of every model it knows
    every = {m for ms in [*BY_NAME.values(), *BY_SEGMENT.values()] for m in ms}
    return _ids(every, limit=1)[:6] or [1]


def fillings(route: str, slug: str, most: int = 8) -> list[dict]:
    """Keyword arguments for ``route`` (a Django route or an API path): the slug, and each
    other parameter's candidate values, combined (at most ``most`` combinations)."""
    params = [(m.group(1), m.group(2)) for m in PARAMETER.finditer(route)]
    names = [name for _segment, name in params if name != "slug"]
    options = [_values(segment, name) for segment, name in params if name != "slug"]
    combos = list(itertools.islice(itertools.product(*options), most))
    return [{"slug": slug, **dict(zip(names, combo, strict=True))} for combo in combos]


def api_reads() -> list[str]:
    """Every API operation read with GET whose path takes a body's slug."""
    return sorted(
        address
        for name in operations()
        for method, address in [name.split(" ", 1)]
        if method == "GET" and "{slug}" in address
    )


def _text(response) -> str:
    """What a response gives the reader: its body, a ZIP file's members unpacked."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"\n".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


def _leaks(text: str) -> list[str]:
    return [m for m in markers() if m in text]


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture
def world(cast):
    marked = council_world(cast)
    return marked, federal_personas(cast)


def test_a_commune_or_city_role_gives_no_role_in_a_council(cast, world):
    _marked, personas = world
    for name, user in personas.items():
        assert roles(user, cast.council) == frozenset(), name
        assert Role.RESIDENT in roles(user, cast.commune), name
        for action in (Action.VIEW_CENSUS, Action.VIEW_REGISTER, Action.MANAGE_CENSUS):
            assert not can(user, action, cast.council), (name, action)
    everything = roles(personas["every-role"], cast.commune) & roles(
        personas["every-role"], cast.city
    )
    assert {Role.PARLIAMENTARIAN, Role.ELECTORAL, Role.ADMINISTRATOR} <= everything
    assert {Role.COMPTROLLER, Role.FINANCIAL, Role.COORDINATION} <= everything


def test_the_markers_are_found_where_they_may_be_read(cast, world, login):
    """Council A's own administrator reads the census (names, documents, birth dates), and
    the electoral commission's register: so a page that showed them would be caught."""
    client = login(cast.admin.user)
    register = _text(client.get(reverse("register", kwargs={"slug": "consejo-a"})))
    assert {"Quintanilla", "Brizuela", "Villalobos", "Hortensia"} <= set(_leaks(register))
    resident = Resident.objects.get(document_id="V-31415926")
    page = _text(client.get(reverse("resident", kwargs={"slug": "consejo-a", "pk": resident.pk})))
    assert "V-31415926" in page
    assert "1963-07-21" in page or "21/07/1963" in page
    secret = tokens.issue(cast.admin.user, name="t", scope=Scope.READ)[1]
    api = Client().get(
        "/api/v1/bodies/consejo-a/census/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert "Vereda Tamarindo 41-B" in _text(api)
    assert Voter.objects.filter(resident=resident, has_voted=True).count() == 3  # 2 polls, 1 budget


def test_no_page_of_a_council_shows_its_census_or_ballots_to_a_commune_or_city_role(cast, world):
    _marked, personas = world
    guarded = guarded_pages()
    clients = {}
    for name, user in personas.items():
        # a server error is not a leak (its page says nothing): the factories make objects the
        # services would not (a counted budget with no vote, whose export fails)
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    problems = []
    requested = 0
    read = set()  # the pages that answered 200 at least once: the fillings reach real objects
    for pattern in web_pages():
        for n, kwargs in enumerate(fillings(str(pattern.pattern), cast.council.slug)):
            url = reverse(pattern.name, kwargs=kwargs)
            # every persona on the first filling; the one holding every role on all of them
            for persona in personas if n == 0 else ["every-role"]:
                with transaction.atomic():
                    response = clients[persona].get(url)
                    text = _text(response)
                    transaction.set_rollback(True)
                requested += 1
                if response.status_code == 200:
                    read.add(pattern.name)
                if leaked := _leaks(text):
                    problems.append(f"{url} as {persona}: shows {leaked}")
                if pattern.name in guarded and response.status_code not in (403, 404, 405):
                    problems.append(f"{url} as {persona}: {response.status_code}, not refused")
    assert requested > 200
    assert problems == []
    public = {"body", "ledger", "poll-results", "poll-ballots", "budget", "need", "project"}
    public |= {"cycle", "execution", "accountability", "referendum", "election", "recall"}
    assert public <= read, sorted(public - read)


def test_no_api_operation_gives_a_council_s_census_or_ballots_to_a_commune_or_city_role(
    cast, world
):
    _marked, personas = world
    declared = operations()
    secrets = {
        name: tokens.issue(user, name="t", scope=Scope.READ)[1] for name, user in personas.items()
    }
    problems = []
    for address in api_reads():
        guarded = isinstance(declared[f"GET {address}"], Permission)
        for n, kwargs in enumerate(fillings(address, cast.council.slug)):
            url = address.format(**kwargs)
            for persona in personas if n == 0 else ["every-role"]:
                # a token is another way in: tried by the persona holding every role
                for how in ("session", "token") if persona == "every-role" else ("session",):
                    client = Client(raise_request_exception=False)
                    headers = {"Accept-Language": "en"}
                    if how == "session":
                        client.force_login(personas[persona])
                    else:
                        headers["Authorization"] = f"Bearer {secrets[persona]}"
                    with transaction.atomic():
                        response = client.get(url, headers=headers)
                        text = _text(response)
                        transaction.set_rollback(True)
                    if leaked := _leaks(text):
                        problems.append(f"{url} as {persona} ({how}): shows {leaked}")
                    if guarded and response.status_code not in (403, 404):
                        problems.append(
                            f"{url} as {persona} ({how}): {response.status_code}, not refused"
                        )
    assert "/api/v1/bodies/{slug}/census/" in api_reads()
    assert problems == []


def test_every_page_and_operation_that_takes_a_slug_is_requested():
    """The enumeration is the resolver's and the routers': nothing is listed by hand."""
    names = {p.name for p in web_pages()}
    assert {"census", "register", "resident", "household", "poll", "poll-paper"} <= names
    assert {"assembly-door", "assembly-sheet", "budget-vote", "poll-ballots"} <= names
    assert "/api/v1/bodies/{slug}/polls/{poll_id}/ballots" in api_reads()
    assert all(fillings(str(p.pattern), "consejo-a") for p in web_pages())
    # the census, the register, the voter lists, paper entry and the ballot box are guarded by
    # a council rule: those must refuse (not only hide names)
    critical = {"census", "register", "resident", "household", "poll", "poll-paper", "poll-vote"}
    critical |= {"assembly-door", "assembly-sheet", "budget-vote", "petition-paper"}
    critical |= {"recall-paper", "census-import-sample"}
    assert critical <= guarded_pages()
    assert isinstance(operations()["GET /api/v1/bodies/{slug}/census/"], Permission)
