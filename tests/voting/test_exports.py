"""Downloaded ballots recount to the same outcome with another tool."""

import pytest

from comuna.choice import pb as pb_rules
from comuna.choice.elections import count
from comuna.choice.elections.preflib import from_preflib
from comuna.choice.pb import pabulib
from comuna.voting import services, tally
from tests.conftest import SETUP


def test_a_closed_budget_poll_exported_as_pb_recounts_the_same_with_pabutools(
    cast, budget_poll, tmp_path
):
    from tests.choice.oracle import parse, reference

    votes = {
        "resident": ["1", "2"],
        "spokesperson": ["1", "3"],
        "electoral": ["2", "3"],
        "comptroller": ["4", "3"],
        "admin": ["1"],
    }
    for persona, choices in votes.items():
        services.cast(budget_poll, getattr(cast, persona).user, choices)
    services.enter_paper(
        budget_poll, "Casa comunal", ballots=[["2", "4"], ["4"], ["3", "2"]], by=SETUP
    )
    result = services.close_poll(budget_poll, by=SETUP)
    path = tmp_path / "poll.pb"
    path.write_text(tally.export_pb(budget_poll), encoding="utf-8")
    inst = pabulib.read(path)
    ours = pb_rules.run("mes-cost-complete", inst).selected
    assert sorted(ours) == sorted(result["winners"])
    # pabutools reads the downloaded file with its own parser and allocates the same projects
    assert reference("mes-cost-complete", *parse(path)) == set(result["winners"])


def test_the_pb_cli_recounts_an_exported_poll(cast, budget_poll, tmp_path):
    import json
    import subprocess
    import sys

    services.cast(budget_poll, cast.resident.user, ["1", "2"])
    services.cast(budget_poll, cast.admin.user, ["3"])
    result = services.close_poll(budget_poll, by=SETUP)
    path = tmp_path / "poll.pb"
    path.write_text(tally.export_pb(budget_poll), encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "comuna",
            "pb",
            "run",
            str(path),
            "--rule",
            "mes-cost-complete",
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert sorted(json.loads(out.stdout)["selected"]) == sorted(result["winners"])


@pytest.mark.parametrize("rule", ["irv", "schulze", "stv"])
def test_a_closed_ranked_poll_exported_as_preflib_recounts_the_same(cast, make_poll, rule):
    poll = make_poll(
        "ranked", options=("Ana", "Beto", "Carla"), rule=rule, seats=2 if rule == "stv" else 1
    )
    votes = {
        "resident": ["1", "2"],
        "spokesperson": ["2", "1"],
        "electoral": ["3", "2"],
        "comptroller": ["2"],
        "admin": ["1", "3", "2"],
    }
    for persona, choices in votes.items():
        services.cast(poll, getattr(cast, persona).user, choices)
    result = services.close_poll(poll, by=SETUP)
    profile = from_preflib(tally.export_preflib(poll))
    assert list(profile.candidates) == ["Ana", "Beto", "Carla"]  # the options' labels
    again = count(rule, profile, seats=poll.seats)
    keys = {o.label: o.key for o in poll.options.all()}
    assert [keys[w] for w in again.winners] == result["winners"]
