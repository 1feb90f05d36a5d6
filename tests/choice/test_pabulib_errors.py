"""Bad .pb input: each error names the file, the line (1-based) and the field.

Each case edits a small valid file whose lines are numbered below, so the expected line of
every error can be checked by eye.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError

APPROVAL = """META
key;value
description;errors
num_projects;3
num_votes;4
budget;1000
vote_type;approval
max_length;2
min_length;1
max_sum_cost;900
PROJECTS
project_id;cost;name
a;400;Alfa
b;500;Beta
c;300;Gamma
VOTES
voter_id;vote;age
1;a,b;30
2;c;
3;b;41
4;a,c;19
"""
# line numbers of APPROVAL:  3 description, 5 num_votes, 6 budget, 7 vote_type, 8 max_length,
# 10 max_sum_cost, 11 PROJECTS, 12 header, 13-15 projects a b c, 16 VOTES, 17 header,
# 18-21 voters 1-4

CUMULATIVE = """META
key;value
budget;100
vote_type;cumulative
max_sum_points;5
min_sum_points;1
max_points;3
PROJECTS
project_id;cost
a;10
b;20
VOTES
voter_id;vote;points
1;a,b;3,2
2;b;1
"""
# lines of CUMULATIVE: 14 voter 1, 15 voter 2


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def error_of(text: str) -> PBError:
    with pytest.raises(PBError) as e:
        pabulib.parse(text, "bad.pb")
    return e.value


CASES = [
    # (name, base, old, new, line, field, words in the message)
    (
        "unknown project in a vote",
        APPROVAL,
        "3;b;41",
        "3;b,zz;41",
        20,
        "vote",
        "unknown project 'zz'",
    ),
    ("empty id in a vote", APPROVAL, "3;b;41", "3;b,,a;41", 20, "vote", "empty project id"),
    (
        "duplicate project id",
        APPROVAL,
        "c;300;Gamma",
        "a;300;Gamma",
        15,
        "project_id",
        "first on line 13",
    ),
    ("duplicate voter id", APPROVAL, "4;a,c;19", "2;a,c;19", 21, "voter_id", "first on line 19"),
    ("negative cost", APPROVAL, "b;500;", "b;-5;", 14, "cost", "negative"),
    ("cost not a number", APPROVAL, "b;500;", "b;5OO;", 14, "cost", "not a number"),
    ("empty cost", APPROVAL, "b;500;", "b;;", 14, "cost", "not a number"),
    ("id holding a comma", APPROVAL, "c;300;", "c,d;300;", 15, "project_id", "comma"),
    ("META missing", APPROVAL, "META\nkey;value\n", "", 1, "META", "META section first"),
    ("PROJECTS missing", APPROVAL, "PROJECTS\n", "", 15, "VOTES", "PROJECTS was expected"),
    ("VOTES missing", APPROVAL.split("VOTES")[0], "", "", 16, "VOTES", "missing VOTES"),
    ("section twice", APPROVAL, "VOTES\n", "PROJECTS\n", 16, "PROJECTS", "second PROJECTS"),
    ("budget missing", APPROVAL, "budget;1000\n", "", 1, "budget", "missing META key"),
    ("vote_type missing", APPROVAL, "vote_type;approval\n", "", 1, "vote_type", "missing META key"),
    ("budget not a number", APPROVAL, "budget;1000", "budget;lots", 6, "budget", "number"),
    (
        "unknown vote type",
        APPROVAL,
        "vote_type;approval",
        "vote_type;approve",
        7,
        "vote_type",
        "unknown vote type",
    ),
    (
        "META key twice",
        APPROVAL,
        "max_length;2\n",
        "max_length;2\nbudget;5\n",
        9,
        "budget",
        "twice",
    ),
    (
        "META row with 3 fields",
        APPROVAL,
        "description;errors",
        "description;err;ors",
        3,
        "description",
        "2 fields",
    ),
    (
        "limit not a number",
        APPROVAL,
        "max_length;2",
        "max_length;two",
        8,
        "max_length",
        "not a number",
    ),
    (
        "cost column missing",
        APPROVAL,
        "project_id;cost;name",
        "project_id;price;name",
        12,
        "cost",
        "missing column",
    ),
    (
        "vote column missing",
        APPROVAL,
        "voter_id;vote;age",
        "voter_id;ballot;age",
        17,
        "vote",
        "missing column",
    ),
    ("column twice", APPROVAL, "voter_id;vote;age", "voter_id;vote;vote", 17, "vote", "twice"),
    ("project row too long", APPROVAL, "b;500;Beta", "b;500;Beta;x", 14, "PROJECTS", "4 fields"),
    ("vote row too short", APPROVAL, "3;b;41", "3;b", 20, "VOTES", "2 fields"),
    # a quoted field elsewhere takes the careful (csv) path, which must find it too
    (
        "vote row too short, quoted file",
        APPROVAL.replace("4;a,c;19", '4;"a,c";19'),
        "3;b;41",
        "3;b",
        20,
        "VOTES",
        "2 fields",
    ),
    (
        "columns swapped",
        APPROVAL,
        "voter_id;vote;age",
        "vote;voter_id;age",
        18,
        "vote",
        "unknown project '1'",
    ),
    (
        "file cut in the middle of a line",
        APPROVAL[: APPROVAL.index("4;a,c;19") + 4],
        "",
        "",
        21,
        "VOTES",
        "2 fields",
    ),
    (
        "file cut after a line",
        APPROVAL[: APPROVAL.index("4;a,c;19")],
        "",
        "",
        5,
        "num_votes",
        "truncated",
    ),
    (
        "num_projects wrong",
        APPROVAL,
        "num_projects;3",
        "num_projects;4",
        4,
        "num_projects",
        "4 projects",
    ),
    (
        "points column missing",
        CUMULATIVE,
        "voter_id;vote;points",
        "voter_id;vote",
        13,
        "points",
        "missing column",
    ),
    ("points count differs", CUMULATIVE, "2;b;1", "2;b;1,1", 15, "points", "2 points for 1"),
    ("points not whole", CUMULATIVE, "2;b;1", "2;b;1.5", 15, "points", "whole numbers"),
    ("points not numbers", CUMULATIVE, "2;b;1", "2;b;x", 15, "points", "whole numbers"),
    ("negative cumulative points", CUMULATIVE, "2;b;1", "2;b;-1", 15, "points", "negative"),
    ("points for a project twice", CUMULATIVE, "2;b;1", "2;b,b;1,1", 15, "vote", "twice"),
]


@pytest.mark.parametrize(
    ("base", "old", "new", "line", "field", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_it_names_file_line_and_field(base, old, new, line, field, words):
    err = error_of(edit(base, old, new) if old else base)
    assert (err.path, err.line, err.field) == ("bad.pb", line, field), str(err)
    assert words in err.message
    assert str(err) == f"bad.pb:{line}: {field}: {err.message}"


# ballots breaking the file's own constraints: an error when strict (the default), counted as
# cast when not, the problem still reported
CONSTRAINTS = [
    (
        "max_length",
        APPROVAL.replace("max_sum_cost;900", "max_sum_cost;2000"),
        "4;a,c;19",
        "4;a,b,c;19",
        21,
    ),
    ("min_length", APPROVAL, "2;c;", "2;;", 19),
    # 900 exactly is allowed; 899.99 is not: compared exactly
    ("max_sum_cost", APPROVAL, "max_sum_cost;900", "max_sum_cost;899.99", 18),
    ("min_sum_cost", APPROVAL, "max_sum_cost;900", "max_sum_cost;900\nmin_sum_cost;300.5", 20),
    (
        "vote_type",
        APPROVAL.replace("max_length;2\n", ""),
        "vote_type;approval",
        "vote_type;choose-1",
        17,
    ),
    ("repeated project", APPROVAL, "3;b;41", "3;b,b;41", 20),
    ("max_sum_points", CUMULATIVE, "1;a,b;3,2", "1;a,b;3,3", 14),
    ("min_sum_points", CUMULATIVE, "2;b;1", "2;b;0", 15),
    ("max_points", CUMULATIVE, "2;b;1", "2;b;4", 15),
    (
        "min_project_cost",
        APPROVAL,
        "max_sum_cost;900",
        "max_sum_cost;900\nmin_project_cost;350",
        16,
    ),
]


@pytest.mark.parametrize(
    ("field", "base", "old", "new", "line"), CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS]
)
def test_a_broken_ballot_constraint_is_an_error_only_when_strict(field, base, old, new, line):
    text = edit(base, old, new)
    err = error_of(text)
    assert (err.line, err.field) == (line, field), str(err)
    inst, problems = pabulib.parse_checked(text, "bad.pb")
    assert [(p.line, p.field) for p in problems] == [(line, field)]
    lenient = pabulib.parse(text, strict=False)
    assert lenient.n_voters == inst.n_voters


def test_the_min_sum_cost_case_is_the_cheapest_ballot():
    # hand check of the case above: ballots cost 900, 300, 500, 700; only voter 2 is under
    # 300.5, on line 20 once the added META line shifts the votes down by one
    text = edit(APPROVAL, "max_sum_cost;900", "max_sum_cost;900\nmin_sum_cost;300.5")
    _, problems = pabulib.parse_checked(text)
    assert len(problems) == 1 and "voter 2 asks for 300" in problems[0].message


def test_lenient_reading_keeps_long_ballots_and_counts_a_repeat_once():
    long = pabulib.parse(edit(APPROVAL, "4;a,c;19", "4;a,b,c;19"), strict=False)
    assert [pid for pid, _ in long.ballot(3)] == ["a", "b", "c"]
    repeat = pabulib.parse(edit(APPROVAL, "1;a,b;30", "1;a,b,a;30"), strict=False)
    assert [pid for pid, _ in repeat.ballot(0)] == ["a", "b"]


def test_a_missing_file_is_an_error_naming_it(tmp_path):
    err = pytest.raises(PBError, pabulib.read, tmp_path / "nope.pb").value
    assert err.path == str(tmp_path / "nope.pb") and "no such file" in err.message


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "latin1.pb"
    path.write_bytes(APPROVAL.replace("Beta", "B\xe9ta").encode("latin-1"))
    err = pytest.raises(PBError, pabulib.read, path).value
    assert (err.line, err.field) == (14, "encoding")


def test_an_empty_file_has_no_meta():
    err = error_of("")
    assert err.field == "META" and "missing META" in err.message


def test_ballot_problems_checks_an_instance_made_or_read_leniently():
    inst = pabulib.parse(edit(APPROVAL, "4;a,c;19", "4;a,b,c;19"), strict=False)
    problems = pabulib.ballot_problems(inst)
    # max_length 2 broken by voter 4 (3 projects); a+b+c = 1200 also breaks max_sum_cost 900
    assert [p.field for p in problems] == ["max_length", "max_sum_cost"]
    assert all(p.line is None and "voter 4" in p.message for p in problems)


# any edit of a valid file either reads or fails with a located PBError, never another exception
_TEXTS = [APPROVAL, CUMULATIVE, APPROVAL.replace("4;a,c;19", '4;"a,c";19')]


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(_TEXTS),
    edits=st.lists(
        st.tuples(
            st.integers(0, 400),
            st.integers(0, 6),
            st.text(alphabet=';,\n\r"-.0123abcVOTESmeta \ufeff', max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
    strict=st.booleans(),
)
def test_no_edit_of_a_file_escapes_as_anything_but_a_pb_error(base, edits, strict):
    text = base
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    try:
        inst = pabulib.parse(text, "fuzz.pb", strict=strict)
    except PBError as e:
        assert e.path == "fuzz.pb" and e.message
        return
    # what was read can be written and read back
    again = pabulib.parse(pabulib.dumps(inst), strict=False)
    assert again.voter_ids == inst.voter_ids
    assert again.indices.tolist() == inst.indices.tolist()
