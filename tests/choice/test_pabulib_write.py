"""Writing .pb files: what is written reads back to the same instance."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBInstance, Project

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(DATA.glob("io_*.pb"))


def assert_same_instance(a: PBInstance, b: PBInstance) -> None:
    assert a.meta == b.meta
    assert list(a.meta) == list(b.meta)  # META order kept too
    assert a.vote_type == b.vote_type
    assert [(p.id, p.cost, p.name, p.fields) for p in a.projects] == [
        (p.id, p.cost, p.name, p.fields) for p in b.projects
    ]
    assert a.voter_ids == b.voter_ids
    for name in ("indptr", "indices", "points"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert a.project_columns == b.project_columns
    assert a.vote_columns == b.vote_columns
    assert a.voter_fields == b.voter_fields


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_writing_what_was_read_reads_back_identical(path):
    first = pabulib.read(path)
    assert_same_instance(first, pabulib.parse(pabulib.dumps(first)))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_writing_is_stable(path):
    text = pabulib.dumps(pabulib.read(path))
    assert pabulib.dumps(pabulib.parse(text)) == text


def test_write_and_read_through_a_file(tmp_path):
    inst = pabulib.read(DATA / "io_approval_crlf_bom_quotes.pb")
    out = tmp_path / "out.pb"
    pabulib.write(inst, out)
    assert_same_instance(inst, pabulib.read(out))


@pytest.mark.parametrize(
    ("value", "text"),
    [  # worked out by hand
        (Fraction(7), "7"),
        (Fraction(2001, 2), "1000.5"),
        (Fraction(1001, 4), "250.25"),
        (Fraction(-1, 8), "-0.125"),
        (Fraction(3, 100), "0.03"),
        (Fraction(1, 3), "1/3"),
    ],
)
def test_numbers_are_written_exactly(value, text):
    assert pabulib.format_number(value) == text


def test_text_with_separators_quotes_and_line_breaks_survives():
    inst = pabulib.read(DATA / "io_scoring_negative.pb")
    inst.meta["description"] = 'one; "two"\nthree'
    odd = Project("x", Fraction(1, 3), 'name; with "quotes"', {})
    inst.projects[0] = odd
    inst.project_columns = ["project_id", "cost", "name"]
    again = pabulib.parse(pabulib.dumps(inst))
    assert again.meta["description"] == 'one; "two"\nthree'
    assert again.projects[0] == odd
    assert again.projects[0].cost == Fraction(1, 3)


def test_a_built_instance_is_written_with_true_counts_and_required_columns():
    # an election made in code, not read: a stale num_votes, default columns, cumulative points
    inst = PBInstance(
        meta={"budget": "100", "vote_type": "cumulative", "num_votes": "7"},
        projects=[Project("a", Fraction(40)), Project("b", Fraction(70), "Bee")],
        vote_type="cumulative",
        voter_ids=["v1", "v2"],
        indptr=np.array([0, 2, 3], dtype=np.int64),
        indices=np.array([1, 0, 0], dtype=np.int32),
        points=np.array([2, 1, 3], dtype=np.int64),
    )
    back = pabulib.parse(pabulib.dumps(inst))
    assert back.meta["num_votes"] == "2" and "num_projects" not in back.meta
    assert [back.ballot(v) for v in range(2)] == [[("b", 2), ("a", 1)], [("a", 3)]]
    assert [p.name for p in back.projects] == ["", "Bee"]
    assert back.vote_columns == ["voter_id", "vote", "points"]


def test_real_files_of_every_vote_type_survive_a_round_trip(pabulib_dir):
    names = [
        "Poland_Czestochowa_2020_Bleszno.pb",  # cumulative
        "Poland_Krakow_2021_Bienczyce.pb",  # ordinal with points column
        "Poland_Gdansk_2020_Przerobka.pb",  # choose-1
        "France_Toulouse_2022_12_-_Pont_des_Demoiselles_Ormeau_Montaudran_La_Terrasse_Malepere.pb",
        "Poland_Warszawa_2018_Grochow_Kinowa.pb",  # decimal budget, breaks max_sum_cost
        "Poland_Warszawa_2022_Wola.pb",  # a repeated approval, counted once
        "Hungary_Budapest_2025_VIII_Jozsefvaros.pb",  # blanks around fields
        "Poland_Krakow_2024.pb",  # the largest file (ordinal)
    ]
    for name in names:
        inst = pabulib.read(pabulib_dir / name, strict=False)
        again, problems = pabulib.parse_checked(pabulib.dumps(inst), name)
        assert_same_instance(inst, again)
        # writing keeps ballots as counted: a repeated project is no longer there
        assert all(p.field != "repeated project" for p in problems)


@pytest.mark.slow
def test_every_real_file_survives_a_round_trip(pabulib_dir):
    for path in sorted(pabulib_dir.glob("*.pb")):
        inst = pabulib.read(path, strict=False)
        assert_same_instance(inst, pabulib.parse(pabulib.dumps(inst), str(path), strict=False))
