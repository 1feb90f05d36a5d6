"""Hostile numbers and fields in .pb files: a located PBError, never a crash or a wrong "ok".

Each crash the issue reported (and each one fuzzing found) is re-created here from a small
file written by the test: 20-digit points and costs (OverflowError), a 4,301-digit number
(ValueError), a quoted field over csv's 131,072 characters (_csv.Error), points that wrapped
around in int64 so that `pb check` said ok. The bounds are those of
``comuna.choice.pb.pabulib.bounds``; a file at the bounds is counted by every rule.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from comuna.choice import pb
from comuna.choice.cli import main
from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError
from comuna.choice.pb.pabulib import bounds
from comuna.choice.pb.pabulib.bounds import MAX_EXACT, MAX_FIELD_CHARS, MAX_POINTS
from comuna.choice.pb.rules.greedy import points


def pb_text(
    budget="100",
    vote_type="cumulative",
    meta="",
    projects=(("a", "10"), ("b", "5")),
    votes=(("1", "a,b", "1,1"),),
    name="x",
):
    """A small .pb file: META on lines 1-4, PROJECTS on 5, the projects from 7, VOTES after them and
    the ballots two lines further (each ``meta`` line moves what follows down by one)."""
    rows = ["META", "key;value", f"budget;{budget}", f"vote_type;{vote_type}"]
    rows += [line for line in meta.split("\n") if line]
    rows += ["PROJECTS", "project_id;cost;name"]
    rows += [f"{pid};{cost};{name}" for pid, cost in projects]
    rows += ["VOTES", "voter_id;vote;points"]
    rows += [";".join(v) for v in votes]
    return "\n".join(rows) + "\n"


def located_error(text: str) -> PBError:
    with pytest.raises(PBError) as caught:
        pabulib.parse(text, "bad.pb")
    assert caught.value.path == "bad.pb" and caught.value.line is not None
    return caught.value


def check_exits_2(tmp_path, capsys, text: str, *words: str) -> str:
    """`comuna pb check` on ``text``: exit 2 with one located ``error:`` line."""
    path = tmp_path / "bad.pb"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {path}:") and err.count("\n") == 1, err
    for w in words:
        assert w in err, err
    assert len(err) < 500  # a hostile field is cut, not echoed whole
    return err


# ----------------------------------------------------------------------------- the crashes


def test_twenty_digit_cumulative_points_are_refused_on_their_line(tmp_path, capsys):
    text = pb_text(votes=(("1", "a,b", "1," + "9" * 20),))
    e = located_error(text)
    assert (e.line, e.field) == (11, "points")
    assert "at most 1,000,000,000 points" in e.message
    check_exits_2(tmp_path, capsys, text, ":11: points:")


@pytest.mark.parametrize("meta", ["", "max_sum_cost;100"])
def test_a_twenty_digit_cost_is_refused_on_its_line(tmp_path, capsys, meta):
    text = pb_text(meta=meta, projects=(("a", "9" * 20), ("b", "5")))
    e = located_error(text)
    line = 8 if meta else 7
    assert (e.line, e.field) == (line, "cost")
    check_exits_2(tmp_path, capsys, text, f":{line}: cost:")


@pytest.mark.parametrize(
    "where, field, line",
    [
        ("budget", "budget", 3),
        ("cost", "cost", 7),
        ("points", "points", 11),
        ("num_votes", "num_votes", 5),
        ("max_sum_points", "max_sum_points", 5),
    ],
)
def test_a_number_of_4301_digits_is_refused_without_reading_it(
    tmp_path, capsys, where, field, line
):
    huge = "1" * 4301
    text = pb_text(
        budget=huge if where == "budget" else "100",
        meta=f"{where};{huge}" if where in ("num_votes", "max_sum_points") else "",
        projects=(("a", huge if where == "cost" else "10"), ("b", "5")),
        votes=(("1", "a,b", f"1,{huge}" if where == "points" else "1,1"),),
    )
    if where != "cost":
        # the project lines move down by one META line
        text = text.replace(f"a;{huge}", "a;10")
    e = located_error(text)
    assert (e.line, e.field) == (line, field)
    assert "4301 characters" in e.message and "at most 40" in e.message
    check_exits_2(tmp_path, capsys, text, f":{line}: {field}:", "4301 characters")


def test_a_quoted_field_over_csvs_limit_is_refused_on_its_line(tmp_path, capsys):
    text = pb_text(name='"' + "x" * 140_000 + '"')
    e = located_error(text)
    assert (e.line, e.field) == (7, "field length")
    check_exits_2(tmp_path, capsys, text, ":7: field length:")


@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_over_the_bound_is_refused_quoted_or_not(quoted):
    name = "y" * (MAX_FIELD_CHARS + 1)
    e = located_error(pb_text(name=f'"{name}"' if quoted else name))
    assert (e.line, e.field) == (7, "field length")
    assert f"{MAX_FIELD_CHARS + 1} characters" in e.message
    # one character less is a name like any other
    inst = pabulib.parse(pb_text(name="y" * MAX_FIELD_CHARS))
    assert len(inst.projects[0].name) == MAX_FIELD_CHARS


def test_a_long_field_in_the_votes_is_refused_on_its_line():
    long_id = "v" * (MAX_FIELD_CHARS + 1)
    e = located_error(pb_text(votes=(("1", "a,b", "1,1"), (long_id, "a", "1"))))
    assert (e.line, e.field) == (12, "field length")


def test_points_that_wrapped_around_in_int64_no_longer_pass_the_check(tmp_path, capsys):
    # 2^62 + 2^62 wrapped to -2^63: under max_sum_points 10, and `pb check` said ok
    big = 2**62
    text = pb_text(meta="max_sum_points;10", votes=(("1", "a,b", f"{big},{big}"),))
    e = located_error(text)
    assert (e.line, e.field) == (12, "points")
    check_exits_2(tmp_path, capsys, text, ":12: points:")


# ----------------------------------------------------------------------------- the bounds


def test_points_at_the_bound_read_and_one_more_is_refused():
    inst = pabulib.parse(
        pb_text(vote_type="scoring", votes=(("1", "a,b", f"{MAX_POINTS},-{MAX_POINTS}"),))
    )
    assert inst.points.tolist() == [MAX_POINTS, -MAX_POINTS]
    for over in (f"{MAX_POINTS + 1}", f"-{MAX_POINTS + 1}", f"{MAX_POINTS + 1}.0"):
        e = located_error(pb_text(vote_type="scoring", votes=(("1", "a,b", f"1,{over}"),)))
        assert e.field == "points" and "at most 1,000,000,000" in e.message


def test_points_adding_up_past_2_to_the_53_are_refused_at_the_ballot_that_passes():
    n = MAX_EXACT // MAX_POINTS + 1  # entries of MAX_POINTS that pass 2^53
    points = np.full(n, MAX_POINTS, dtype=np.int64)
    errors = []

    def error(message, line0, field):
        errors.append((message, line0, field))
        return PBError(message, line=line0, field=field)

    with pytest.raises(PBError):
        bounds.check_points(points, [], lambda t: t, error)
    message, line0, field = errors[0]
    assert field == "points" and line0 == n - 1  # the running total passes on the last one
    assert f"{n * MAX_POINTS:,}" in message
    bounds.check_points(points[:-1], [], lambda t: t, error)  # just inside


def test_costs_too_finely_divided_to_share_a_unit_are_refused():
    # 1/1000003, 1/1000033, 1/1000037 (primes): a common unit of 1/(their product) > 2^53
    projects = (("a", "1/1000003"), ("b", "1/1000033"), ("c", "1/1000037"))
    e = located_error(pb_text(projects=projects, votes=(("1", "a,b", "1,1"),)))
    assert (e.line, e.field) == (9, "cost")  # the third project makes the unit too fine
    assert "finer than" in e.message


def test_a_budget_beyond_2_to_the_53_units_is_refused():
    e = located_error(pb_text(budget=str(MAX_EXACT + 1)))
    assert (e.line, e.field) == (3, "budget")
    e = located_error(pb_text(budget=f"{MAX_EXACT // 100 + 1}.01"))  # in cents: over the bound
    assert (e.line, e.field) == (3, "budget")


def test_costs_adding_up_past_2_to_the_53_units_are_refused_at_the_project_that_passes():
    half = MAX_EXACT // 2
    e = located_error(pb_text(projects=(("a", str(half)), ("b", str(half)), ("c", "1"))))
    assert (e.line, e.field) == (9, "cost")
    assert f"{MAX_EXACT + 1:,}" in e.message


def test_more_ballots_than_equal_shares_can_sum_costs_over_are_refused():
    # costs of 2^53 units in all: 1,024 ballots times that is 2^63, one past int64
    votes = tuple((str(v), "a", "1") for v in range(1024))
    text = pb_text(projects=(("a", str(MAX_EXACT - 1)), ("b", "1")), votes=votes)
    e = located_error(text)
    assert (e.line, e.field) == (9, "VOTES")
    inst = pabulib.parse(
        pb_text(projects=(("a", str(MAX_EXACT - 1)), ("b", "1")), votes=votes[:-1])
    )
    assert inst.n_voters == 1023


def test_a_score_threshold_that_is_not_a_number_is_refused_when_read():
    e = located_error(pb_text(meta="min_project_score_threshold;many"))
    assert (e.line, e.field) == (5, "min_project_score_threshold")


def test_a_file_at_the_bounds_is_counted_exactly_by_every_rule():
    """Costs adding up to 2^53 units, 1,023 ballots (ballots times costs just inside int64),
    points at 10^9: no rule overflows, and every outcome stays within the budget."""
    voters = 1023
    big = MAX_EXACT // 4
    projects = (("a", str(big)), ("b", str(big)), ("c", str(big)), ("d", str(big - 3)), ("e", "3"))
    ballots = ["a,b", "b,c", "c,d,e", "a,e", "d"]
    cumulative = pb_text(
        budget=str(MAX_EXACT // 3),
        projects=projects,
        votes=tuple(
            (
                str(v),
                ballots[v % 5],
                ",".join([str(MAX_POINTS - v)] * len(ballots[v % 5].split(","))),
            )
            for v in range(voters)
        ),
    )
    approval = pb_text(
        budget=str(MAX_EXACT // 3),
        vote_type="approval",
        projects=projects,
        votes=tuple((str(v), ballots[v % 5], "") for v in range(voters)),
    )
    counted = 0
    for text in (cumulative, approval):
        inst = pabulib.parse(text)
        for rule_id, rule in pb.RULES.items():
            if inst.vote_type not in rule.accepts:
                continue
            outcome = pb.run(rule_id, inst)
            chosen = {p.id: p.cost for p in inst.projects if p.id in outcome.selected}
            assert outcome.cost == sum(chosen.values(), Fraction(0)) <= inst.budget, rule_id
            counted += 1
    assert counted == sum(
        t in r.accepts for r in pb.RULES.values() for t in ("cumulative", "approval")
    )
    # the exact point totals, which wrapped around before
    inst = pabulib.parse(cumulative)
    expected = [0] * 5
    for v in range(voters):
        for pid in ballots[v % 5].split(","):
            expected["abcde".index(pid)] += MAX_POINTS - v
    assert points(inst).tolist() == expected
