"""Hostile values in every form and every query parameter of every page: never a 5xx.

What it covers. The forms are found, not listed: every named URL (the sample addresses of
``test_reads_never_write``, with polls of every method in every phase) is read by three
personas (the electoral commission, a resident, anonymous), and each
``<form>`` of each page is parsed (action, method, inputs, selects, textareas); forms of the
same action with the same fields (the vote forms of two approval polls, the language form
of every page) are tried once. Each
form is then posted with its own values (empty ones filled with something plausible) and one field
replaced at a time by:

- text: a NUL byte (PostgreSQL refuses it in text), 10,000 characters;
- numbers (``type=number`` or a numeric value): 32768, 2^31, 2^63 (past each integer column)
  and NUL; NaN, Infinity, 1e999 and -0 go into every number of the form at once (each field
  is cleaned on its own, so one post per value reaches them all);
- choices (selects, radios, checkboxes): NUL and a choice that does not exist;

and, once per form, every field sent twice (an array where a scalar is expected) and every
field as bytes that are not UTF-8. The query parameters are those of ``QUERY_PARAMETERS``
(the test below checks that it names every ``request.GET`` the views read), each sent as NUL,
30 nines, -1, NaN, 1e999, "²" (a digit to str.isdigit(), not to int()), non-UTF-8 bytes and an
array.

Every response must be under 500. A POST that is refused (a 4xx, or the form again with its
errors) must have changed nothing in the database; each POST runs in a transaction rolled back afterwards, so
that one accepted value does not change what the next one meets. File inputs are left out
(uploads have their own tests: tests/territory/test_census_import_limits.py).
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comuna.voting import services as voting
from tests.web.test_reads_never_write import _database_state, _polls, _urls, question  # noqa: F401

PERSONAS = ("electoral", "resident", "anonymous")
NUL = "a\x00b"
TEXT_VALUES = [NUL, "x" * 10_000]
# past a small, a plain and a big integer column; the last, sent to every number at once
NUMBER_VALUES = ["32768", "2147483648", "9223372036854775808", NUL]
# "²" is a digit to str.isdigit() that int() refuses
NOT_NUMBERS = ["NaN", "Infinity", "1e999", "-0", "²"]
CHOICE_VALUES = [NUL, "no-such-choice", "²"]
QUERY_VALUES = ["\x00", "9" * 30, "-1", "NaN", "1e999", "²", b"\xff\xfe", ["1", "2"]]
WRITES = ("INSERT", "UPDATE", "DELETE")

# the query parameters each page reads (url name -> parameters)
QUERY_PARAMETERS = {
    "census": ("q", "page"),
    "register": ("q", "page"),
    "ledger": ("page",),
    "login": ("next",),
    "assembly-motion-new": ("amends",),
    "assembly-decisions": ("page",),
    "recall-new": ("mandate",),
    "needs": ("category", "sort"),
    "projects": ("status", "need"),
    "budget-export": ("district",),
    "lessons": ("q", "category", "outcome", "min_cost", "max_cost", "place", "page"),
    "comptroller": ("findings", "complaints"),
    "accountability-expenses": ("cycle",),
    "accountability-receipts": ("cycle",),
    "parliament-recall": ("reason",),
}


class _Forms(HTMLParser):
    """The forms of a page: [{"action", "method", "fields": [(name, kind, value, choices)]}]."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": [],
                }
            )
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                known = next((f for f in fields if f[0] == a["name"]), None)
                if known is not None:
                    known[3].append(value)
                    if "checked" in a:
                        known[2] = value
                    return
                fields.append([a["name"], kind, value if "checked" in a else None, [value]])
            else:
                fields.append([a["name"], kind, a.get("value", ""), []])
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], "select", None, []]
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[3].append(value)
            if "selected" in a or self._select[2] is None:
                self._select[2] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], "textarea", "", []]
            fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


PLAUSIBLE = {
    "number": "1",
    "date": "2000-01-01",
    "email": "hostile@example.org",
    "password": "a-long-test-password",
    "textarea": "Uno\nDos",
    "text": "Prueba",
}


def _baseline(fields) -> dict:
    """The form as a person would send it: its own values, empty ones filled plausibly."""
    data = {}
    for name, kind, value, _choices in fields:
        if kind in ("checkbox", "radio"):
            if value is not None:
                data[name] = value
        elif value:
            data[name] = value.strip("\n") if kind == "textarea" else value
        elif kind in PLAUSIBLE and name != "csrfmiddlewaretoken":
            data[name] = PLAUSIBLE[kind]
    return data


def _numeric(kind, value) -> bool:
    return kind == "number" or bool(value and re.fullmatch(r"-?\d+([.,]\d+)?", value))


def _hostile_values(kind, value):
    if kind in ("select", "checkbox", "radio"):
        return CHOICE_VALUES
    if _numeric(kind, value):
        return NUMBER_VALUES
    return TEXT_VALUES


def _discover(client, cast, urls):
    """Each distinct form (by method, action and field names) with the persona who saw it."""
    found = {}
    for persona in PERSONAS:
        client.logout()
        user = cast.user(persona)
        if user is not None:
            client.force_login(user)
        for name, addresses in urls.items():
            for url in addresses:
                response = client.get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = _Forms()
                parser.feed(response.content.decode())
                for form in parser.forms:
                    action = urlsplit(urljoin(url, form["action"] or url))
                    target = action.path + (f"?{action.query}" if action.query else "")
                    # one form of each shape: the forms of polls of one method look alike
                    names = sorted({re.sub(r"\d+", "N", f[0]) for f in form["fields"]})
                    where = re.sub(r"\d+", "N", action.path)  # the language form: once
                    found.setdefault((form["method"], where, *names), (persona, name, target, form))
    return found


