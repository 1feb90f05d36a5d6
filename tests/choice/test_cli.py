"""`comuna pb ...` as a user runs it: a subprocess, its stdout, stderr and exit status.

The expected outcomes on io_approval_crlf_bom_quotes.pb were worked out by hand: budget
1000.50; votes p1 4, p2 3, p3 2, "10" 1; greedy by votes funds p1 (500, 500.50 left), p2
(250.25, 250.25 left), skips p3 (400 does not fit), funds 10 (100): cost 850.25.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from comuna.choice.pb.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
GOOD = DATA / "io_approval_crlf_bom_quotes.pb"


def pb(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "comuna.choice.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.count("\n") == 1  # one line
    for w in words:
        assert w in result.stderr, result.stderr
    assert result.stdout == ""


def test_run_prints_the_selected_ids_one_per_line():
    result = pb("run", GOOD, "--rule", "greedy-cost")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["p1", "p2", "10"]


def test_run_json_is_one_object_with_the_exact_cost():
    result = pb("run", GOOD, "--rule", "greedy-cost", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"rule", "selected", "cost", "seconds"}
    assert data["rule"] == "greedy-cost"
    assert data["selected"] == ["p1", "p2", "10"]
    assert data["cost"] == "850.25"
    assert isinstance(data["seconds"], float) and data["seconds"] >= 0


def test_rules_lists_every_rule_with_its_description_and_vote_types():
    result = pb("rules")
    assert result.returncode == 0, result.stderr
    for rule_id, spec in RULES.items():
        line = next(ln for ln in result.stdout.splitlines() if ln.split()[:1] == [rule_id])
        assert spec.description in line
    assert "vote types: cumulative, scoring" in result.stdout  # the points rules
    assert "stv" in result.stdout  # election rules are listed too


def test_check_summarises_a_good_file():
    result = pb("check", GOOD)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for words in (
        "vote type:   approval",
        "projects:    4 costing 1250.25",
        "budget:      1000.5",
        "voters:      5",
        "min_length 1, max_length 3",
        "ok:",
    ):
        assert words in out, out


def test_check_lists_ballots_breaking_the_file_constraints(tmp_path):
    bad = tmp_path / "long.pb"
    bad.write_text(GOOD.read_text(encoding="utf-8-sig").replace("v5;p3;", "v5;p3,p1,p2,10;"))
    result = pb("check", bad)
    assert result.returncode == 1
    assert f"{bad}:27: max_length:" in result.stdout  # v5 is on line 27
    # and run refuses it unless told to count it as cast
    assert_clean_error(
        pb("run", bad, "--rule", "greedy-cost"), f"{bad}:27: max_length:", "--lenient"
    )
    lenient = pb("run", bad, "--rule", "greedy-cost", "--lenient")
    assert lenient.returncode == 0 and lenient.stdout.split()[0] == "p1"


def test_explain_says_why_a_project_was_or_was_not_funded():
    skipped = pb("explain", GOOD, "--rule", "greedy-cost", "--project", "p3")
    assert skipped.returncode == 0, skipped.stderr
    assert "p3 was not selected" in skipped.stdout and "250.25" in skipped.stdout
    funded = pb("explain", GOOD, "--rule", "greedy-cost", "--project", "10")
    assert funded.returncode == 0 and "10 was selected" in funded.stdout


def test_explain_of_an_unknown_project_is_a_clear_error():
    assert_clean_error(
        pb("explain", GOOD, "--rule", "greedy-cost", "--project", "nope"), "--project", "'nope'"
    )


@pytest.mark.parametrize(
    ("name", "edit", "where"),
    [
        # cut in the middle of the last ballot: "v5;p" has 2 fields, not 4 (line 27)
        ("truncated", lambda t: t[: t.index("v5;p3") + 4], ":27: VOTES: row has 2 fields"),
        # cut after a whole ballot: META num_votes (line 8) says 5, the file holds 4
        ("truncated at a line end", lambda t: t[: t.index("v5;p3")], ":8: num_votes:"),
        # voter_id and vote swapped in the header: votes name projects "v1", ...
        (
            "columns swapped",
            lambda t: t.replace("voter_id;vote;", "vote;voter_id;"),
            ":23: vote: vote names unknown project 'v1'",
        ),
        ("unknown project", lambda t: t.replace("v3;p1;", "v3;p9;"), ":25: vote: "),
        ("negative cost", lambda t: t.replace("p3;400;", "p3;-400;"), ":19: cost: negative"),
        ("no VOTES", lambda t: t[: t.index("VOTES")], ":21: VOTES: missing VOTES section"),
    ],
)
def test_a_malformed_file_gets_file_line_field_and_exit_2(tmp_path, name, edit, where):
    bad = tmp_path / "bad.pb"
    bad.write_text(edit(GOOD.read_text(encoding="utf-8-sig")), encoding="utf-8")
    assert_clean_error(pb("run", bad, "--rule", "greedy-cost"), f"{bad}{where}")
    assert_clean_error(pb("check", bad), f"{bad}{where}")


def test_a_missing_file_is_a_clear_error(tmp_path):
    assert_clean_error(pb("run", tmp_path / "none.pb", "--rule", "greedy-cost"), "no such file")


def test_an_unknown_rule_is_a_clear_error():
    assert_clean_error(pb("run", GOOD, "--rule", "best-rule"), "unknown rule 'best-rule'")


def test_a_rule_that_does_not_take_the_vote_type_is_a_clear_error():
    assert_clean_error(pb("run", GOOD, "--rule", "greedy-points"), "approval", "greedy-points")


def test_an_unknown_tiebreak_is_a_clear_error():
    assert_clean_error(pb("run", GOOD, "--rule", "greedy-cost", "--tiebreak", "coin"), "coin")


def test_run_counts_a_real_file(pabulib_dir):
    # Łódź 2020 (approval, 51,472 voters) through the whole command
    result = pb("run", pabulib_dir / "Poland_Lodz_2020.pb", "--rule", "greedy-cost", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["selected"] and all(pid.startswith("L") for pid in data["selected"])
