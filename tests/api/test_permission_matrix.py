"""Every API operation, against every persona and every way of calling, in every phase of
its object.

Built like tests/web/test_permission_matrix.py, from what the code declares: each operation
carries ``declare(PUBLIC | PERSONAL | Permission(action, model))`` and each capability
registers its ``(action, phase) -> roles`` table. The operations are read from the NinjaAPI's
routers (and checked against the OpenAPI document). For every ``Permission`` operation, every
phase of its object, every persona of tests/conftest.py and every way of calling (anonymous, a
session with its CSRF token, a read-only token, a read-and-write token), the request is
allowed exactly for the roles of its rule (200, or 201 and the change happened) and refused
otherwise (401 anonymous, 403 a member without the right or a read-only token asking to
write, 409 a member whose right the object's phase refuses where the probe says so), with
nothing changed. An operation without a probe fails the suite.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from comuna.api import tokens
from comuna.api.app import api
from comuna.api.models import PersonalToken, Scope
from comuna.territory.permissions import allowed_roles, subject_of
from comuna.voting.models import Voter
from comuna.web.access import PERSONAL, PUBLIC, Permission
from tests.api.conftest import Caller, token_for
from tests.conftest import PERSONAS, ballots_cast
from tests.cycles import (
    api_budgets,
    api_comptroller,
    api_cycles,
    api_execution,
    api_lessons,
    api_projects,
)
from tests.federation import api_referendums
from tests.mandates import pages_api
from tests.web.test_permission_matrix import OBJECTS, PERSONA_ROLES, _world

PREFIX = "/api/v1"
SAFE = {"GET", "HEAD", "OPTIONS"}
CREDENTIALS = ("session", "token-read", "token-read-write")


def operations() -> dict[str, Any]:
    """Every operation, ``"METHOD /api/v1/path"``, with what it declares (None: nothing)."""
    found = {}
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                address = PREFIX + ("/" + prefix.strip("/") + path).replace("//", "/")
                for method in operation.methods:
                    found[f"{method} {address}"] = getattr(operation.view_func, "permission", None)
    return found


@dataclass(frozen=True)
class Probe:
    """How to call an operation: its path's arguments besides the slug, and its JSON body."""

    params: Callable[[Any, Any], dict] = lambda cast, obj: {}
    payload: Callable[[Any, Any], dict] | None = None
    # phases where a member who may take the action in another phase is refused with 409
    # (the object's state refuses it) rather than 403
    conflict_phases: frozenset = field(default_factory=frozenset)


PROBES = {
    "GET /api/v1/me/": Probe(),
    "GET /api/v1/bodies/{slug}/census/": Probe(),
    "POST /api/v1/bodies/{slug}/polls/{poll_id}/ballot": Probe(
        params=lambda cast, obj: {"poll_id": obj.pk},
        payload=lambda cast, obj: {"choices": ["1"]},
        conflict_phases=frozenset({"draft", "closed"}),
    ),
    "GET /api/v1/bodies/{slug}/assemblies/": Probe(),
    "GET /api/v1/bodies/{slug}/assemblies/{assembly_id}/": Probe(
        params=lambda cast, obj: {"assembly_id": obj.pk}
    ),
    **{
        name: Probe(**probe)
        for part in (
            pages_api,
            api_cycles,
            api_projects,
            api_budgets,
            api_lessons,
            api_comptroller,
            api_execution,
            api_referendums,
        )
        for name, probe in part.API_PROBES.items()
    },
}


def _state():
    """Everything an operation could change: the web matrix's world, and who has voted."""
    return (_world(), sorted(Voter.objects.values_list("poll_id", "user_id", "has_voted")))


def _call(caller: Caller, name: str, probe: Probe, cast, obj):
    method, address = name.split(" ", 1)
    url = address.format(slug=cast.council.slug, **probe.params(cast, obj))
    if method == "GET":
        return caller.get(url)
    return caller.post(url, probe.payload(cast, obj) if probe.payload else {})


def _phases(model):
    subject = subject_of(model)
    return [None] if subject is None else list(subject.phases)


def guarded() -> dict[str, Permission]:
    return {n: d for n, d in operations().items() if isinstance(d, Permission)}


def personal() -> list[str]:
    return sorted(n for n, d in operations().items() if d == PERSONAL)


CALLERS = [("anonymous", "anonymous")] + [
    (persona, how) for persona in PERSONAS if persona != "anonymous" for how in CREDENTIALS
]
CASES = [
    (name, phase)
    for name, declared in sorted(guarded().items())
    for phase in _phases(declared.model)
]


def _id(case):
    name, phase = case
    method, address = name.split(" ", 1)
    path = address.removeprefix(PREFIX).strip("/").replace("/", ".")
    path = path.replace("{", "").replace("}", "")
    return f"{method}-{path}-{phase or 'body'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_the_operation_lets_exactly_the_roles_of_its_rule_act_in_each_phase(cast, case):
    """Every persona with every credential in turn, each on the same world: a call runs in a
    savepoint rolled back after it (the cast and the object are made once per operation and
    phase)."""
    name, phase = case
    declared = guarded()[name]
    obj = OBJECTS[declared.model](cast, phase)
    for persona, how in CALLERS:
        with transaction.atomic():
            _call_as(cast, name, declared, phase, obj, persona, how)
            transaction.set_rollback(True)