@pytest.fixture
def world(cast, question):  # noqa: F811
    """Open polls of every method, besides the ranked ones of every phase."""
    polls = _polls(cast)
    by = cast.electoral.user
    for method, extra in (
        ("approval", {}),
        ("single", {}),
        ("cumulative", {"max_points": 10}),
        ("budget", {"budget": 1000}),
    ):
        options = [{"label": "Uno"}, {"label": "Dos"}]
        if method == "budget":
            options = [{"label": "Uno", "cost": 300}, {"label": "Dos", "cost": 500}]
        poll = voting.create_poll(
            cast.council, title=method, method=method, options=options, by=by, **extra
        )
        voting.open_poll(poll, by=by)
        polls[method] = poll
    return _urls(cast, polls)


def _post(client, target, data, raw: bytes | None, before: str) -> str | None:
    """What went wrong with one POST, run in a transaction rolled back afterwards (the
    client's cookies restored too); ``before`` is the database's state."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        try:
            if raw is not None:
                response = client.generic(
                    "POST", target, raw, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.post(target, data)
        except Exception as exc:  # a view that raised: the 500 the test exists to find
            transaction.set_rollback(True)
            client.cookies = cookies
            return f"raised {type(exc).__name__}: {exc}"[:300]
        problem = None
        refused = 400 <= response.status_code < 500 or b"errorlist" in response.content
        wrote = any(q["sql"].lstrip().upper().startswith(WRITES) for q in queries)
        if response.status_code >= 500:
            problem = f"answered {response.status_code}"
        elif refused and wrote and _database_state() != before:
            problem = f"refused ({response.status_code}) but wrote to the database"
        transaction.set_rollback(True)
    client.cookies = cookies
    return problem


def _show(value) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:36] + "...'"


def test_no_hostile_form_value_answers_5xx_or_writes_when_refused(cast, world, client):
    client.raise_request_exception = True
    forms = _discover(client, cast, world)
    assert len(forms) >= 25, sorted(forms)  # the crawl reached the pages with forms
    failures = []
    posted = 0
    by_persona = sorted(
        (persona, url_name, target, form)
        for (method, _where, *_names), (persona, url_name, target, form) in forms.items()
        if method == "post"
    )
    before = persona = None
    for who, url_name, target, form in by_persona:
        if who != persona:
            persona = who
            client.logout()
            user = cast.user(persona)
            if user is not None:
                client.force_login(user)
            before = _database_state()  # each POST is rolled back: the same before every one
        base = _baseline(form["fields"])
        attempts = []
        for name, kind, value, _choices in form["fields"]:
            if name == "csrfmiddlewaretoken":
                continue
            for bad in _hostile_values(kind, value):
                attempts.append((f"{name}={_show(bad)}", {**base, name: bad}, None))
        numbers = [f[0] for f in form["fields"] if f[0] in base and _numeric(f[1], f[2])]
        if numbers:
            for bad in NOT_NUMBERS:
                attempts.append(
                    (f"every number {bad}", {**base, **dict.fromkeys(numbers, bad)}, None)
                )
        attempts.append(("every field twice", {k: [v, v] for k, v in base.items()}, None))
        raw = "&".join(f"{k}=%FF%FE" for k in base).encode() or b"x=%FF"
        attempts.append(("every field not UTF-8", None, raw))
        for what, data, body in attempts:
            posted += 1
            problem = _post(client, target, data, body, before)
            if problem:
                failures.append(f"POST {target} ({url_name}, as {persona}) {what}: {problem}")
    assert posted > 200
    assert not failures, "\n".join(failures)


def test_no_hostile_query_parameter_answers_5xx(cast, world, client):
    failures = []
    for url_name, params in QUERY_PARAMETERS.items():
        client.logout()
        client.force_login(cast.electoral.user)
        for url in world[url_name]:
            for param in params:
                for bad in QUERY_VALUES:
                    if isinstance(bad, bytes):
                        query = f"{param}=%FF%FE"
                    else:
                        query = urlencode({param: bad}, doseq=True)
                    response = client.get(f"{url}?{query}")
                    if response.status_code >= 500:
                        failures.append(f"GET {url}?{query[:60]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_query_parameter_the_views_read_is_tried():
    read = set()
    for source in Path("comuna/web").glob("*.py"):
        read |= set(re.findall(r"request\.GET\.get\(\s*\"(\w+)\"", source.read_text()))
    # "next" is read by Django's login view
    assert read <= {p for params in QUERY_PARAMETERS.values() for p in params}, read


@pytest.mark.parametrize("page", ["census", "register"])
def test_a_search_with_a_nul_or_too_long_is_refused_in_words(cast, client, page):
    client.force_login(cast.electoral.user)
    url = f"/b/{cast.council.slug}/{page}/"
    whole = client.get(url)
    for bad in ("Pérez\x00", "P" * 201):
        response = client.get(url, {"q": bad})
        assert response.status_code == 200
        assert response.context["refused"] and response.context["query"] == ""
        assert 'id="search-refused"' in response.content.decode()
        assert response.context["page"].paginator.count == whole.context["page"].paginator.count
