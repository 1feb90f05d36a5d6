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

from comuna.choice.elections import RULES as ELECTION_RULES
from comuna.choice.pb import RULES, pabulib

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
    lines = result.stdout.splitlines()
    for rules in (RULES, ELECTION_RULES):
        for rule_id, rule in rules.items():
            at = next(k for k, ln in enumerate(lines) if ln.split()[:1] == [rule_id])
            assert rule.description in lines[at]
            assert lines[at + 1].split(": ", 1)[1].startswith(", ".join(rule.accepts))
    assert "vote types: cumulative, scoring" in result.stdout  # the points rules
    assert "ballots: ranked; one seat" in result.stdout  # irv


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


# Ballots that break the file's own limits, one of each kind real files have (worked out by
# hand): voter 1 (line 19) asks for a + b = 11 over max_sum_cost 10; voter 3 (line 21) lists b
# twice. Counted as cast (b once): a 2, b 2, c 2 votes, ties by id: a (4 left), b does not fit,
# c -> a, c. Had voter 1 been dropped: c, a; had b counted twice: b, c.
BREAKS = DATA / "limits_broken.pb"
BREAKS_PROBLEMS = [
    f"{BREAKS}:19: max_sum_cost: 1 ballot breaks max_sum_cost 10; first: voter 1 asks for 11",
    f"{BREAKS}:21: repeated project: 1 ballot breaks the rule that a ballot lists each "
    "project once (counted once); first: voter 3 lists project b twice",
]


def test_run_counts_ballots_breaking_the_file_limits_as_cast_with_a_warning():
    result = pb("run", BREAKS, "--rule", "greedy-cost")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["a", "c"]
    warnings = result.stderr.splitlines()
    assert warnings[:2] == [f"warning: {p}" for p in BREAKS_PROBLEMS]
    assert warnings[2:] == ["warning: such ballots are counted as cast (--strict refuses them)"]


def test_run_strict_refuses_a_file_whose_ballots_break_its_limits():
    for command in (["run"], ["explain", "--project", "a"]):
        result = pb(*command, BREAKS, "--rule", "greedy-cost", "--strict")
        assert_clean_error(result, BREAKS_PROBLEMS[0], "--strict")


def test_check_lists_every_ballot_breaking_the_file_limits_and_exits_1():
    result = pb("check", BREAKS)
    assert result.returncode == 1, result.stderr
    for problem in BREAKS_PROBLEMS:
        assert f"  {problem}" in result.stdout.splitlines()
    assert "2 problem(s)" in result.stdout


def test_a_good_file_gets_no_warning():
    result = pb("run", GOOD, "--rule", "greedy-cost", "--strict")
    assert result.returncode == 0 and result.stderr == ""


# Real files as the city published them. Warszawa 2018 Praga-Południe (6 ballots over
# max_sum_cost) is split in this corpus into its four areas: Grochów Kinowa holds 2 of the 6
# (its first on line 837). Warszawa 2026 Mirów has no file here; Błonia Wilanowskie (line 268)
# has a ballot listing a project twice, as Mirów's does. greedy-threshold, the rule these
# files name, reproduces what the city funded (their `selected` column).
REAL_BREAKING = {
    "Poland_Warszawa_2018_Grochow_Kinowa.pb": ":837: max_sum_cost: 2 ballots break",
    "Poland_Warszawa_2026_Blonia_Wilanowskie.pb": ":268: repeated project: 1 ballot breaks",
}


@pytest.mark.parametrize("name", sorted(REAL_BREAKING))
def test_real_files_breaking_their_limits_are_counted_warned_about_or_refused(pabulib_dir, name):
    path = pabulib_dir / name
    problem = f"{path}{REAL_BREAKING[name]}"
    counted = pb("run", path, "--rule", "greedy-threshold")
    assert counted.returncode == 0, counted.stderr
    assert counted.stderr.startswith(f"warning: {problem}")
    inst, _ = pabulib.read_checked(path)
    funded = {p.id for p in inst.projects if p.fields["selected"] == "1"}
    assert set(counted.stdout.split()) == funded
    assert_clean_error(pb("run", path, "--rule", "greedy-threshold", "--strict"), problem)
    checked = pb("check", path)
    assert checked.returncode == 1 and f"  {problem}" in checked.stdout


def test_praga_poludnie_2018_has_6_ballots_over_max_sum_cost_across_its_areas(pabulib_dir):
    areas = ["Grochow_Kinowa", "Grochow_Poludniowy", "Kamionek", "Saska_Kepa"]
    over = 0
    for area in areas:
        inst, problems = pabulib.read_checked(pabulib_dir / f"Poland_Warszawa_2018_{area}.pb")
        assert inst.meta["district"] == "Praga-Południe"
        [problem] = problems
        assert problem.field == "max_sum_cost"
        over += int(problem.message.split()[0])
    assert over == 6


# Two projects tied at 6 points: L21/05/XII (2 supporters) comes first by id, L21/08/XII
# (3 supporters) by supporters; after L21/01/XII (30 of 100) only one of them (60) fits.
TIE = DATA / "rules_tie_supporters.pb"


def test_tiebreak_supporters_funds_the_tied_project_more_voters_chose():
    by_id = pb("run", TIE, "--rule", "greedy-threshold")
    assert by_id.stdout.splitlines() == ["L21/01/XII", "L21/05/XII"]
    by_supporters = pb("run", TIE, "--rule", "greedy-threshold", "--tiebreak", "supporters")
    assert by_supporters.returncode == 0, by_supporters.stderr
    assert by_supporters.stdout.splitlines() == ["L21/01/XII", "L21/08/XII"]
    why = pb(
        "explain",
        TIE,
        "--rule",
        "greedy-threshold",
        "--tiebreak",
        "supporters",
        "--project",
        "L21/05/XII",
    )
    assert why.returncode == 0 and "L21/05/XII was not funded" in why.stdout
    assert "It was tied with L21/08/XII; the tie-breaking order put it after them." in why.stdout


def test_explain_says_why_a_project_was_or_was_not_funded():
    skipped = pb("explain", GOOD, "--rule", "greedy-cost", "--project", "p3")
    assert skipped.returncode == 0, skipped.stderr
    assert "p3 was not funded" in skipped.stdout and "250.25" in skipped.stdout
    funded = pb("explain", GOOD, "--rule", "greedy-cost", "--project", "10")
    assert funded.returncode == 0 and "10 was funded" in funded.stdout


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
