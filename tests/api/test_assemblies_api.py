"""The assemblies endpoints answer a body's members with each assembly's agenda, quorum under
its frozen register, decisions as the ledger records them and sealed minutes' hash; anyone
else is refused, and a bad filter is a 400 naming the field."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from comuna.assemblies import attendance, decisions
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Attendance,
    Call,
    ConvenedBy,
    Majority,
    Method,
    Minutes,
    MinutesStatus,
    Motion,
    Outcome,
    Status,
)
from comuna.ledger import entries
from tests.api.conftest import Caller
from tests.assemblies.factories import assembly_in, petition_in
from tests.conftest import COUNCIL_A_VOTERS, MEMBERS, make_resident
from tests.web.test_permission_matrix import _poll_in

pytestmark = pytest.mark.django_db

API = "/api/v1/bodies"
PHASES = list(Status.values)


def read(cast, url, expect=200, persona="resident", how="token-read", **params):
    user = cast.user(persona) if persona != "anonymous" else None
    response = Caller(user, how=how if user else "anonymous").get(url, **params)
    assert response.status_code == expect, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def detail_url(assembly) -> str:
    return f"{API}/{assembly.body.slug}/assemblies/{assembly.pk}/"


def present(assembly, n):
    """``n`` more people of the frozen register at the door."""
    here = assembly.attendances.values("resident")
    for registered in assembly.registered.exclude(resident__in=here).order_by("pk")[:n]:
        Attendance.objects.create(assembly=assembly, resident_id=registered.resident_id)


def decided(cast, assembly, item, *, votes=(5, 2, 1), text="Pintar la casa comunal"):
    motion = decisions.propose_motion(item, text=text, by=cast.electoral.user)
    votes_for, votes_against, abstentions = votes
    return decisions.decide_by_hands(
        motion,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        by=cast.electoral.user,
    )


# --- the fields, in each phase -------------------------------------------------------------


@pytest.mark.parametrize("phase", PHASES)
def test_a_member_reads_an_assembly_in_each_phase_with_its_quorum_and_agenda(cast, phase):
    assembly = assembly_in(cast, phase)
    if phase != Status.CONVENED:
        present(assembly, 2)
    statute = assembly.statute
    got = read(cast, detail_url(assembly))
    assert got["id"] == assembly.pk
    assert got["title"] == assembly.title
    assert got["status"] == {"code": phase, "label": str(Status(phase).label)}
    assert got["call"] == {"code": "first", "label": "First call"}
    assert got["convened_by"]["code"] == ConvenedBy.COORDINATION
    assert got["petition"] is None
    assert got["place"] == "Casa comunal"
    assert got["online_url"] is None
    assert got["register_size"] == COUNCIL_A_VOTERS
    assert got["quorum_required"] == statute.quorum(COUNCIL_A_VOTERS) == 3  # 30% of 8, up
    assert got["present"] == (0 if phase == Status.CONVENED else 2)
    assert got["quorum_met"] is False
    assert got["statute_version"] == statute.number
    assert got["decisions"] == []
    assert got["minutes_status"] is None
    assert got["minutes_sha256"] is None
    assert [(i["position"], i["text"], i["majority"]["code"]) for i in got["agenda"]] == [
        (1, "Punto 1", "simple"),
        (2, "Punto 2", "simple"),
    ]
    assert got["agenda"][0]["majority"]["label"] == "Simple majority of those present"
    assert got["agenda"][0]["withdrawn"] is False
    assert got["agenda"][0]["petition"] is None
    assert (got["ended_at"] is not None) == (phase in (Status.ENDED, Status.FAILED))


def test_the_list_and_the_detail_give_the_same_assembly(cast):
    made = [assembly_in(cast, phase) for phase in PHASES]
    listed = read(cast, f"{API}/consejo-a/assemblies/")
    assert [a["id"] for a in listed["items"]] == [a.pk for a in made]
    assert listed["next_after"] is None
    for item, assembly in zip(listed["items"], made, strict=True):
        assert item == read(cast, detail_url(assembly))


def test_place_online_link_withdrawn_items_and_a_petition_item_are_given(cast):
    assembly = assembly_in(cast, "convened", items=0)
    assembly.online_url = "https://meet.example.org/asamblea"
    assembly.convened_by = ConvenedBy.PETITION
    petition = petition_in(cast, "used")
    assembly.petition = petition
    assembly.save()
    AgendaItem.objects.create(
        assembly=assembly, position=2, text="Agua", majority=Majority.TWO_THIRDS, petition=petition
    )
    AgendaItem.objects.create(
        assembly=assembly, position=1, text="Informe", majority=Majority.NONE, withdrawn=True
    )
    got = read(cast, detail_url(assembly))
    assert got["online_url"] == "https://meet.example.org/asamblea"
    assert got["convened_by"] == {"code": "petition", "label": "A petition of the residents"}
    assert got["petition"] == petition.pk
    assert [
        (i["text"], i["majority"]["code"], i["withdrawn"], i["petition"]) for i in got["agenda"]
    ] == [("Informe", "none", True, None), ("Agua", "two_thirds", False, petition.pk)]


# --- quorum and presence, as the assembly's page counts them ---------------------------------


def _quorum(got):
    return got["register_size"], got["quorum_required"], got["present"], got["quorum_met"]


def test_quorum_is_met_exactly_at_the_threshold_as_attendance_counts_it(cast):
    assembly = assembly_in(cast, "in_session")
    present(assembly, 2)
    assert _quorum(read(cast, detail_url(assembly))) == (8, 3, 2, False)
    present(assembly, 1)
    got = read(cast, detail_url(assembly))
    quorum = attendance.quorum(assembly)
    assert _quorum(got) == (quorum.register_size, quorum.required, quorum.present, quorum.met)
    assert _quorum(got) == (8, 3, 3, True)


def test_the_second_call_lowers_the_quorum_and_the_sheet_count_replaces_the_door(cast):
    assembly = assembly_in(cast, "in_session")
    present(assembly, 2)
    assembly.call = Call.SECOND
    assembly.save()
    got = read(cast, detail_url(assembly))
    assert got["call"] == {"code": "second", "label": "Second call"}
    assert _quorum(got) == (8, assembly.statute.quorum(8, second_call=True), 2, True)  # 20%: 2
    assembly.sheet_count = 1
    assembly.status = Status.ENDED
    assembly.save()
    assert _quorum(read(cast, detail_url(assembly))) == (8, 2, 1, False)


def test_the_register_is_the_one_frozen_at_convening(cast):
    assembly = assembly_in(cast, "in_session")
    for n in range(5):
        make_resident(cast.council, f"Nueva{n}")
    got = read(cast, detail_url(assembly))
    assert got["register_size"] == COUNCIL_A_VOTERS
    assert got["quorum_required"] == 3


# --- decisions -------------------------------------------------------------------------------


def test_each_decision_gives_its_counts_quorum_statute_and_ledger_entry(cast):
    assembly = assembly_in(cast, "in_session")
    present(assembly, COUNCIL_A_VOTERS)
    first, second = assembly.items.all()
    carried = decided(cast, assembly, second, votes=(5, 2, 1))
    rejected = decided(cast, assembly, first, votes=(2, 4, 2), text="Cerrar la calle")
    decisions.propose_motion(first, text="Pendiente", by=cast.electoral.user)  # not decided
    got = read(cast, detail_url(assembly))
    assert [d["id"] for d in got["decisions"]] == [carried.pk, rejected.pk]  # as decided
    one = got["decisions"][0]
    entry = entries(cast.council.ledger_chain).get(seq=carried.decision_entry)
    assert entry.kind == "assembly.decision"
    assert one == {
        "id": carried.pk,
        "item": second.pk,
        "amends": None,
        "text": "Pintar la casa comunal",
        "method": {"code": "hands", "label": "Show of hands"},
        "majority": {"code": "simple", "label": "Simple majority of those present"},
        "votes_for": 5,
        "votes_against": 2,
        "abstentions": 1,
        "present": COUNCIL_A_VOTERS,
        "quorum_required": 3,
        "outcome": {"code": "carried", "label": "Carried"},
        "statute_version": assembly.statute.number,
        "poll": None,
        "decided_at": one["decided_at"],
        "ledger_seq": entry.seq,
        "recorded_in": {"seq": entry.seq, "hash": entry.hash},
    }
    assert one["decided_at"] is not None
    # what the entry recorded is what the API says
    for key in ("votes_for", "votes_against", "abstentions", "present", "quorum_required"):
        assert entry.data[key] == one[key]
    assert entry.data["outcome"] == one["outcome"]["code"]
    assert entry.data["statute_version"] == one["statute_version"]
    assert got["decisions"][1]["outcome"]["code"] == Outcome.REJECTED


def test_an_amendment_names_the_motion_it_amends_and_comes_first(cast):
    assembly = assembly_in(cast, "in_session")
    present(assembly, COUNCIL_A_VOTERS)
    item = assembly.items.first()
    motion = decisions.propose_motion(item, text="Pintar", by=cast.electoral.user)
    amendment = decisions.propose_motion(
        item, text="Pintar de azul", amends=motion, by=cast.electoral.user
    )
    by = cast.electoral.user
    decisions.decide_by_hands(amendment, votes_for=6, votes_against=2, abstentions=0, by=by)
    decisions.decide_by_hands(motion, votes_for=7, votes_against=1, abstentions=0, by=by)
    got = read(cast, detail_url(assembly))
    assert [(d["id"], d["amends"]) for d in got["decisions"]] == [
        (amendment.pk, motion.pk),
        (motion.pk, None),
    ]


def test_a_secret_ballot_decision_names_its_poll(cast):
    assembly = assembly_in(cast, "ended")
    poll = _poll_in(cast, "closed")
    Motion.objects.create(
        item=assembly.items.first(),
        text="Elegir el color",
        method=Method.SECRET,
        poll=poll,
        outcome=Outcome.CARRIED,
        votes_for=4,
        votes_against=1,
        abstentions=0,
        present=5,
        quorum_required=3,
    )
    (one,) = read(cast, detail_url(assembly))["decisions"]
    assert one["poll"] == poll.pk
    assert one["method"] == {"code": "secret", "label": "Secret ballot online"}
    assert one["ledger_seq"] is None
    assert one["recorded_in"] is None


# --- minutes ---------------------------------------------------------------------------------


def test_the_minutes_hash_is_null_until_sealed(cast):
    assembly = assembly_in(cast, "ended")
    minutes = Minutes.objects.create(assembly=assembly, text="Acta")
    got = read(cast, detail_url(assembly))
    assert got["minutes_status"] == {"code": "draft", "label": "Draft"}
    assert got["minutes_sha256"] is None
    html = "<html><body>Acta</body></html>"
    minutes.status = MinutesStatus.SEALED
    minutes.sealed_html = html
    minutes.sha256 = hashlib.sha256(html.encode()).hexdigest()
    minutes.save()
    got = read(cast, detail_url(assembly))
    assert got["minutes_status"]["code"] == "sealed"
    assert got["minutes_sha256"] == hashlib.sha256(html.encode()).hexdigest()


# --- the list: filter, pagination, languages -------------------------------------------------


@pytest.mark.parametrize("phase", PHASES)
def test_the_status_filter_gives_only_the_assemblies_in_that_phase(cast, phase):
    made = {p: assembly_in(cast, p) for p in PHASES}
    got = read(cast, f"{API}/consejo-a/assemblies/", status=phase)
    assert [a["id"] for a in got["items"]] == [made[phase].pk]


def test_a_bad_status_is_a_400_naming_the_field(cast):
    assembly_in(cast, "ended")
    response = Caller(cast.resident.user, how="token-read").get(
        f"{API}/consejo-a/assemblies/", status="closed"
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["detail"] == "The request is not valid."
    assert [e["field"] for e in problem["errors"]] == ["status"]


def test_the_list_is_paginated_by_id(cast):
    made = [assembly_in(cast, p) for p in (*PHASES, "ended", "ended")]
    seen, after = [], 0
    while True:
        got = read(cast, f"{API}/consejo-a/assemblies/", after=after, limit=2)
        seen += [a["id"] for a in got["items"]]
        assert len(got["items"]) <= 2
        if got["next_after"] is None:
            break
        after = got["next_after"]
    assert seen == [a.pk for a in made]
    bad = Caller(cast.resident.user, how="token-read").get(f"{API}/consejo-a/assemblies/", limit=0)
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["limit"]


def test_the_list_reads_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for phase in PHASES:
        assembly = assembly_in(cast, phase)
        if phase == Status.IN_SESSION:
            present(assembly, COUNCIL_A_VOTERS)
            decided(cast, assembly, assembly.items.first())
    caller = Caller(cast.resident.user, how="session")
    caller.get(f"{API}/consejo-a/assemblies/")  # warm the caches of the first request
    with django_assert_max_num_queries(20) as counted:
        assert caller.get(f"{API}/consejo-a/assemblies/").status_code == 200
    few = len(counted.captured_queries)
    for phase in PHASES * 3:
        assembly_in(cast, phase)
    with django_assert_max_num_queries(few):
        assert caller.get(f"{API}/consejo-a/assemblies/").status_code == 200


def test_codes_stay_codes_and_labels_are_in_the_readers_language(cast):
    assembly = assembly_in(cast, "failed")
    caller = Caller(cast.resident.user, how="token-read")
    caller.headers["Accept-Language"] = "es"
    got = caller.get(detail_url(assembly)).json()
    with translation.override("es"):
        assert got["status"] == {"code": "failed", "label": str(Status.FAILED.label)}
        assert got["call"]["label"] == str(Call.FIRST.label)


# --- who may read ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(MEMBERS))
@pytest.mark.parametrize("how", ("session", "token-read"))
def test_every_member_reads_the_list_and_the_detail(cast, persona, how):
    assembly = assembly_in(cast, "convened")
    read(cast, f"{API}/consejo-a/assemblies/", persona=persona, how=how)
    read(cast, detail_url(assembly), persona=persona, how=how)


def test_a_visitor_must_log_in(cast):
    assembly = assembly_in(cast, "ended")
    read(cast, f"{API}/consejo-a/assemblies/", 401, persona="anonymous")
    read(cast, detail_url(assembly), 401, persona="anonymous")


def test_a_member_of_another_council_is_refused_with_the_reason(cast):
    assembly = assembly_in(cast, "ended")
    for url in (f"{API}/consejo-a/assemblies/", detail_url(assembly)):
        problem = read(cast, url, 403, persona="outsider")
        assert problem["detail"]
    # their own council's list answers them, without council A's assemblies
    assert read(cast, f"{API}/consejo-b/assemblies/", persona="outsider")["items"] == []


def test_an_assembly_through_another_bodys_address_does_not_exist(cast):
    theirs = assembly_in(cast, "ended", body=cast.other)
    read(cast, f"{API}/consejo-a/assemblies/{theirs.pk}/", 404)
    read(cast, f"{API}/consejo-a/assemblies/{theirs.pk + 1000}/", 404)
    read(cast, f"{API}/no-such-body/assemblies/", 404)
    assert read(cast, f"{API}/consejo-a/assemblies/")["items"] == []
    assert Assembly.objects.filter(body=cast.other).count() == 1


def _status_parameter(document, path):
    (found,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "status"]
    schema = found["schema"]
    options = schema.get("anyOf", [schema])
    refs = [o["$ref"].rsplit("/", 1)[1] for o in options if "$ref" in o]
    return document["components"]["schemas"][refs[0]]["enum"]


def test_the_document_keeps_the_assemblies_phases_apart_from_the_polls():
    from comuna.api.app import api
    from comuna.voting.models import Status as PollStatus

    document = api.get_openapi_schema()
    assemblies = _status_parameter(document, "/api/v1/bodies/{slug}/assemblies/")
    polls = _status_parameter(document, "/api/v1/bodies/{slug}/polls/")
    assert assemblies == list(Status.values)
    assert polls == list(PollStatus.values)
