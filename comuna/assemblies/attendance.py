"""Attendance and quorum: opening the session, the door (one tap per person), online check-in
for hybrid sessions, the paper sheet's count, first and second call, ending the session.

Quorum is always counted against the register frozen at convening (``Registered`` rows), never
the census of today. [Owned by the attendance part of the capability.]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from comuna.assemblies.models import Assembly, Call

# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {}


@dataclass(frozen=True)
class Quorum:
    register_size: int  # frozen at convening
    required: int  # people present needed under the current call
    present: int
    met: bool
    call: str  # Call value
    second_call_at: datetime  # when the second call may be made


def second_call_at(assembly: Assembly) -> datetime:
    return assembly.starts_at + timedelta(minutes=assembly.statute.second_call_minutes)


def present(assembly: Assembly) -> int:
    """People present: the attendance sheet's count when one was entered, else the people
    recorded at the door or checked in online."""
    if assembly.sheet_count is not None:
        return assembly.sheet_count
    return assembly.attendances.count()


def quorum(assembly: Assembly) -> Quorum:
    """The quorum of the assembly under its current call, from its frozen register."""
    size = assembly.register_size
    required = assembly.statute.quorum(size, second_call=assembly.call == Call.SECOND)
    here = present(assembly)
    return Quorum(
        register_size=size,
        required=required,
        present=here,
        met=here >= required and size > 0,
        call=assembly.call,
        second_call_at=second_call_at(assembly),
    )
