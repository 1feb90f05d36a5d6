"""Importing a Pabulib file as a budget: counted as the engine counts the file, exported back
to the same election, and a malformed file refused with file:line: field: message, nothing
created."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from comuna.choice import pb
from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError
from comuna.cycles import pbfiles
from comuna.cycles.errors import CycleError
from comuna.cycles.models import BallotKind, Budget, BudgetDistrict, BudgetProject, BudgetStatus
from comuna.ledger import verify
from comuna.ledger.models import Entry
from comuna.voting.models import Ballot, Option, Poll, Source
from tests.conftest import SETUP

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "pabulib"
# a diverse sample of small real files: approval, choose-1, cumulative, ordinal,
# greedy-threshold, CRLF line ends and decimal costs among them
SAMPLE = [
    "Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb",
    "France_Toulouse_2022_10_-_Jolimont_Soupetard_Roseraie_Gloire_Gramont_Amouroux.pb",
    "Poland_Poznan_2024_10_-_Swierczewo_Wilda_Zielony_Debiec__small.pb",
    "Poland_Poznan_2024_11_-_Fabianowo-Kotowo_Gorczyn_Junikowo_Kwiatowe_Lawica__small.pb",
    "France_Toulouse_2019.pb",
    "Poland_Czestochowa_2020_Bleszno.pb",
    "Poland_Krakow_2018_Bienczyce.pb",
    "Poland_Krakow_2018_Bronowice.pb",
    "Poland_Czestochowa_2025_Bleszno.pb",
    "Poland_Czestochowa_2025_Dzbow.pb",
]
LARGE_SAMPLE = ["Poland_Lodz_2020.pb", "Poland_Krakow_2022.pb", "Poland_Katowice_2020.pb"]
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the Pabulib corpus is not at {CORPUS} (../shared/pabulib)"
)
ROWS = (Budget, BudgetDistrict, BudgetProject, Poll, Option, Ballot, Entry)


def rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ROWS}


def import_path(cast, path: Path, rule: str | None = None) -> Budget:
    return pbfiles.import_pb(
        cast.council, path.read_bytes(), filename=path.name, rule=rule, by=SETUP
    )


def ballots(inst) -> Counter:
    """The multiset of ballots: (project, points) pairs, in ballot order for ordinal ballots
    only (the order of an approval or cumulative ballot says nothing)."""
    found = Counter()
    for v in range(inst.n_voters):
        pairs = inst.ballot(v)
        found[tuple(pairs if inst.vote_type == "ordinal" else sorted(pairs))] += 1
    return found


def same_instance(a, b) -> None:
    assert a.meta == b.meta
    assert a.vote_type == b.vote_type
    assert a.projects == b.projects  # ids, exact costs, names, in file order
    assert [p.fields for p in a.projects] == [p.fields for p in b.projects]
    assert ballots(a) == ballots(b)


def check_import(cast, path: Path) -> None:
    """The import counts as the engine counts the file with the same rule, and its export
    reads back to the same election."""
    original = pabulib.read(path, strict=False)
    budget = import_path(cast, path)
    poll = budget.districts.get().poll
    assert budget.rule == pbfiles.choose_rule(original, None, path.name)
    assert poll.result["winners"] == pb.run(budget.rule, original).selected, path.name
    assert poll.result["ballots"] == original.n_voters
    exported = pbfiles.export_pb(budget)
    same_instance(pabulib.parse(exported, strict=False), original)
    again = pbfiles.import_pb(
        cast.council, exported.encode(), filename=path.name, rule=budget.rule, by=SETUP
    )
    again_poll = again.districts.get().poll
    assert again_poll.result["winners"] == poll.result["winners"]
    same_instance(pabulib.parse(pbfiles.export_pb(again), strict=False), original)


def test_a_file_becomes_a_counted_budget_of_one_district_with_its_projects_and_ballots(cast):
    budget = import_path(cast, DATA / "good_small.pb", rule="greedy-cost")
    assert budget.cycle is None
    assert budget.status == BudgetStatus.COUNTED
    assert budget.title == "Barrio Norte 2025"
    assert budget.currency == "VES"
    assert budget.ballot_kind == BallotKind.APPROVAL
    assert budget.source_file == "good_small.pb"
    assert len(budget.source_sha256) == 64
    district = budget.districts.get()
    assert district.amount == budget.amount == 1000
    poll = district.poll
    assert poll.status == "closed"
    assert [(o.key, str(o.cost), o.label, o.fields) for o in poll.options.all()] == [
        ("p1", "600.00", "Techo de la escuela", {"category": "education"}),
        ("p2", "300.00", "Cancha", {"category": "sport"}),
        ("p3", "250.50", "Alumbrado", {"category": "public space"}),
    ]
    assert [e.key for e in district.entries.all()] == ["p1", "p2", "p3"]
    stored = Ballot.objects.filter(poll=poll)
    assert stored.count() == 4
    assert set(stored.values_list("source", flat=True)) == {Source.IMPORTED}
    assert set(stored.values_list("receipt_hash", flat=True)) == {None}
    assert not poll.voters.exists()
    assert poll.result["winners"] == ["p2", "p1"]  # greedy by votes: 3, then 2 (p3 no longer fits)
    entry = Entry.objects.filter(kind="budget.imported").get()
    assert entry.data["funded"] == ["p2", "p1"]
    assert entry.data["sha256"] == budget.source_sha256
    assert entry.data["file"] == "good_small.pb"
    assert verify().ok


def test_the_rule_is_the_files_when_the_engine_knows_it_else_equal_shares(cast):
    budget = import_path(cast, DATA / "good_small.pb")  # META rule "greedy": greedy by votes
    assert budget.rule == "greedy-cost"
    assert budget.districts.get().poll.result["winners"] == ["p2", "p1"]
    text = (DATA / "good_small.pb").read_text()
    for named, rule in (
        ("greedy-no-skip", "mes-cost-complete"),
        ("unknown", "mes-cost-complete"),
        ("equalshares/add1", "mes-cost-complete"),
        ("phragmen", "phragmen"),
    ):
        data = text.replace("rule;greedy", f"rule;{named}").encode()
        budget = pbfiles.import_pb(cast.council, data, filename="x.pb", by=SETUP)
        assert budget.rule == rule, named


def test_a_rule_that_does_not_take_the_files_ballots_is_refused_and_nothing_created(cast):
    before = rows()
    with pytest.raises(CycleError, match=r"^ordinal_small\.pb: rule: phragmen"):
        import_path(cast, DATA / "ordinal_small.pb", rule="phragmen")
    assert rows() == before


def test_ranked_ballots_are_imported_best_first(cast):
    budget = import_path(cast, DATA / "ordinal_small.pb")
    poll = budget.districts.get().poll
    assert sorted(Ballot.objects.filter(poll=poll).values_list("choices", flat=True)) == [
        ["a"],
        ["b", "a"],
        ["c", "b", "a"],
    ]
    assert budget.ballot_kind == BallotKind.RANKED


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("bad_unknown_project.pb", r"bad_unknown_project\.pb:14: vote: "),
        ("bad_no_budget.pb", r"bad_no_budget\.pb:\d+: budget: "),
        ("bad_cost.pb", r"bad_cost\.pb:10: cost: "),
        ("bad_cents.pb", r"bad_cents\.pb:10: cost: .*two decimal places"),
        ("bad_truncated.pb", r"bad_truncated\.pb:\d+: num_votes: "),
    ],
)
def test_a_malformed_file_is_refused_with_its_line_and_field_and_nothing_is_created(
    cast, name, where
):
    before = rows()
    with pytest.raises(PBError) as caught:
        import_path(cast, DATA / name)
    assert re.match(where, str(caught.value)), str(caught.value)
    assert rows() == before


def test_a_file_that_is_not_utf8_is_refused(cast):
    before = rows()
    data = (DATA / "good_small.pb").read_bytes().replace(b"Cancha", b"Cancha \xff")
    with pytest.raises(PBError, match=r"^x\.pb:15: encoding: "):
        pbfiles.import_pb(cast.council, data, filename="x.pb", by=SETUP)
    assert rows() == before


def test_a_ballot_edited_in_the_database_is_caught_by_the_ledger(cast):
    budget = import_path(cast, DATA / "good_small.pb", rule="greedy-cost")
    poll = budget.districts.get().poll
    ballot = Ballot.objects.filter(poll=poll).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Ballot._meta.db_table} SET choices = %s WHERE id = %s",
            ['["p3"]', Ballot._meta.get_field("id").get_db_prep_value(ballot.id, connection)],
        )
    report = verify()
    assert not report.ok
    assert any(p.kind == "budget.imported" and "digest" in p.what for p in report.problems)


def test_a_budget_with_several_districts_needs_the_district_named(cast):
    budget = import_path(cast, DATA / "good_small.pb")
    district = budget.districts.get()
    BudgetDistrict.objects.create(budget=budget, name="Otro", amount=1)
    with pytest.raises(CycleError):
        pbfiles.export_pb(budget)
    assert "Techo de la escuela" in pbfiles.export_pb(budget, district)


@needs_corpus
@pytest.mark.parametrize("name", SAMPLE)
def test_a_real_file_counts_as_the_engine_counts_it_and_exports_back_the_same(cast, name):
    check_import(cast, CORPUS / name)


@needs_corpus
@pytest.mark.slow
def test_every_file_under_one_megabyte_counts_as_the_engine_and_exports_back(cast):
    files = sorted(p for p in CORPUS.glob("*.pb") if p.stat().st_size < 1_000_000)
    for path in files:
        check_import(cast, path)


@needs_corpus
@pytest.mark.slow
@pytest.mark.parametrize("name", LARGE_SAMPLE)
def test_a_large_real_file_counts_as_the_engine_counts_it(cast, name):
    check_import(cast, CORPUS / name)
