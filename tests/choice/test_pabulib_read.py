"""Reading .pb files: what real files contain is read, exactly.

Expected values in these tests were read off the fixture files by hand (tests/choice/data/io_*).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError, PBInstance

DATA = Path(__file__).parent / "data"


def ballots(inst: PBInstance) -> list[list[tuple[str, int]]]:
    return [inst.ballot(v) for v in range(inst.n_voters)]


def test_it_reads_crlf_bom_quotes_and_non_ascii_text():
    inst = pabulib.read(DATA / "io_approval_crlf_bom_quotes.pb")
    assert inst.vote_type == "approval"
    # a quoted META value holding ";" and doubled quotes
    assert inst.meta["description"] == 'Barrio "La Unión"; ronda 1'
    assert inst.meta["comuna_extra_key"] == "kept as is"
    assert [p.id for p in inst.projects] == ["p1", "p2", "p3", "10"]
    assert [p.name for p in inst.projects] == [
        "Cancha de fútbol",
        "Biblioteca; sala de lectura",
        'Mercado "popular"',  # quotes inside an unquoted field are text
        "Árboles ñandú",
    ]
    assert inst.projects[0].fields == {"votes": "4", "category": "deporte,salud", "selected": "1"}
    assert inst.projects[2].fields["category"] == ""  # empty optional column
    assert inst.voter_ids == ["v1", "v2", "v3", "v4", "v5"]
    assert ballots(inst) == [
        [("p1", 1), ("p2", 1), ("p3", 1)],
        [("p1", 1), ("p2", 1)],
        [("p1", 1)],
        [("p1", 1), ("p2", 1), ("10", 1)],
        [("p3", 1)],
    ]
    assert inst.voter_fields[1] == {"age": "", "sex": "M"}
    assert inst.project_columns == ["project_id", "cost", "votes", "name", "category", "selected"]
    assert inst.vote_columns == ["voter_id", "vote", "age", "sex"]


def test_it_keeps_decimal_costs_and_budget_exact():
    inst = pabulib.read(DATA / "io_approval_crlf_bom_quotes.pb")
    assert inst.budget == Fraction(2001, 2)  # "1000.50"
    assert [p.cost for p in inst.projects] == [
        500,
        Fraction(1001, 4),
        400,
        100,
    ]  # "500.0", "250.25"
    assert inst.scale == 4
    assert inst.int_costs.tolist() == [2000, 1001, 1600, 400]
    assert inst.int_budget == 4002


def test_it_builds_csr_arrays_with_the_contract_dtypes():
    inst = pabulib.read(DATA / "io_approval_crlf_bom_quotes.pb")
    assert inst.indptr.dtype == np.int64 and inst.indices.dtype == np.int32
    assert inst.points.dtype == np.int64
    assert inst.indptr.tolist() == [0, 3, 5, 6, 9, 10]
    assert inst.indices.tolist() == [0, 1, 2, 0, 1, 0, 0, 1, 3, 2]


def test_it_reads_cumulative_points_written_as_decimals_and_empty_ballots():
    inst = pabulib.read(DATA / "io_cumulative_points.pb")
    assert ballots(inst) == [[("A", 3), ("B", 2)], [("C", 1)], [("B", 1), ("C", 1), ("A", 3)], []]
    assert inst.voter_fields == [{"voting_method": m} for m in ("internet", "paper") * 2]
    assert "points" in inst.vote_columns


def test_it_reads_negative_scores_on_scoring_ballots():
    inst = pabulib.read(DATA / "io_scoring_negative.pb")
    assert ballots(inst) == [[("x", 2), ("y", -2), ("z", 0)], [("z", 1)]]
    assert inst.voter_fields is None  # no other VOTES column


def test_it_keeps_ordinal_ballots_best_first_and_their_points_column_as_text():
    inst = pabulib.read(DATA / "io_ordinal_rank_points.pb")
    assert [[pid for pid, _ in b] for b in ballots(inst)] == [
        ["15", "4", "33"],
        ["33", "15"],
        ["8"],
    ]
    assert set(inst.points.tolist()) == {1}  # the order carries the ranking
    assert inst.voter_fields[0] == {"points": "3,2,1", "voting_method": "internet"}


def test_it_skips_blank_lines_and_reads_a_file_without_final_newline():
    inst = pabulib.read(DATA / "io_choose1_no_final_newline.pb")
    assert inst.vote_type == "choose-1"
    assert inst.voter_ids == ["1", "2", "3"]
    assert ballots(inst) == [[("A1", 1)], [("B2", 1)], [("A1", 1)]]


def test_it_reads_the_same_instance_whatever_the_line_ends():
    text = (DATA / "io_cumulative_points.pb").read_text(encoding="utf-8")
    variants = [text, text.replace("\n", "\r\n"), "\ufeff" + text, text.rstrip("\n"), text + "\n\n"]
    got = [pabulib.parse(t) for t in variants]
    for inst in got[1:]:
        assert inst.meta == got[0].meta
        assert ballots(inst) == ballots(got[0])


def test_it_strips_blanks_around_fields_and_ids_in_votes():
    text = (DATA / "io_cumulative_points.pb").read_text(encoding="utf-8")
    padded = text.replace("1;A,B;3,2;internet", " 1 ; A, B ;3, 2; internet ")
    inst = pabulib.parse(padded)
    assert inst.voter_ids[0] == "1"
    assert inst.ballot(0) == [("A", 3), ("B", 2)]
    assert inst.voter_fields[0] == {"voting_method": "internet"}


def test_it_reads_quoted_fields_in_votes_and_line_breaks_inside_quotes():
    text = (DATA / "io_scoring_negative.pb").read_text(encoding="utf-8")
    text = text.replace(
        "description;scoring ballots may give negative scores", 'description;"two\nlines"'
    ).replace("a;x,y,z;2,-2,0", 'a;"x,y,z";"2,-2,0"')
    inst = pabulib.parse(text)
    assert inst.meta["description"] == "two\nlines"
    assert inst.ballot(0) == [("x", 2), ("y", -2), ("z", 0)]


def test_it_accepts_a_decimal_comma_in_costs_and_budget():
    text = (DATA / "io_scoring_negative.pb").read_text(encoding="utf-8")
    inst = pabulib.parse(text.replace("budget;10", "budget;10,5").replace("x;4", "x;4,25"))
    assert inst.budget == Fraction(21, 2)
    assert inst.projects[0].cost == Fraction(17, 4)


# ---------------------------------------------------------------- the real corpus

# what the corpus holds, for a sample covering every vote type and the known quirks
SAMPLE = [
    "Poland_Czestochowa_2020_Bleszno.pb",  # cumulative, min/max_sum_points
    "Poland_Krakow_2021_Bienczyce.pb",  # ordinal with a points column
    "Poland_Gdansk_2020_Przerobka.pb",  # choose-1
    "France_Toulouse_2022_12_-_Pont_des_Demoiselles_Ormeau_Montaudran_La_Terrasse_Malepere.pb",
    "Netherlands_Amsterdam_166.pb",  # approval, max_sum_cost
    "Worldwide_Mechanical_Turk_Utilities_3.pb",  # quoted META, cumulative
    "Hungary_Budapest_2025_VIII_Jozsefvaros.pb",  # blanks around fields, no final newline
]


def _sample(pabulib_dir: Path) -> list[Path]:
    paths = [pabulib_dir / name for name in SAMPLE]
    missing = [p.name for p in paths if not p.exists()]
    assert not missing, f"sample files missing from the corpus: {missing}"
    return paths


def test_it_reads_what_pabutools_reads_on_a_sample_of_real_files(pabulib_dir):
    from tests.choice.oracle import parse as pabutools_parse

    for path in _sample(pabulib_dir):
        inst = pabulib.read(path, strict=False)
        ref_instance, ref_profile = pabutools_parse(path)
        assert inst.budget == ref_instance.budget_limit, path.name
        assert {p.id: p.cost for p in inst.projects} == {
            p.name: Fraction(int(p.cost.numerator), int(p.cost.denominator)) for p in ref_instance
        }, path.name
        assert inst.n_voters == len(ref_profile), path.name
        for v, ref in enumerate(ref_profile):
            ours = inst.ballot(v)
            if inst.vote_type in ("cumulative", "scoring"):
                assert dict(ours) == {p.name: int(x) for p, x in ref.items()}, (path.name, v)
            elif inst.vote_type == "ordinal":
                assert [pid for pid, _ in ours] == [p.name for p in ref], (path.name, v)
            else:
                assert {pid for pid, _ in ours} == {p.name for p in ref}, (path.name, v)


def test_it_reads_the_largest_files_into_consistent_arrays(pabulib_dir):
    for name, vote_type in [
        ("Poland_Krakow_2024.pb", "ordinal"),
        ("Poland_Wroclaw_2020.pb", "choose-1"),
        ("Poland_Lodz_2020.pb", "approval"),
    ]:
        inst = pabulib.read(pabulib_dir / name)
        assert inst.vote_type == vote_type
        assert inst.n_voters == int(inst.meta["num_votes"])
        assert inst.n_projects == int(inst.meta["num_projects"])
        assert inst.indptr[-1] == len(inst.indices) == len(inst.points)
        # the PROJECTS "votes" column counts the ballots naming each project
        listed = np.bincount(inst.indices, minlength=inst.n_projects)
        assert listed.tolist() == [int(p.fields["votes"]) for p in inst.projects], name


# Files breaking their own META constraints, found by an independent csv scan of the corpus
# (and each first offender checked with grep): ballots over max_sum_cost (equal to the budget
# in all of them), approval ballots naming a project twice, ballots under min_sum_points, and a
# project under min_project_cost.
KNOWN_PROBLEMS = {
    "max_sum_cost": 15,
    "repeated project": 14,
    "min_sum_points": 1,
    "min_project_cost": 1,
}


@pytest.mark.slow
def test_every_real_file_reads_and_only_the_known_ones_break_their_constraints(pabulib_dir):
    files = sorted(pabulib_dir.glob("*.pb"))
    assert len(files) > 1000
    broken: Counter[str] = Counter()
    for path in files:
        inst, problems = pabulib.read_checked(path)
        assert inst.n_voters == int(inst.meta["num_votes"])
        for p in problems:
            assert p.line is not None and p.path == str(path)
            broken[p.field] += 1
    assert dict(broken) == KNOWN_PROBLEMS


def test_lenient_reading_counts_a_repeated_approval_once(pabulib_dir):
    path = pabulib_dir / "Poland_Warszawa_2022_Wola.pb"
    with pytest.raises(PBError) as e:
        pabulib.read(path)
    assert e.value.field == "repeated project" and e.value.line == 3096
    inst, problems = pabulib.read_checked(path)
    assert [p.field for p in problems] == ["repeated project"]
    v = inst.voter_ids.index("37051")  # line 3096 reads "37051;147,1040,1040" (checked with grep)
    assert [pid for pid, _ in inst.ballot(v)] == ["147", "1040"]
