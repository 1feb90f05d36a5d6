"""Convening: by the coordination collective or on a petition; the agenda and its amendments
until the notice deadline; petitions and their signatures (in the app or from paper, each
checked against the register); notices in the app and by e-mail (after commit) and the
iCalendar file. [Owned by the convening part of the capability.]

Every change is one function here, in one transaction, writing its ``assembly.*`` ledger entry
in that transaction; e-mails go out once it commits (:mod:`comuna.assemblies.notices`).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies import notices
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    ConvenedBy,
    Majority,
    Notice,
    Petition,
    PetitionStatus,
    Registered,
    Signature,
    SignatureSource,
    Status,
)
from comuna.i18n import site_language
from comuna.ledger import entries, record
from comuna.territory import census, records, statutes
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import Body, Mandate, MandateKind, Organ, Resident, StatuteVersion

# --- the notice period ----------------------------------------------------------------------


def earliest_start(statute: StatuteVersion, now: datetime) -> datetime:
    """The earliest an assembly convened at ``now`` may meet: the statute's notice after."""
    return now + timedelta(days=statute.assembly_notice_days)


def amendable_until(assembly: Assembly) -> datetime:
    """The notice deadline: the agenda may be amended until the statute's notice before the
    assembly meets."""
    return assembly.starts_at - timedelta(days=assembly.statute.assembly_notice_days)


def is_amendable(assembly: Assembly, now: datetime | None = None) -> bool:
    return assembly.status == Status.CONVENED and (now or timezone.now()) <= amendable_until(
        assembly
    )


def _check_notice(starts_at: datetime, statute: StatuteVersion, now: datetime) -> None:
    earliest = earliest_start(statute, now)
    if starts_at < earliest:
        raise AssemblyError(
            {
                "starts_at": [
                    _(
                        "The statute asks for %(days)s days' notice: the assembly can meet on "
                        "%(earliest)s at the earliest."
                    )
                    % {
                        "days": statute.assembly_notice_days,
                        "earliest": _when(earliest),
                    }
                ]
            }
        )


