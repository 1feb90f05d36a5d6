"""Minutes (acta): drafted from the agenda, attendance and decisions; corrections proposed by
attendees within the statute's days; approved by the session itself or the next assembly; then
sealed: the SHA-256 of the HTML download goes into the ledger and the minutes never change.
HTML and PDF (WeasyPrint) downloads. [Owned by the minutes part of the capability.]

Every state change is one atomic service taking the acting user (``by``) and writing its
``assembly.minutes_*`` entry in the same transaction. The ledger keeps digests, never the text
itself (a draft is for members; only sealed minutes are public).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies import attendance, convening, decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    Assembly,
    Attendance,
    Correction,
    CorrectionStatus,
    Majority,
    Method,
    Minutes,
    MinutesStatus,
    Mode,
    Motion,
    Notice,
    Outcome,
    Status,
)
from comuna.ledger import entries, record
from comuna.territory.actors import SystemActor, actor_label
from comuna.territory.models import Resident

DOCUMENT_TEMPLATE = "web/assemblies/minutes_document.html"
MAX_TEXT = 100_000  # characters of the secretary's account
MAX_CORRECTION = 5_000
MAX_REASON = 300  # Correction.reason's length
# the phases in which an assembly has minutes to draft
HELD = (Status.IN_SESSION, Status.ENDED, Status.FAILED)
TEXT_KINDS = ("assembly.minutes_drafted", "assembly.minutes_correction_decided")


def digest(text: str) -> str:
    """The SHA-256 of ``text``'s UTF-8 bytes, in hex: what the ledger keeps of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _locked(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update()
        .select_related("assembly__body", "assembly__statute")
        .get(pk=minutes.pk)
    )


def _refuse_sealed(minutes: Minutes) -> None:
    if minutes.status == MinutesStatus.SEALED:
        raise AssemblyError(
            _(
                "These minutes are sealed: they were approved on %(date)s and can never change "
                "(their SHA-256 is in the ledger)."
            )
            % {"date": date_format(timezone.localtime(minutes.sealed_at), "DATE_FORMAT")}
        )


def _text(value: str, field: str, *, empty: str, longest: int) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        raise AssemblyError({field: [empty]})
    if len(value) > longest:
        raise AssemblyError(
            {field: [_("This is too long: at most %(n)s characters.") % {"n": longest}]}
        )
    return value


def _payload(minutes: Minutes, **extra: Any) -> dict[str, Any]:
    assembly = minutes.assembly
    return {"body": assembly.body.slug, "assembly": assembly.pk, "minutes": minutes.pk, **extra}


# --- drafting and corrections ---------------------------------------------------------------


@transaction.atomic
def draft(assembly: Assembly, *, text: str, by: Any) -> Minutes:
    """Write (or rewrite) the secretary's account of an assembly in session or past; the
    agenda, attendance and decisions come from the database when the minutes are rendered."""
    actor = actor_label(by)
    assembly = assembly.locked()
    if assembly.status not in HELD:
        raise AssemblyError(_("Minutes are drafted once the session has opened."))
    text = _text(text, "text", empty=_("Write the account of the session."), longest=MAX_TEXT)
    minutes = Minutes.objects.select_for_update().filter(assembly=assembly).first()
    if minutes is None:
        minutes = Minutes(assembly=assembly)
    else:
        minutes.assembly = assembly
        _refuse_sealed(minutes)
        if minutes.text == text:
            return minutes  # nothing changed, nothing to record
    minutes.text = text
    minutes.save()
    record(
        assembly.body.ledger_chain,
        "assembly.minutes_drafted",
        _payload(minutes, text_sha256=digest(text)),
        actor=actor,
    )
    return minutes