def _call_as(cast, name, declared, phase, obj, persona, how):
    method = name.split(" ")[0]
    probe = PROBES[name]
    held = PERSONA_ROLES[persona]
    allowed = bool(held & allowed_roles(declared.action, phase))
    caller = Caller(cast.user(persona), how=how)
    before = _state()
    response = _call(caller, name, probe, cast, obj)
    detail = f"{declared.action} in phase {phase} as {persona} ({how}): {response.status_code}"
    assert response["Content-Type"].startswith("application/json"), detail
    if how == "anonymous":
        assert response.status_code == 401, detail
    elif method not in SAFE and how == "token-read":
        assert response.status_code == 403, detail
        assert "may only read" in response.json()["detail"]
    elif not allowed:
        entitled = any(held & allowed_roles(declared.action, p) for p in _phases(declared.model))
        refused = 409 if phase in probe.conflict_phases and entitled else 403
        assert response.status_code == refused, detail
        assert response.json()["detail"], detail
    else:
        assert response.status_code == (200 if method in SAFE else 201), detail
    if response.status_code in (200, 201) and method not in SAFE:
        assert _state() != before, f"{name} as {persona}: an allowed {method} changed nothing"
    else:
        assert _state() == before, (
            f"{name} as {persona}: a refused or read-only request changed something"
        )


@pytest.mark.parametrize("how", ("anonymous", *CREDENTIALS))
@pytest.mark.parametrize("name", personal())
def test_a_personal_operation_answers_any_logged_in_caller(cast, name, how):
    caller = Caller(cast.outsider.user if how != "anonymous" else None, how=how)
    response = _call(caller, name, PROBES[name], cast, None)
    assert response.status_code == (401 if how == "anonymous" else 200)


def test_every_operation_declares_who_it_is_for():
    for name, declared in operations().items():
        assert declared in (PUBLIC, PERSONAL) or isinstance(declared, Permission), name


def test_the_operations_are_those_of_the_openapi_document():
    document = api.get_openapi_schema()
    published = {
        f"{method.upper()} {path}" for path, entry in document["paths"].items() for method in entry
    }
    assert published == set(operations())


def test_every_guarded_or_personal_operation_has_a_probe_and_a_registered_action():
    needing = set(guarded()) | set(personal())
    assert sorted(needing - set(PROBES)) == [], "operations with no probe in this test"
    assert sorted(set(PROBES) - needing) == [], "probes of operations that no longer exist"
    for declared in guarded().values():
        allowed_roles(declared.action, None)  # raises for an action nobody registered
        assert declared.model in OBJECTS


# --- tokens, across every operation that needs a caller -----------------------------------


def _authenticated():
    return sorted(set(guarded()) | set(personal()))


def _with_token(secret):
    caller = Caller()
    caller.headers["Authorization"] = f"Bearer {secret}"
    return caller


@pytest.mark.parametrize("name", _authenticated())
def test_a_revoked_token_is_refused_everywhere(cast, name):
    secret = token_for(cast.electoral.user, Scope.READ_WRITE)
    tokens.revoke(PersonalToken.objects.get())
    obj = OBJECTS[guarded()[name].model](cast, "open") if name in guarded() else None
    before = _state()
    response = _call(_with_token(secret), name, PROBES[name], cast, obj)
    assert response.status_code == 401
    assert _state() == before


@pytest.mark.parametrize("name", _authenticated())
def test_an_expired_token_is_refused_everywhere(cast, name):
    yesterday = timezone.localdate() - timedelta(days=1)
    secret = token_for(cast.electoral.user, Scope.READ_WRITE, expires_on=yesterday)
    obj = OBJECTS[guarded()[name].model](cast, "open") if name in guarded() else None
    before = _state()
    response = _call(_with_token(secret), name, PROBES[name], cast, obj)
    assert response.status_code == 401
    assert _state() == before


def test_a_read_token_cannot_cast(cast):
    poll = OBJECTS[guarded()["POST /api/v1/bodies/{slug}/polls/{poll_id}/ballot"].model](
        cast, "open"
    )
    caller = Caller(cast.resident.user, how="token-read")
    response = caller.post(f"/api/v1/bodies/consejo-a/polls/{poll.pk}/ballot", {"choices": ["1"]})
    assert response.status_code == 403
    assert ballots_cast(poll) == []
    assert not Voter.objects.filter(poll=poll, has_voted=True).exists()


def test_tokens_are_stored_hashed_the_secret_appears_in_no_table(cast, login):
    client = login(cast.resident.user)
    page = client.post("/me/tokens/new/", {"name": "Secreto", "scope": "read-write"})
    secret = page.content.decode().split('id="token-secret"><code>')[1].split("</code>")[0]
    assert _with_token(secret).get("/api/v1/me/").status_code == 200  # used once: last_used
    needle = secret.removeprefix(tokens.TOKEN_PREFIX)[6:]  # past the prefix kept in the list
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found += [table for row in cursor.fetchall() if needle in repr(row)]
    assert found == []
    assert PersonalToken.objects.filter(secret_hash=tokens.digest(secret)).count() == 1
