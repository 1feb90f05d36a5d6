"""The cycle's and the diagnosis's API: cycles with their phase and what the caller can do now,
needs with their supports and priority (never their reporter), public when the statute says so."""

from comuna.cycles import needs as need_service
from comuna.cycles.models import CyclePhase, NeedCategory
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.factories import cycle_in, need_in

BODIES = "/api/v1/bodies"


def test_a_cycle_reads_with_its_calendar_phase_steps_counts_and_census(cast, client, login):
    need = need_in(cast, CyclePhase.DIAGNOSIS)
    cycle = need.cycle
    need_service.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    url = f"{BODIES}/{cast.council.slug}/cycles/{cycle.pk}/"
    found = client.get(url).json()
    assert found["id"] == cycle.pk and found["title"] == cycle.title
    assert found["phase"]["code"] == "diagnosis"
    assert [row["phase"]["code"] for row in found["calendar"]] == [
        "diagnosis",
        "prioritisation",
        "planning",
        "review",
        "budget",
        "execution",
    ]
    assert [row["state"] for row in found["calendar"]][:2] == ["now", "next"]
    assert found["counts"]["needs"] == 1 and found["counts"]["supports"] == 1
    assert found["census"]["households"]["total"] == cast.council.households.count()
    assert found["census"]["residents"]["total"] == cast.council.residents.count()
    # a visitor is told what a resident could do, not allowed to
    visitor = {s["action"]["code"]: s["allowed"] for s in found["now"]}
    assert visitor == {"cycles.report_need": False, "cycles.support_need": False}
    # a resident of the body may do it, with the page that does it
    mine = login(cast.resident.user).get(url).json()["now"]
    report = next(s for s in mine if s["action"]["code"] == "cycles.report_need")
    assert report["allowed"] and report["page"].endswith(f"/cycles/{cycle.pk}/needs/new/")


def test_the_cycles_list_gives_each_phase_latest_first(cast, client):
    older = cycle_in(cast, CyclePhase.CLOSED)
    newer = cycle_in(cast, CyclePhase.PLANNING)
    items = client.get(f"{BODIES}/{cast.council.slug}/cycles/").json()["items"]
    assert [(c["id"], c["phase"]["code"]) for c in items] == [
        (newer.pk, "planning"),
        (older.pk, "closed"),
    ]


def test_needs_read_with_supports_and_never_their_reporter(cast, client):
    need = need_in(cast, CyclePhase.DIAGNOSIS)
    need_service.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    url = f"{BODIES}/{cast.council.slug}/needs/"
    page = client.get(url).json()
    assert [(n["id"], n["supports"], n["category"]["code"]) for n in page["items"]] == [
        (need.pk, 1, NeedCategory.WATER)
    ]
    found = client.get(f"{url}{need.pk}/").json()
    assert found["description"] == need.description and found["place"] == "Calle 3"
    assert found["photo"] is None and found["projects"] == []
    text = client.get(f"{url}{need.pk}/").content.decode()
    assert cast.resident.family_name not in text and "reported_by" not in text


def test_the_needs_list_filters_and_pages(cast, client):
    first = need_in(cast, CyclePhase.DIAGNOSIS)
    second = need_in(cast, CyclePhase.DIAGNOSIS)
    url = f"{BODIES}/{cast.council.slug}/needs/"
    assert [n["id"] for n in client.get(f"{url}?cycle={second.cycle_id}").json()["items"]] == [
        second.pk
    ]
    assert client.get(f"{url}?category=roads").json()["items"] == []
    page = client.get(f"{url}?limit=1").json()
    assert [n["id"] for n in page["items"]] == [first.pk] and page["next_after"] == first.pk
    assert client.get(f"{url}?category=nonsense").status_code == 400


def test_a_cycle_or_need_of_another_body_is_not_found(cast, client):
    other = need_in(cast, CyclePhase.DIAGNOSIS, body=cast.other)
    council = f"{BODIES}/{cast.council.slug}"
    assert client.get(f"{council}/needs/{other.pk}/").status_code == 404
    assert client.get(f"{council}/cycles/{other.cycle_id}/").status_code == 404


def test_a_closed_statute_keeps_the_cycle_and_needs_to_members(cast, client, login):
    need = need_in(cast, CyclePhase.DIAGNOSIS)
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    council = f"{BODIES}/{cast.council.slug}"
    for url in (f"{council}/cycles/", f"{council}/cycles/{need.cycle_id}/", f"{council}/needs/"):
        assert client.get(url).status_code == 401, url
    assert login(cast.outsider.user).get(f"{council}/needs/{need.pk}/").status_code == 403
    assert login(cast.resident.user).get(f"{council}/needs/{need.pk}/").status_code == 200
