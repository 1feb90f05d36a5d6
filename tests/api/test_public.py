"""The public endpoints answer what the pages publish, read from the database, to anyone; a
poll that is not closed exists only for those its page is for."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from comuna.ledger import entries, head
from comuna.ledger.signing import key_path, signature_problem
from comuna.territory import census, services, statutes
from comuna.territory.models import Body, Resident
from comuna.voting import services as voting
from comuna.voting import tally
from comuna.voting.models import Poll
from tests.conftest import COUNCIL_A_VOTERS, SETUP

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(client, url, status=200, **headers):
    response = client.get(f"{API}{url}", **headers)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def polls(cast):
    """A draft, an open and a closed poll of council A (ranked, one online ballot)."""
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
            voting.cast(poll, cast.spokesperson.user, ["2", "3"])
            voting.cast(poll, cast.admin.user, ["1"])
            voting.close_poll(poll, by=by)
        poll.refresh_from_db()
        made[phase] = poll
    return made


def closed_budget_poll(cast):
    by = cast.electoral.user
    poll = voting.create_poll(
        cast.council,
        title="Presupuesto",
        method="budget",
        options=[
            {"label": "Techo", "cost": Decimal("600")},
            {"label": "Cancha", "cost": Decimal("300")},
            {"label": "Luz", "cost": Decimal("250")},
        ],
        budget=Decimal("1000"),
        by=by,
    )
    voting.open_poll(poll, by=by)
    voting.enter_paper(poll, "Escuela", ballots=[["1", "2"], ["2", "3"], ["1"]], by=SETUP)
    voting.cast(poll, cast.resident.user, ["1", "3"])
    voting.close_poll(poll, by=by)
    poll.refresh_from_db()
    return poll


# --- bodies --------------------------------------------------------------------------------


def test_the_federation_lists_every_body_with_its_parent_and_members(cast, client):
    found = {b["slug"]: b for b in get(client, "/bodies/")["items"]}
    assert set(found) == set(Body.objects.values_list("slug", flat=True))
    assert found["ciudad"]["parent"] is None
    assert found["ciudad"]["member_bodies"] == ["comuna"]
    assert found["comuna"]["member_bodies"] == ["consejo-a", "consejo-b"]
    assert found["consejo-a"]["parent"] == "comuna"
    assert found["consejo-a"]["kind"] == {"code": "council", "label": "Consejo comunal"}


def test_the_federation_is_read_page_by_page(cast, client):
    seen, after, pages = [], "", 0
    while after is not None:
        page = get(client, f"/bodies/?limit=3&after={after}")
        assert len(page["items"]) <= 3
        seen += [b["slug"] for b in page["items"]]
        after, pages = page["next_after"], pages + 1
    assert seen == sorted(Body.objects.values_list("slug", flat=True))
    assert pages == 2  # four bodies: three, then one


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=1001", "limit=x", "after=no%20slug", "after=" + "a" * 81]
)
def test_a_bad_page_request_is_a_400_naming_the_parameter(cast, client, query):
    answer = get(client, f"/bodies/?{query}", 400)
    assert answer["errors"][0]["field"] == query.split("=")[0]


def test_a_bodys_page_has_its_statute_organs_spokespersons_and_ledger_head(cast, client):
    statutes.amend(cast.council, {"term_years": 3}, by=SETUP, note="Asamblea")
    services.end_mandate(
        cast.spokesperson.mandates.get(), on=date(2021, 1, 1), reason="Renuncia", by=SETUP
    )
    body = get(client, "/bodies/consejo-a/", HTTP_ACCEPT_LANGUAGE="en")
    current = statutes.current(cast.council)
    assert body["statute"]["version"] == current.number == 2
    assert body["statute"]["settings"] == statutes.settings_of(current)
    assert body["statute"]["overrides"] == [
        {
            "setting": "term_years",
            "label": "spokesperson term (years)",
            "profile_value": 2,
            "value": 3,
        }
    ]
    assert body["parent"] == "comuna" and body["member_bodies"] == []
    organs = {o["name"]: o for o in body["organs"]}
    assert organs["Comisión Electoral"]["spokespersons"] == [
        {"name": "Electoral Prueba", "kind": {"code": "spokesperson", "label": "Spokesperson"}}
    ]
    # the health committee's spokesperson's mandate ended: only the substitute is left
    assert organs["Comité de Salud"]["spokespersons"] == [
        {"name": "Suplente Prueba", "kind": {"code": "substitute", "label": "Substitute"}}
    ]
    latest = head(cast.council.ledger_chain)
    assert body["ledger"] == {"seq": latest.seq, "hash": latest.hash}


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "resident", "electoral"])
def test_census_figures_are_for_the_bodys_members_as_on_its_page(cast, login, persona):
    body = get(login(cast.user(persona)), "/bodies/consejo-a/")
    if persona in ("anonymous", "outsider"):
        assert body["residents"] is None and body["voters"] is None
    else:
        assert body["residents"] == Resident.objects.filter(body=cast.council).count()
        assert body["voters"] == census.register(cast.council).count() == COUNCIL_A_VOTERS


@pytest.mark.parametrize(
    "url",
    [
        "/bodies/nadie/",
        "/bodies/nadie/polls/",
        "/bodies/nadie/polls/1/",
        "/bodies/nadie/polls/1/ballots",
        "/bodies/nadie/ledger/",
        "/bodies/nadie/ledger/head",
    ],
)
def test_a_wrong_slug_is_a_json_404(cast, client, url):
    assert get(client, url, 404) == {"detail": "No encontrado.", "errors": []}


def test_a_slug_that_cannot_be_one_is_a_400(cast, client):
    answer = get(client, "/bodies/consejo%20a/", 400)
    assert answer["errors"][0]["field"] == "slug"


# --- polls ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, phases",
    [
        ("anonymous", ["closed"]),
        ("outsider", ["closed"]),
        ("resident", ["draft", "open", "closed"]),
        ("electoral", ["draft", "open", "closed"]),
    ],
)
def test_visitors_see_closed_polls_and_members_every_phase(cast, login, persona, phases):
    made = polls(cast)
    client = login(cast.user(persona))
    listed = get(client, "/bodies/consejo-a/polls/")["items"]
    assert [p["id"] for p in listed] == [made[phase].pk for phase in phases]
    for phase, poll in made.items():
        url = f"/bodies/consejo-a/polls/{poll.pk}/"
        if phase in phases:
            assert get(client, url)["status"]["code"] == phase
        else:
            assert get(client, url, 404) == {"detail": "No encontrado.", "errors": []}


def test_polls_are_read_page_by_page_and_by_phase(cast, login):
    made = polls(cast)
    client = login(cast.resident.user)
    first = get(client, "/bodies/consejo-a/polls/?limit=2")
    second = get(client, f"/bodies/consejo-a/polls/?limit=2&after={first['next_after']}")
    assert [p["id"] for p in first["items"] + second["items"]] == sorted(
        p.pk for p in made.values()
    )
    assert second["next_after"] is None
    only_open = get(client, "/bodies/consejo-a/polls/?status=open")["items"]
    assert [p["id"] for p in only_open] == [made["open"].pk]
    assert (
        get(client, "/bodies/consejo-a/polls/?status=ajar", status=400)["errors"][0]["field"]
        == "status"
    )


def test_a_poll_of_another_body_or_no_poll_is_a_404(cast, client):
    closed = polls(cast)["closed"]
    assert get(client, f"/bodies/consejo-b/polls/{closed.pk}/", 404)
    assert get(client, f"/bodies/consejo-a/polls/{2**70}/", 404)
    assert get(client, "/bodies/consejo-a/polls/-1/", 404)
    assert get(client, "/bodies/consejo-a/polls/uno/", 400)["errors"][0]["field"] == "poll_id"


def test_an_open_poll_shows_members_its_settings_options_and_turnout(cast, login):
    poll = polls(cast)["open"]
    voting.cast(poll, cast.resident.user, ["3"])
    answer = get(login(cast.resident.user), f"/bodies/consejo-a/polls/{poll.pk}/")
    assert answer["method"]["code"] == "ranked" and answer["rule"]["code"] == "irv"
    assert [(o["key"], o["label"]) for o in answer["options"]] == [
        ("1", "Uno"),
        ("2", "Dos"),
        ("3", "Tres"),
    ]
    assert answer["turnout"] == {
        "eligible": COUNCIL_A_VOTERS,
        "online": 1,
        "paper": None,
        "ballots": None,
        "share_pct": None,
    }
    assert answer["result"] is None and answer["recorded_in"] is None


def test_a_closed_poll_shows_the_result_its_ledger_entry_records(cast, client):
    poll = polls(cast)["closed"]
    answer = get(client, f"/bodies/consejo-a/polls/{poll.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    entry = entries(cast.council.ledger_chain).get(kind="poll.closed")
    assert answer["recorded_in"] == {"seq": entry.seq, "hash": entry.hash}
    recorded = entry.data
    result = answer["result"]
    assert result["winners"] == recorded["result"]["winners"] == ["2"]
    assert result["tally"] == recorded["result"]["tally"] == {"1": 1, "2": 2, "3": 0}
    assert result["ballots"] == 3
    assert result["quorum"] == recorded["quorum"]
    assert answer["turnout"] == {
        "eligible": COUNCIL_A_VOTERS,
        "online": 3,
        "paper": 0,
        "ballots": 3,
        "share_pct": str((Decimal(300) / COUNCIL_A_VOTERS).quantize(Decimal("0.1"))),
    }
    assert result["explanation"] == poll.result["explanation"]
    assert result["explanation"] and all("id" in m for m in result["explanation"])
    why = {o["key"]: o for o in result["explained"]["options"]}
    assert why["2"]["won"] and why["2"]["status"] == "Chosen"
    assert not why["1"]["won"] and why["1"]["label"] == "Uno"
    assert any("Dos" in s for s in why["2"]["sentences"])


def test_the_explanation_is_in_the_readers_language(cast, client):
    poll = closed_budget_poll(cast)
    url = f"/bodies/consejo-a/polls/{poll.pk}/"
    spanish = get(client, url, HTTP_ACCEPT_LANGUAGE="es")["result"]["explained"]
    english = get(client, url, HTTP_ACCEPT_LANGUAGE="en")["result"]["explained"]
    assert english["general"][0].startswith(
        "The budget of 1,000 was shared equally among the 4 voters"
    )
    assert spanish["general"][0].startswith(
        "El presupuesto de 1.000 se repartió por igual entre los 4 votantes"
    )
    assert {o["status"] for o in spanish["options"]} <= {"Financiado", "No financiado"}


def test_a_result_that_disagrees_with_its_ledger_entry_is_withheld(cast, client):
    poll = polls(cast)["closed"]
    Poll.objects.filter(pk=poll.pk).update(result={**poll.result, "winners": ["1"]})
    answer = get(client, f"/bodies/consejo-a/polls/{poll.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer["result"] is None
    assert answer["result_withheld"].startswith("This result cannot be shown")


# --- ballots -------------------------------------------------------------------------------


def test_a_closed_polls_ballots_are_those_published_with_the_recorded_digest(cast, client):
    poll = closed_budget_poll(cast)
    answer = get(client, f"/bodies/consejo-a/polls/{poll.pk}/ballots")
    assert answer["ballots"] == tally.published_ballots(poll)
    assert sorted(b["choices"] for b in answer["ballots"]) == [
        ["1"],
        ["1", "2"],
        ["1", "3"],
        ["2", "3"],
    ]
    assert {b["source"] for b in answer["ballots"]} == {"online", "paper"}
    assert all(len(b["receipt_hash"]) == 64 for b in answer["ballots"] if b["source"] == "online")
    recorded = entries(cast.council.ledger_chain).get(kind="poll.closed").data
    assert answer["digest"] == recorded["digest"]
    material = {"ballots": answer["ballots"], "totals": answer["paper_totals"]}
    text = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode()).hexdigest() == answer["digest"]
    assert (answer["count"], answer["next_offset"]) == (4, None)


def test_ballots_are_read_page_by_page(cast, client):
    poll = closed_budget_poll(cast)
    url = f"/bodies/consejo-a/polls/{poll.pk}/ballots"
    first = get(client, f"{url}?limit=3")
    rest = get(client, f"{url}?limit=3&offset={first['next_offset']}")
    assert first["next_offset"] == 3 and rest["next_offset"] is None
    assert first["ballots"] + rest["ballots"] == get(client, url)["ballots"]
    assert get(client, f"{url}?limit=10001", 400)["errors"][0]["field"] == "limit"


def test_paper_totals_come_with_the_ballots(cast, client):
    by = cast.electoral.user
    poll = voting.create_poll(
        cast.council,
        title="¿Sí o no?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=by,
    )
    voting.open_poll(poll, by=by)
    voting.enter_paper(poll, "Escuela", totals={"1": 5, "2": 3}, n_ballots=8, by=SETUP)
    voting.close_poll(poll, by=by)
    answer = get(client, f"/bodies/consejo-a/polls/{poll.pk}/ballots")
    assert answer["paper_totals"] == [
        {"polling_place": "Escuela", "totals": {"1": 5, "2": 3}, "ballots": 8}
    ]
    assert answer["ballots"] == []


@pytest.mark.parametrize("persona", ["resident", "electoral"])
def test_ballots_before_closing_are_a_409_for_members(cast, login, persona):
    poll = polls(cast)["open"]
    answer = get(login(cast.user(persona)), f"/bodies/consejo-a/polls/{poll.pk}/ballots", 409)
    assert answer["detail"] == "Las boletas se publican cuando cierra la votación."


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_ballots_of_a_poll_a_visitor_may_not_see_are_a_404(cast, login, persona):
    poll = polls(cast)["open"]
    get(login(cast.user(persona)), f"/bodies/consejo-a/polls/{poll.pk}/ballots", 404)


# --- ledger --------------------------------------------------------------------------------


def test_the_ledger_gives_each_entry_with_the_fields_its_hash_covers(cast, client):
    chain = cast.council.ledger_chain
    answer = get(client, "/bodies/consejo-a/ledger/?limit=1000")
    stored = list(entries(chain))
    assert answer["chain"] == chain
    assert [e["seq"] for e in answer["items"]] == [e.seq for e in stored]
    previous = "0" * 64
    for item, entry in zip(answer["items"], stored, strict=True):
        assert item["hash"] == entry.hash and item["prev_hash"] == previous
        covered = {k: v for k, v in item.items() if k != "hash"}
        assert set(covered) == {
            "actor",
            "chain",
            "kind",
            "payload",
            "prev_hash",
            "recorded_at",
            "seq",
        }
        text = json.dumps(covered, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode()).hexdigest() == entry.hash
        previous = entry.hash
    assert answer["head"] == {"seq": stored[-1].seq, "hash": stored[-1].hash}
    assert answer["next_after"] is None


def test_the_ledger_is_read_page_by_page_by_sequence(cast, client):
    total = head(cast.council.ledger_chain).seq
    seqs, after = [], 0
    while after is not None:
        page = get(client, f"/bodies/consejo-a/ledger/?limit=4&after={after}")
        seqs += [e["seq"] for e in page["items"]]
        after = page["next_after"]
    assert seqs == list(range(1, total + 1))
    assert get(client, f"/bodies/consejo-a/ledger/?after={total}")["items"] == []
    assert get(client, "/bodies/consejo-a/ledger/?after=-1", 400)["errors"][0]["field"] == "after"


def test_the_ledger_head_is_signed_as_head_json_publishes_it(cast, client):
    document = get(client, "/bodies/consejo-a/ledger/head")
    assert document == json.loads(client.get("/b/consejo-a/ledger/head.json").content)
    latest = head(cast.council.ledger_chain)
    assert (document["seq"], document["hash"]) == (latest.seq, latest.hash)
    assert signature_problem(document) is None
    assert signature_problem({**document, "seq": document["seq"] - 1}) is not None


def test_a_ledger_head_without_its_key_is_a_json_503(cast, client):
    key_path(cast.council.ledger_chain).unlink()
    answer = get(client, "/bodies/consejo-a/ledger/head", 503, HTTP_ACCEPT_LANGUAGE="en")
    assert answer == {"detail": "This body's signing key has not been made yet.", "errors": []}


def test_the_openapi_document_describes_every_public_operation(client):
    document = client.get(f"{API}/openapi.json").json()
    operations = {
        op["operationId"]: op for path in document["paths"].values() for op in path.values()
    }
    public = {k for k, op in operations.items() if "public" in op.get("tags", [])}
    ours = {
        "bodies_list",
        "body_detail",
        "polls_list",
        "poll_detail",
        "poll_ballots",
        "ledger_entries",
        "ledger_head",
    }
    assert public >= ours
    for name in ours:
        ok = operations[name]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].startswith("#/components/schemas/")
        assert "400" in operations[name]["responses"]
        assert "404" in operations[name]["responses"] or name == "bodies_list"