def _when(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- convening ------------------------------------------------------------------------------


def _items(items: list[dict[str, Any]], *, field: str = "items") -> list[dict[str, Any]]:
    """The agenda items as given (``{"text", "description", "majority"}``), checked."""
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, item in enumerate(items, start=1):
        text = str(item.get("text") or "").strip()
        description = str(item.get("description") or "").strip()
        majority = item.get("majority") or Majority.SIMPLE
        if not text:
            problems.append(_("Item %(n)s: write what the assembly is asked.") % {"n": n})
        elif len(text) > 300:
            problems.append(_("Item %(n)s: at most 300 characters.") % {"n": n})
        if majority not in Majority.values:
            problems.append(_("Item %(n)s: choose the kind of decision it asks for.") % {"n": n})
        found.append({"text": text, "description": description, "majority": str(majority)})
    if problems:
        raise AssemblyError({field: problems})
    return found


def _check_assembly(assembly: Assembly) -> None:
    """The assembly's own fields, as the model declares them (lengths, the link's form)."""
    problems: dict[str, list[str]] = {}
    for name in ("title", "place"):
        if not getattr(assembly, name).strip():
            problems[name] = [_("This field is required.")]
    try:
        assembly.clean_fields(exclude=["body", "statute", "created_by", "petition", *problems])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems.setdefault(name, []).extend(messages)
    if problems:
        raise AssemblyError(problems)


def item_payload(item: AgendaItem) -> dict[str, Any]:
    return {
        "item": item.pk,
        "position": item.position,
        "text": item.text,
        "description": item.description,
        "majority": item.majority,
        "petition": item.petition_id,
    }


def convened_payload(assembly: Assembly, items: list[AgendaItem], digest: str) -> dict[str, Any]:
    return {
        "body": assembly.body.slug,
        "assembly": assembly.pk,
        "title": assembly.title,
        "description": assembly.description,
        "starts_at": assembly.starts_at.astimezone(UTC).isoformat(),
        "place": assembly.place,
        "online_url": assembly.online_url,
        "convened_by": assembly.convened_by,
        "petition": assembly.petition_id,
        "organ": assembly.organ_id,
        "items": [item_payload(i) for i in items],
        "statute_version": assembly.statute.number,
        "register_size": assembly.register_size,
        "register_digest": digest,
    }


def register_digest(assembly: Assembly) -> str:
    """The keyed digest of the assembly's frozen register, as its convening entry records it."""
    ids = assembly.registered.values_list("resident_id", flat=True)
    return records.register_digest(assembly.body, list(ids))


def _convene(
    body: Body,
    *,
    title: str,
    starts_at: datetime,
    place: str,
    online_url: str,
    description: str,
    items: list[dict[str, Any]],
    by: Any,
    petition: Petition | None = None,
    organ: Organ | None = None,
) -> Assembly:
    actor = actor_label(by)
    statute = statutes.current(body)
    if organ is not None and organ.body_id != body.pk:
        raise AssemblyError({"organ": [_("That organ belongs to another body.")]})
    if starts_at is None:
        raise AssemblyError({"starts_at": [_("Give the date and time of the assembly.")]})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    assembly = Assembly(
        body=body,
        title=(title or "").strip(),
        description=(description or "").strip(),
        starts_at=starts_at,
        place=(place or "").strip(),
        online_url=(online_url or "").strip(),
        statute=statute,
        convened_by=ConvenedBy.PETITION if petition else ConvenedBy.COORDINATION,
        petition=petition,
        organ=organ,
        created_by=acting_user(by),
    )
    _check_assembly(assembly)
    _check_notice(starts_at, statute, timezone.now())
    given = _items(items)
    if petition is not None:
        given.insert(
            0,
            {
                "text": petition.title[:300],
                "description": petition.description,
                "majority": petition.majority,
                "petition": petition,
            },
        )
    if not given:
        raise AssemblyError({"items": [_("An assembly needs an agenda: add at least one item.")]})
    voters = seated(organ) if organ is not None else census.register(body, on=timezone.localdate())
    register = list(voters.order_by("pk").values_list("pk", flat=True))
    if organ is not None and not register:
        raise AssemblyError({"organ": [_("Nobody holds a seat in %(organ)s.") % {"organ": organ}]})
    assembly.register_size = len(register)
    assembly.save()
    Registered.objects.bulk_create(Registered(assembly=assembly, resident_id=r) for r in register)
    made = [
        AgendaItem.objects.create(assembly=assembly, position=n, **item)
        for n, item in enumerate(given, start=1)
    ]
    record(
        body.ledger_chain,
        "assembly.convened",
        convened_payload(assembly, made, records.register_digest(body, register)),
        actor=actor,
    )
    notices.notify(assembly, Notice.Kind.CONVENED)
    return assembly


def seated(organ: Organ):
    """A session's register: the residents seated in the organ today (its spokespersons in
    office; substitutes vote only once they take a seat), not the census."""
    seated = Mandate.objects.active().filter(organ=organ, kind=MandateKind.SPOKESPERSON)
    return Resident.objects.filter(pk__in=seated.values("resident_id")).order_by("pk")


@transaction.atomic
def convene(
    body: Body,
    *,
    title: str,
    starts_at: datetime,
    place: str,
    online_url: str = "",
    description: str = "",
    items: list[dict[str, Any]],
    by: Any,
    organ: Organ | None = None,
) -> Assembly:
    """Convene an assembly of ``body`` with its agenda (``{"text", "description",
    "majority"}`` each), meeting no sooner than the statute's notice period from now. Its
    register is frozen now: quorum is counted against it whatever the census says later.
    With ``organ`` (a parliament), a session of that organ, whose register is its members
    seated today."""
    return _convene(
        body,
        title=title,
        starts_at=starts_at,
        place=place,
        online_url=online_url,
        description=description,
        items=items,
        by=by,
        organ=organ,
    )


def _refuse_unless_amendable(assembly: Assembly) -> None:
    if assembly.status != Status.CONVENED:
        raise AssemblyError(_("The agenda can no longer be amended: the assembly has met."))
    deadline = amendable_until(assembly)
    if timezone.now() > deadline:
        raise AssemblyError(
            _(
                "The agenda could be amended until %(deadline)s, the statute's notice before the "
                "assembly."
            )
            % {"deadline": _when(deadline)}
        )


def _amend(
    assembly: Assembly,
    *,
    add: list[dict[str, Any]],
    withdraw: list[int],
    reason: str,
    actor: str,
    petition: Petition | None = None,
    notify: bool = True,
) -> list[AgendaItem]:
    """Add and withdraw items of a locked, amendable assembly and record the amendment."""
    reason = (reason or "").strip()
    added = _items(add, field="add")
    withdraw = sorted({int(pk) for pk in withdraw})
    if not added and not withdraw:
        raise AssemblyError(_("Add an item or withdraw one: nothing would change."))
    if not reason:
        raise AssemblyError({"reason": [_("Say why the agenda is amended.")]})
    if len(reason) > 300:
        raise AssemblyError({"reason": [_("At most 300 characters.")]})
    current = {i.pk: i for i in assembly.items.all()}
    for pk in withdraw:
        if pk not in current or current[pk].withdrawn:
            raise AssemblyError({"withdraw": [_("That item is not on the agenda.")]})
    if all(i.withdrawn or i.pk in withdraw for i in current.values()) and not added:
        raise AssemblyError(
            {"withdraw": [_("An assembly needs an agenda: at least one item must stay.")]}
        )
    AgendaItem.objects.filter(pk__in=withdraw).update(withdrawn=True)
    position = max((i.position for i in current.values()), default=0)
    made = []
    for item in added:
        position += 1
        made.append(
            AgendaItem.objects.create(
                assembly=assembly, position=position, petition=petition, **item
            )
        )
    record(
        assembly.body.ledger_chain,
        "assembly.agenda_amended",
        {
            "body": assembly.body.slug,
            "assembly": assembly.pk,
            "added": [item_payload(i) for i in made],
            "withdrawn": withdraw,
            "reason": reason,
        },
        actor=actor,
    )
    if notify:
        notices.notify(assembly, Notice.Kind.AGENDA_AMENDED)
    return made


def add_item_in_session(
    assembly: Assembly, *, text: str, majority: str, reason: str, actor: str
) -> AgendaItem:
    """An item the assembly in session puts on its own agenda (the approval of minutes), as
    an amendment in the ledger; members present need no notice of it. The caller holds the
    assembly's lock inside its transaction."""
    if assembly.status != Status.IN_SESSION:
        raise AssemblyError(_("Only an assembly in session adds an item to its own agenda."))
    add = [{"text": text, "description": "", "majority": majority}]
    return _amend(assembly, add=add, withdraw=[], reason=reason, actor=actor, notify=False)[0]


@transaction.atomic
def amend_agenda(
    assembly: Assembly,
    *,
    add: list[dict[str, Any]] | None = None,
    withdraw: list[int] | None = None,
    reason: str,
    by: Any,
) -> Assembly:
    """Add items to the agenda and withdraw items from it, until the notice deadline
    (:func:`amendable_until`); a withdrawn item stays in the record, marked."""
    actor = actor_label(by)
    assembly = assembly.locked()
    _refuse_unless_amendable(assembly)
    _amend(assembly, add=add or [], withdraw=withdraw or [], reason=reason, actor=actor)
    return assembly


# --- petitions ------------------------------------------------------------------------------


def _on_register(body: Body, resident: Resident) -> bool:
    return census.register(body, on=timezone.localdate()).filter(pk=resident.pk).exists()


def _signer(body: Body, by: Any) -> Resident:
    """The resident of the acting user, on today's register of ``body``."""
    resident = None
    if not isinstance(by, SystemActor):
        resident = Resident.objects.filter(user_id=getattr(by, "pk", None)).first()
    if resident is None or not _on_register(body, resident):
        raise AssemblyError(
            _("Only residents on the electoral register of %(body)s may sign its petitions.")
            % {"body": body.name}
        )
    return resident


def _sign(petition: Petition, resident: Resident, source: str, by: Any) -> Signature:
    return Signature.objects.create(
        petition=petition, resident=resident, source=source, entered_by=acting_user(by)
    )


def _reached_if_so(petition: Petition, actor: str) -> None:
    """Mark the petition REACHED (and record it) once its signatures meet the threshold."""
    count = petition.signatures.count()
    if petition.status == PetitionStatus.COLLECTING and count >= petition.threshold:
        petition.status = PetitionStatus.REACHED
        petition.save(update_fields=["status"])
        record(
            petition.body.ledger_chain,
            "assembly.petition_reached",
            {"petition": petition.pk, "signatures": count, "threshold": petition.threshold},
            actor=actor,
        )


def petition_payload(petition: Petition) -> dict[str, Any]:
    return {
        "body": petition.body.slug,
        "petition": petition.pk,
        "title": petition.title,
        "description": petition.description,
        "majority": petition.majority,
        "statute_version": petition.statute.number,
        "register_size": petition.register_size,
        "threshold": petition.threshold,
        "started_by": petition.started_by_id,
    }


@transaction.atomic
def start_petition(
    body: Body, *, title: str, description: str = "", majority: str = Majority.SIMPLE, by: Any
) -> Petition:
    """Start a petition for an assembly (or an item on a coming one's agenda); the starter, a
    resident on the register, signs it first. It needs the statute's share of the register."""
    actor = actor_label(by)
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise AssemblyError({"title": [_("Say what the assembly should decide.")]})
    if len(title) > 300:
        raise AssemblyError({"title": [_("At most 300 characters.")]})
    if majority not in Majority.values:
        raise AssemblyError({"majority": [_("Choose the kind of decision it asks for.")]})
    resident = _signer(body, by)
    statute = statutes.current(body)
    size = census.register(body, on=timezone.localdate()).count()
    petition = Petition.objects.create(
        body=body,
        title=title,
        description=description,
        majority=majority,
        statute=statute,
        register_size=size,
        threshold=statute.petition_signatures(size),
        started_by=resident,
    )
    record(body.ledger_chain, "assembly.petition_started", petition_payload(petition), actor=actor)
    _sign(petition, resident, SignatureSource.APP, by)
    record(
        body.ledger_chain,
        "assembly.petition_signed",
        {"petition": petition.pk, "resident": resident.pk, "source": SignatureSource.APP},
        actor=actor,
    )
    _reached_if_so(petition, actor)
    return petition


def _locked_petition(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update().select_related("body", "statute").get(pk=petition.pk)
    )


@transaction.atomic
def sign_petition(petition: Petition, *, by: Any) -> Signature:
    """Sign a petition collecting signatures, once, as a resident on today's register."""
    actor = actor_label(by)
    petition = _locked_petition(petition)
    if petition.status != PetitionStatus.COLLECTING:
        raise AssemblyError(_("This petition no longer collects signatures."))
    resident = _signer(petition.body, by)
    if petition.signatures.filter(resident=resident).exists():
        raise AssemblyError(_("You have already signed this petition; a signature counts once."))
    signature = _sign(petition, resident, SignatureSource.APP, by)
    record(
        petition.body.ledger_chain,
        "assembly.petition_signed",
        {"petition": petition.pk, "resident": resident.pk, "source": SignatureSource.APP},
        actor=actor,
    )
    _reached_if_so(petition, actor)
    return signature


class LineOutcome(enum.StrEnum):
    COUNTED = "counted"
    NOT_ON_REGISTER = "not_on_register"  # a resident of the census, not on today's register
    ALREADY_SIGNED = "already_signed"
    UNKNOWN_DOCUMENT = "unknown_document"  # nobody in the body's census holds it
    BLANK = "blank"


@dataclass(frozen=True)
class PaperLine:
    line: int
    document: str
    outcome: LineOutcome
    resident: Resident | None = None


def _normal_document(text: str) -> str:
    return "".join(text.split()).upper()


def read_paper_sheet(body: Body, documents: list[str], signed: set[int]) -> list[PaperLine]:
    """Each line of a paper sheet of signatures, one identity document per line, checked
    against today's register of ``body``: COUNTED for a resident on it who is not in ``signed``
    (the residents who signed already; each one counted is added to it, so a sheet listing a
    person twice counts them once), else ALREADY_SIGNED, NOT_ON_REGISTER (in the census, not
    entitled today), UNKNOWN_DOCUMENT or BLANK. The caller stores the COUNTED signatures; the
    petitions of the assemblies and the recalls of the mandates both read their sheets here."""
    wanted = {_normal_document(d) for d in documents if d and d.strip()}
    census_of_body = {
        _normal_document(r.document_id): r
        for r in Resident.objects.filter(body_id__in=body.descendant_ids()).exclude(document_id="")
        if _normal_document(r.document_id) in wanted
    }
    registered = set(
        census.register(body, on=timezone.localdate())
        .filter(pk__in=[r.pk for r in census_of_body.values()])
        .values_list("pk", flat=True)
    )
    outcomes: list[PaperLine] = []
    for n, raw in enumerate(documents, start=1):
        document = (raw or "").strip()
        resident = census_of_body.get(_normal_document(document))
        if not document:
            outcomes.append(PaperLine(n, document, LineOutcome.BLANK))
        elif resident is None:
            outcomes.append(PaperLine(n, document, LineOutcome.UNKNOWN_DOCUMENT))
        elif resident.pk not in registered:
            outcomes.append(PaperLine(n, document, LineOutcome.NOT_ON_REGISTER, resident))
        elif resident.pk in signed:
            outcomes.append(PaperLine(n, document, LineOutcome.ALREADY_SIGNED, resident))
        else:
            signed.add(resident.pk)
            outcomes.append(PaperLine(n, document, LineOutcome.COUNTED, resident))
    return outcomes


@transaction.atomic
def enter_paper_signatures(petition: Petition, documents: list[str], *, by: Any) -> list[PaperLine]:
    """Count the signatures of a paper sheet: one identity document per line, each checked
    against today's register. Returns each line's outcome (counted, not on the register,
    already signed; blank lines are skipped); nothing is ever counted twice."""
    actor = actor_label(by)
    petition = _locked_petition(petition)
    if petition.status != PetitionStatus.COLLECTING:
        raise AssemblyError(_("This petition no longer collects signatures."))
    if not any(d and d.strip() for d in documents):
        raise AssemblyError({"documents": [_("Enter one identity document per line.")]})
    signed = set(petition.signatures.values_list("resident_id", flat=True))
    outcomes: list[PaperLine] = []
    counted: list[int] = []
    for line in read_paper_sheet(petition.body, documents, signed):
        if line.outcome == LineOutcome.BLANK:
            continue
        if line.outcome == LineOutcome.UNKNOWN_DOCUMENT:
            # a petition's sheet says "not on the register" of any document it cannot count
            line = PaperLine(line.line, line.document, LineOutcome.NOT_ON_REGISTER)
        elif line.outcome == LineOutcome.NOT_ON_REGISTER:
            line = PaperLine(line.line, line.document, LineOutcome.NOT_ON_REGISTER)
        elif line.outcome == LineOutcome.COUNTED:
            _sign(petition, line.resident, SignatureSource.PAPER, by)
            counted.append(line.resident.pk)
        outcomes.append(line)
    if counted:
        record(
            petition.body.ledger_chain,
            "assembly.petition_paper",
            {"petition": petition.pk, "residents": counted, "lines": len(outcomes)},
            actor=actor,
        )
        _reached_if_so(petition, actor)
    return outcomes


def _use(petition: Petition, assembly: Assembly, item: AgendaItem, actor: str) -> None:
    petition.status = PetitionStatus.USED
    petition.save(update_fields=["status"])
    record(
        petition.body.ledger_chain,
        "assembly.petition_used",
        {"petition": petition.pk, "assembly": assembly.pk, "item": item.pk},
        actor=actor,
    )


def _refuse_unless_reached(petition: Petition) -> None:
    if petition.status != PetitionStatus.REACHED:
        raise AssemblyError(
            _("Only a petition that reached its signatures can be put on an agenda.")
        )


@transaction.atomic
def convene_on_petition(
    petition: Petition,
    *,
    starts_at: datetime,
    place: str,
    title: str = "",
    online_url: str = "",
    description: str = "",
    items: list[dict[str, Any]] | None = None,
    by: Any,
) -> Assembly:
    """Convene the assembly a petition asked for: its first item is the petition's."""
    actor = actor_label(by)
    petition = _locked_petition(petition)
    _refuse_unless_reached(petition)
    assembly = _convene(
        petition.body,
        title=title or petition.title[:200],
        starts_at=starts_at,
        place=place,
        online_url=online_url,
        description=description,
        items=items or [],
        by=by,
        petition=petition,
    )
    _use(petition, assembly, assembly.items.get(position=1), actor)
    return assembly


@transaction.atomic
def add_petition_to_agenda(petition: Petition, assembly: Assembly, *, by: Any) -> AgendaItem:
    """Put a petition's item on a coming assembly's agenda, while it may still be amended."""
    actor = actor_label(by)
    petition = _locked_petition(petition)
    _refuse_unless_reached(petition)
    assembly = assembly.locked()
    if assembly.body_id != petition.body_id:
        raise AssemblyError({"assembly": [_("That assembly is of another body.")]})
    try:
        _refuse_unless_amendable(assembly)
    except AssemblyError as exc:
        raise AssemblyError({"assembly": exc.messages}) from None
    before = set(assembly.items.values_list("pk", flat=True))
    _amend(
        assembly,
        add=[
            {
                "text": petition.title[:300],
                "description": petition.description,
                "majority": petition.majority,
            }
        ],
        withdraw=[],
        reason=site_language(gettext_lazy("Asked for by a petition of the residents.")),
        actor=actor,
        petition=petition,
    )
    item = assembly.items.exclude(pk__in=before).get()
    _use(petition, assembly, item, actor)
    return item


def coming_amendable(body: Body) -> list[Assembly]:
    """The body's coming assemblies whose agenda may still be amended."""
    now = timezone.now()
    coming = body.assemblies.filter(status=Status.CONVENED, starts_at__gt=now).select_related(
        "statute"
    )
    return [a for a in coming.order_by("starts_at") if is_amendable(a, now)]


# --- ledger checks ------------------------------------------------------------------------


def _assembly_of(entry) -> tuple[Assembly | None, str | None]:
    data = entry.data
    assembly = (
        Assembly.objects.select_related("body", "statute").filter(pk=data.get("assembly")).first()
    )
    if assembly is None:
        return None, _("assembly %(assembly)s is missing from the database") % {
            "assembly": data.get("assembly")
        }
    if assembly.body.ledger_chain != entry.chain:
        return None, _("assembly %(assembly)s belongs to another body") % {"assembly": assembly.pk}
    return assembly, None


def _changed(recorded: dict, now: dict) -> list[str]:
    return sorted(key for key in now if now[key] != recorded.get(key))


# entry kinds, recorded by other capabilities, that change a convened assembly's register
REGISTER_CHANGES = ("parliament.session_register_changed",)


def check_convened(entry) -> str | None:
    """The assembly as convened: title, time, place, link, who convened, statute version and
    the register frozen then (its keyed digest), and the items it was convened with."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    items = AgendaItem.objects.filter(pk__in=[i.get("item") for i in data.get("items", [])])
    now = convened_payload(
        assembly, list(items.order_by("position", "pk")), register_digest(assembly)
    )
    # a session whose register a later entry changed (its seats changed hands before it
    # opened): that entry's check answers for the register now
    later = entries(entry.chain).filter(kind__in=REGISTER_CHANGES, seq__gt=entry.seq)
    if any(e.data.get("assembly") == assembly.pk for e in later.only("payload")):
        now["register_size"] = data.get("register_size")
        now["register_digest"] = data.get("register_digest")
    changed = _changed(data, now)
    if changed:
        return _("assembly %(assembly)s differs from its convening entry: %(fields)s") % {
            "assembly": assembly.pk,
            "fields": ", ".join(changed),
        }
    return None


def check_amended(entry) -> str | None:
    """The items an amendment added are there as added; those it withdrew are withdrawn."""
    assembly, problem = _assembly_of(entry)
    if assembly is None:
        return problem
    data = entry.data
    items = {i.pk: i for i in assembly.items.all()}
    for added in data.get("added", []):
        item = items.get(added.get("item"))
        if item is None or _changed(added, item_payload(item)):
            return _("item %(item)s differs from the amendment that added it") % {
                "item": added.get("item")
            }
    for pk in data.get("withdrawn", []):
        if pk not in items or not items[pk].withdrawn:
            return _("item %(item)s was withdrawn, but it is on the agenda") % {"item": pk}
    return None


def _petition_of(entry) -> tuple[Petition | None, str | None]:
    data = entry.data
    petition = (
        Petition.objects.select_related("body", "statute").filter(pk=data.get("petition")).first()
    )
    if petition is None:
        return None, _("petition %(petition)s is missing from the database") % {
            "petition": data.get("petition")
        }
    if petition.body.ledger_chain != entry.chain:
        return None, _("petition %(petition)s belongs to another body") % {"petition": petition.pk}
    return petition, None


def check_petition_started(entry) -> str | None:
    petition, problem = _petition_of(entry)
    if petition is None:
        return problem
    changed = _changed(entry.data, petition_payload(petition))
    if changed:
        return _("petition %(petition)s differs from its entry: %(fields)s") % {
            "petition": petition.pk,
            "fields": ", ".join(changed),
        }
    return None


def check_signed(entry) -> str | None:
    petition, problem = _petition_of(entry)
    if petition is None:
        return problem
    data = entry.data
    residents = data.get("residents") or [data.get("resident")]
    source = data.get("source", SignatureSource.PAPER)
    found = petition.signatures.filter(resident_id__in=residents, source=source).count()
    if found != len(residents):
        return _("a signature of petition %(petition)s recorded here is missing") % {
            "petition": petition.pk
        }
    return None


def check_reached(entry) -> str | None:
    petition, problem = _petition_of(entry)
    if petition is None:
        return problem
    if petition.status not in (PetitionStatus.REACHED, PetitionStatus.USED):
        return _("petition %(petition)s reached its threshold, but it says otherwise") % {
            "petition": petition.pk
        }
    if entry.data.get("threshold") != petition.threshold:
        return _("petition %(petition)s: the threshold differs") % {"petition": petition.pk}
    return None


def check_used(entry) -> str | None:
    petition, problem = _petition_of(entry)
    if petition is None:
        return problem
    item = AgendaItem.objects.filter(pk=entry.data.get("item")).first()
    if (
        petition.status != PetitionStatus.USED
        or item is None
        or item.petition_id != petition.pk
        or item.assembly_id != entry.data.get("assembly")
    ):
        return _("petition %(petition)s is not on the agenda its entry names") % {
            "petition": petition.pk
        }
    return None


def check_agendas_and_signatures(chain: str) -> list[tuple[int, str, str]]:
    """Per chain: every assembly and agenda item in the database is one the entries convened
    or added, withdrawn exactly as recorded; every signature was recorded (nothing slipped in
    with SQL)."""
    body = records.body_of_chain(chain)
    if body is None:
        return []
    expected: dict[int, dict[int, dict]] = {}
    signatures: dict[int, int] = defaultdict(int)
    convened: set[int] = set()
    kinds = (
        "assembly.convened",
        "assembly.agenda_amended",
        "assembly.petition_signed",
        "assembly.petition_paper",
    )
    for entry in entries(chain).filter(kind__in=kinds).only("payload", "kind"):
        data = entry.data
        if entry.kind == "assembly.convened":
            convened.add(data["assembly"])
            expected[data["assembly"]] = {
                i["item"]: {**i, "withdrawn": False} for i in data.get("items", [])
            }
        elif entry.kind == "assembly.agenda_amended":
            agenda = expected.setdefault(data["assembly"], {})
            for pk in data.get("withdrawn", []):
                if pk in agenda:
                    agenda[pk]["withdrawn"] = True
            for i in data.get("added", []):
                agenda[i["item"]] = {**i, "withdrawn": False}
        elif entry.kind == "assembly.petition_signed":
            signatures[data["petition"]] += 1
        else:
            signatures[data["petition"]] += len(data.get("residents", []))
    problems = []
    for assembly in Assembly.objects.filter(body=body).prefetch_related("items"):
        agenda = expected.get(assembly.pk, {})
        if assembly.pk not in convened:
            problems.append(
                (
                    0,
                    "",
                    _("assembly %(assembly)s was convened by no entry of the ledger")
                    % {"assembly": assembly.pk},
                )
            )
            continue
        for item in assembly.items.all():
            recorded = agenda.get(item.pk)
            if recorded is None:
                problems.append(
                    (
                        0,
                        "",
                        _("item %(item)s of assembly %(assembly)s is on no recorded agenda")
                        % {"item": item.pk, "assembly": assembly.pk},
                    )
                )
            elif (
                recorded["text"] != item.text
                or recorded["majority"] != item.majority
                or recorded["withdrawn"] != item.withdrawn
            ):
                problems.append(
                    (
                        0,
                        "",
                        _("item %(item)s of assembly %(assembly)s differs from its recorded agenda")
                        % {"item": item.pk, "assembly": assembly.pk},
                    )
                )
        missing = set(agenda) - {i.pk for i in assembly.items.all()}
        if missing:
            problems.append(
                (
                    0,
                    "",
                    _("items %(items)s of assembly %(assembly)s are missing from the database")
                    % {"items": ", ".join(map(str, sorted(missing))), "assembly": assembly.pk},
                )
            )
    for petition in Petition.objects.filter(body=body):
        count = petition.signatures.count()
        if count != signatures.get(petition.pk, 0):
            problems.append(
                (
                    0,
                    "",
                    _("petition %(petition)s has %(now)s signatures; %(then)s were recorded")
                    % {
                        "petition": petition.pk,
                        "now": count,
                        "then": signatures.get(petition.pk, 0),
                    },
                )
            )
    return problems


# {ledger kind: (check, label)}: registered by the app's ready()
LEDGER_CHECKS: dict = {
    "assembly.convened": (check_convened, gettext_lazy("Assembly convened")),
    "assembly.agenda_amended": (check_amended, gettext_lazy("Assembly agenda amended")),
    "assembly.petition_started": (check_petition_started, gettext_lazy("Petition started")),
    "assembly.petition_signed": (check_signed, gettext_lazy("Petition signed")),
    "assembly.petition_paper": (check_signed, gettext_lazy("Petition signatures from paper")),
    "assembly.petition_reached": (check_reached, gettext_lazy("Petition reached its threshold")),
    "assembly.petition_used": (check_used, gettext_lazy("Petition put on an agenda")),
}
CHAIN_CHECKS: dict = {"assembly.agendas": check_agendas_and_signatures}
