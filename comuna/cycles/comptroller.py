"""Social comptrollership (phase 5 of the cycle): inspections, findings with their evidence and
answers, recalls started on a finding, residents' complaints and their answers.

- The comptroller unit opens an :class:`Inspection` of the body (or of one project's
  execution), files :class:`Finding` rows in it, each naming the organ of the body that must
  answer within the statute's ``finding_answer_days``, with evidence files (a PDF or a picture,
  checked by content, stored with its SHA-256, which the ledger entry carries), and closes
  findings and inspections. A spokesperson in office in the finding's organ answers it, once.
  On what a finding shows, the comptroller unit may start a recall of a spokesperson of that
  organ: the recall pipeline's own comptroller initiation (:func:`comuna.mandates.recall.
  initiate`), linked from the finding.
- A resident files a :class:`Complaint` (optionally anonymous to everyone but the comptroller
  unit); the comptroller unit answers it within the statute's ``complaint_answer_days``.

What is public: everything the ledger records is public (inspections' titles and scopes,
findings and their answers, the evidence files' hashes, complaints' subjects, texts and
answers), and so is shown to whoever may read the body's cycle (``comuna.cycles.visibility``).
A non-anonymous complaint's entry names its complainant by resident id, as a need names its
reporter. An anonymous complaint's entry names nobody: its actor is ``anonymous`` (never the
user), and instead of the resident id it carries a keyed digest (HMAC-SHA256 under the body's
key, kept in the database, never published) of the complaint and the complainant, so
``ledger verify`` still catches a complainant swapped with SQL while a reader of the ledger
cannot tell who filed it.

Every step writes its ``finding.*`` or ``complaint.*`` entry in its transaction; each kind has
its check below, re-deriving the entry from the database (and, for evidence, from the file on
disk: a swapped file no longer has the recorded SHA-256).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import CharField, F, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from comuna.cycles import files
from comuna.cycles.cycle import refuse
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    Complaint,
    ComplaintStatus,
    Evidence,
    Execution,
    Finding,
    FindingStatus,
    Inspection,
)
from comuna.cycles.rules import ComptrollerAction
from comuna.ledger import record
from comuna.ledger.canonical import canonical_json
from comuna.ledger.checks import differs
from comuna.ledger.hashing import utc_text
from comuna.mandates import deadlines
from comuna.territory import statutes
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Body, Mandate, MandateKind, Organ, OrganKind, Resident
from comuna.territory.permissions import can, roles

TITLE_MAX = 200
TEXT_MAX = 10000
EVIDENCE_MAX = 10  # files per finding
ANONYMOUS = "anonymous"  # the ledger's actor of an anonymous complaint


# --- shared checks ----------------------------------------------------------------------------


def _allowed(by: Any, action: str, obj: Any, message: str) -> None:
    if not isinstance(by, SystemActor) and not can(by, action, obj):
        raise refuse(message)


def _title(value: str, field: str, missing: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise refuse(missing, field)
    if len(value) > TITLE_MAX:
        raise refuse(_("At most %(n)s characters.") % {"n": TITLE_MAX}, field)
    return value


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise refuse(missing, field)
    if len(value) > TEXT_MAX:
        raise refuse(_("At most %(n)s characters.") % {"n": TEXT_MAX}, field)
    if "\x00" in value:
        raise refuse(_("The text holds a character that cannot be stored."), field)
    return value


def _execution_of(body: Body, execution: Execution | None) -> Execution | None:
    if execution is None:
        return None
    found = Execution.objects.filter(pk=execution.pk, budget__body=body).first()
    if found is None:
        raise refuse(_("That project's execution belongs to another body."), "execution")
    return found


def body_of_finding(finding: Finding) -> Body:
    return finding.inspection.body


def due_on(days: int, today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=days)


def is_overdue(obj: Finding | Complaint, today: date | None = None) -> bool:
    """An open finding or complaint past its answer's day."""
    return obj.status == "open" and (today or timezone.localdate()) > obj.due_on


