"""One cast of personas shared by the Django tests.

A small federation: a city, a commune, and two councils (A and B). In council A: a resident,
a committee spokesperson, a member of the electoral commission, a member of the comptroller
unit, a member of the financial unit, an administrator, a substitute of the health committee
(not seated, so only a resident) and council A's spokesperson in the commune's parliament. In
council B: an outsider (a resident of another body).
"""

import shutil
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.utils import translation

from comuna.territory import services
from comuna.territory.actors import SystemActor
from comuna.territory.forms import HouseholdForm, ResidentForm
from comuna.territory.models import (
    BodyKind,
    Household,
    MandateKind,
    OrganKind,
    Resident,
)

PASSWORD = "a-long-test-password"
SETUP = SystemActor("test-setup")  # the actor of every change the cast makes
PERSONAS = [
    "anonymous",
    "resident",
    "spokesperson",
    "electoral",
    "comptroller",
    "admin",
    "outsider",
    "financial",
    "parliamentarian",
    "substitute",
]
MEMBERS = {
    "resident",
    "spokesperson",
    "electoral",
    "comptroller",
    "admin",
    "financial",
    "parliamentarian",
    "substitute",
}
# every adult resident of council A with a login: the register of a council-A poll
COUNCIL_A_VOTERS = len(MEMBERS)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level messages are asserted in English (the source language); pages go
    through the locale middleware like any request (Spanish by default)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (option images), the bodies' signing keys and the server's witness file
    go to the test's own directory, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMUNA_KEYS_DIR = tmp_path / "keys"
    settings.COMUNA_WITNESS_FILE = tmp_path / "witness" / "heads.jsonl"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_household(body, code=None, address=None):
    form = HouseholdForm(
        {
            "code": code or f"H-{Household.objects.count() + 1}",
            "address": address or "Calle Principal",
            "tenure": "owned",
            "dwelling": "house",
            "has_running_water": True,
            "has_electricity": True,
            "has_gas": True,
        },
        body=body,
    )
    assert form.is_valid(), form.errors
    return services.save_household(form, by=SETUP)


def make_resident(
    body,
    name,
    *,
    born=date(1980, 5, 17),
    since=date(2010, 1, 1),
    household=None,
    username=None,
    **fields,
):
    """A resident added through the census service (so the ledger records it); ``fields``:
    more of the census form's fields (``document_id``, ``family_name``...)."""
    household = household or make_household(body, address=f"Calle {name}")
    form = ResidentForm(
        {
            "given_name": name,
            "family_name": "Prueba",
            "birth_date": born.isoformat(),
            "sex": "F",
            "resident_since": max(since, born).isoformat(),
            **fields,
        },
        household=household,
    )
    assert form.is_valid(), form.errors
    resident = services.save_resident(form, by=SETUP)
    if username:
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        resident = services.link_login(resident, user, by=SETUP)
    return resident


def ballots_cast(poll=None):
    """The choices of every ballot cast (in the box or counted), of ``poll`` or of all polls,
    sorted: casting puts a ballot in the box, the mixer moves it to the counted table."""
    from comuna.voting.models import Ballot, BoxedBallot

    found = []
    for model in (BoxedBallot, Ballot):
        rows = model.objects.all() if poll is None else model.objects.filter(poll=poll)
        found += [
            sorted(c.items()) if isinstance(c, dict) else c
            for c in rows.values_list("choices", flat=True)
        ]
    return sorted(found)


def add_voters(body, n, prefix):
    """``n`` adult residents of ``body`` with logins (no passwords), in one household,
    imported as a census file."""
    lines = ["household_code,address,given_name,family_name,birth_date,sex,resident_since"]
    lines += [
        f"BLOQUE-{prefix},Bloque {prefix},{prefix}{i},Votante,1990-01-01,X,2015-01-01"
        for i in range(n)
    ]
    services.import_census(body, "\n".join(lines).encode(), by=SETUP)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{prefix}{i}") for i in range(n)
    )
    residents = {
        r.given_name: r
        for r in Resident.objects.filter(body=body, household__code=f"BLOQUE-{prefix}")
    }
    for i, user in enumerate(users):
        services.link_login(residents[f"{prefix}{i}"], user, by=SETUP)
    return users


class Cast:
    def __init__(self):
        body = partial(services.create_body, by=SETUP)
        self.city = body(name="Ciudad", slug="ciudad", kind=BodyKind.CITY)
        self.commune = body(name="Comuna", slug="comuna", kind=BodyKind.COMMUNE, parent=self.city)
        self.council = body(
            name="Consejo A", slug="consejo-a", kind=BodyKind.COUNCIL, parent=self.commune
        )
        self.other = body(
            name="Consejo B", slug="consejo-b", kind=BodyKind.COUNCIL, parent=self.commune
        )
        self.health = services.create_organ(
            self.council, by=SETUP, kind=OrganKind.COMMITTEE, name="Comité de Salud"
        )
        self.electoral_organ = services.create_organ(
            self.council, by=SETUP, kind=OrganKind.ELECTORAL, name="Comisión Electoral"
        )
        self.comptroller_organ = services.create_organ(
            self.council, by=SETUP, kind=OrganKind.COMPTROLLER, name="Contraloría Social"
        )
        self.financial_organ = services.create_organ(
            self.council, by=SETUP, kind=OrganKind.FINANCIAL, name="Unidad Financiera"
        )
        self.parliament = services.create_organ(
            self.commune, by=SETUP, kind=OrganKind.PARLIAMENT, name="Parlamento Comunal"
        )
        self.resident = make_resident(self.council, "Residente", username="resident")
        self.spokesperson = make_resident(self.council, "Vocera", username="spokesperson")
        self.electoral = make_resident(self.council, "Electoral", username="electoral")
        self.comptroller = make_resident(self.council, "Contralor", username="comptroller")
        self.admin = make_resident(self.council, "Admin", username="admin")
        self.outsider = make_resident(self.other, "Foránea", username="outsider")
        self.financial = make_resident(self.council, "Financiera", username="financial")
        self.parliamentarian = make_resident(
            self.council, "Parlamentaria", username="parliamentarian"
        )
        self.substitute = make_resident(self.council, "Suplente", username="substitute")
        for resident, organ, kind in [
            (self.spokesperson, self.health, MandateKind.SPOKESPERSON),
            (self.electoral, self.electoral_organ, MandateKind.SPOKESPERSON),
            (self.comptroller, self.comptroller_organ, MandateKind.SPOKESPERSON),
            (self.financial, self.financial_organ, MandateKind.SPOKESPERSON),
            (self.admin, None, MandateKind.ADMINISTRATOR),
            (self.substitute, self.health, MandateKind.SUBSTITUTE),
            (self.parliamentarian, self.parliament, MandateKind.SPOKESPERSON),
        ]:
            services.confer_mandate(
                organ.body if organ else self.council,
                resident,
                organ=organ,
                kind=kind,
                starts_on=date(2020, 1, 1),
                ends_on=date(2099, 1, 1),
                by=SETUP,
            )
        self.household = self.resident.household

    def user(self, persona):
        return None if persona == "anonymous" else getattr(self, persona).user


class _CastRows:
    """The rows one ``Cast()`` adds to an otherwise untouched test database, kept once per
    process: a test's cast is these rows inserted again (a few statements) instead of the
    hundreds of statements of the services that made them, so every test still gets the same
    cast, made by the services and recorded in the ledger, in its own transaction. The bodies'
    signing keys are copied into the test's own keys directory."""

    def __init__(self, before, after, cast, keys):
        self.tables = {}  # table -> rows added by Cast()
        self.usable = True
        for table, rows in after.items():
            old = set(before.get(table, []))
            if old - set(rows):  # Cast() changed or deleted a row that was there
                self.usable = False
            added = [r for r in rows if r not in old]
            if added:
                self.tables[table] = added
        self.counts = tuple(len(before.get(t, [])) for t in self.tables)
        self.refs = {
            name: (type(value), value.pk)
            for name, value in vars(cast).items()
            if isinstance(value, models.Model)
        }
        self.keys = keys

    def restore(self):
        """A new Cast from the rows, or None when the database is not as it was (the demo of
        the module is loaded, a fixture made rows of its own): the caller makes one then."""
        if not self.usable or _counts(self.tables) != self.counts:
            return None
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for table, rows in self.tables.items():
                        cursor.executemany(_insert_sql(table, rows[0]), rows)
                    if connection.vendor == "postgresql":
                        by_table = {m._meta.db_table: m for m in _models()}
                        touched = [by_table[t] for t in self.tables if t in by_table]
                        for sql in connection.ops.sequence_reset_sql(no_style(), touched):
                            cursor.execute(sql)
        except IntegrityError:
            return None
        keys = Path(django_settings.COMUNA_KEYS_DIR)
        shutil.copytree(self.keys, keys, dirs_exist_ok=True)
        cast = Cast.__new__(Cast)
        wanted: dict = {}
        for model, pk in self.refs.values():
            wanted.setdefault(model, set()).add(pk)
        found = {m: m._base_manager.in_bulk(pks) for m, pks in wanted.items()}
        for name, (model, pk) in self.refs.items():
            setattr(cast, name, found[model][pk])
        cast.household = cast.resident.household = found[Household][cast.resident.household_id]
        return cast


