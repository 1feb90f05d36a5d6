"""Attendance and quorum: opening the session, the door (one tap per person), online check-in
for hybrid sessions, the paper sheet's count, first and second call, ending the session.

Quorum is always counted against the register frozen at convening (``Registered`` rows), never
the census of today. Every change is one atomic service that writes its ``assembly.*`` ledger
entry in the same transaction; the entry of a presence names the person only by a keyed digest
(the body's key), so the public ledger shows how many came, never who.
[Owned by the attendance part of the capability.]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Assembly, Attendance, Call, Mode, Registered, Status
from comuna.ledger import entries, record
from comuna.territory import records
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.census import normal_name
from comuna.territory.models import Resident

# The session may be opened this long before the time it was convened for (people arrive
# early, and the commission sets up the door), never earlier.
OPENING_MARGIN = timedelta(hours=2)
REASON_MAX_CHARS = 300


@dataclass(frozen=True)
class Quorum:
    register_size: int  # frozen at convening
    required: int  # people present needed under the current call
    present: int
    met: bool
    call: str  # Call value
    second_call_at: datetime  # when the second call may be made
    in_person: int = 0  # of those present, recorded at the door (or counted on the sheet)
    online: int = 0  # of those present, checked in online
    pct: Any = None  # the statute's share of the register under the current call (Decimal)


def second_call_at(assembly: Assembly) -> datetime:
    return assembly.starts_at + timedelta(minutes=assembly.statute.second_call_minutes)


def present(assembly: Assembly) -> int:
    """People present: the attendance sheet's count when one was entered, else the people
    recorded at the door or checked in online."""
    if assembly.sheet_count is not None:
        return assembly.sheet_count
    return assembly.attendances.count()


def _counts(assembly: Assembly) -> tuple[int, int]:
    """(in the room, online) as recorded person by person."""
    # all(), not values_list(): a list of assemblies prefetches their attendances (the API)
    modes = [a.mode for a in assembly.attendances.all()]
    online = sum(1 for mode in modes if mode == Mode.ONLINE)
    return len(modes) - online, online


def required(assembly: Assembly, register_size: int, *, second_call: bool = False) -> int:
    """People present needed: the statute's share of the register under the call; for a
    session of an organ (a parliament), more than the statute's share of its seated members,
    on any call."""
    if assembly.organ_id is not None:
        return assembly.statute.parliament_quorum(register_size)
    return assembly.statute.quorum(register_size, second_call=second_call)


def quorum(assembly: Assembly) -> Quorum:
    """The quorum of the assembly under its current call, from its frozen register."""
    size = assembly.register_size
    second = assembly.call == Call.SECOND
    required_now = required(assembly, size, second_call=second)
    here = present(assembly)
    in_person, online = _counts(assembly)
    if assembly.sheet_count is not None:
        in_person = max(assembly.sheet_count - online, 0)
    statute = assembly.statute
    pct = statute.quorum_second_call_pct if second else statute.quorum_first_call_pct
    return Quorum(
        register_size=size,
        required=required_now,
        present=here,
        met=here >= required_now and size > 0,
        call=assembly.call,
        second_call_at=second_call_at(assembly),
        in_person=in_person,
        online=online,
        pct=statute.parliament_quorum_pct if assembly.organ_id is not None else pct,
    )


# --- services ---------------------------------------------------------------------------------


def _refuse_unless_in_session(assembly: Assembly) -> None:
    if assembly.status == Status.CONVENED:
        raise AssemblyError(_("The session has not been opened yet."))
    if assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("The session has ended: attendance can no longer change."))


def _base(assembly: Assembly) -> dict[str, Any]:
    return {"body": assembly.body.slug, "assembly": assembly.pk}


@transaction.atomic
def open_session(assembly: Assembly, *, by: Any, now: datetime | None = None) -> Assembly:
    """Open the session of a convened assembly: CONVENED -> IN_SESSION, from two hours before
    the time it was convened for (``OPENING_MARGIN``)."""
    actor = actor_label(by)
    assembly = assembly.locked()
    now = now or timezone.now()
    if assembly.status != Status.CONVENED:
        raise AssemblyError(
            _("Only a convened assembly can be opened; this one is %(status)s.")
            % {"status": assembly.get_status_display()}
        )
    earliest = assembly.starts_at - OPENING_MARGIN
    if now < earliest:
        raise AssemblyError(
            _(
                "The session can be opened from two hours before the time it was convened "
                "for: from %(when)s."
            )
            % {"when": _when(earliest)}
        )
    assembly.status, assembly.opened_at = Status.IN_SESSION, now
    assembly.save(update_fields=["status", "opened_at"])
    record(assembly.body.ledger_chain, "assembly.opened", opened_payload(assembly), actor=actor)
    return assembly


def opened_payload(assembly: Assembly) -> dict[str, Any]:
    return {
        **_base(assembly),
        "opened_at": _iso(assembly.opened_at),
        "starts_at": _iso(assembly.starts_at),
        "register_size": assembly.register_size,
        "statute_version": assembly.statute.number,
    }


def record_presence(assembly: Assembly, resident: Resident, *, by: Any) -> Attendance:
    """The electoral commission records at the door that ``resident``, on the frozen register,
    is in the room."""
    return _present(assembly, resident, Mode.IN_PERSON, by=by)


def check_in(assembly: Assembly, *, by: Any) -> Attendance:
    """A registered member checks themself in online, in a hybrid session (one with an online
    link)."""
    resident = getattr(by, "resident", None) if getattr(by, "is_authenticated", False) else None
    if resident is None:
        raise AssemblyError(_("Only a resident on the register can check in."))
    return _present(assembly, resident, Mode.ONLINE, by=by)


@transaction.atomic
def _present(assembly: Assembly, resident: Resident, mode: str, *, by: Any) -> Attendance:
    actor = actor_label(by)
    assembly = assembly.locked()
    _refuse_unless_in_session(assembly)
    if mode == Mode.ONLINE and not assembly.online_url:
        raise AssemblyError(
            _("This session has no online link: members check in at the door, in the room.")
        )
    if assembly.sheet_count is not None:
        raise AssemblyError(_("The attendance sheet's count was already entered."))
    if not Registered.objects.filter(assembly=assembly, resident_id=resident.pk).exists():
        raise AssemblyError(
            _(
                "%(name)s is not on the register of this assembly (frozen when it was "
                "convened): they may attend and speak, but they are not counted for quorum."
            )
            % {"name": resident}
        )
    earlier = Attendance.objects.filter(assembly=assembly, resident_id=resident.pk).first()
    if earlier is not None:
        where = _("at the door") if earlier.mode == Mode.IN_PERSON else _("online")
        raise AssemblyError(
            _("%(name)s already checked in at %(time)s, %(where)s.")
            % {"name": resident, "time": _time(earlier.recorded_at), "where": where}
        )
    attendance = Attendance.objects.create(
        assembly=assembly, resident=resident, mode=mode, recorded_by=acting_user(by)
    )
    in_person, online = _counts(assembly)
    record(
        assembly.body.ledger_chain,
        "assembly.present",
        {
            **_base(assembly),
            "attendance": attendance.pk,
            "person": attendance_digest(attendance),
            "mode": mode,
            "in_person": in_person,
            "online": online,
        },
        actor=actor,
    )
    _note_quorum(assembly, actor)
    return attendance


@transaction.atomic
def remove_presence(attendance: Attendance, *, reason: str, by: Any) -> None:
    """Take back a presence recorded by mistake (the wrong person tapped), before the session
    ends, saying why. Quorum met earlier stays met in the record: it was met then."""
    actor = actor_label(by)
    assembly = attendance.assembly.locked()
    _refuse_unless_in_session(assembly)
    reason = (reason or "").strip()
    if not reason:
        raise AssemblyError({"reason": [_("Say why this presence is taken back.")]})
    if len(reason) > REASON_MAX_CHARS:
        raise AssemblyError(
            {"reason": [_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_CHARS}]}
        )
    found = Attendance.objects.filter(pk=attendance.pk, assembly=assembly).first()
    if found is None:
        raise AssemblyError(_("This presence was already taken back."))
    payload = {**_base(assembly), "attendance": found.pk, "person": attendance_digest(found)}
    found.delete()
    in_person, online = _counts(assembly)
    record(
        assembly.body.ledger_chain,
        "assembly.presence_removed",
        {**payload, "reason": reason, "in_person": in_person, "online": online},
        actor=actor,
    )


def _note_quorum(assembly: Assembly, actor: str) -> None:
    """The first time quorum is met, say so in the ledger (and ``quorum_met_at``)."""
    if assembly.quorum_met_at is not None:
        return
    now = quorum(assembly)
    if not now.met:
        return
    assembly.quorum_met_at = timezone.now()
    assembly.save(update_fields=["quorum_met_at"])
    record(
        assembly.body.ledger_chain,
        "assembly.quorum_met",
        {
            **_base(assembly),
            "present": now.present,
            "required": now.required,
            "register_size": now.register_size,
            "call": now.call,
            "statute_version": assembly.statute.number,
            "at": _iso(assembly.quorum_met_at),
        },
        actor=actor,
    )


@transaction.atomic
def second_call(assembly: Assembly, *, by: Any, now: datetime | None = None) -> Assembly:
    """Make the second call: from ``second_call_at()`` on, while the first call's quorum is not
    met; quorum is then counted with the statute's second-call share."""
    actor = actor_label(by)
    assembly = assembly.locked()
    now = now or timezone.now()
    _refuse_unless_in_session(assembly)
    if assembly.call == Call.SECOND:
        raise AssemblyError(_("The second call was already made."))
    first = quorum(assembly)
    if first.met:
        raise AssemblyError(
            _(
                "Quorum is met on first call (%(present)s present, %(required)s needed): "
                "there is no second call."
            )
            % {"present": first.present, "required": first.required}
        )
    if now < first.second_call_at:
        raise AssemblyError(
            _("The second call can be made from %(when)s (%(minutes)s minutes after the start).")
            % {"when": _when(first.second_call_at), "minutes": assembly.statute.second_call_minutes}
        )
    assembly.call = Call.SECOND
    assembly.save(update_fields=["call"])
    second = quorum(assembly)
    record(
        assembly.body.ledger_chain,
        "assembly.second_call",
        {
            **_base(assembly),
            "at": _iso(now),
            "present": first.present,
            "first_call_required": first.required,
            "required": second.required,
            "register_size": second.register_size,
            "statute_version": assembly.statute.number,
        },
        actor=actor,
    )
    _note_quorum(assembly, actor)
    return assembly