def spokespersons_in(organ: Organ, on: date | None = None):
    """The organ's spokespersons in office (who may answer a finding naming it)."""
    return (
        Mandate.objects.active(on)
        .filter(organ=organ, kind=MandateKind.SPOKESPERSON)
        .select_related("resident", "organ")
        .order_by("pk")
    )


def answering_mandate(finding: Finding, by: Any) -> Mandate | None:
    """The mandate in force by which ``by`` speaks for the finding's organ, if any."""
    if isinstance(by, SystemActor) or not getattr(by, "pk", None):
        return None
    return spokespersons_in(finding.organ).filter(resident__user_id=by.pk).first()


# --- inspections ------------------------------------------------------------------------------


def inspection_payload(inspection: Inspection) -> dict[str, Any]:
    return {
        "inspection": inspection.pk,
        "body": inspection.body.slug,
        "execution": inspection.execution_id,
        "title": inspection.title,
        "scope": inspection.scope,
    }


@transaction.atomic
def open_inspection(
    body: Body, *, title: str, scope: str, execution: Execution | None = None, by: Any
) -> Inspection:
    """The comptroller unit opens an inspection of the body, or of one project's execution.
    Records ``finding.inspection_opened``."""
    actor = actor_label(by)
    _allowed(
        by,
        ComptrollerAction.INSPECT,
        body,
        _("Only the social comptroller unit opens inspections."),
    )
    title = _title(title, "title", _("Name the inspection in a few words."))
    scope = _text(scope, "scope", _("Say what is inspected: which project, accounts or works."))
    execution = _execution_of(body, execution)
    inspection = Inspection.objects.create(
        body=body, execution=execution, title=title, scope=scope, opened_by=acting_user(by)
    )
    record(
        body.ledger_chain,
        "finding.inspection_opened",
        inspection_payload(inspection),
        actor=actor,
    )
    return inspection


def _locked_inspection(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=inspection.pk)
    )


@transaction.atomic
def close_inspection(inspection: Inspection, *, by: Any) -> Inspection:
    """The comptroller unit closes an inspection: it takes no more findings (those filed wait
    for their answers all the same). Records ``finding.inspection_closed``."""
    actor = actor_label(by)
    inspection = _locked_inspection(inspection)
    _allowed(
        by,
        ComptrollerAction.INSPECT,
        inspection.body,
        _("Only the social comptroller unit closes inspections."),
    )
    if inspection.closed_at is not None:
        raise refuse(_("This inspection is already closed."))
    inspection.closed_at = timezone.now()
    inspection.save(update_fields=["closed_at"])
    record(
        inspection.body.ledger_chain,
        "finding.inspection_closed",
        {"inspection": inspection.pk, "closed_at": utc_text(inspection.closed_at)},
        actor=actor,
    )
    return inspection


# --- findings ---------------------------------------------------------------------------------


def evidence_entry(evidence: Evidence) -> dict[str, Any]:
    return {
        "evidence": evidence.pk,
        "name": evidence.name,
        "type": evidence.file_type,
        "sha256": evidence.sha256,
    }


def finding_payload(finding: Finding) -> dict[str, Any]:
    """What the ledger keeps of a filed finding, the SHA-256 of each evidence file with it."""
    return {
        "finding": finding.pk,
        "inspection": finding.inspection_id,
        "organ": finding.organ_id,
        "title": finding.title,
        "text": finding.text,
        "due_on": finding.due_on.isoformat(),
        "evidence": [evidence_entry(e) for e in finding.evidence.order_by("pk")],
    }


def _file_name(upload: Any, kind: str, n: int) -> str:
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()
    name = "".join(c for c in name if c.isprintable())
    return (name or f"evidence-{n}.{kind}")[-TITLE_MAX:]


def _checked_evidence(evidence: Iterable[Any]) -> list[tuple[Any, files.Document]]:
    """Every upload checked before anything is stored: one bad file refuses them all."""
    uploads = [f for f in (evidence or []) if f]
    if len(uploads) > EVIDENCE_MAX:
        raise refuse(
            _("At most %(n)s evidence files per finding.") % {"n": EVIDENCE_MAX}, "evidence"
        )
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, files.check_document(upload, "evidence")))
        except CycleError as exc:
            name = os.path.basename(str(getattr(upload, "name", "") or ""))
            if name:  # which of the files it was
                raise refuse(f"{name}: {exc}", "evidence") from None
            raise
    return checked


