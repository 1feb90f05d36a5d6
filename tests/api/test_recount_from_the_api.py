"""Anyone can check the demo from the API alone: every closed poll recounts, from its
published ballots, to the result the API publishes; every ledger entry's hash and the chain
recompute to the published, signed head.

Nothing here reads the database: the ballots are counted by the engine (``comuna.choice``)
from what the API answered (budget polls by pabutools too), and the hashes and signature are
checked with hashlib and cryptography as an outsider would.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from comuna.choice import pb
from comuna.choice.elections import count
from comuna.choice.elections.profile import ApprovalProfile, RankedProfile
from comuna.choice.pb.instance import PBInstance, Project
from tests.api.demo import _media_in_tmp, demo, demo_dirs  # noqa: F401 (fixtures)
from tests.choice.oracle import reference, to_pabutools

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

API = "/api/v1"
GENESIS = "0" * 64


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read(client, url: str) -> dict:
    response = client.get(f"{API}{url}")
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def every(client, url: str, cursor: str = "after", start="") -> list:
    """Every item of a paginated list, page after page."""
    items, at = [], start
    while at is not None:
        page = read(client, f"{url}{'&' if '?' in url else '?'}{cursor}={at}")
        items += page["items"] if "items" in page else page["ballots"]
        at = page.get("next_after", page.get("next_offset"))
    return items


def slugs(client) -> list[str]:
    return [b["slug"] for b in every(client, "/bodies/?limit=3")]


def all_ballots(client, slug: str, poll: int) -> tuple[list[dict], dict]:
    """The poll's ballots, in small pages, and the last page (digest, paper totals)."""
    url = f"/bodies/{slug}/polls/{poll}/ballots?limit=7"
    ballots, offset, last = [], 0, {}
    while offset is not None:
        last = read(client, f"{url}&offset={offset}")
        ballots += last["ballots"]
        offset = last["next_offset"]
    assert len(ballots) == last["count"]
    return ballots, last


def recount(detail: dict, ballots: list[dict], totals: list[dict]) -> tuple[list[str], dict]:
    """Winners and tally counted by the engine from the published data alone."""
    keys = [o["key"] for o in detail["options"]]
    method, rule, seats = detail["method"]["code"], detail["rule"]["code"], detail["seats"]
    choices = [b["choices"] for b in ballots]
    if method in ("budget", "cumulative"):
        assert not totals, "paper totals are for single-choice and approval polls"
        if method == "budget":
            budget = Fraction(detail["budget"])
            projects = [
                Project(o["key"], Fraction(o["cost"]), o["label"]) for o in detail["options"]
            ]
            vote_type = "approval"
        else:
            budget = Fraction(seats)
            projects = [Project(k, Fraction(1)) for k in keys]
            vote_type = "cumulative"
        index = {k: i for i, k in enumerate(keys)}
        indptr, indices, points = [0], [], []
        for chosen in choices:
            given = chosen if isinstance(chosen, dict) else dict.fromkeys(chosen, 1)
            indices += [index[k] for k in given]
            points += list(given.values())
            indptr.append(len(indices))
        instance = PBInstance(
            meta={"budget": str(budget), "vote_type": vote_type},
            projects=projects,
            vote_type=vote_type,
            voter_ids=[str(i + 1) for i in range(len(choices))],
            indptr=np.array(indptr, dtype=np.int64),
            indices=np.array(indices, dtype=np.int32),
            points=np.array(points, dtype=np.int64),
        )
        outcome = pb.run(rule, instance)
        # and pabutools, the reference implementation, agrees on the projects chosen
        assert reference(rule, *to_pabutools(instance)) == set(outcome.selected)
        tally = dict.fromkeys(keys, 0)
        for k, n in zip(np.array(keys)[instance.indices], instance.points, strict=True):
            tally[str(k)] += int(n)
        return list(outcome.selected), tally
    # paper totals: n ballots naming one option each
    counts = [1] * len(choices)
    for place in totals:
        for key, n in place["totals"].items():
            if n:
                choices.append([key])
                counts.append(n)
    if method == "approval":
        profile = ApprovalProfile.from_ballots(keys, choices, counts)
        tally = {k: sum(n for c, n in zip(choices, counts, strict=True) if k in c) for k in keys}
    else:
        profile = RankedProfile.from_ballots(keys, choices, counts)
        tally = {
            k: sum(n for c, n in zip(choices, counts, strict=True) if c and c[0] == k) for k in keys
        }
    return list(count(rule, profile, seats=seats).winners), tally


def test_every_closed_demo_poll_recounts_from_the_api_to_its_published_result(client):
    recounted = 0
    for slug in slugs(client):
        for summary in every(client, f"/bodies/{slug}/polls/?limit=1", start=0):
            assert summary["status"]["code"] == "closed"  # a visitor sees closed polls only
            detail = read(client, f"/bodies/{slug}/polls/{summary['id']}/")
            ballots, last = all_ballots(client, slug, summary["id"])
            winners, tally = recount(detail, ballots, last["paper_totals"])
            result = detail["result"]
            assert (winners, tally) == (result["winners"], result["tally"]), summary["title"]
            paper = sum(t["ballots"] for t in last["paper_totals"])
            assert result["ballots"] == len(ballots) + paper == detail["turnout"]["ballots"]
            # the ballots are those the poll.closed entry recorded, by their digest
            digest = sha256(canonical({"ballots": ballots, "totals": last["paper_totals"]}))
            seq = detail["recorded_in"]["seq"]
            (entry,) = read(client, f"/bodies/{slug}/ledger/?after={seq - 1}&limit=1")["items"]
            assert entry["hash"] == detail["recorded_in"]["hash"]
            assert (entry["kind"], entry["payload"]["poll"]) == ("poll.closed", summary["id"])
            assert digest == last["digest"] == entry["payload"]["digest"]
            assert entry["payload"]["result"]["winners"] == winners
            recounted += 1
    # the demo's budget poll, its election, an assembly's secret ballot, and the two ballots
    # of the spokesperson election (its STV committee and its single seat); the communal cycle's
    # prioritisation of needs and its budget vote
    assert recounted == 7


def test_every_demo_ledger_recomputes_to_its_signed_head(client):
    checked = 0
    for slug in slugs(client):
        chain = every(client, f"/bodies/{slug}/ledger/?limit=50", start=0)
        signed = read(client, f"/bodies/{slug}/ledger/head")
        previous = GENESIS
        for n, entry in enumerate(chain, start=1):
            covered = {k: v for k, v in entry.items() if k != "hash"}
            assert entry["seq"] == n and entry["prev_hash"] == previous, (slug, n)
            assert entry["chain"] == signed["chain"]
            assert sha256(canonical(covered)) == entry["hash"], (slug, n)
            previous = entry["hash"]
        assert (signed["seq"], signed["hash"]) == (len(chain), previous), slug
        message = canonical({k: v for k, v in signed.items() if k != "signature"}).encode()
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(signed["public_key"]))
        key.verify(bytes.fromhex(signed["signature"]), message)  # raises if it does not match
        checked += len(chain)
    assert checked > 300  # the whole demo: hundreds of entries in eight chains