@transaction.atomic
def end_session(assembly: Assembly, *, by: Any, now: datetime | None = None) -> Assembly:
    """End the session: ENDED if quorum was met at some point, else FAILED (for lack of
    quorum). The entry keeps the counts and a keyed digest of who was present."""
    actor = actor_label(by)
    assembly = assembly.locked()
    _refuse_unless_in_session(assembly)
    met = assembly.quorum_met_at is not None or quorum(assembly).met
    assembly.status = Status.ENDED if met else Status.FAILED
    assembly.ended_at = now or timezone.now()
    assembly.save(update_fields=["status", "ended_at"])
    record(assembly.body.ledger_chain, "assembly.ended", ended_payload(assembly), actor=actor)
    return assembly


def ended_payload(assembly: Assembly) -> dict[str, Any]:
    in_person, online = _counts(assembly)
    attendees = assembly.attendances.values_list("resident_id", flat=True)
    return {
        **_base(assembly),
        "status": assembly.status,
        "ended_at": _iso(assembly.ended_at),
        "in_person": in_person,
        "online": online,
        "present": in_person + online,
        "call": assembly.call,
        "required": required(
            assembly, assembly.register_size, second_call=assembly.call == Call.SECOND
        ),
        "register_size": assembly.register_size,
        "statute_version": assembly.statute.number,
        "quorum_met_at": _iso(assembly.quorum_met_at),
        "attendees": records.register_digest(assembly.body, attendees),
    }