def _organ_to_answer(body: Body, organ: Organ | None) -> Organ:
    if organ is None:
        raise refuse(_("Choose the organ that must answer."), "organ")
    found = Organ.objects.filter(pk=organ.pk, body=body).first()
    if found is None:
        raise refuse(_("The organ that answers must be one of this body's."), "organ")
    if found.kind == OrganKind.ASSEMBLY:
        raise refuse(
            _("The citizens' assembly answers to nobody: name the organ responsible."), "organ"
        )
    if not spokespersons_in(found).exists():
        raise refuse(
            _("%(organ)s has no spokesperson in office to answer.") % {"organ": found.name},
            "organ",
        )
    return found


@transaction.atomic
def file_finding(
    inspection: Inspection,
    *,
    title: str,
    text: str,
    organ: Organ,
    evidence: Iterable[Any] = (),
    by: Any,
) -> Finding:
    """The comptroller unit files a finding of an open inspection, naming the organ of the body
    that must answer within the statute's ``finding_answer_days``, with its evidence files.
    Records ``finding.filed`` with the SHA-256 of every evidence file."""
    actor = actor_label(by)
    inspection = _locked_inspection(inspection)
    body = inspection.body
    _allowed(
        by, ComptrollerAction.INSPECT, body, _("Only the social comptroller unit files findings.")
    )
    if inspection.closed_at is not None:
        raise refuse(_("This inspection is closed: it takes no more findings."))
    title = _title(title, "title", _("Name the finding in a few words."))
    text = _text(text, "text", _("Say what was found, and what should be done about it."))
    organ = _organ_to_answer(body, organ)
    checked = _checked_evidence(evidence)
    finding = Finding.objects.create(
        inspection=inspection,
        title=title,
        text=text,
        organ=organ,
        due_on=due_on(statutes.current(body).finding_answer_days),
        filed_by=acting_user(by),
    )
    stored: list[Evidence] = []
    try:
        for n, (upload, document) in enumerate(checked, start=1):
            item = Evidence(
                finding=finding,
                file_type=document.kind,
                name=_file_name(upload, document.kind, n),
                sha256=document.sha256,
            )
            upload.seek(0)
            content = upload if isinstance(upload, File) else File(upload)
            item.file.save(item.name, content, save=False)
            item.save()
            stored.append(item)
        record(body.ledger_chain, "finding.filed", finding_payload(finding), actor=actor)
    except BaseException:
        for item in stored:  # the rows roll back; their files must go too
            item.file.delete(save=False)
        raise
    return finding


def _locked_finding(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update(of=("self",))
        .select_related("inspection__body", "organ")
        .get(pk=finding.pk)
    )


@transaction.atomic
def answer_finding(finding: Finding, *, answer: str, by: Any) -> Finding:
    """A spokesperson in office in the finding's organ answers it, once. Records
    ``finding.answered`` naming the mandate they answered by."""
    actor = actor_label(by)
    finding = _locked_finding(finding)
    if finding.status != FindingStatus.OPEN:
        raise refuse(_("This finding is already answered or closed; answers are final."))
    mandate = answering_mandate(finding, by)
    if not isinstance(by, SystemActor) and (
        mandate is None or not can(by, ComptrollerAction.ANSWER_FINDING, finding)
    ):
        raise refuse(
            _("Only a spokesperson in office of %(organ)s answers this finding.")
            % {"organ": finding.organ.name}
        )
    finding.answer = _text(answer, "answer", _("Write the answer: what was done, or why not."))
    finding.answered_by = acting_user(by)
    finding.answered_at = timezone.now()
    finding.status = FindingStatus.ANSWERED
    finding.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    record(
        body_of_finding(finding).ledger_chain,
        "finding.answered",
        {
            "finding": finding.pk,
            "organ": finding.organ_id,
            "mandate": mandate.pk if mandate else None,
            "answer": finding.answer,
        },
        actor=actor,
    )
    return finding