@transaction.atomic
def open_corrections(minutes: Minutes, *, by: Any) -> Minutes:
    """Open the draft to the attendees' corrections for the statute's days."""
    actor = actor_label(by)
    minutes = _locked(minutes)
    _refuse_sealed(minutes)
    if minutes.status == MinutesStatus.CORRECTIONS:
        raise AssemblyError(
            _("The minutes are already open for corrections, until %(until)s.")
            % {"until": when(minutes.corrections_until)}
        )
    days = minutes.assembly.statute.minutes_correction_days
    minutes.corrections_until = timezone.now() + timedelta(days=days)
    minutes.status = MinutesStatus.CORRECTIONS
    minutes.save()
    Notice.objects.create(assembly=minutes.assembly, kind=Notice.Kind.MINUTES_OPEN)
    record(
        minutes.assembly.body.ledger_chain,
        "assembly.minutes_opened",
        _payload(
            minutes,
            corrections_until=_utc(minutes.corrections_until),
            correction_days=days,
            statute_version=minutes.assembly.statute.number,
        ),
        actor=actor,
    )
    return minutes


def attendee(minutes: Minutes, user: Any) -> Resident | None:
    """The resident of ``user`` if they attended the assembly of ``minutes``."""
    if user is None or isinstance(user, SystemActor) or not user.is_authenticated:
        return None
    resident = Resident.objects.filter(user=user).first()
    if resident is None:
        return None
    present = Attendance.objects.filter(assembly_id=minutes.assembly_id, resident=resident)
    return resident if present.exists() else None


def accepting_corrections(minutes: Minutes) -> bool:
    return (
        minutes.status == MinutesStatus.CORRECTIONS
        and minutes.corrections_until is not None
        and timezone.now() <= minutes.corrections_until
    )


@transaction.atomic
def propose_correction(minutes: Minutes, *, text: str, by: Any) -> Correction:
    """An attendee proposes a correction, while the minutes are open for corrections."""
    actor = actor_label(by)
    minutes = _locked(minutes)
    _refuse_sealed(minutes)
    if minutes.status != MinutesStatus.CORRECTIONS:
        raise AssemblyError(_("These minutes are not open for corrections."))
    if not accepting_corrections(minutes):
        raise AssemblyError(
            _("The time for corrections ended on %(until)s.")
            % {"until": when(minutes.corrections_until)}
        )
    resident = attendee(minutes, by)
    if resident is None:
        raise AssemblyError(
            _("Only those who attended the assembly may propose corrections to its minutes.")
        )
    text = _text(text, "text", empty=_("Write the correction you propose."), longest=MAX_CORRECTION)
    correction = Correction.objects.create(minutes=minutes, proposed_by=resident, text=text)
    record(
        minutes.assembly.body.ledger_chain,
        "assembly.minutes_correction_proposed",
        _payload(minutes, correction=correction.pk, text_sha256=digest(text)),
        actor=actor,
    )
    return correction


@transaction.atomic
def decide_correction(
    correction: Correction, *, accept: bool, text: str = "", reason: str = "", by: Any
) -> Correction:
    """The secretariat accepts a proposed correction (giving the minutes' corrected text) or
    rejects it (saying why)."""
    actor = actor_label(by)
    minutes = _locked(correction.minutes)
    _refuse_sealed(minutes)
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.status != CorrectionStatus.PROPOSED:
        raise AssemblyError(_("This correction was already decided."))
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise AssemblyError(
            {"reason": [_("This is too long: at most %(n)s characters.") % {"n": MAX_REASON}]}
        )
    if accept:
        minutes.text = _text(
            text,
            "text",
            empty=_("Write the minutes' text with the correction made."),
            longest=MAX_TEXT,
        )
        minutes.save()
        correction.status = CorrectionStatus.ACCEPTED
    else:
        if not reason:
            raise AssemblyError({"reason": [_("Say why the correction is rejected.")]})
        correction.status = CorrectionStatus.REJECTED
    correction.reason = reason
    correction.save()
    record(
        minutes.assembly.body.ledger_chain,
        "assembly.minutes_correction_decided",
        _payload(
            minutes,
            correction=correction.pk,
            status=correction.status,
            reason=reason,
            text_sha256=digest(minutes.text),
        ),
        actor=actor,
    )
    return correction


# --- approval and seal ---------------------------------------------------------------------