@transaction.atomic
def enter_sheet_count(assembly: Assembly, count: Any, *, by: Any, reason: str = "") -> Assembly:
    """The count of the signed attendance sheet, entered after a session whose door was kept
    on paper. It replaces the door's count for quorum, so the assembly ends as met or failed by
    it. A second entry must change the count and say why (a correction)."""
    actor = actor_label(by)
    assembly = assembly.locked()
    if assembly.status not in (Status.ENDED, Status.FAILED):
        raise AssemblyError(_("The sheet's count is entered after the session has ended."))
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise AssemblyError({"count": [_("Enter a whole number, 0 or more.")]})
    if count > assembly.register_size:
        raise AssemblyError(
            {
                "count": [
                    _(
                        "The register of this assembly has %(size)s people: the sheet cannot "
                        "count %(count)s."
                    )
                    % {"size": assembly.register_size, "count": count}
                ]
            }
        )
    at_door = assembly.attendances.count()
    if count < at_door:
        raise AssemblyError(
            {
                "count": [
                    _(
                        "%(door)s people were recorded present at the door or online: the "
                        "sheet cannot count fewer."
                    )
                    % {"door": at_door}
                ]
            }
        )
    reason = (reason or "").strip()
    previous = assembly.sheet_count
    if previous is not None:
        if count == previous:
            raise AssemblyError(
                {
                    "count": [
                        _("The sheet's count of %(count)s was already entered.") % {"count": count}
                    ]
                }
            )
        if not reason:
            raise AssemblyError(
                {
                    "reason": [
                        _("The sheet's count was %(count)s: say why it is corrected.")
                        % {"count": previous}
                    ]
                }
            )
    if len(reason) > REASON_MAX_CHARS:
        raise AssemblyError(
            {"reason": [_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_CHARS}]}
        )
    assembly.sheet_count = count
    now = quorum(assembly)
    assembly.status = Status.ENDED if now.met else Status.FAILED
    assembly.save(update_fields=["sheet_count", "status"])
    record(
        assembly.body.ledger_chain,
        "assembly.sheet_count",
        {
            **_base(assembly),
            "count": count,
            "previous": previous,
            "reason": reason,
            "required": now.required,
            "call": assembly.call,
            "register_size": assembly.register_size,
            "statute_version": assembly.statute.number,
            "status": assembly.status,
        },
        actor=actor,
    )
    return assembly


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    resident: Resident
    attendance: Attendance | None  # None: not present yet