@transaction.atomic
def close_finding(finding: Finding, *, by: Any) -> Finding:
    """The comptroller unit closes a finding, answered or not. Records ``finding.closed``."""
    actor = actor_label(by)
    finding = _locked_finding(finding)
    if finding.status == FindingStatus.CLOSED:
        raise refuse(_("This finding is already closed."))
    _allowed(
        by,
        ComptrollerAction.CLOSE_FINDING,
        finding,
        _("Only the social comptroller unit closes findings."),
    )
    answered = finding.status == FindingStatus.ANSWERED
    finding.status = FindingStatus.CLOSED
    finding.save(update_fields=["status"])
    record(
        body_of_finding(finding).ledger_chain,
        "finding.closed",
        {"finding": finding.pk, "answered": answered},
        actor=actor,
    )
    return finding


@transaction.atomic
def recall_on_finding(finding: Finding, *, mandate: Mandate, grounds: str, by: Any):
    """On what a finding shows, the comptroller unit starts the recall of a spokesperson of
    the finding's organ: the recall pipeline's comptroller initiation (its report due
    ``recall_report_days`` from today), linked from the finding. Records
    ``finding.recall_started`` after the recall's own ``recall.started``."""
    from comuna.mandates import recall
    from comuna.mandates.errors import MandateError

    actor = actor_label(by)
    finding = _locked_finding(finding)
    _allowed(
        by,
        ComptrollerAction.RECALL_ON_FINDING,
        finding,
        _("Only the social comptroller unit starts a recall on a finding, while it is not closed."),
    )
    if finding.status == FindingStatus.CLOSED:
        raise refuse(_("This finding is closed."))
    if finding.recall_id is not None:
        raise refuse(_("A recall was already started on this finding: follow that one."))
    if mandate is None:
        raise refuse(_("Choose the spokesperson to recall."), "mandate")
    grounds = (grounds or "").strip()
    if not grounds:
        raise refuse(_("Say why the spokesperson should be recalled."), "grounds")
    if len(grounds) > recall.GROUNDS_MAX:
        raise refuse(_("At most %(n)s characters.") % {"n": recall.GROUNDS_MAX}, "grounds")
    found = Mandate.objects.filter(pk=mandate.pk).first()
    if found is None or found.organ_id != finding.organ_id:
        raise refuse(
            _("Only a spokesperson of %(organ)s, the organ this finding names, is recalled on it.")
            % {"organ": finding.organ.name},
            "mandate",
        )
    try:
        started = recall.initiate(found, grounds=grounds, by=by)
    except MandateError as exc:
        raise refuse(str(exc), "mandate") from None
    finding.recall = started
    finding.save(update_fields=["recall"])
    record(
        body_of_finding(finding).ledger_chain,
        "finding.recall_started",
        {"finding": finding.pk, "recall": started.pk, "mandate": found.pk},
        actor=actor,
    )
    return started


# --- complaints -------------------------------------------------------------------------------


def complainant_digest(body: Body, complaint_id: int, resident_id: int) -> str:
    """A keyed digest of who filed an anonymous complaint: the ledger can be checked against
    the row without anyone who reads the ledger learning who it was."""
    text = canonical_json(
        {"table": "complaint", "complaint": complaint_id, "resident": resident_id}
    )
    return hmac.new(bytes.fromhex(body.digest_key), text.encode(), hashlib.sha256).hexdigest()


def complaint_payload(complaint: Complaint) -> dict[str, Any]:
    """What the ledger keeps of a complaint: the complainant by resident id, or, for an
    anonymous one, only the keyed digest."""
    payload: dict[str, Any] = {
        "complaint": complaint.pk,
        "body": complaint.body.slug,
        "execution": complaint.execution_id,
        "subject": complaint.subject,
        "text": complaint.text,
        "anonymous": complaint.anonymous,
        "due_on": complaint.due_on.isoformat(),
    }
    if complaint.anonymous:
        payload["complainant"] = complainant_digest(
            complaint.body, complaint.pk, complaint.filed_by_id
        )
    else:
        payload["resident"] = complaint.filed_by_id
    return payload