def awaiting_approval(in_assembly: Assembly):
    """The minutes ``in_assembly`` (in session) may approve: its own, and those of the body's
    earlier assemblies, not yet sealed, with a text."""
    return (
        Minutes.objects.filter(assembly__body_id=in_assembly.body_id)
        .exclude(status=MinutesStatus.SEALED)
        .exclude(text="")
        .filter(assembly__starts_at__lte=in_assembly.starts_at)
        .select_related("assembly")
        .order_by("-assembly__starts_at", "-pk")
    )


def approval_item_text(minutes: Minutes) -> str:
    assembly = minutes.assembly
    return _("Approval of the minutes of %(title)s, %(date)s") % {
        "title": assembly.title,
        "date": date_format(timezone.localtime(assembly.starts_at), "DATE_FORMAT"),
    }


@transaction.atomic
def approve(
    minutes: Minutes,
    *,
    in_assembly: Assembly,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    by: Any,
) -> Minutes:
    """Put the approval of ``minutes`` to ``in_assembly`` (in session: the assembly itself or a
    later one of the same body) as an agenda item decided by show of hands; carried, the
    minutes are sealed in the same transaction. Rejected, they stay open."""
    actor = actor_label(by)
    # the approving assembly first, then the minutes: the order drafting takes them in
    in_assembly = in_assembly.locked()
    minutes = _locked(minutes)
    _refuse_sealed(minutes)
    own = minutes.assembly
    if in_assembly.body_id != own.body_id:
        raise AssemblyError(_("Minutes are approved by an assembly of the same body."))
    if in_assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("Minutes are approved by an assembly in session."))
    if in_assembly.pk != own.pk and (
        own.status not in (Status.ENDED, Status.FAILED) or own.starts_at > in_assembly.starts_at
    ):
        raise AssemblyError(_("Minutes are approved by the session itself or by a later assembly."))
    if not minutes.text:
        raise AssemblyError(_("The minutes have no text yet."))
    if accepting_corrections(minutes):
        raise AssemblyError(
            _("Attendees may propose corrections until %(until)s: approve the minutes after.")
            % {"until": when(minutes.corrections_until)}
        )
    if minutes.corrections.filter(status=CorrectionStatus.PROPOSED).exists():
        raise AssemblyError(_("Decide the proposed corrections first."))
    with translation.override(settings.LANGUAGE_CODE):  # the agenda is in the body's language
        title = approval_item_text(minutes)
        motion_text = _("To approve the minutes as drafted.")
        reason = _("The assembly in session takes up the approval of minutes.")
    item = convening.add_item_in_session(
        in_assembly, text=title, majority=Majority.SIMPLE, reason=reason, actor=actor
    )
    motion = decisions.propose_motion(item, text=motion_text, method=Method.HANDS, by=by)
    motion = decisions.decide_by_hands(
        motion,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        by=by,
    )
    if motion.outcome != Outcome.CARRIED:
        return minutes
    minutes.status = MinutesStatus.SEALED
    minutes.approved_in = in_assembly
    minutes.approved_by_motion = motion
    minutes.sealed_at = motion.decided_at
    minutes.sealed_html = render_html(minutes, sealed=True)
    minutes.sha256 = digest(minutes.sealed_html)
    minutes.save()
    Notice.objects.create(assembly=own, kind=Notice.Kind.MINUTES_SEALED)
    record(own.body.ledger_chain, "assembly.minutes_sealed", sealed_payload(minutes), actor=actor)
    return minutes


def sealed_payload(minutes: Minutes) -> dict[str, Any]:
    """What the ``assembly.minutes_sealed`` entry records."""
    return _payload(
        minutes,
        sha256=minutes.sha256,
        text_sha256=digest(minutes.text),
        approved_in=minutes.approved_in_id,
        motion=minutes.approved_by_motion_id,
        sealed_at=_utc(minutes.sealed_at),
    )


# --- the document --------------------------------------------------------------------------


