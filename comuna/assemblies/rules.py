"""Assemblies' permissions, by phase of the assembly (convened, in session, ended, failed) or
of the petition (collecting, reached, used).

The coordination collective convenes and amends the agenda until the notice deadline (the
deadline itself is the convening service's check); the electoral commission runs the session:
the door, the calls, the counts, the decisions; it enters paper signatures and convenes on a
petition that reached its threshold. Any resident may start and sign a petition and check in
online; an attendee may propose corrections to the minutes (that they attended is the
minutes service's check). Members read everything; the public reads sealed minutes and the
summary of past decisions (public pages, no rule).
"""

from __future__ import annotations

import enum

from comuna.assemblies.models import Assembly, Petition, PetitionStatus, Status
from comuna.territory.permissions import MEMBERS, Role, Subject, register_rules


class AssemblyAction(enum.StrEnum):
    VIEW = "assemblies.view"
    CONVENE = "assemblies.convene"
    AMEND_AGENDA = "assemblies.amend_agenda"
    PRINT_SHEET = "assemblies.print_sheet"
    OPEN_SESSION = "assemblies.open_session"
    RECORD_ATTENDANCE = "assemblies.record_attendance"
    CHECK_IN = "assemblies.check_in"
    SECOND_CALL = "assemblies.second_call"
    END_SESSION = "assemblies.end_session"
    ENTER_SHEET_COUNT = "assemblies.enter_sheet_count"
    DECIDE = "assemblies.decide"
    DRAFT_MINUTES = "assemblies.draft_minutes"
    CORRECT_MINUTES = "assemblies.correct_minutes"
    APPROVE_MINUTES = "assemblies.approve_minutes"


class PetitionAction(enum.StrEnum):
    VIEW = "assemblies.view_petition"
    START = "assemblies.start_petition"
    SIGN = "assemblies.sign_petition"
    ENTER_SIGNATURES = "assemblies.enter_signatures"
    CONVENE = "assemblies.convene_petition"


RESIDENTS = frozenset({Role.RESIDENT})
COORDINATION = frozenset({Role.COORDINATION})
ELECTORAL = frozenset({Role.ELECTORAL})
SECRETARIAT = frozenset({Role.ELECTORAL, Role.COORDINATION})  # who drafts the minutes
PAST = (Status.ENDED, Status.FAILED)

TABLE = {
    (AssemblyAction.VIEW, None): MEMBERS,
    **{(AssemblyAction.VIEW, phase): MEMBERS for phase in Status.values},
    (AssemblyAction.CONVENE, None): COORDINATION,
    (AssemblyAction.AMEND_AGENDA, Status.CONVENED): COORDINATION,
    (AssemblyAction.PRINT_SHEET, Status.CONVENED): ELECTORAL,
    (AssemblyAction.PRINT_SHEET, Status.IN_SESSION): ELECTORAL,
    (AssemblyAction.OPEN_SESSION, Status.CONVENED): ELECTORAL,
    (AssemblyAction.RECORD_ATTENDANCE, Status.IN_SESSION): ELECTORAL,
    (AssemblyAction.CHECK_IN, Status.IN_SESSION): RESIDENTS,
    (AssemblyAction.SECOND_CALL, Status.IN_SESSION): ELECTORAL,
    (AssemblyAction.END_SESSION, Status.IN_SESSION): ELECTORAL,
    # the door kept on a signed paper sheet: its count is entered after the session
    **{(AssemblyAction.ENTER_SHEET_COUNT, phase): ELECTORAL for phase in PAST},
    (AssemblyAction.DECIDE, Status.IN_SESSION): ELECTORAL,
    **{(AssemblyAction.DRAFT_MINUTES, phase): SECRETARIAT for phase in (Status.IN_SESSION, *PAST)},
    **{(AssemblyAction.CORRECT_MINUTES, phase): RESIDENTS for phase in (Status.IN_SESSION, *PAST)},
    # approval is a decision of an assembly in session: this one, or the next
    (AssemblyAction.APPROVE_MINUTES, Status.IN_SESSION): ELECTORAL,
    # petitions
    (PetitionAction.VIEW, None): MEMBERS,
    **{(PetitionAction.VIEW, phase): MEMBERS for phase in PetitionStatus.values},
    (PetitionAction.START, None): RESIDENTS,
    (PetitionAction.SIGN, PetitionStatus.COLLECTING): RESIDENTS,
    (PetitionAction.ENTER_SIGNATURES, PetitionStatus.COLLECTING): ELECTORAL,
    (PetitionAction.CONVENE, PetitionStatus.REACHED): ELECTORAL | COORDINATION,
}

ASSEMBLY = Subject(
    Assembly,
    body=lambda assembly: assembly.body,
    phase=lambda assembly: assembly.status,
    phases=tuple(Status.values),
    phase_label=lambda assembly: assembly.get_status_display(),
)
PETITION = Subject(
    Petition,
    body=lambda petition: petition.body,
    phase=lambda petition: petition.status,
    phases=tuple(PetitionStatus.values),
    phase_label=lambda petition: petition.get_status_display(),
)


def register() -> None:
    register_rules("assemblies", TABLE, [ASSEMBLY, PETITION])