def _complainant(by: Any, resident: Resident | None, body: Body) -> Resident:
    if resident is None:
        raise refuse(_("Only residents in the census file complaints."))
    resident = Resident.objects.get(pk=resident.pk)
    if not isinstance(by, SystemActor) and resident.user_id != getattr(by, "pk", None):
        raise refuse(_("A resident files complaints in their own name only."))
    if resident.body_id not in body.descendant_ids():
        raise refuse(
            _("Only residents of %(body)s file complaints with its comptroller unit.")
            % {"body": body.name}
        )
    return resident


@transaction.atomic
def file_complaint(
    body: Body,
    *,
    resident: Resident,
    subject: str,
    text: str,
    anonymous: bool,
    execution: Execution | None = None,
    by: Any,
) -> Complaint:
    """A resident files a complaint with the comptroller unit, answered within the statute's
    ``complaint_answer_days``; anonymous to everyone but the comptroller unit when asked.
    Records ``complaint.filed`` (an anonymous one's entry names nobody, not even as actor)."""
    # an anonymous complaint's entry does not name its author even as its actor (nobody
    # acting is refused all the same)
    actor = ANONYMOUS if anonymous else actor_label(by)
    actor_label(by)
    _allowed(
        by,
        ComptrollerAction.FILE_COMPLAINT,
        body,
        _("Only residents of %(body)s file complaints with its comptroller unit.")
        % {"body": body.name},
    )
    resident = _complainant(by, resident, body)
    subject = _title(subject, "subject", _("Say in a few words what the complaint is about."))
    text = _text(text, "text", _("Write the complaint: what happened, where, when."))
    execution = _execution_of(body, execution)
    complaint = Complaint.objects.create(
        body=body,
        execution=execution,
        subject=subject,
        text=text,
        filed_by=resident,
        anonymous=bool(anonymous),
        due_on=due_on(statutes.current(body).complaint_answer_days),
    )
    record(body.ledger_chain, "complaint.filed", complaint_payload(complaint), actor=actor)
    return complaint


@transaction.atomic
def answer_complaint(complaint: Complaint, *, answer: str, by: Any) -> Complaint:
    """The comptroller unit answers a complaint, once. Records ``complaint.answered``."""
    actor = actor_label(by)
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=complaint.pk)
    )
    if complaint.status != ComplaintStatus.OPEN:
        raise refuse(_("This complaint is already answered; answers are final."))
    _allowed(
        by,
        ComptrollerAction.ANSWER_COMPLAINT,
        complaint,
        _("Only the social comptroller unit answers complaints."),
    )
    complaint.answer = _text(answer, "answer", _("Write the answer to the complaint."))
    complaint.answered_by = acting_user(by)
    complaint.answered_at = timezone.now()
    complaint.status = ComplaintStatus.ANSWERED
    complaint.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    record(
        complaint.body.ledger_chain,
        "complaint.answered",
        {"complaint": complaint.pk, "answer": complaint.answer},
        actor=actor,
    )
    return complaint


# --- who sees what ------------------------------------------------------------------------------


def sees_all(user: Any, body: Body) -> bool:
    """The comptroller unit sees every complainant, anonymous ones too."""
    return bool(user is not None and can(user, ComptrollerAction.SEE_ALL, body))


def complainant_shown(user: Any, complaint: Complaint) -> Resident | None:
    """Who filed the complaint, for ``user``: the comptroller unit always; the body's members
    when it is not anonymous; nobody else (visitors read the public parts only)."""
    body = complaint.body
    if sees_all(user, body):
        return complaint.filed_by
    if not complaint.anonymous and roles(user, body):
        return complaint.filed_by
    return None


# --- deadlines ----------------------------------------------------------------------------------


