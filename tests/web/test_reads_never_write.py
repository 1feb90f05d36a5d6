"""No GET changes the database: every URL, for every persona, in every phase of a poll.

The URLs are read from the URL configuration, so a new page cannot be left out: each named URL
must have its sample arguments below. No request may run a statement that writes (INSERT,
UPDATE, DELETE...), and the whole database (every table of every installed model, the ledger
included) is the same after every persona's visits as before them.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comuna.voting import services as voting
from tests.assemblies import pages_attendance, pages_convening, pages_decisions, pages_minutes
from tests.conftest import PERSONAS
from tests.cycles import (
    api_budgets,
    api_comptroller,
    api_cycles,
    api_execution,
    api_lessons,
    api_projects,
    pages_accountability,
    pages_budgets,
    pages_comptroller,
    pages_cycle,
    pages_execution,
    pages_import,
    pages_lessons,
    pages_needs,
    pages_projects,
)
from tests.federation import (
    api_referendums,
    pages_dashboard,
    pages_parliament,
    pages_plan,
    pages_referendums,
)
from tests.mandates import (
    pages_accounting,
    pages_api,
    pages_elections,
    pages_recalls,
    pages_results,
    pages_seats,
)


def _named_patterns(resolver: URLResolver | None = None) -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            names |= _named_patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def _polls(cast):
    """A draft, an open and a closed poll of council A."""
    by = cast.electoral.user
    made = {}
    for phase in ("draft", "open", "closed"):
        poll = voting.create_poll(
            cast.council,
            title=f"Encuesta {phase}",
            method="ranked",
            options=[{"label": "Uno"}, {"label": "Dos"}, {"label": "Tres"}],
            by=by,
        )
        if phase != "draft":
            voting.open_poll(poll, by=by)
        if phase == "closed":
            voting.cast(poll, cast.resident.user, ["2", "1"])
            voting.close_poll(poll, by=by)
        made[phase] = poll
    return made


def _urls(cast, polls) -> dict[str, list[str]]:
    """Every named URL with the arguments that reach real objects of council A (and its
    federation, and the outsider's council)."""
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    question = cast.question
    council = cast.council.slug
    poll_urls = {}
    pages = ("poll", "poll-vote", "poll-open", "poll-close", "poll-paper", "poll-results")
    for name in (*pages, "poll-edit", "poll-delete"):
        poll_urls[name] = [
            reverse(name, kwargs={"slug": council, "pk": p.pk}) for p in polls.values()
        ]
    for name in ("poll-option", "poll-option-image"):
        poll_urls[name] = [
            reverse(name, kwargs={"slug": council, "pk": p.pk, "key": "1"}) for p in polls.values()
        ]
    poll_urls["poll-check"] = [
        reverse("poll-check", kwargs={"slug": council, "pk": p.pk}) + "?code=ABCD-EFGH"
        for p in polls.values()
    ]
    poll_urls["poll-ballots"] = [
        reverse("poll-ballots", kwargs={"slug": council, "pk": p.pk, "fmt": fmt})
        for p in polls.values()
        for fmt in ("json", "pb", "soi")
    ]
    per_body = [
        "body",
        "ledger",
        "ledger-export",
        "ledger-head",
        "open-data",
        "register",
        "census",
        "census-import",
        "census-import-sample",
        "census-questions",
        "household-new",
        "polls",
        "poll-new",
    ]
    return {
        "home": [reverse("home")],
        "favicon": [reverse("favicon")],
        "login": [reverse("login")],
        "logout": [reverse("logout")],
        "profile": [reverse("profile")],
        "token-new": [reverse("token-new")],
        "token-revoke": [reverse("token-revoke", kwargs={"pk": _token(cast)})],
        "set_language": [reverse("set_language")],
        **{name: [reverse(name, kwargs={"slug": s}) for s in slugs] for name in per_body},
        "household": [reverse("household", kwargs={"slug": council, "pk": cast.household.pk})],
        "resident-new": [
            reverse("resident-new", kwargs={"slug": council, "household": cast.household.pk})
        ],
        "resident": [reverse("resident", kwargs={"slug": council, "pk": cast.resident.pk})],
        "census-question": [
            reverse("census-question", kwargs={"slug": council, "pk": question.pk})
        ],
        **poll_urls,
        **_account_urls(cast),
        **_api_urls(cast, polls),
        **{
            name: found
            for part in (
                pages_convening,
                pages_attendance,
                pages_decisions,
                pages_minutes,
                pages_seats,
                pages_elections,
                pages_results,
                pages_recalls,
                pages_accounting,
                pages_cycle,
                pages_needs,
                pages_projects,
                pages_budgets,
                pages_import,
                pages_lessons,
                pages_execution,
                pages_accountability,
                pages_comptroller,
                pages_referendums,
                pages_parliament,
                pages_dashboard,
                pages_plan,
            )
            for name, found in part.urls(cast).items()
        },
    }


def _api_urls(cast, polls) -> dict[str, list[str]]:
    """The API's operations (django-ninja names them after their functions)."""
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = f"/api/v1/bodies/{cast.council.slug}"
    return {
        "api-root": ["/api/v1/"],
        "openapi-json": ["/api/v1/openapi.json"],
        "openapi-view": ["/api/v1/docs"],
        "public_bodies": ["/api/v1/bodies/", "/api/v1/bodies/?limit=1&after=comuna"],
        "public_body": [f"/api/v1/bodies/{s}/" for s in slugs],
        "public_polls": [f"/api/v1/bodies/{s}/polls/" for s in slugs],
        "public_poll": [f"{council}/polls/{p.pk}/" for p in polls.values()],
        "public_poll_ballots": [f"{council}/polls/{p.pk}/ballots" for p in polls.values()],
        "public_ledger": [f"/api/v1/bodies/{s}/ledger/?after=2&limit=5" for s in slugs],
        "public_ledger_head": [f"/api/v1/bodies/{s}/ledger/head" for s in slugs],
        "api-me": ["/api/v1/me/"],
        "api-census": [f"/api/v1/bodies/{s}/census/" for s in ("consejo-a", "consejo-b")],
        "api-ballot": [f"/api/v1/bodies/consejo-a/polls/{p.pk}/ballot" for p in polls.values()],
        **pages_minutes.api_urls(cast),
        **_api_assembly_urls(cast),
        **pages_api.api_urls(cast),
        **api_cycles.api_urls(cast),
        **api_projects.api_urls(cast),
        **api_budgets.api_urls(cast),
        **api_execution.api_urls(cast),
        **api_lessons.api_urls(cast),
        **api_comptroller.api_urls(cast),
        **api_referendums.api_urls(cast),
        **pages_parliament.api_urls(cast),
        **pages_dashboard.api_urls(cast),
    }


def _api_assembly_urls(cast) -> dict[str, list[str]]:
    """A body's assemblies (filtered, and a page after the first), and one in each phase."""
    from comuna.assemblies.models import Status
    from tests.assemblies.factories import assembly_in

    made = [assembly_in(cast, phase) for phase in Status.values]
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    return {
        "api-assemblies": [f"/api/v1/bodies/{s}/assemblies/" for s in slugs]
        + [
            f"/api/v1/bodies/consejo-a/assemblies/?status=ended&after={made[0].pk}&limit=1",
            "/api/v1/bodies/consejo-a/assemblies/?status=nonsense",
        ],
        "api-assembly": [f"/api/v1/bodies/consejo-a/assemblies/{a.pk}/" for a in made],
    }


def _token(cast) -> int:
    """A personal access token of the resident (revoking it needs a POST)."""
    from comuna.api import tokens

    return tokens.issue(cast.resident.user, name="script", scope="read")[0].pk


def _account_urls(cast) -> dict[str, list[str]]:
    from comuna.territory import services
    from tests.conftest import SETUP, make_resident

    council = cast.council.slug
    invited = make_resident(cast.council, "Invitada")
    token = services.invite_resident(
        invited, by=SETUP, delivery="email", email="invitada@example.org"
    )
    on_resident = {"slug": council, "pk": cast.resident.pk}
    return {
        "invite": [reverse("invite")],
        "invite-link": [reverse("invite-link", kwargs={"token": t}) for t in (token, "forged")],
        "resident-login": [
            reverse("resident-login", kwargs={"slug": council, "pk": pk})
            for pk in (cast.resident.pk, invited.pk)
        ],
        "resident-invitation-revoke": [
            reverse("resident-invitation-revoke", kwargs={"slug": council, "pk": invited.pk})
        ],
        "resident-login-unlink": [reverse("resident-login-unlink", kwargs=on_resident)],
        "password_reset": [reverse("password_reset")],
        "password_reset_done": [reverse("password_reset_done")],
        # a bad link: a good one puts its token in the session (Django's design) and redirects
        "password_reset_confirm": [
            reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"})
        ],
        "password_reset_complete": [reverse("password_reset_complete")],
        "password_change": [reverse("password_change")],
        "password_change_done": [reverse("password_change_done")],
    }


def _database_state() -> str:
    digest = hashlib.sha256()
    models = apps.get_models(include_auto_created=True)  # many-to-many tables too
    for model in sorted(models, key=lambda m: m._meta.db_table):
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(model._meta.db_table.encode())
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def question(cast):
    from comuna.territory import services
    from comuna.territory.forms import CensusQuestionForm

    form = CensusQuestionForm(
        {
            "target": "household",
            "key": "bolsa",
            "label": "¿Bolsa?",
            "kind": "yes_no",
            "position": 0,
        },
        body=cast.council,
    )
    assert form.is_valid(), form.errors
    cast.question = services.save_question(form, by=cast.electoral.user)
    return cast.question


def test_every_named_url_has_sample_arguments(cast, question):
    assert set(_urls(cast, {"draft": _polls(cast)["draft"]})) >= _named_patterns()


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_get_changes_the_database(cast, question, client, persona):
    urls = _urls(cast, _polls(cast))
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    before = _database_state()
    statements = 0
    for name, addresses in urls.items():
        for url in addresses:
            with _statements() as seen:
                response = client.get(url)
                assert response.status_code < 500, (name, url, response.status_code)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            statements += len(seen)
            writes = [sql for sql in seen if WRITE.match(sql)]
            assert writes == [], f"GET {url} ({name}) as {persona} wrote: {writes[:3]}"
    assert statements > 100, "the statements of the pages were not seen"
    # the statements' check names the page; the whole database, compared once, backs it up
    assert _database_state() == before, f"a GET as {persona} wrote"


WRITE = re.compile(
    r"\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE|TRUNCATE|ALTER|DROP|CREATE)\b", re.I
)


@contextmanager
def _statements():
    """Every SQL statement the database connection runs inside the block."""
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen
