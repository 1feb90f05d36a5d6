"""Ledger test helpers: PostgreSQL-only skipping, a clean check registry, and tampering.

Tampering goes straight to the tables, as an attacker holding the database would: on
PostgreSQL with the append-only trigger disabled (as the table owner may), on SQLite directly.
"""

import pytest
from django.db import connection, transaction
from django.utils import translation

from comuna.ledger import canonical_json, checks, record
from comuna.ledger.models import Entry

TRIGGER = "ledger_entry_append_only"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (row locks across connections, triggers): run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )


@pytest.fixture(autouse=True)
def in_english():
    """Messages are checked in English (the source language); translations are not under test."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_checks(monkeypatch):
    """Each test starts with no registered checks and leaves none behind."""
    monkeypatch.setattr(checks, "_CHECKS", {})
    monkeypatch.setattr(checks, "_CHAIN_CHECKS", {})


@pytest.fixture
def cast(db):
    """Four bodies with empty chains (the ledger tests write their own entries): made
    directly, since the territory's services would write entries of their own."""
    from types import SimpleNamespace

    from comuna.territory.models import Body, BodyKind

    city = Body.objects.create(name="Ciudad", slug="ciudad", kind=BodyKind.CITY)
    commune = Body.objects.create(name="Comuna", slug="comuna", kind=BodyKind.COMMUNE, parent=city)
    council, other = (
        Body.objects.create(name=name, slug=slug, kind=BodyKind.COUNCIL, parent=commune)
        for name, slug in (("Consejo A", "consejo-a"), ("Consejo B", "consejo-b"))
    )
    return SimpleNamespace(city=city, commune=commune, council=council, other=other)


def chain_of(body):
    return f"body:{body.pk}"


def record_many(chain, items, *, actor=""):
    """Record (kind, payload) pairs in one transaction; return the entries."""
    with transaction.atomic():
        return [record(chain, kind, payload, actor=actor) for kind, payload in items]


FIVE = [
    ("assembly.minutes", {"assembly": 1, "decisions": ["Plaza", "Agua"]}),
    ("voting.tally", {"poll": 7, "total": 3}),
    ("budget.allocation", {"funded": ["P1", "P3"], "spent": "1250.50"}),
    ("voting.tally", {"poll": 8, "total": 4}),
    ("assembly.minutes", {"assembly": 2, "decisions": []}),
]


@pytest.fixture
def tamper(db):
    def run(sql, params=()):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE ledger_entry DISABLE TRIGGER {TRIGGER}")
            cursor.execute(sql, params)
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE ledger_entry ENABLE TRIGGER {TRIGGER}")

    return run


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def append_behind_the_services(chain, kind, payload, execute=sql):
    """Append an entry with a correct hash after the chain's last one and move the head to it,
    with SQL run by ``execute(statement, params)``, as an insider who knows the formula would."""
    last = Entry.objects.filter(chain=chain).order_by("-seq").first()
    forged = Entry(
        chain=chain,
        seq=last.seq + 1,
        kind=kind,
        payload=canonical_json(payload),
        prev_hash=last.hash,
        recorded_at=last.recorded_at,
        actor="system:scheduler",
    )
    forged.hash = forged.computed_hash()
    execute(
        "INSERT INTO ledger_entry (chain, seq, kind, payload, prev_hash, hash, recorded_at, actor)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [
            chain,
            forged.seq,
            kind,
            forged.payload,
            forged.prev_hash,
            forged.hash,
            forged.recorded_at,
            forged.actor,
        ],
    )
    execute(
        "UPDATE ledger_head SET seq = %s, hash = %s WHERE chain = %s",
        [forged.seq, forged.hash, chain],
    )
    return forged
