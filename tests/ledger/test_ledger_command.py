"""``comuna ledger verify`` and ``comuna ledger head`` as a user runs them."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comuna.ledger import register_check

from .conftest import FIVE, chain_of, record_many

ROOT = Path(__file__).resolve().parents[2]


def ledger(*args):
    out, err = StringIO(), StringIO()
    call_command("ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def ledger_fails(*args):
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ledger", *args, stdout=StringIO(), stderr=err)
    return failure.value, err.getvalue()


@pytest.fixture
def recorded(cast):
    register_check("voting.tally", lambda entry: None)
    return record_many(chain_of(cast.council), FIVE)


def test_verify_prints_one_summary_line_per_body(cast, recorded):
    out, err = ledger("verify")
    lines = out.splitlines()
    head = recorded[-1].hash
    assert f"consejo-a: 5 entries, 2 checks, head {head[:12]}…" in lines
    assert "consejo-b: 0 entries, 0 checks, no head yet" in lines
    assert [line.split(":")[0] for line in lines[:4]] == [
        "ciudad",
        "comuna",
        "consejo-a",
        "consejo-b",
    ]
    assert lines[-1] == "Ledger verified: 4 chains, 5 entries, 2 checks."
    assert err == ""


def test_verify_of_one_body(cast, recorded):
    out, _ = ledger("verify", "--body", "consejo-a")
    assert out.splitlines()[0].startswith("consejo-a: 5 entries, 2 checks")
    assert "consejo-b" not in out


def test_verify_names_the_first_bad_entry_and_exits_1(cast, recorded, tamper):
    tamper("UPDATE ledger_entry SET payload = %s WHERE seq = 2", ['{"poll":7,"total":30}'])
    tamper("DELETE FROM ledger_entry WHERE seq = 4")
    error, err = ledger_fails("verify")
    assert error.returncode == 1
    message = str(error)
    assert message.startswith("The ledger does not verify: consejo-a, entry 2 (voting.tally): ")
    assert "stored hash" in message
    assert err.startswith("consejo-a: entry 2 (voting.tally): its stored hash")


def test_verify_names_a_missing_entry(cast, recorded, tamper):
    tamper("DELETE FROM ledger_entry WHERE seq = 5")
    error, _ = ledger_fails("verify", "--body", "consejo-a")
    assert error.returncode == 1
    assert "consejo-a, entry 5 (missing): the published head names entry 5" in str(error)


def test_a_failed_recount_is_named(cast, recorded, monkeypatch):
    from comuna.ledger import checks

    monkeypatch.setitem(checks._CHECKS, "voting.tally", lambda e: "the ballots give 2, not 3")
    error, _ = ledger_fails("verify")
    assert str(error).endswith("consejo-a, entry 2 (voting.tally): the ballots give 2, not 3")


def test_an_unknown_body_is_a_clear_error_with_exit_2(cast):
    for action in ("verify", "head"):
        error, _ = ledger_fails(action, "--body", "no-such-council")
        assert error.returncode == 2
        assert str(error) == "There is no body with the short name 'no-such-council'."


def test_head_prints_each_body_s_full_head_hash(cast, recorded):
    out, _ = ledger("head")
    last = recorded[-1]
    assert f"consejo-a: entry 5, head {last.hash}, at " in out
    assert "consejo-b: no entries yet" in out
    out, _ = ledger("head", "--body", "consejo-a")
    assert out.count("\n") == 1 and last.hash in out


def test_chains_of_no_body_are_reported_by_name(cast, recorded):
    record_many("body:999999", FIVE[:1])
    out, _ = ledger("verify")
    assert "body:999999: 1 entry, 0 checks, head " in out


@pytest.fixture
def served_bodies(db):
    """Bodies made by the territory's service, as the command in another process expects
    (there every app's checks run: a body with no creation entry would not verify)."""
    from comuna.territory.actors import SystemActor
    from comuna.territory.services import create_body

    setup = SystemActor("test-setup")
    council = create_body(name="Consejo A", slug="consejo-a", kind="council", by=setup)
    create_body(name="Consejo B", slug="consejo-b", kind="council", by=setup)
    return council


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_command_line_exit_codes(served_bodies, tamper):
    recorded = record_many(chain_of(served_bodies), FIVE)  # entries 3 to 7, after 2 of its own
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}

    def comuna(*args):
        return subprocess.run(
            [sys.executable, "-m", "comuna", "ledger", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    ok = comuna("verify")
    assert ok.returncode == 0, ok.stderr
    # The command speaks the site's language (LANGUAGE_CODE): check what any language shows.
    assert "consejo-a: 7 " in ok.stdout and recorded[-1].hash[:12] in ok.stdout
    unknown = comuna("verify", "--body", "nope")
    assert unknown.returncode == 2 and "'nope'" in unknown.stderr
    tamper("UPDATE ledger_entry SET payload = %s WHERE seq = 5", ['{"funded":[],"spent":"0"}'])
    bad = comuna("verify")
    assert bad.returncode == 1
    assert "consejo-a" in bad.stderr and " 5 (budget.allocation): " in bad.stderr