def comptroller_deadlines(body: Body, mandate: Mandate | None = None, today: date | None = None):
    """The answers due: each open finding's (its organ's spokespersons owe it) and each open
    complaint's (the comptroller unit owes it); for one ``mandate``, every finding naming its
    organ, answered ones met. When the statute keeps the cycle to the members, the body page
    names no finding's or complaint's title."""
    if mandate is not None and (mandate.kind != MandateKind.SPOKESPERSON or not mandate.organ_id):
        return
    public = statutes.current(body).cycle_public
    if mandate is not None:
        found = Finding.objects.filter(organ_id=mandate.organ_id).select_related("organ")
        for finding in found.order_by("due_on", "pk"):
            yield _finding_due(
                body,
                finding.pk,
                finding.title,
                finding.organ.name,
                finding.due_on,
                public,
                finding.status != FindingStatus.OPEN,
                mandate.pk,
            )
        return
    # the body page reads every source on each visit: one statement for both kinds
    for kind, pk, title, organ, day in _open_answers(body):
        if kind == "finding":
            yield _finding_due(body, pk, title, organ, day, public, False)
        else:
            yield _complaint_due(body, pk, title, day, public)


def _open_answers(body: Body) -> list[tuple[str, int, str, str, date]]:
    """``(kind, id, title or subject, organ's name, due day)`` of the body's open findings and
    complaints, soonest first."""
    text = CharField()
    columns = ("kind", "key", "label", "organ_name", "day")
    findings = (
        Finding.objects.filter(inspection__body=body, status=FindingStatus.OPEN)
        .annotate(
            kind=Value("finding", output_field=text),
            key=F("pk"),
            label=F("title"),
            organ_name=F("organ__name"),
            day=F("due_on"),
        )
        .order_by()
        .values_list(*columns)
    )
    complaints = (
        Complaint.objects.filter(body=body, status=ComplaintStatus.OPEN)
        .annotate(
            kind=Value("complaint", output_field=text),
            key=F("pk"),
            label=F("subject"),
            organ_name=Value("", output_field=text),
            day=F("due_on"),
        )
        .order_by()
        .values_list(*columns)
    )
    return sorted(findings.union(complaints, all=True), key=lambda row: (row[4], row[0], row[1]))


def _finding_due(
    body: Body,
    pk: int,
    title: str,
    organ: str,
    day: date,
    public: bool,
    done: bool,
    mandate_id: int | None = None,
):
    if public:
        what = format_lazy(
            gettext_lazy("{organ}'s answer to the finding “{title}”"), organ=organ, title=title
        )
    else:
        what = format_lazy(
            gettext_lazy("{organ}'s answer to a finding of the comptroller unit"), organ=organ
        )
    return deadlines.Due(
        what=what,
        due_on=day,
        url=reverse("finding", kwargs={"slug": body.slug, "pk": pk}),
        mandate_id=mandate_id,
        done=done,
        kind="finding",
    )


def _complaint_due(body: Body, pk: int, subject: str, day: date, public: bool):
    if public:
        what = format_lazy(
            gettext_lazy("The comptroller unit's answer to the complaint “{subject}”"),
            subject=subject,
        )
    else:
        what = gettext_lazy("The comptroller unit's answer to a complaint")
    return deadlines.Due(
        what=what,
        due_on=day,
        url=reverse("complaint", kwargs={"slug": body.slug, "pk": pk}),
        kind="complaint",
    )


DEADLINES = (comptroller_deadlines,)
# The cycles app imports this module in its ready() (comuna.cycles.PARTS); registering here
# (idempotent) puts the findings and complaints on the body page's overdue list.
for _source in DEADLINES:
    deadlines.register(_source)
deadlines.summarise(
    "finding",
    lambda n: (
        ngettext_lazy(
            "%(count)s finding of the comptroller unit waits past its day for its answer",
            "%(count)s findings of the comptroller unit wait past their day for their answers",
            "count",
        )
        % {"count": n}
    ),
    lambda body: reverse("comptroller", kwargs={"slug": body.slug}),
)
deadlines.summarise(
    "complaint",
    lambda n: (
        ngettext_lazy(
            "%(count)s complaint waits past its day for the comptroller unit's answer",
            "%(count)s complaints wait past their day for the comptroller unit's answer",
            "count",
        )
        % {"count": n}
    ),
    lambda body: reverse("comptroller", kwargs={"slug": body.slug}),
)


# --- ledger verify ----------------------------------------------------------------------------


def _missing(what: str, pk: Any) -> str:
    return _("%(what)s %(id)s is missing from the database") % {"what": what, "id": pk}


