"""Voting's permissions, by phase of the poll: members see polls and vote while one is open;
the electoral commission convenes, edits and deletes drafts, opens and closes them and enters paper ballots.

Whether a member is on the poll's frozen register is the voting service's check, not this one.
"""

from __future__ import annotations

import enum

from comuna.territory.permissions import MEMBERS, Role, Subject, register_rules
from comuna.voting.models import Poll, Status


class PollAction(enum.StrEnum):
    VIEW = "voting.view"
    CONVENE = "voting.convene"
    EDIT = "voting.edit"
    DELETE = "voting.delete"
    OPEN = "voting.open"
    CLOSE = "voting.close"
    ENTER_PAPER = "voting.enter_paper"
    VOTE = "voting.vote"


ELECTORAL = frozenset({Role.ELECTORAL})

TABLE = {
    # a body's list of polls, and a poll in any phase
    (PollAction.VIEW, None): MEMBERS,
    (PollAction.VIEW, Status.DRAFT): MEMBERS,
    (PollAction.VIEW, Status.OPEN): MEMBERS,
    (PollAction.VIEW, Status.CLOSED): MEMBERS,
    # a new poll is convened in a body, as a draft
    (PollAction.CONVENE, None): ELECTORAL,
    # a draft is edited or deleted by those who may convene
    (PollAction.EDIT, Status.DRAFT): ELECTORAL,
    (PollAction.DELETE, Status.DRAFT): ELECTORAL,
    (PollAction.OPEN, Status.DRAFT): ELECTORAL,
    (PollAction.CLOSE, Status.OPEN): ELECTORAL,
    (PollAction.ENTER_PAPER, Status.OPEN): ELECTORAL,
    # voting is a resident's right, not a mandate's
    (PollAction.VOTE, Status.OPEN): frozenset({Role.RESIDENT}),
}

POLL = Subject(
    Poll,
    body=lambda poll: poll.body,
    phase=lambda poll: poll.status,
    phases=tuple(Status.values),
    phase_label=lambda poll: poll.get_status_display(),
)


def register() -> None:
    register_rules("voting", TABLE, [POLL])