def _utc(moment) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def document_context(minutes: Minutes, *, sealed: bool) -> dict[str, Any]:
    """Everything the minutes' document shows, read from the database in a fixed order (the
    same data gives the same bytes: nothing of the moment of rendering goes in)."""
    assembly = minutes.assembly
    quorum = attendance.quorum(assembly)
    modes = {m: 0 for m in Mode.values}
    for mode in assembly.attendances.values_list("mode", flat=True):
        modes[mode] += 1
    items = []
    motions = (
        Motion.objects.filter(item__assembly=assembly)
        .select_related("item")
        .order_by("item__position", "item_id", "created_at", "pk")
    )
    by_item: dict[int, list[Motion]] = {}
    for motion in motions:
        by_item.setdefault(motion.item_id, []).append(motion)
    for item in assembly.items.order_by("position", "pk"):
        items.append({"item": item, "motions": by_item.get(item.pk, [])})
    approval = minutes.approved_by_motion
    return {
        "minutes": minutes,
        "assembly": assembly,
        "body": assembly.body,
        "statute": assembly.statute,
        "quorum": quorum,
        "in_room": modes[Mode.IN_PERSON],
        "online": modes[Mode.ONLINE],
        "items": items,
        "corrections": list(minutes.corrections.exclude(status=CorrectionStatus.PROPOSED))
        if minutes.pk
        else [],
        "approval": approval,
        "approved_in": minutes.approved_in,
        "sealed": sealed,
        "Outcome": Outcome,
    }


def render_html(minutes: Minutes, *, sealed: bool = False) -> str:
    """The minutes as one standalone HTML document. Sealed, in the body's language and time
    zone, whoever asks; a draft, in the reader's language, marked as a draft."""
    context = document_context(minutes, sealed=sealed)
    if not sealed:
        return render_to_string(DOCUMENT_TEMPLATE, context)
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        return render_to_string(DOCUMENT_TEMPLATE, context)


def html_download(minutes: Minutes) -> str:
    """Sealed: exactly the HTML whose SHA-256 the ledger holds. A draft: rendered now."""
    if minutes.status == MinutesStatus.SEALED:
        return minutes.sealed_html
    return render_html(minutes)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the minutes' PDF fetches nothing ({url})")


def pdf_download(minutes: Minutes) -> bytes:
    """The HTML download as PDF, with the minutes' SHA-256 (or DRAFT) in every page's footer."""
    from weasyprint import CSS, HTML  # heavy, and needs Pango: only when a PDF is asked for

    if minutes.status == MinutesStatus.SEALED:
        footer = _("SHA-256 of the minutes: %(hash)s") % {"hash": minutes.sha256}
    else:
        footer = _("DRAFT: not approved, not sealed")
    page = _("Page")
    stylesheet = CSS(
        string=(
            "@page { size: A4; margin: 18mm 16mm 22mm;"
            " @bottom-center { content: " + _css_string(footer) + ";"
            " font-family: monospace; font-size: 7pt; width: 100%; }"
            " @bottom-right { content: " + _css_string(page) + ' " " counter(page) " / "'
            " counter(pages); font-size: 7pt; } }"
        )
    )
    document = HTML(string=html_download(minutes), url_fetcher=_refuse_fetch, base_url=None)
    return document.write_pdf(stylesheets=[stylesheet])


def file_name(minutes: Minutes, extension: str) -> str:
    assembly = minutes.assembly
    state = "" if minutes.status == MinutesStatus.SEALED else "-draft"
    return f"{assembly.body.slug}-assembly-{assembly.pk}-minutes{state}.{extension}"


# --- ledger verify --------------------------------------------------------------------------


def _minutes_of(entry) -> tuple[Minutes | None, str | None]:
    data = entry.data
    minutes = (
        Minutes.objects.select_related("assembly__body").filter(pk=data.get("minutes")).first()
    )
    if minutes is None:
        return None, _("minutes %(minutes)s are missing from the database") % {
            "minutes": data.get("minutes")
        }
    if minutes.assembly.body.ledger_chain != entry.chain or minutes.assembly_id != data.get(
        "assembly"
    ):
        return None, _("minutes %(minutes)s belong to another assembly") % {"minutes": minutes.pk}
    return minutes, None