def _inspection_of(entry) -> tuple[Inspection | None, str | None]:
    pk = entry.data.get("inspection")
    found = Inspection.objects.select_related("body").filter(pk=pk).first()
    return (found, None) if found else (None, _missing(_("inspection"), pk))


def _finding_of(entry) -> tuple[Finding | None, str | None]:
    pk = entry.data.get("finding")
    found = (
        Finding.objects.select_related("inspection__body", "organ", "recall").filter(pk=pk).first()
    )
    return (found, None) if found else (None, _missing(_("finding"), pk))


def _complaint_of(entry) -> tuple[Complaint | None, str | None]:
    pk = entry.data.get("complaint")
    found = Complaint.objects.select_related("body").filter(pk=pk).first()
    return (found, None) if found else (None, _missing(_("complaint"), pk))


def check_inspection_opened(entry) -> str | None:
    """The inspection as opened: body, execution, title and scope."""
    inspection, problem = _inspection_of(entry)
    if inspection is None:
        return problem
    return differs(_("inspection"), inspection.pk, entry.data, inspection_payload(inspection))


def check_inspection_closed(entry) -> str | None:
    inspection, problem = _inspection_of(entry)
    if inspection is None:
        return problem
    closed = None if inspection.closed_at is None else utc_text(inspection.closed_at)
    return differs(_("inspection"), inspection.pk, entry.data, {"closed_at": closed})


def check_filed(entry) -> str | None:
    """The finding as filed (inspection, organ, title, text, due day, evidence rows), and each
    evidence file on disk still the one whose SHA-256 was recorded."""
    finding, problem = _finding_of(entry)
    if finding is None:
        return problem
    problem = differs(_("finding"), finding.pk, entry.data, finding_payload(finding))
    if problem is not None:
        return problem
    for evidence in finding.evidence.order_by("pk"):
        now = files.stored_sha256(evidence.file)
        if now is None:
            return _("the evidence file %(name)s of finding %(finding)s is missing") % {
                "name": evidence.name,
                "finding": finding.pk,
            }
        if now != evidence.sha256:
            return _(
                "the evidence file %(name)s of finding %(finding)s is not the one recorded: "
                "its SHA-256 is %(now)s, the ledger recorded %(recorded)s"
            ) % {
                "name": evidence.name,
                "finding": finding.pk,
                "now": now,
                "recorded": evidence.sha256,
            }
    return None


def check_answered(entry) -> str | None:
    """The answer as given, by a spokesperson of the finding's organ."""
    finding, problem = _finding_of(entry)
    if finding is None:
        return problem
    now: dict[str, Any] = {
        "organ": finding.organ_id,
        "answer": finding.answer,
        "answered": finding.status in (FindingStatus.ANSWERED, FindingStatus.CLOSED),
    }
    recorded = {**entry.data, "answered": True}
    mandate_id = entry.data.get("mandate")
    if mandate_id is not None:
        mandate = Mandate.objects.filter(pk=mandate_id).select_related("resident").first()
        by_holder = (
            mandate is not None
            and mandate.organ_id == finding.organ_id
            and mandate.resident.user_id == finding.answered_by_id
        )
        now["mandate"] = mandate_id if by_holder else None
    return differs(_("finding"), finding.pk, recorded, now)


def check_closed(entry) -> str | None:
    finding, problem = _finding_of(entry)
    if finding is None:
        return problem
    now = {"closed": finding.status == FindingStatus.CLOSED}
    return differs(_("finding"), finding.pk, {**entry.data, "closed": True}, now)


def check_recall_started(entry) -> str | None:
    """The finding links the recall recorded, a comptroller's initiation of that mandate."""
    from comuna.mandates.models import RecallOrigin

    finding, problem = _finding_of(entry)
    if finding is None:
        return problem
    recall = finding.recall
    now = {
        "recall": finding.recall_id,
        "mandate": recall.mandate_id if recall else None,
        "origin": recall.origin if recall else None,
    }
    recorded = {**entry.data, "origin": RecallOrigin.COMPTROLLER}
    return differs(_("finding"), finding.pk, recorded, now)


