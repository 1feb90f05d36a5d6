"""Mandates' permissions: elections by phase (convened, candidacy, objections, campaign,
voting, counted, conferred, cancelled), recalls by phase (collecting, report, vote, carried,
rejected), and the body-wide actions of seats, instructions, questions and accounts.

The administrator declares the seats; the electoral commission convenes and runs elections,
decides objections, enters paper signatures and puts a recall or a report to the assembly;
any resident stands, nominates, objects, starts and signs a recall petition and asks
questions; the comptroller unit initiates a recall and writes its report; a spokesperson
answers the questions put to them and renders accounts (that it is their own mandate is the
service's check). Seats, elections' results, spokespersons' pages and recalls' progress are
public pages (no rule).
"""

from __future__ import annotations

import enum

from comuna.mandates.models import Election, ElectionPhase, Recall, RecallStatus
from comuna.territory.permissions import Role, Subject, register_rules


class MandateAction(enum.StrEnum):
    DECLARE_SEATS = "mandates.declare_seats"
    INSTRUCT = "mandates.instruct"  # put an instruction to the assembly in session
    RECORD_VOTES = "mandates.record_votes"  # spokespersons' named votes in this (higher) body
    ASK = "mandates.ask"
    ANSWER = "mandates.answer"
    SUBMIT_ACCOUNTS = "mandates.submit_accounts"
    PUT_ACCOUNTS = "mandates.put_accounts"  # put a report on an assembly's agenda


class ElectionAction(enum.StrEnum):
    CONVENE = "mandates.convene_election"
    EDIT = "mandates.edit_election"  # the calendar and contests, before candidacies close
    CANCEL = "mandates.cancel_election"
    STAND = "mandates.stand"  # register oneself or nominate another resident
    WITHDRAW = "mandates.withdraw"  # a candidate withdraws their own candidacy
    WITHDRAW_CANDIDATE = "mandates.withdraw_candidate"  # the commission withdraws one
    OBJECT = "mandates.object"
    DECIDE_OBJECTION = "mandates.decide_objection"
    OPEN_VOTE = "mandates.open_vote"
    COUNT = "mandates.count"
    CONFER = "mandates.confer"


class RecallAction(enum.StrEnum):
    START = "mandates.start_recall"  # a residents' petition
    INITIATE = "mandates.initiate_recall"  # the comptroller unit
    SIGN = "mandates.sign_recall"
    ENTER_SIGNATURES = "mandates.enter_recall_signatures"
    REPORT = "mandates.report_recall"
    PUT_TO_VOTE = "mandates.put_recall_to_vote"


RESIDENTS = frozenset({Role.RESIDENT})
ELECTORAL = frozenset({Role.ELECTORAL})
COMPTROLLER = frozenset({Role.COMPTROLLER})
SPOKESPERSONS = frozenset({Role.SPOKESPERSON, Role.PARLIAMENTARIAN})
BEFORE_VOTE = (
    ElectionPhase.CONVENED,
    ElectionPhase.CANDIDACY,
    ElectionPhase.OBJECTIONS,
    ElectionPhase.CAMPAIGN,
)

TABLE = {
    # body-wide
    (MandateAction.DECLARE_SEATS, None): frozenset({Role.ADMINISTRATOR}),
    (MandateAction.INSTRUCT, None): ELECTORAL,
    (MandateAction.RECORD_VOTES, None): ELECTORAL,
    (MandateAction.ASK, None): RESIDENTS,
    (MandateAction.ANSWER, None): SPOKESPERSONS,
    (MandateAction.SUBMIT_ACCOUNTS, None): SPOKESPERSONS,
    (MandateAction.PUT_ACCOUNTS, None): ELECTORAL,
    # elections
    (ElectionAction.CONVENE, None): ELECTORAL,
    (ElectionAction.EDIT, ElectionPhase.CONVENED): ELECTORAL,
    (ElectionAction.EDIT, ElectionPhase.CANDIDACY): ELECTORAL,
    **{(ElectionAction.CANCEL, phase): ELECTORAL for phase in BEFORE_VOTE},
    (ElectionAction.STAND, ElectionPhase.CANDIDACY): RESIDENTS,
    **{
        (action, phase): roles
        for action, roles in (
            (ElectionAction.WITHDRAW, RESIDENTS),
            (ElectionAction.WITHDRAW_CANDIDATE, ELECTORAL),
        )
        for phase in (ElectionPhase.CANDIDACY, ElectionPhase.OBJECTIONS, ElectionPhase.CAMPAIGN)
    },
    (ElectionAction.OBJECT, ElectionPhase.OBJECTIONS): RESIDENTS,
    (ElectionAction.DECIDE_OBJECTION, ElectionPhase.OBJECTIONS): ELECTORAL,
    (ElectionAction.DECIDE_OBJECTION, ElectionPhase.CAMPAIGN): ELECTORAL,
    (ElectionAction.OPEN_VOTE, ElectionPhase.CAMPAIGN): ELECTORAL,
    (ElectionAction.COUNT, ElectionPhase.VOTING): ELECTORAL,
    (ElectionAction.CONFER, ElectionPhase.COUNTED): ELECTORAL,
    # recalls
    (RecallAction.START, None): RESIDENTS,
    (RecallAction.INITIATE, None): COMPTROLLER,
    (RecallAction.SIGN, RecallStatus.COLLECTING): RESIDENTS,
    (RecallAction.ENTER_SIGNATURES, RecallStatus.COLLECTING): ELECTORAL,
    (RecallAction.REPORT, RecallStatus.REPORT): COMPTROLLER,
    (RecallAction.PUT_TO_VOTE, RecallStatus.VOTE): ELECTORAL,
}

ELECTION = Subject(
    Election,
    body=lambda election: election.body,
    phase=lambda election: election.phase(),
    phases=tuple(ElectionPhase.values),
    phase_label=lambda election: election.get_phase_display(),
)
RECALL = Subject(
    Recall,
    body=lambda recall: recall.body,
    phase=lambda recall: recall.status,
    phases=tuple(RecallStatus.values),
    phase_label=lambda recall: recall.get_status_display(),
)


def register() -> None:
    register_rules("mandates", TABLE, [ELECTION, RECALL])
