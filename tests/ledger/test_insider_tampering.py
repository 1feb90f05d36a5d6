"""A database superuser's edits, each caught by `comuna ledger verify` and named.

Issue 9 lists 18 tamperings: 10 the hash chain caught already, 8 it did not (consistent rewrites
with every hash and the head recomputed, a truncated ledger, a forged entry, an edited stored
result). Each is re-created here as the superuser would, on PostgreSQL with the append-only
trigger bypassed (``session_replication_role = replica``), after a witness was kept: the
server's own witness file (written after each commit) and a signed head fetched as
``/b/<slug>/ledger/head.json`` by someone outside. Both must catch every rewrite an earlier head
can reveal; an entry forged at the end is after every outside witness, so the server's file
(which saw every real head) is what catches it.
"""

import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from comuna.ledger import canonical_json
from comuna.ledger.hashing import GENESIS_HASH
from comuna.ledger.models import Entry, Head
from comuna.ledger.signing import ensure_key, head_document, key_path
from comuna.territory import services as territory
from comuna.territory.models import BodyKind
from comuna.voting import services as voting
from comuna.voting import tally, turnout
from comuna.voting.models import Ballot, Poll
from tests.conftest import SETUP, add_voters
from tests.ledger.conftest import append_behind_the_services

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture
def no_checks():
    """Overrides the ledger tests' empty registry: every real check runs here."""


@pytest.fixture
def council(db, django_capture_on_commit_callbacks, tmp_path):
    """One council whose chain holds a closed poll with three ballots (2 for "Sí", 1 for
    "No"), every ledger write witnessed in the server's file as it committed, and a signed
    head kept by someone outside."""
    with django_capture_on_commit_callbacks(execute=True):
        body = territory.create_body(
            name="Consejo", slug="consejo", kind=BodyKind.COUNCIL, by=SETUP
        )
        voters = add_voters(body, 3, "v")
        poll = voting.create_poll(
            body,
            title="Plaza",
            method="single",
            options=[{"label": "Sí"}, {"label": "No"}],
            by=SETUP,
        )
        voting.open_poll(poll, by=SETUP)
        for user, choice in zip(voters, ["1", "1", "2"], strict=True):
            voting.cast(poll, user, choice)
        voting.close_poll(poll, by=SETUP)
    poll.refresh_from_db()
    chain = body.ledger_chain
    kept = tmp_path / "kept.jsonl"
    kept.write_text(canonical_json(head_document(chain, body.slug)) + "\n")
    return SimpleNamespace(body=body, poll=poll, chain=chain, kept=kept, n=poll.result_entry)


def superuser(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)


