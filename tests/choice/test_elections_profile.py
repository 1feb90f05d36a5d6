"""Profiles: identical ballots merged, bad ballots refused, counts kept exact."""

import numpy as np
import pytest

from comuna.choice.elections.profile import ApprovalProfile, RankedProfile


def test_ranked_profile_merges_identical_ballots_and_keeps_counts():
    profile = RankedProfile.from_ballots(
        "ABC", [["A", "B"], ["B"], ["A", "B"], [], ["A", "B"]], [1, 2, 3, 4, 5]
    )
    assert sorted(profile.ballots()) == [((), 4), (("A", "B"), 9), (("B",), 2)]
    assert profile.n_voters == 15
    assert profile.n_valid == 11
    assert len(profile.counts) == 3


def test_ranked_profile_merges_wide_rows_too():
    # 25 candidates overflow the 63-bit row key, so rows are merged by np.unique instead.
    names = [f"c{i}" for i in range(25)]
    row = list(range(25))
    profile = RankedProfile(names, np.array([row, row[::-1], row]), [1, 1, 2])
    assert sorted(c for _, c in profile.ballots()) == [1, 3]


def test_ranked_profile_uses_a_small_integer_type():
    profile = RankedProfile("ABC", np.array([[0, 1, 2]] * 10))
    assert profile.rankings.dtype == np.int8
    assert not profile.rankings.flags.writeable


@pytest.mark.parametrize(
    "rows, message",
    [
        ([[0, 3]], "outside 0..2"),
        ([[0, 0]], "twice"),
        ([[-1, 1]], "gap"),
        ([[0, -2]], "outside"),
    ],
)
def test_ranked_profile_refuses_malformed_rankings(rows, message):
    with pytest.raises(ValueError, match=message):
        RankedProfile("ABC", np.array(rows))


def test_profiles_refuse_unknown_names_duplicates_and_negative_counts():
    with pytest.raises(ValueError, match="unknown candidate 'Z'"):
        RankedProfile.from_ballots("AB", [["Z"]])
    with pytest.raises(ValueError, match="listed twice"):
        RankedProfile.from_ballots(["A", "A"], [["A"]])
    with pytest.raises(ValueError, match="negative count"):
        RankedProfile.from_ballots("AB", [["A"]], [-1])
    with pytest.raises(ValueError, match="unknown candidate 'Z'"):
        ApprovalProfile.from_ballots("AB", [{"Z"}])


def test_approval_profile_from_csr_matches_from_ballots():
    by_name = ApprovalProfile.from_ballots("ABC", [{"A", "C"}, {"B"}, {"A", "C"}, set()])
    by_csr = ApprovalProfile.from_csr("ABC", [0, 2, 3, 5, 5], [0, 2, 1, 2, 0])
    assert sorted(by_name.ballots(), key=repr) == sorted(by_csr.ballots(), key=repr)
    assert sorted(c for _, c in by_csr.ballots()) == [1, 1, 2]