def check_complaint_filed(entry) -> str | None:
    """The complaint as filed: subject, text, anonymity, due day, execution, and who filed it
    (by resident id, or by the keyed digest of an anonymous one)."""
    complaint, problem = _complaint_of(entry)
    if complaint is None:
        return problem
    return differs(
        _("complaint"), complaint.pk, entry.data, complaint_payload(complaint), every_key=True
    )


def check_complaint_answered(entry) -> str | None:
    complaint, problem = _complaint_of(entry)
    if complaint is None:
        return problem
    now = {"answer": complaint.answer, "answered": complaint.status == ComplaintStatus.ANSWERED}
    return differs(_("complaint"), complaint.pk, {**entry.data, "answered": True}, now)


def check_rows(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: every inspection, finding and complaint in the database was recorded, and
    each step its row shows (closed, answered, a recall linked) has its entry: none slipped in
    or changed state with SQL."""
    from comuna.ledger import entries
    from comuna.territory import records

    body = records.body_of_chain(chain)
    if body is None:
        return []
    keys = {
        "finding.inspection_opened": "inspection",
        "finding.inspection_closed": "inspection",
        "finding.filed": "finding",
        "finding.answered": "finding",
        "finding.closed": "finding",
        "finding.recall_started": "finding",
        "complaint.filed": "complaint",
        "complaint.answered": "complaint",
    }
    seen: dict[str, set] = {kind: set() for kind in keys}
    for entry in entries(chain).filter(kind__in=list(keys)).only("payload", "kind"):
        seen[entry.kind].add(entry.data.get(keys[entry.kind]))
    inspections = Inspection.objects.filter(body=body).values_list("pk", "closed_at")
    findings = Finding.objects.filter(inspection__body=body).values_list(
        "pk", "status", "answered_at", "recall_id"
    )
    complaints = Complaint.objects.filter(body=body).values_list("pk", "status")
    missing: list[tuple[str, str, int]] = []
    for pk, closed_at in inspections:
        missing += [("finding.inspection_opened", _("inspection"), pk)]
        if closed_at is not None:
            missing += [("finding.inspection_closed", _("inspection"), pk)]
    for pk, status, answered_at, recall_id in findings:
        missing += [("finding.filed", _("finding"), pk)]
        if answered_at is not None or status == FindingStatus.ANSWERED:
            missing += [("finding.answered", _("finding"), pk)]
        if status == FindingStatus.CLOSED:
            missing += [("finding.closed", _("finding"), pk)]
        if recall_id is not None:
            missing += [("finding.recall_started", _("finding"), pk)]
    for pk, status in complaints:
        missing += [("complaint.filed", _("complaint"), pk)]
        if status == ComplaintStatus.ANSWERED:
            missing += [("complaint.answered", _("complaint"), pk)]
    return [
        (
            0,
            "",
            _("%(what)s %(id)s has no %(kind)s entry") % {"what": what, "id": pk, "kind": kind},
        )
        for kind, what, pk in missing
        if pk not in seen[kind]
    ]


LEDGER_CHECKS: dict = {
    "finding.inspection_opened": (check_inspection_opened, gettext_lazy("Inspection opened")),
    "finding.inspection_closed": (check_inspection_closed, gettext_lazy("Inspection closed")),
    "finding.filed": (check_filed, gettext_lazy("Finding filed")),
    "finding.answered": (check_answered, gettext_lazy("Finding answered")),
    "finding.closed": (check_closed, gettext_lazy("Finding closed")),
    "finding.recall_started": (check_recall_started, gettext_lazy("Recall started on a finding")),
    "complaint.filed": (check_complaint_filed, gettext_lazy("Complaint filed")),
    "complaint.answered": (check_complaint_answered, gettext_lazy("Complaint answered")),
}
CHAIN_CHECKS: dict = {"finding.rows": check_rows}


__all__ = [
    "CHAIN_CHECKS",
    "DEADLINES",
    "LEDGER_CHECKS",
    "answer_complaint",
    "answer_finding",
    "close_finding",
    "close_inspection",
    "complainant_shown",
    "file_complaint",
    "file_finding",
    "is_overdue",
    "open_inspection",
    "recall_on_finding",
    "sees_all",
]
