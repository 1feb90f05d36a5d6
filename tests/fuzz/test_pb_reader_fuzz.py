"""Fuzzing the .pb reader: the only outcomes are an election or a located ``PBError``.

Files are built from structured but hostile parts: the three sections in any order (or
missing, or twice), META keys with numbers of any size and shape, projects and ballots with
odd quoting, NUL bytes, line breaks and huge fields, written in UTF-8, Latin-1 or UTF-16.
What reads is also summarised (`pb check`), written back and counted by the greedy rules, so
that a value the reader lets through cannot crash what comes after it either.

Every crash found is kept below as an ``@example``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comuna.choice import pb
from comuna.choice.cli import summary
from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError
from tests.fuzz.conftest import FUZZ_EXAMPLES

pytestmark = pytest.mark.fuzz

digits = st.text(alphabet="0123456789", min_size=1, max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.builds(lambda a, b: f"{a}.{b}", digits, digits),
    st.builds(lambda a, b: f"{a},{b}", digits, digits),
    st.builds(lambda a, b: f"{a}/{b}", digits, digits),
    st.sampled_from(["NaN", "Infinity", "-inf", "1e999", "-0", "0x10", "1_000", " 7 ", "", "١٢"]),
    st.integers(min_value=4290, max_value=4310).map(lambda n: "9" * n),  # int()'s digit limit
)
odd = st.lists(
    st.sampled_from(list('ab;,"\n\r\x00 \t\ufeffé\ud7ff') + ["META", "VOTES"]), max_size=12
).map("".join)
field = st.one_of(
    st.text(alphabet="abcxyz019", min_size=1, max_size=6),
    numbers,
    odd,
    st.builds(lambda s: f'"{s}"', odd),
    st.sampled_from(['"', '""', '"a;b"', '"unclosed', "x" * 70_000, '"' + "y" * 140_000 + '"']),
)
META_KEYS = [
    "budget",
    "vote_type",
    "num_projects",
    "num_votes",
    "max_length",
    "min_length",
    "max_sum_cost",
    "min_sum_cost",
    "max_points",
    "min_points",
    "max_sum_points",
    "min_sum_points",
    "min_project_score_threshold",
    "description",
]
vote_types = st.sampled_from(["approval", "cumulative", "scoring", "ordinal", "choose-1", "x"])


@st.composite
def pb_files(draw) -> str:
    ids = draw(st.lists(st.sampled_from(["a", "b", "c", "1", "2", "a,b", ""]), max_size=4))
    meta = [("budget", draw(numbers)), ("vote_type", draw(vote_types))]
    meta += draw(
        st.lists(st.tuples(st.sampled_from(META_KEYS), st.one_of(numbers, field)), max_size=4)
    )
    projects = [(pid, draw(numbers), draw(field)) for pid in ids]
    votes = draw(
        st.lists(
            st.tuples(
                st.one_of(st.integers(0, 20).map(str), field),
                st.lists(st.sampled_from(ids or ["a"]), max_size=3).map(",".join),
                st.lists(numbers, max_size=3).map(",".join),
            ),
            max_size=5,
        )
    )
    sections = {
        "META": ["key;value"] + [f"{k};{v}" for k, v in meta],
        "PROJECTS": ["project_id;cost;name"] + [";".join(p) for p in projects],
        "VOTES": ["voter_id;vote;points"] + [";".join(v) for v in votes],
    }
    order = draw(
        st.one_of(
            st.just(["META", "PROJECTS", "VOTES"]),
            st.permutations(["META", "PROJECTS", "VOTES"]),
            st.lists(st.sampled_from(["META", "PROJECTS", "VOTES"]), max_size=4),
        )
    )
    lines = []
    for name in order:
        lines += [draw(st.sampled_from([name, name.lower(), f"{name};"]))] + sections[name]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(field))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(lines) + draw(st.sampled_from(["", end, end * 3]))


def _outcome_is_an_election_or_a_pb_error(read):
    try:
        inst, problems = read()
    except PBError as e:
        assert e.message and e.path
        assert len(str(e)) < 1000  # a hostile field is quoted short
        return
    assert all(isinstance(p, PBError) for p in problems)
    summary(inst)
    again = pabulib.parse(pabulib.dumps(inst), strict=False)
    assert again.voter_ids == inst.voter_ids
    assert again.points.tolist() == inst.points.tolist()
    for rule in ("greedy-cost", "greedy-points", "greedy-threshold"):
        if inst.vote_type in pb.RULES[rule].accepts:
            outcome = pb.run(rule, inst)
            assert outcome.cost <= inst.budget


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=pb_files())
@example(
    text="META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n"
    "a;10\nVOTES\nvoter_id;vote;points\n1;a;" + "9" * 20 + "\n"
)
@example(
    text="META\nkey;value\nbudget;1\nvote_type;approval\nmin_project_score_threshold;x\n"
    "PROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a\n"
)
@example(text="META\nkey;value\n" + "9" * 4300 + "\n")  # the key named in full in the error
@example(  # a decimal comma in the threshold: the reader took it, greedy-threshold crashed
    text="META\nkey;value\nbudget;0\nvote_type;approval\nmin_project_score_threshold;0,0\n"
    "PROJECTS\nproject_id;cost;name\nVOTES\nvoter_id;vote;points"
)
@example(  # a repeated project dropped from an approval ballot, its unused points column kept
    # whole: the file written back listed 2 points for 1 project and could not be read again
    text="META\nkey;value\nbudget;0\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n"
    "a;0;0\nVOTES\nvoter_id;vote;points\n0;a,a;0,0"
)
def test_the_reader_returns_an_election_or_a_located_error(text):
    _outcome_is_an_election_or_a_pb_error(lambda: pabulib.parse_checked(text, "fuzz.pb"))


@settings(
    max_examples=max(FUZZ_EXAMPLES // 4, 10),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    text=pb_files(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
    noise=st.binary(max_size=8),
)
def test_a_file_in_any_encoding_reads_or_is_a_located_error(tmp_path, text, encoding, noise):
    path = tmp_path / "fuzz.pb"
    path.write_bytes(text.encode(encoding, errors="replace") + noise)
    _outcome_is_an_election_or_a_pb_error(lambda: pabulib.read_checked(path))