def _latest_text(entry) -> bool:
    """Whether ``entry`` is the last of its chain to set the text of its minutes (an earlier
    one was checked when it was the last, and is kept by the chain's hashes)."""
    later = entries(entry.chain).filter(seq__gt=entry.seq, kind__in=TEXT_KINDS)
    return not any(e.data.get("minutes") == entry.data.get("minutes") for e in later)


def _text_problem(entry, minutes: Minutes) -> str | None:
    if _latest_text(entry) and digest(minutes.text) != entry.data.get("text_sha256"):
        return _("the text of minutes %(minutes)s differs from the one recorded") % {
            "minutes": minutes.pk
        }
    return None


def check_drafted(entry) -> str | None:
    minutes, problem = _minutes_of(entry)
    return problem or _text_problem(entry, minutes)


def check_opened(entry) -> str | None:
    minutes, problem = _minutes_of(entry)
    if problem:
        return problem
    if _utc(minutes.corrections_until) != entry.data.get("corrections_until"):
        return _("minutes %(minutes)s: the deadline for corrections differs") % {
            "minutes": minutes.pk
        }
    return None


def _correction_of(entry, minutes: Minutes) -> tuple[Correction | None, str | None]:
    correction = Correction.objects.filter(pk=entry.data.get("correction"), minutes=minutes).first()
    if correction is None:
        return None, _("correction %(correction)s is missing from the database") % {
            "correction": entry.data.get("correction")
        }
    return correction, None


def check_correction_proposed(entry) -> str | None:
    minutes, problem = _minutes_of(entry)
    if problem:
        return problem
    correction, problem = _correction_of(entry, minutes)
    if problem:
        return problem
    if digest(correction.text) != entry.data.get("text_sha256"):
        return _("correction %(correction)s differs from the one proposed") % {
            "correction": correction.pk
        }
    return None


def check_correction_decided(entry) -> str | None:
    minutes, problem = _minutes_of(entry)
    if problem:
        return problem
    correction, problem = _correction_of(entry, minutes)
    if problem:
        return problem
    if (correction.status, correction.reason) != (
        entry.data.get("status"),
        entry.data.get("reason"),
    ):
        return _("correction %(correction)s: the decision differs from the one recorded") % {
            "correction": correction.pk
        }
    return _text_problem(entry, minutes)


def check_sealed(entry) -> str | None:
    """The sealed HTML still hashes to the recorded SHA-256, and the minutes are still sealed
    as recorded, by a carried motion of the approving assembly."""
    minutes, problem = _minutes_of(entry)
    if problem:
        return problem
    data = entry.data
    if digest(minutes.sealed_html) != data.get("sha256"):
        return _(
            "the HTML of sealed minutes %(minutes)s no longer hashes to the recorded SHA-256"
        ) % {"minutes": minutes.pk}
    now = sealed_payload(minutes)
    changed = sorted(key for key in now if now[key] != data.get(key))
    if minutes.status != MinutesStatus.SEALED:
        changed.append("status")
    if changed:
        return _("sealed minutes %(minutes)s differ from their entry: %(fields)s") % {
            "minutes": minutes.pk,
            "fields": ", ".join(changed),
        }
    motion = minutes.approved_by_motion
    if motion.outcome != Outcome.CARRIED or motion.item.assembly_id != minutes.approved_in_id:
        return _("minutes %(minutes)s: the approving motion did not carry in that assembly") % {
            "minutes": minutes.pk
        }
    return None


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "assembly.minutes_drafted": (check_drafted, gettext_lazy("Minutes drafted")),
    "assembly.minutes_opened": (check_opened, gettext_lazy("Minutes open for corrections")),
    "assembly.minutes_correction_proposed": (
        check_correction_proposed,
        gettext_lazy("Correction of the minutes proposed"),
    ),
    "assembly.minutes_correction_decided": (
        check_correction_decided,
        gettext_lazy("Correction of the minutes decided"),
    ),
    "assembly.minutes_sealed": (check_sealed, gettext_lazy("Minutes approved and sealed")),
}
