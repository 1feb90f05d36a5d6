"""The seats of a parliament that no member's assembly fills: a socio-productive
organisation's and the commune bank's. The organisation (the bank) designates its spokesperson
and substitute in its own assembly, outside Comuna; the parliament body's electoral commission
records that designation here, with the reference of the act that made it, and can record a
new one at any time (the organisation recalls whom it sent). The previous holders' mandates end
that day and the new ones start, for the statute's term (``parliament.seat_designated``).

The person designated is named by their identity document and family names, as their council's
census writes them (letter case, accents and the document's punctuation aside): the
commission never browses a council's census, and a wrong pair finds nobody. Spokespersons of a
commune or a city are residents of its member councils.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.federation.errors import FederationError
from comuna.i18n import site_language
from comuna.ledger import record
from comuna.territory.actors import actor_label
from comuna.territory.models import Mandate, MandateKind, OrganKind, Resident, Seat, SeatSector

REFERENCE_MAX = 300
DOCUMENT_MAX = 40
NAME_MAX = 120
DESIGNATED = (SeatSector.ORGANISATION, SeatSector.BANK)


def _plain(text: str) -> str:
    """Letters case- and accent-folded, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def _document(text: str) -> str:
    """An identity document's letters and digits, upper case: ``v-12.345.678`` is V12345678."""
    return re.sub(r"[^0-9A-Za-z]", "", str(text or "")).upper()


def find_person(seat: Seat, document: str, family_name: str, *, field: str) -> Resident:
    """The resident of the parliament body's councils with that document and family names;
    a refusal on ``field`` otherwise (saying which pair found nobody, never whom it found)."""
    document, family_name = str(document or "").strip(), str(family_name or "").strip()
    if not document or not family_name:
        raise FederationError(
            _("Write the identity document and the family names."), field=f"{field}_document"
        )
    if len(document) > DOCUMENT_MAX or len(family_name) > NAME_MAX:
        raise FederationError(
            _("An identity document has at most %(d)s characters, family names %(n)s.")
            % {"d": DOCUMENT_MAX, "n": NAME_MAX},
            field=f"{field}_document",
        )
    wanted, digits = _document(document), re.sub(r"\D", "", document)
    body = seat.organ.body
    found = None
    if len(digits) >= 4:
        # the last three digits stand together however the census punctuates the number
        candidates = Resident.objects.filter(
            body_id__in=body.descendant_ids(), document_id__contains=digits[-3:]
        ).order_by("pk")
        found = next(
            (
                r
                for r in candidates
                if _document(r.document_id) == wanted
                and _plain(r.family_name) == _plain(family_name)
            ),
            None,
        )
    if found is None:
        raise FederationError(
            _(
                "Nobody in the census of the councils of %(body)s has the document “%(document)s” "
                "and the family names “%(name)s”. Write them as the council's census does."
            )
            % {"body": body.name, "document": document, "name": family_name},
            field=f"{field}_document",
        )
    return found


def _seat(seat: Seat) -> Seat:
    seat = (
        Seat.objects.select_for_update(of=("self",)).select_related("organ__body").get(pk=seat.pk)
    )
    if seat.organ.kind != OrganKind.PARLIAMENT or seat.sector not in DESIGNATED:
        raise FederationError(
            _(
                "Only an organisation's seat or the bank's is designated here: a member's seat is "
                "filled by the member's own assembly."
            )
        )
    if seat.number > seat.organ.seats:
        raise FederationError(_("This seat is no longer declared."))
    return seat


@transaction.atomic
def designate(
    seat: Seat,
    *,
    principal: Resident,
    substitute: Resident | None = None,
    reference: str,
    by: Any,
) -> list[Mandate]:
    """Record whom the organisation (the bank) of ``seat`` designated: the mandates in force on
    the seat end today and ``principal`` (and ``substitute``) hold it from today for the
    statute's term. ``reference``: the act of the organisation's assembly that designated
    them. Records ``parliament.seat_designated``; a coming session takes the new holder onto
    its register (``parliament.session_register_changed``)."""
    from comuna.federation import parliament
    from comuna.federation.parliament_rules import ParliamentAction

    actor = actor_label(by)
    seat = _seat(seat)
    parliament.require(by, ParliamentAction.DESIGNATE, seat.organ.body, seat.organ.body)
    reference = str(reference or "").strip()
    if not reference:
        raise FederationError(
            _("Say which act of the organisation designated them (its assembly and date)."),
            field="reference",
        )
    if len(reference) > REFERENCE_MAX:
        raise FederationError(
            _("At most %(n)s characters.") % {"n": REFERENCE_MAX}, field="reference"
        )
    if substitute is not None and substitute.pk == principal.pk:
        raise FederationError(
            _("The spokesperson and the substitute are two different people."),
            field="substitute_document",
        )
    organ, body = seat.organ, seat.organ.body
    today = timezone.localdate()
    elsewhere = (
        Mandate.objects.active(today)
        .filter(organ=organ, resident__in=[p for p in (principal, substitute) if p])
        .exclude(seat=seat)
        .select_related("resident")
        .first()
    )
    if elsewhere is not None:
        raise FederationError(
            _("%(name)s already holds another seat of this parliament.")
            % {"name": elsewhere.resident},
            field="principal_document"
            if elsewhere.resident_id == principal.pk
            else "substitute_document",
        )
    reason = site_language(gettext_lazy("The organisation designated another spokesperson."))
    people = [(principal, MandateKind.SPOKESPERSON)]
    if substitute is not None:
        people.append((substitute, MandateKind.SUBSTITUTE))
    ended, made = parliament.reseat(seat, people, on=today, reason=reason, by=by)
    record(
        body.ledger_chain,
        "parliament.seat_designated",
        {
            "body": body.slug,
            "seat": seat.pk,
            "sector": seat.sector,
            "label": seat.label,
            "reference": reference,
            "ended": ended,
            "principal": made[0].pk,
            "substitute": made[1].pk if len(made) > 1 else None,
        },
        actor=actor,
    )
    parliament.follow_seats(organ, actor=actor)
    return made


def check_designated(entry) -> str | None:
    """``ledger verify``: the mandates the designation conferred hold its seat, of their kind,
    from the day it was recorded; the ones it ended ended that day."""
    data = entry.data
    seat = Seat.objects.select_related("organ__body").filter(pk=data.get("seat")).first()
    if seat is None:
        return _("seat %(pk)s is missing from the database") % {"pk": data.get("seat")}
    if seat.organ.body.ledger_chain != entry.chain:
        return _("seat %(pk)s belongs to another body") % {"pk": seat.pk}
    day = timezone.localdate(entry.recorded_at)
    for key, kind in (
        ("principal", MandateKind.SPOKESPERSON),
        ("substitute", MandateKind.SUBSTITUTE),
    ):
        pk = data.get(key)
        if pk is None and key == "substitute":
            continue
        if not Mandate.objects.filter(pk=pk, seat=seat, kind=kind, starts_on=day).exists():
            return _("the %(key)s designated for seat %(seat)s differs") % {
                "key": key,
                "seat": seat.pk,
            }
    for pk in data.get("ended", []):
        if not Mandate.objects.filter(pk=pk, seat=seat, ends_on=day).exists():
            return _("mandate %(pk)s did not end with the designation") % {"pk": pk}
    return None


LEDGER_CHECKS: dict = {
    "parliament.seat_designated": (
        check_designated,
        gettext_lazy("Parliament: an organisation's (the bank's) spokesperson designated"),
    ),
}