def search_register(assembly: Assembly, q: str, *, limit: int = 20) -> list[Match]:
    """Residents on the assembly's frozen register whose name holds ``q`` or whose document is
    ``q``, ignoring accents and case on any database (the register of a council is small
    enough to fold in Python), each with their attendance if present."""
    words = normal_name(q).split()
    if not words:
        return []
    document = "".join(ch for ch in q if ch.isalnum()).upper()
    residents = Resident.objects.filter(
        pk__in=Registered.objects.filter(assembly=assembly).values("resident_id")
    ).order_by("family_name", "given_name", "pk")
    found = []
    for resident in residents.only("pk", "given_name", "family_name", "document_id"):
        name = normal_name(f"{resident.given_name} {resident.family_name}")
        doc = "".join(ch for ch in resident.document_id if ch.isalnum()).upper()
        if (document and doc and document in doc) or all(w in name for w in words):
            found.append(resident)
            if len(found) >= limit:
                break
    present_by = {
        a.resident_id: a for a in Attendance.objects.filter(assembly=assembly, resident__in=found)
    }
    return [Match(r, present_by.get(r.pk)) for r in found]


def recent(assembly: Assembly, n: int = 10) -> list[Attendance]:
    """The last people checked in, newest first (the door page shows them)."""
    return list(assembly.attendances.select_related("resident").order_by("-recorded_at", "-id")[:n])


# --- the ledger's checks ------------------------------------------------------------------------


