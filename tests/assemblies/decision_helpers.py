"""What the decisions tests share: attendees checked in, a motion on the first item."""

from __future__ import annotations

from comuna.assemblies import decisions
from comuna.assemblies.models import Attendance, Majority, Method, Mode

# the personas of council A with a login, all on council A's register
PEOPLE = (
    "resident",
    "spokesperson",
    "electoral",
    "comptroller",
    "admin",
    "financial",
    "parliamentarian",
    "substitute",
)


def check_in(cast, assembly, names, mode=Mode.IN_PERSON):
    for name in names:
        Attendance.objects.create(assembly=assembly, resident=getattr(cast, name), mode=mode)


def motion_on(cast, assembly, *, majority=Majority.SIMPLE, method=Method.HANDS, text=None):
    item = assembly.items.first()
    if item.majority != majority:
        item.majority = majority
        item.save()
    return decisions.propose_motion(
        item, text=text or "Pintar la casa comunal", method=method, by=cast.electoral.user
    )
