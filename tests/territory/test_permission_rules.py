"""Each capability registers its own (action, phase) -> roles table; clashes and unknown
actions fail loudly; the tables say what the statute of a communal council says."""

from dataclasses import dataclass

import pytest

from comuna.territory import permissions
from comuna.territory.models import Body
from comuna.territory.permissions import (
    MEMBERS,
    Role,
    Subject,
    UnknownAction,
    allowed_roles,
    can,
    register_rules,
    rules,
)
from comuna.territory.rules import Action
from comuna.voting.models import Poll, Status
from comuna.voting.rules import POLL, PollAction


@dataclass
class Meeting:
    body: Body
    stage: str


MEETING = Subject(
    Meeting, body=lambda m: m.body, phase=lambda m: m.stage, phases=("called", "held")
)
TABLE = {("meetings.attend", "called"): {Role.RESIDENT}, ("meetings.minute", "held"): MEMBERS}


@pytest.fixture
def registry(monkeypatch):
    """A scratch copy of the registry, so these tests leave the real one as it was."""
    for name in ("_TABLES", "_RULES", "_SUBJECTS"):
        monkeypatch.setattr(permissions, name, dict(getattr(permissions, name)))
    monkeypatch.setattr(permissions, "_ACTIONS", set(permissions._ACTIONS))


def test_a_capability_registers_its_table_and_its_objects_phases(cast, registry):
    register_rules("meetings", TABLE, [MEETING])
    user = cast.resident.user
    assert can(user, "meetings.attend", Meeting(cast.council, "called"))
    assert not can(user, "meetings.attend", Meeting(cast.council, "held"))
    assert not can(user, "meetings.attend", Meeting(cast.other, "called"))
    assert can(user, "meetings.minute", Meeting(cast.council, "held"))


def test_registering_the_same_table_again_is_harmless(registry):
    register_rules("meetings", TABLE, [MEETING])
    register_rules("meetings", dict(TABLE), [MEETING])
    assert rules()[("meetings.attend", "called")] == {Role.RESIDENT}


def test_a_second_table_for_a_namespace_is_refused(registry):
    register_rules("meetings", TABLE, [MEETING])
    with pytest.raises(ValueError, match="already registered"):
        register_rules("meetings", {("meetings.attend", "called"): MEMBERS}, [MEETING])


def test_an_action_outside_the_namespace_of_its_capability_is_refused(registry):
    with pytest.raises(ValueError, match="not in namespace"):
        register_rules("meetings", {(PollAction.VOTE, "called"): MEMBERS}, [MEETING])
    assert allowed_roles(PollAction.VOTE, Status.OPEN) == {Role.RESIDENT}


def test_a_phase_that_no_object_of_the_capability_has_is_refused(registry):
    with pytest.raises(ValueError, match="no subject"):
        register_rules("meetings", {("meetings.attend", "calld"): MEMBERS}, [MEETING])


def test_a_model_claimed_by_two_capabilities_is_refused(registry):
    with pytest.raises(ValueError, match="Poll already has"):
        register_rules("meetings", {("meetings.attend", "draft"): MEMBERS}, [POLL])


def test_an_unknown_action_is_an_error_not_a_refusal(cast):
    with pytest.raises(UnknownAction, match="voting.vot"):
        can(cast.electoral.user, "voting.vot", cast.council)


def test_an_object_no_capability_registered_is_an_error(cast):
    with pytest.raises(TypeError, match="Meeting"):
        can(cast.electoral.user, Action.VIEW_BODY, Meeting(cast.council, "called"))


def test_every_action_is_named_after_the_capability_that_registered_it():
    assert {action.split(".")[0] for action, _phase in rules()} == {
        "territory",
        "voting",
        "assemblies",
        "mandates",
        "cycles",
        "referendum",
        "parliament",
    }


# --- the tables themselves --------------------------------------------------------------------

POLL_PHASES = [Status.DRAFT, Status.OPEN, Status.CLOSED]


def test_residents_vote_only_while_the_poll_is_open():
    assert [allowed_roles(PollAction.VOTE, p) for p in POLL_PHASES] == [
        frozenset(),
        {Role.RESIDENT},
        frozenset(),
    ]


def test_only_the_electoral_commission_convenes_opens_closes_and_enters_paper():
    assert allowed_roles(PollAction.CONVENE, None) == {Role.ELECTORAL}
    assert [allowed_roles(PollAction.OPEN, p) for p in POLL_PHASES] == [
        {Role.ELECTORAL},
        frozenset(),
        frozenset(),
    ]
    for action in (PollAction.CLOSE, PollAction.ENTER_PAPER):
        assert [allowed_roles(action, p) for p in POLL_PHASES] == [
            frozenset(),
            {Role.ELECTORAL},
            frozenset(),
        ]


def test_every_member_sees_the_polls_in_every_phase():
    assert all(allowed_roles(PollAction.VIEW, p) == MEMBERS for p in [None, *POLL_PHASES])


def test_the_census_is_read_by_its_keepers_and_auditors_and_kept_by_its_keepers():
    assert allowed_roles(Action.VIEW_CENSUS, None) == {
        Role.ELECTORAL,
        Role.COMPTROLLER,
        Role.ADMINISTRATOR,
    }
    assert allowed_roles(Action.MANAGE_CENSUS, None) == {Role.ELECTORAL, Role.ADMINISTRATOR}
    assert allowed_roles(Action.VIEW_BODY, None) == allowed_roles(Action.VIEW_REGISTER, None)


def test_a_poll_is_checked_in_its_own_body_and_phase(cast):
    poll = Poll(body=cast.council, status=Status.OPEN)
    assert can(cast.resident.user, PollAction.VOTE, poll)
    assert not can(cast.outsider.user, PollAction.VOTE, poll)
    poll.status = Status.CLOSED
    assert not can(cast.resident.user, PollAction.VOTE, poll)