def attendance_digest(attendance: Attendance) -> str:
    """Keyed digest of who a presence is (the resident, the assembly, the mode)."""
    return records.digest(
        attendance.assembly.body,
        "attendance",
        {
            "assembly": attendance.assembly_id,
            "resident": attendance.resident_id,
            "mode": attendance.mode,
        },
    )


def _assembly_of(entry) -> tuple[Assembly | None, str | None]:
    assembly_id = entry.data.get("assembly")
    assembly = Assembly.objects.select_related("body", "statute").filter(pk=assembly_id).first()
    if assembly is None:
        return None, _("assembly %(assembly)s is missing from the database") % {
            "assembly": assembly_id
        }
    if assembly.body.ledger_chain != entry.chain:
        return None, _("assembly %(assembly)s belongs to another body") % {"assembly": assembly_id}
    return assembly, None


def _later(entry, kinds: tuple[str, ...], **match: Any) -> list:
    """Later entries of ``kinds`` in the chain whose payload holds ``match``."""
    found = entries(entry.chain).filter(seq__gt=entry.seq, kind__in=kinds)
    return [e for e in found if all(e.data.get(k) == v for k, v in match.items())]


def _differs(assembly: Assembly, recorded: dict, now: dict) -> str | None:
    changed = sorted(key for key in now if recorded.get(key) != now[key])
    if changed:
        return _("assembly %(assembly)s differs from what was recorded in: %(fields)s") % {
            "assembly": assembly.pk,
            "fields": ", ".join(changed),
        }
    return None


def check_opened(entry) -> str | None:
    """The assembly was opened when recorded, with the register size and statute recorded."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    if assembly.status == Status.CONVENED:
        return _("assembly %(assembly)s was recorded as opened but is not") % {
            "assembly": assembly.pk
        }
    return _differs(assembly, entry.data, opened_payload(assembly))


def check_present(entry) -> str | None:
    """The presence is still in the database as recorded (the same person, the same way), or
    a later entry took it back."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    attendance = Attendance.objects.filter(pk=data.get("attendance")).first()
    removed = _later(
        entry,
        ("assembly.presence_removed",),
        assembly=assembly.pk,
        attendance=data.get("attendance"),
    )
    if attendance is None:
        if removed:
            return None
        return _("presence %(id)s is missing from the database") % {"id": data.get("attendance")}
    if removed:
        return _("presence %(id)s was recorded as taken back but is in the database") % {
            "id": attendance.pk
        }
    if (
        attendance.assembly_id != assembly.pk
        or attendance.mode != data.get("mode")
        or attendance_digest(attendance) != data.get("person")
    ):
        return _("presence %(id)s is not the one recorded (another person or mode)") % {
            "id": attendance.pk
        }
    return None


def check_presence_removed(entry) -> str | None:
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    if Attendance.objects.filter(pk=entry.data.get("attendance")).exists():
        return _("presence %(id)s was recorded as taken back but is in the database") % {
            "id": entry.data.get("attendance")
        }
    return None


def check_quorum_met(entry) -> str | None:
    """The quorum recorded follows from the register size and the statute, was reached, and
    is the moment the assembly keeps."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    needed = required(
        assembly, data.get("register_size") or 0, second_call=data.get("call") == Call.SECOND
    )
    now = {
        "register_size": assembly.register_size,
        "statute_version": assembly.statute.number,
        "at": _iso(assembly.quorum_met_at),
        "required": needed,
    }
    found = _differs(assembly, data, now)
    if found:
        return found
    if (data.get("present") or 0) < needed:
        return _("assembly %(assembly)s: %(present)s present do not meet the quorum") % {
            "assembly": assembly.pk,
            "present": data.get("present"),
        }
    return None


def check_second_call(entry) -> str | None:
    """The second call was made when it could be: after its time, without quorum."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    statute = assembly.statute
    now = {
        "register_size": assembly.register_size,
        "statute_version": statute.number,
        "first_call_required": required(assembly, assembly.register_size),
        "required": required(assembly, assembly.register_size, second_call=True),
    }
    found = _differs(assembly, data, now)
    if found:
        return found
    if assembly.call != Call.SECOND:
        return _("assembly %(assembly)s is not under the second call recorded") % {
            "assembly": assembly.pk
        }
    made_at = _parse(data.get("at"))
    if (data.get("present") or 0) >= now["first_call_required"] or (
        made_at is None or made_at < second_call_at(assembly)
    ):
        return _("assembly %(assembly)s: the second call was made when it could not be") % {
            "assembly": assembly.pk
        }
    return None