def _models():
    from django.apps import apps

    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _tables() -> list[str]:
    existing = set(connection.introspection.table_names())
    return sorted({m._meta.db_table for m in _models()} & existing)


def _counts(tables) -> tuple:
    if not tables:
        return ()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables))
        return tuple(cursor.fetchone())


def _rows() -> dict[str, list]:
    """Every row of every table: raw tuples on SQLite, the row as JSON text on PostgreSQL
    (which json_populate_record turns back into the row, whatever its columns' types)."""
    q = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in _tables():
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT row_to_json(t)::text FROM {q(table)} t")
            else:
                cursor.execute(f"SELECT * FROM {q(table)}")
                found[table + ":columns"] = [c[0] for c in cursor.description]
            found[table] = [tuple(r) for r in cursor.fetchall()]
    return found


def _insert_sql(table, row) -> str:
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return f"INSERT INTO {q(table)} SELECT * FROM json_populate_record(NULL::{q(table)}, %s)"
    columns = _COLUMNS[table]
    return (
        f"INSERT INTO {q(table)} ({', '.join(map(q, columns))})"
        f" VALUES ({', '.join(['%s'] * len(columns))})"
    )


_COLUMNS: dict[str, list[str]] = {}
_CAST_ROWS: dict[str, _CastRows] = {}  # database vendor -> the rows of a cast


def _cast_rows() -> _CastRows:
    """The rows of a cast made once in this process, in a transaction rolled back."""
    with transaction.atomic():
        before = _rows()
        made = Cast()
        after = _rows()
        transaction.set_rollback(True)
    for key in [k for k in after if k.endswith(":columns")]:
        _COLUMNS[key.removesuffix(":columns")] = after.pop(key)
        before.pop(key, None)
    keys = Path(tempfile.mkdtemp(prefix="cast-keys-"))
    if Path(django_settings.COMUNA_KEYS_DIR).exists():
        shutil.copytree(django_settings.COMUNA_KEYS_DIR, keys, dirs_exist_ok=True)
    return _CastRows(before, after, made, keys)


@pytest.fixture
def cast(db):
    rows = _CAST_ROWS.get(connection.vendor)
    if rows is None:
        rows = _CAST_ROWS[connection.vendor] = _cast_rows()
    return rows.restore() or Cast()


@pytest.fixture
def login(client):
    def as_(user):
        if user is not None:
            client.force_login(user)
        return client

    return as_


def commission_member(cast, name: str, username: str):
    """One more member of council A's electoral commission, with a login: its user."""
    member = make_resident(cast.council, name, username=username)
    services.confer_mandate(
        cast.council,
        member,
        organ=cast.electoral_organ,
        kind=MandateKind.SPOKESPERSON,
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 1, 1),
        by=SETUP,
    )
    return member.user


@pytest.fixture
def electoral_2(cast):
    """A second member of council A's electoral commission (paper ballots are entered twice,
    by two members). Not a persona of the matrix: the same role as ``electoral``."""
    return commission_member(cast, "Electoral Dos", "electoral2")


@pytest.fixture(autouse=True)
def _no_login_throttling(settings):
    """django-axes off, so tests may log in with ``client.login()`` (which passes Axes no
    request) and fail logins freely; the throttling tests turn it on with ``throttled``."""
    settings.AXES_ENABLED = False


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Rate limits off, so tests may cast, log in and check receipts freely; the tests of the
    limits (and of a cast request's statements) turn them on with ``rate_limited``."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def rate_limited(settings):
    settings.RATELIMIT_ENABLE = True


def pytest_collection_modifyitems(config, items):
    """The browser tests run on one worker (``--dist loadgroup``): one demo server started for
    them all instead of one per worker."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
