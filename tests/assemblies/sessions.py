"""Sessions run through the attendance services (so the ledger holds their entries), for the
attendance tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from comuna.assemblies import attendance
from tests.assemblies.factories import assembly_in


def opened(cast, *, started_minutes_ago: int = 0, online: bool = False):
    """A convened assembly of council A (register: its 8 adults), opened by the electoral
    commission ``started_minutes_ago`` minutes after its start."""
    assembly = assembly_in(
        cast,
        "convened",
        starts_at=timezone.now() - timedelta(minutes=started_minutes_ago),
        online_url="https://meet.example.org/asamblea" if online else "",
    )
    return attendance.open_session(assembly, by=cast.electoral.user)


def at_door(cast, assembly, n: int):
    """``n`` more people of the register recorded at the door (the first not yet present)."""
    here = assembly.attendances.values("resident_id")
    registered = (
        assembly.registered.exclude(resident_id__in=here)
        .select_related("resident")
        .order_by("resident_id")[:n]
    )
    return [
        attendance.record_presence(assembly, r.resident, by=cast.electoral.user) for r in registered
    ]