def rehash(chain, start=1):
    """Recompute every hash from entry ``start`` on and move the head to the last entry: the
    chain is consistent again, as an insider who knows the formula would leave it."""
    prev = GENESIS_HASH if start == 1 else Entry.objects.get(chain=chain, seq=start - 1).hash
    last = None
    for entry in Entry.objects.filter(chain=chain, seq__gte=start).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = entry.computed_hash()
        superuser(
            "UPDATE ledger_entry SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev, last = entry.hash, entry
    superuser(
        "UPDATE ledger_head SET seq = %s, hash = %s WHERE chain = %s",
        [last.seq, last.hash, chain],
    )


def set_payload(council, seq, data):
    superuser(
        "UPDATE ledger_entry SET payload = %s WHERE chain = %s AND seq = %s",
        [canonical_json(data), council.chain, seq],
    )


def closing(council):
    return Entry.objects.get(chain=council.chain, seq=council.n)


def verify_fails(*args):
    """`comuna ledger verify` as the operator runs it: fails (status 1); what it printed."""
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", *args, stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return f"{failure.value}\n{err.getvalue()}"


# --- the tamperings -----------------------------------------------------------------------


def edit_payload(c):
    superuser(
        "UPDATE ledger_entry SET payload = %s WHERE chain = %s AND seq = 1",
        ['{"body":"consejo","kind":"council","name":"Otro","parent":null}', c.chain],
    )


def edit_recorded_at(c):
    superuser(
        "UPDATE ledger_entry SET recorded_at = recorded_at - interval '1 day' "
        "WHERE chain = %s AND seq = 2",
        [c.chain],
    )


def delete_middle(c):
    superuser("DELETE FROM ledger_entry WHERE chain = %s AND seq = 5", [c.chain])


def swap(c, first=4, second=5):
    for old, new in ((first, 10**6), (second, first), (10**6, second)):
        superuser(
            "UPDATE ledger_entry SET seq = %s WHERE chain = %s AND seq = %s", [new, c.chain, old]
        )


def delete_last_three(c):
    superuser("DELETE FROM ledger_entry WHERE chain = %s AND seq > %s", [c.chain, c.n - 3])


def edit_head_hash(c):
    superuser("UPDATE ledger_head SET hash = %s WHERE chain = %s", ["f" * 64, c.chain])


def edit_winners(c):
    data = closing(c).data
    data["result"]["winners"] = ["2"]
    set_payload(c, c.n, data)
    rehash(c.chain, c.n)


def two_different_ballots(c):
    """A ballot for "Sí" and one for "No"."""
    ballots = list(Ballot.objects.filter(poll=c.poll))
    yes = next(b for b in ballots if b.choices in ("1", ["1"]))
    no = next(b for b in ballots if b.choices in ("2", ["2"]))
    return yes, no


def change_one_ballot(c):
    yes, no = two_different_ballots(c)
    superuser(
        "UPDATE voting_ballot SET choices = %s WHERE id = %s", [json.dumps(no.choices), yes.pk]
    )


def swap_two_ballots(c):
    a, b = two_different_ballots(c)
    superuser("UPDATE voting_ballot SET choices = %s WHERE id = %s", [json.dumps(b.choices), a.pk])
    superuser("UPDATE voting_ballot SET choices = %s WHERE id = %s", [json.dumps(a.choices), b.pk])


def delete_poll(c):
    for table in ("voting_ballot", "voting_voter", "voting_option"):
        superuser(f"DELETE FROM {table} WHERE poll_id = %s", [c.poll.pk])
    superuser("DELETE FROM voting_poll WHERE id = %s", [c.poll.pk])


def edit_payload_rehashed(c):
    edit_payload(c)
    rehash(c.chain, 1)


def delete_and_renumber(c):
    superuser("DELETE FROM ledger_entry WHERE chain = %s AND seq = 5", [c.chain])
    for seq in range(6, c.n + 1):
        superuser(
            "UPDATE ledger_entry SET seq = %s WHERE chain = %s AND seq = %s",
            [seq - 1, c.chain, seq],
        )
    rehash(c.chain, 5)


def swap_rehashed(c):
    swap(c)
    rehash(c.chain, 4)


def delete_last_three_head_back(c):
    delete_last_three(c)
    rehash(c.chain, c.n - 3)


def truncate(c):
    superuser("TRUNCATE ledger_entry, ledger_head")


def forge_entry(c):
    append_behind_the_services(c.chain, "poll.deleted", {"poll": 999, "title": "Nada"}, superuser)


def flip_the_winner(c):
    """Every ballot for "No", and the closing entry, the stored result and the chain made to
    agree with them: only a head kept from before can tell."""
    _yes, no = two_different_ballots(c)
    superuser(
        "UPDATE voting_ballot SET choices = %s WHERE poll_id = %s",
        [json.dumps(no.choices), c.poll.pk],
    )
    poll = Poll.objects.get(pk=c.poll.pk)
    counted = tally.load(poll)
    result = tally.count_poll(poll, counted) | turnout.recorded(poll, counted)
    data = closing(c).data
    data["digest"] = tally.digest(poll, counted)
    data["result"] = {k: result[k] for k in ("winners", "tally", "ballots")}
    set_payload(c, c.n, data)
    rehash(c.chain, c.n)
    superuser("UPDATE voting_poll SET result = %s WHERE id = %s", [json.dumps(result), c.poll.pk])
    assert result["winners"] == ["2"]


def edit_stored_result(c):
    result = dict(c.poll.result, winners=["2"], tally={"1": 0, "2": 3})
    superuser("UPDATE voting_poll SET result = %s WHERE id = %s", [json.dumps(result), c.poll.pk])


# (tampering, what verify names, whether a head kept outside before it reveals it)
CAUGHT_TODAY = {
    "payload edited": (edit_payload, "differs from the recomputed", True),
    "recorded_at edited": (edit_recorded_at, "differs from the recomputed", True),
    "middle entry deleted": (delete_middle, "entry 5 is missing", True),
    "two entries swapped": (swap, "is not the hash", True),
    "last 3 deleted, head left": (delete_last_three, "which is missing", True),
    "head hash edited": (edit_head_hash, "published head hash", True),
    "winners edited and re-hashed": (edit_winners, "re-counts to", True),
    "one ballot changed": (change_one_ballot, "ballots of poll", True),
    "two ballots swapped": (swap_two_ballots, "ballots of poll", True),
    "closed poll and its ballots deleted": (delete_poll, "missing from the database", True),
}
NOT_CAUGHT_BEFORE = {
    "payload edited, chain re-hashed": (edit_payload_rehashed, "was rewritten", True),
    "entry 5 deleted, renumbered, re-hashed": (delete_and_renumber, "was rewritten", True),
    "two entries swapped, re-hashed": (swap_rehashed, "was rewritten", True),
    "last 3 deleted, head moved back": (delete_last_three_head_back, "is missing", True),
    "entries and heads truncated": (truncate, "is missing: the chain now ends at entry 0", True),
    "forged entry appended": (forge_entry, "written behind Comuna's back", False),
    "ballots and closing re-counted, chain re-hashed": (flip_the_winner, "was rewritten", True),
    "stored result edited": (edit_stored_result, "stored result of poll", True),
}


@pytest.mark.parametrize(
    "tampering, named, kept_reveals",
    list(CAUGHT_TODAY.values()) + list(NOT_CAUGHT_BEFORE.values()),
    ids=list(CAUGHT_TODAY) + list(NOT_CAUGHT_BEFORE),
)
def test_every_tampering_is_caught_and_named(council, tampering, named, kept_reveals):
    call_command("ledger", "verify", stdout=StringIO())  # honest until now
    tampering(council)
    said = verify_fails()  # the server's own witness file is read by default
    assert named in said, said
    if kept_reveals:  # an entry appended after every outside head is the server file's job
        said = verify_fails("--no-server-witness", "--witness", str(council.kept))
        assert "consejo" in said


def test_a_rewrite_is_named_by_the_first_witness_it_contradicts(council):
    edit_payload_rehashed(council)
    said = verify_fails("--no-server-witness", "--witness", str(council.kept))
    assert f"the witness at {council.kept} line 1 (consejo, entry {council.n})" in said
    assert "was rewritten at or before this entry" in said
    said = verify_fails()
    assert "heads.jsonl line 1 (consejo, entry 1)" in said  # the server saw entry 1 first


def test_truncation_leaves_the_closed_poll_pointing_at_nothing(council):
    truncate(council)
    said = verify_fails("--no-server-witness")
    assert f"closed poll {council.poll.pk} points at entry {council.n}" in said


def test_an_edited_stored_result_is_not_shown(council, client):
    edit_stored_result(council)
    url = reverse("poll-results", args=[council.body.slug, council.poll.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    page = response.content.decode()
    assert "This result cannot be shown" in page
    assert 'id="winners"' not in page


def test_a_closed_poll_pointed_at_another_entry_is_caught(council):
    superuser("UPDATE voting_poll SET result_entry = 1 WHERE id = %s", [council.poll.pk])
    said = verify_fails("--no-server-witness")
    assert f"closed poll {council.poll.pk} points at entry 1" in said


# --- witnesses tampered with --------------------------------------------------------------


def test_a_forged_signature_on_a_kept_head_is_caught(council):
    document = json.loads(council.kept.read_text())
    document["seq"] -= 1  # the head of one entry earlier, but under the old signature
    document["hash"] = Entry.objects.get(chain=council.chain, seq=document["seq"]).hash
    council.kept.write_text(json.dumps(document) + "\n")
    said = verify_fails("--no-server-witness", "--witness", str(council.kept))
    assert "its signature does not match" in said


def test_a_kept_line_naming_another_chain_is_caught(council):
    document = {"chain": "body:999999", "seq": 3, "hash": closing(council).hash}
    council.kept.write_text(json.dumps(document) + "\n")
    said = verify_fails("--no-server-witness", "--witness", str(council.kept))
    assert "body:999999" in said and "is missing: the chain now ends at entry 0" in said


def test_a_replaced_key_file_is_caught_by_heads_signed_with_the_old_key(council):
    key_path(council.chain).unlink()
    ensure_key(council.chain)  # a new key: it could sign a rewritten chain's heads
    said = verify_fails("--no-server-witness", "--witness", str(council.kept))
    assert "the key was replaced" in said


def test_an_honest_ledger_verifies_with_both_witnesses(council):
    out = StringIO()
    call_command("ledger", "verify", "--witness", str(council.kept), stdout=out)
    lines = out.getvalue().splitlines()
    assert Head.objects.filter(chain=council.chain, seq=council.n).exists()
    assert f"All {council.n + 1} witnessed heads are on their chains." in lines