def check_ended(entry) -> str | None:
    """Who was present (counts and keyed digest) is what the session ended with; the status
    follows from the quorum, unless a later sheet count decided it."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    now = ended_payload(assembly)
    if _later(entry, ("assembly.sheet_count",), assembly=assembly.pk):
        now.pop("status")
    elif (data.get("status") == Status.ENDED) != bool(
        data.get("quorum_met_at")
        or _meets(data.get("present"), data.get("required"), data.get("register_size"))
    ):
        return _("assembly %(assembly)s: its status does not follow from its quorum") % {
            "assembly": assembly.pk
        }
    return _differs(assembly, data, now)


def check_sheet_count(entry) -> str | None:
    """The last sheet count entered is the assembly's, and its status follows from it."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    count = data.get("count")
    needed = required(assembly, assembly.register_size, second_call=data.get("call") == Call.SECOND)
    met = _meets(count, needed, assembly.register_size)
    expected = Status.ENDED if met else Status.FAILED
    if data.get("status") != expected or data.get("required") != needed:
        return _("assembly %(assembly)s: the status recorded does not follow from the count") % {
            "assembly": assembly.pk
        }
    if _later(entry, ("assembly.sheet_count",), assembly=assembly.pk):
        return None
    now = {"count": assembly.sheet_count, "status": assembly.status}
    return _differs(assembly, data, now)


def check_attendance_recorded(chain_name: str) -> list[tuple[int, str, str]]:
    """Every presence at a session the chain saw open has its entry: a row added behind the
    services' back (through SQL) is found. (Assemblies with no ``assembly.opened`` entry were
    not run through these services: the convening part's checks speak for them.)"""
    opened = {
        e.data.get("assembly")
        for e in entries(chain_name).filter(kind="assembly.opened").only("payload")
    }
    if not opened:
        return []
    recorded = {
        e.data.get("attendance")
        for e in entries(chain_name).filter(kind="assembly.present").only("payload")
    }
    problems = []
    rows = Attendance.objects.filter(assembly_id__in=opened).order_by("pk")
    for attendance in rows.select_related("assembly__body"):
        if attendance.assembly.body.ledger_chain != chain_name:
            continue
        if attendance.pk not in recorded:
            problems.append(
                (
                    0,
                    "",
                    _(
                        "presence %(id)s at assembly %(assembly)s is in the database but no entry "
                        "records it"
                    )
                    % {"id": attendance.pk, "assembly": attendance.assembly_id},
                )
            )
    return problems


# --- formatting -------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _parse(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _meets(present: Any, required: Any, register_size: Any) -> bool:
    """As :func:`quorum` decides it: enough present, of a register that is not empty."""
    numbers = (present, required, register_size)
    if not all(isinstance(n, int) for n in numbers):
        return False
    return present >= required and register_size > 0


def _time(moment: datetime) -> str:
    return formats.time_format(timezone.localtime(moment), "TIME_FORMAT")


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "assembly.opened": (check_opened, gettext_lazy("Assembly: session opened")),
    "assembly.present": (check_present, gettext_lazy("Assembly: present")),
    "assembly.presence_removed": (
        check_presence_removed,
        gettext_lazy("Assembly: presence taken back"),
    ),
    "assembly.quorum_met": (check_quorum_met, gettext_lazy("Assembly: quorum met")),
    "assembly.second_call": (check_second_call, gettext_lazy("Assembly: second call")),
    "assembly.ended": (check_ended, gettext_lazy("Assembly: session ended")),
    "assembly.sheet_count": (
        check_sheet_count,
        gettext_lazy("Assembly: attendance sheet counted"),
    ),
}
CHAIN_CHECKS: dict = {"assembly.attendance": check_attendance_recorded}
