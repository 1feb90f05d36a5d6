"""The body's chain head where people keep it: a signed head.json anyone may archive, the public
key on the ledger page, the head on the voter's receipt and in the invitation e-mail."""

import json
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core import mail
from django.urls import reverse

from comuna.ledger import head
from comuna.ledger.signing import fingerprint, key_path
from comuna.territory import services as territory
from comuna.voting import services as voting
from tests.conftest import SETUP, make_resident


def head_json(client, body):
    return client.get(reverse("ledger-head", kwargs={"slug": body.slug}))


def test_head_json_is_one_signed_line_anyone_can_check_with_ed25519(cast, client):
    response = head_json(client, cast.council)  # no login
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    text = response.content.decode()
    assert text.endswith("\n") and text.count("\n") == 1
    document = json.loads(text)
    published = head(cast.council.ledger_chain)
    assert (document["chain"], document["seq"], document["hash"], document["body"]) == (
        cast.council.ledger_chain,
        published.seq,
        published.hash,
        "consejo-a",
    )
    # the bytes the docs name, rebuilt here without Comuna's code
    signed = {k: v for k, v in document.items() if k != "signature"}
    message = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(document["public_key"]))
    key.verify(bytes.fromhex(document["signature"]), message.encode())  # raises if forged


def test_head_json_without_a_key_says_so_and_makes_none(cast, client):
    path = key_path(cast.council.ledger_chain)
    path.unlink()
    response = head_json(client, cast.council)
    assert response.status_code == 503 and "error" in response.json()
    assert not path.exists()


def test_the_ledger_page_publishes_the_key_and_its_fingerprint(cast, client):
    page = client.get(reverse("ledger", kwargs={"slug": cast.council.slug})).content.decode()
    public = head_json(client, cast.council).json()["public_key"]
    assert f'id="public-key">{public}<' in page
    assert f'id="key-fingerprint">{fingerprint(public)}<' in page
    assert reverse("ledger-head", kwargs={"slug": cast.council.slug}) in page


def test_the_receipt_shows_the_head_when_the_ballot_is_cast(cast, login):
    poll = voting.create_poll(
        cast.council,
        title="Plaza",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=SETUP,
    )
    voting.open_poll(poll, by=SETUP)
    address = reverse("poll-vote", kwargs={"slug": cast.council.slug, "pk": poll.pk})
    page = login(cast.resident.user).post(address, {"choice": "1"}).content.decode()
    published = head(cast.council.ledger_chain)
    witness = re.search(r'<aside class="witness" id="ledger-witness">(.*?)</aside>', page, re.S)[1]
    assert f"entrada {published.seq}" in witness and published.hash in witness
    assert reverse("ledger-head", kwargs={"slug": cast.council.slug}) in witness


def test_the_invitation_email_carries_the_head_and_where_to_fetch_it_signed(
    cast, django_capture_on_commit_callbacks
):
    newcomer = make_resident(cast.council, "Nueva")
    with django_capture_on_commit_callbacks(execute=True):
        territory.invite_resident(
            newcomer,
            by=SETUP,
            delivery="email",
            email="nueva@example.org",
            language="en",
            invite_url="https://comuna.example.org/invite/",
        )
    published = head(cast.council.ledger_chain)
    assert published.hash in mail.outbox[0].body
    assert f"entry {published.seq}, hash" in mail.outbox[0].body
    assert "https://comuna.example.org/b/consejo-a/ledger/head.json" in mail.outbox[0].body
