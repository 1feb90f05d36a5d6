"""The founding referendum's API: public like its page, read from the host's, a member's or
the founded body's address; what the page shows (members, polls, thresholds, the charter and
its sealed hash, per-member counts and the merged result), never a census row or a ballot."""

import pytest

from comuna.federation.referendums import sha256_text
from tests.federation.referendum_fixtures import CHARTER, counted, propose

pytestmark = pytest.mark.django_db

API = "/api/v1/bodies"


def test_a_founded_referendum_reads_in_full(client, founders):
    referendum = counted(founders, [(4, 1), (3, 1), (2, 2)])
    answer = client.get(f"{API}/la-loma/referendums/{referendum.pk}/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"]["code"] == "founded"
    assert data["founded"] == {"slug": "comuna-el-valle", "name": "Comuna El Valle"}
    assert data["charter"] == CHARTER
    assert data["charter_sha256"] == sha256_text(CHARTER)
    assert data["turnout_pct"] == "15.00" and data["majority_pct"] == "50.00"
    by_member = {p["member"]["slug"]: p for p in data["places"]}
    assert by_member["el-valle"]["count"] == {
        "registered": 6,
        "ballots": 5,
        "yes": 4,
        "no": 1,
        "blank": 0,
    }
    assert all(p["joined"] and p["poll_status"]["code"] == "closed" for p in data["places"])
    assert data["result"] == {
        "totals": {"registered": 18, "ballots": 13, "yes": 9, "no": 4, "blank": 0},
        "turnout_met": True,
        "majority": True,
        "carried": True,
    }
    text = answer.content.decode()
    for founder in founders.councils:
        for user in founder.voters:
            assert user.username not in text


def test_a_draft_has_no_thresholds_or_result_yet(client, founders):
    referendum = propose(founders)
    data = client.get(f"{API}/el-valle/referendums/{referendum.pk}/").json()
    assert data["status"]["code"] == "draft"
    assert data["turnout_pct"] is None and data["result"] is None
    assert data["charter_sha256"] == ""
    joined = {p["member"]["slug"]: p["joined"] for p in data["places"]}
    assert joined == {"el-valle": True, "la-loma": False, "el-rio": False}


def test_only_the_host_members_and_founded_body_read_it(client, founders, cast):
    referendum = counted(founders, [(4, 1), (3, 1), (2, 2)])
    for slug in ("el-valle", "el-rio", "comuna-el-valle"):
        assert client.get(f"{API}/{slug}/referendums/{referendum.pk}/").status_code == 200
        listed = client.get(f"{API}/{slug}/referendums/").json()["items"]
        assert [r["id"] for r in listed] == [referendum.pk]
    assert client.get(f"{API}/consejo-a/referendums/{referendum.pk}/").status_code == 404
    assert client.get(f"{API}/consejo-a/referendums/").json() == {"items": []}
    assert client.get(f"{API}/nadie/referendums/").status_code == 404
