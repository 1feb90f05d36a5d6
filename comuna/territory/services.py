"""Every change to bodies, the census and mandates: one function each, one transaction each,
with an acting user (or a system actor), recording the change in the body's ledger chain in the
same transaction. Views and the demo call these; nothing else writes these rows.

Census entries carry row ids and keyed digests (``comuna.territory.records``), never personal
data: the ledger is public.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comuna.ledger import record
from comuna.ledger.signing import ensure_key
from comuna.territory import invitations, records, statutes
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.census import (
    CensusImportError,
    ImportResult,
    RowError,
    add_years,
    prepare_import,
)
from comuna.territory.models import (
    Body,
    CensusQuestion,
    Delivery,
    Household,
    Invitation,
    Mandate,
    MandateKind,
    Organ,
    Resident,
    Seat,
)

__all__ = [
    "TerritoryError",
    "accept_invitation",
    "confer_mandate",
    "create_body",
    "create_organ",
    "end_mandate",
    "import_census",
    "invite_resident",
    "link_login",
    "replace_by_substitute",
    "substitute_for",
    "revoke_invitation",
    "save_household",
    "save_question",
    "save_resident",
    "unlink_login",
    "update_own_details",
]


class TerritoryError(Exception):
    """A change refused; nothing changed. The message says why, for the person who tried."""


# --- bodies ------------------------------------------------------------------------------


@transaction.atomic
def create_body(
    *,
    name: str,
    slug: str,
    kind: str,
    by: Any,
    parent: Body | None = None,
    profile: str = statutes.DEFAULT_PROFILE,
    **fields: Any,
) -> Body:
    """A new body with version 1 of its statute (from ``profile``), both in its ledger chain,
    and the key that signs its chain's heads (a file outside the database)."""
    actor = actor_label(by)
    body = Body(name=name, slug=slug, kind=kind, parent=parent, **fields)
    body.full_clean()
    body.save()
    record(
        body.ledger_chain,
        "body.created",
        {
            "body": body.slug,
            "name": body.name,
            "kind": body.kind,
            "parent": parent.slug if parent else None,
        },
        actor=actor,
    )
    statutes.adopt(body, profile, by=by)
    ensure_key(body.ledger_chain)
    return body


@transaction.atomic
def create_organ(
    body: Body,
    *,
    kind: str,
    name: str,
    by: Any,
    seats: int = 1,
    parent: Organ | None = None,
    position: int = 0,
) -> Organ:
    """A new organ of ``body`` (a committee is part of another organ, its ``parent``)."""
    actor = actor_label(by)
    organ = Organ(body=body, kind=kind, name=name, seats=seats, parent=parent, position=position)
    _full_clean(organ)
    if parent is not None and parent.body_id != body.pk:
        raise TerritoryError(_("A committee is part of an organ of the same body."))
    organ.save()
    _record_rows(body, "organ.created", [organ], actor, name=name, kind=kind, seats=seats)
    return organ


# --- census ------------------------------------------------------------------------------


def save_household(form, *, by: Any) -> Household:
    """Save a valid :class:`~comuna.territory.forms.HouseholdForm` (new or edited)."""
    return _save_census_form(form, "census.household", by)


def save_resident(form, *, by: Any) -> Resident:
    """Save a valid :class:`~comuna.territory.forms.ResidentForm` (new or edited)."""
    return _save_census_form(form, "census.resident", by)


@transaction.atomic
def _save_census_form(form, entry_kind: str, by: Any):
    actor = actor_label(by)
    created = form.instance.pk is None
    saved = _save_form_fields(form)
    _record_rows(saved.body, entry_kind, [saved], actor, created=created)
    return saved


@transaction.atomic
def update_own_details(form, *, by: Any) -> Resident:
    """A member saves their own contact details (:class:`~comuna.territory.forms.ProfileForm`)."""
    actor = actor_label(by)
    if form.instance.user_id != getattr(by, "pk", None):
        raise TerritoryError(_("Members may change only their own details."))
    resident = _save_form_fields(form)
    _record_rows(resident.body, "census.resident", [resident], actor, created=False)
    return resident


def _save_form_fields(form):
    """Save a model form, writing only the columns the form edits (so an edit made meanwhile
    to another column, e.g. a login linked, is kept), then read the row back as stored."""
    obj = form.save(commit=False)
    if obj.pk is None:
        obj.save()
    else:
        names = {f.name for f in obj._meta.concrete_fields}
        columns = [n for n in [*form._meta.fields, "extra", "updated_at"] if n in names]
        list(type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("pk"))  # queue
        obj.save(update_fields=columns)
    obj.refresh_from_db()  # the digest is taken of the row as the database holds it
    return obj


@transaction.atomic
def link_login(resident: Resident, user: Any, *, by: Any) -> Resident:
    """Give a resident their login (the census row then names the user)."""
    actor = actor_label(by)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.user_id is not None:
        raise TerritoryError(_("This resident already has a login."))
    resident.user = user
    resident.save(update_fields=["user", "updated_at"])
    _record_rows(resident.body, "census.resident", [resident], actor, created=False)
    return resident


# --- logins and invitations ----------------------------------------------------------------


@transaction.atomic
def invite_resident(
    resident: Resident,
    *,
    by: Any,
    delivery: str,
    email: str = "",
    language: str = "",
    invite_url: str = "",
) -> str:
    """Invite a resident with no login to make one; returns the invitation's secret once.

    By e-mail, a link (``invite_url`` followed by the signed token) is mailed to ``email`` in
    ``language`` once the transaction commits, and the token is returned; by printed code, the
    code is returned to be shown and printed. A new invitation replaces the resident's previous
    one. The ledger records the resident's id and how the invitation went out, nothing else.
    """
    actor = actor_label(by)
    resident = Resident.objects.select_for_update().select_related("body").get(pk=resident.pk)
    if resident.user_id is not None:
        raise TerritoryError(_("This resident already has a login, so cannot be invited."))
    if delivery == Delivery.EMAIL:
        try:
            validate_email(email)
        except ValidationError:
            raise TerritoryError(
                _("Give a valid e-mail address to send the invitation to.")
            ) from None
        secret, shown = invitations.new_token()
    elif delivery == Delivery.CODE:
        secret = shown = invitations.new_code()
    else:
        raise TerritoryError(_("An invitation is sent by e-mail or as a printed code."))
    replaced, _counts = Invitation.objects.filter(resident=resident).delete()
    invitation = Invitation.objects.create(
        resident=resident,
        delivery=delivery,
        secret_hash=invitations.secret_hash(secret),
        expires_at=invitations.expiry(),
        created_by=acting_user(by),
    )
    record(
        resident.body.ledger_chain,
        "census.invited",
        {
            "resident": resident.pk,
            "delivery": delivery,
            "expires_on": timezone.localdate(invitation.expires_at).isoformat(),
            "replaces_earlier": bool(replaced),
        },
        actor=actor,
    )
    if delivery == Delivery.EMAIL:
        transaction.on_commit(
            partial(invitations.send_email, invitation, shown, email, language, invite_url)
        )
    return shown


@transaction.atomic
def revoke_invitation(resident: Resident, *, by: Any) -> None:
    """Withdraw a resident's invitation: its link or code no longer works."""
    actor = actor_label(by)
    resident = Resident.objects.select_for_update().select_related("body").get(pk=resident.pk)
    deleted, _counts = Invitation.objects.filter(resident=resident).delete()
    if not deleted:
        raise TerritoryError(_("This resident has no invitation to revoke."))
    record(
        resident.body.ledger_chain,
        "census.invitation_revoked",
        {"resident": resident.pk},
        actor=actor,
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, form) -> Any:
    """The invited resident makes their login from a valid ``UserCreationForm``: the login is
    tied to their census row and the invitation is used up. The new user is the actor (nobody
    else acts: this is how a resident joins, there being no sign-up page)."""
    live = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if live is None or live.is_expired():
        raise TerritoryError(_("This invitation is no longer valid; ask for a new one."))
    resident = Resident.objects.select_for_update().select_related("body").get(pk=live.resident_id)
    if resident.user_id is not None:
        raise TerritoryError(_("This resident already has a login."))
    user = form.save()
    resident.user = user
    resident.save(update_fields=["user", "updated_at"])
    live.delete()
    _record_rows(
        resident.body,
        "census.login_linked",
        [resident],
        actor_label(user),
        delivery=live.delivery,
    )
    return user


@transaction.atomic
def unlink_login(resident: Resident, *, by: Any) -> Resident:
    """Untie a login from its census row (the login then holds no role in any body); the
    resident may be invited again."""
    actor = actor_label(by)
    resident = Resident.objects.select_for_update().select_related("body").get(pk=resident.pk)
    if resident.user_id is None:
        raise TerritoryError(_("This resident has no login."))
    resident.user = None
    resident.save(update_fields=["user", "updated_at"])
    _record_rows(resident.body, "census.login_unlinked", [resident], actor)
    return resident


def save_question(form, *, by: Any) -> CensusQuestion:
    """Save a valid :class:`~comuna.territory.forms.CensusQuestionForm` (new or edited)."""
    return _save_census_form(form, "census.question", by)


def import_census(body: Body, data: bytes, *, by: Any) -> ImportResult:
    """Add the residents (and new households) of a census CSV file to ``body``'s census.

    Every row is checked first; if any is bad, nothing is imported and
    :class:`~comuna.territory.census.CensusImportError` lists each problem by line and column.
    One entry records the counts and each new row's id and digest.
    """
    actor = actor_label(by)
    prepared = prepare_import(body, data)
    try:
        with transaction.atomic():
            households, residents = prepared.save()
            record(
                body.ledger_chain,
                "census.imported",
                {
                    "households": len(households),
                    "residents": len(residents),
                    "rows": records.rows(body, [*households, *residents]),
                },
                actor=actor,
            )
    except IntegrityError as exc:  # a concurrent edit took a code or document meanwhile
        raise CensusImportError(
            [
                RowError(
                    0, "", _("the census changed while importing; try again (%(e)s)") % {"e": exc}
                )
            ]
        ) from exc
    return ImportResult(households=len(households), residents=len(residents))


def _record_rows(body: Body, entry_kind: str, objs: list, actor: str, **extra: Any) -> None:
    record(body.ledger_chain, entry_kind, {**extra, "rows": records.rows(body, objs)}, actor=actor)


# --- mandates ----------------------------------------------------------------------------


@transaction.atomic
def confer_mandate(
    body: Body,
    resident: Resident,
    *,
    kind: str,
    by: Any,
    organ: Organ | None = None,
    seat: Seat | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Mandate:
    """Confer a mandate (spokesperson or substitute of an organ, or administrator) under the
    statute in force, for the statute's term unless ``ends_on`` says otherwise; ``seat``: the
    organ's declared seat it holds."""
    actor = actor_label(by)
    statute = statutes.current(body)
    starts_on = starts_on or timezone.localdate()
    if ends_on is None and kind != MandateKind.ADMINISTRATOR:
        ends_on = add_years(starts_on, statute.term_years)
    if ends_on is not None and ends_on <= starts_on:
        raise TerritoryError(_("A mandate must end after it starts."))
    if seat is not None and (organ is None or seat.organ_id != organ.pk):
        raise TerritoryError(_("The seat belongs to another organ."))
    mandate = Mandate(
        body=body,
        organ=organ,
        seat=seat,
        resident=resident,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        statute=statute,
    )
    _full_clean(mandate)
    mandate.save()
    _record_mandates(body, "mandate.conferred", [mandate], actor)
    return mandate


@transaction.atomic
def end_mandate(mandate: Mandate, *, on: date, reason: str, by: Any) -> Mandate:
    """End an active mandate on ``on`` (resignation, recall, death...), saying why."""
    actor = actor_label(by)
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    _end(mandate, on, reason)
    _record_mandates(mandate.body, "mandate.ended", [mandate], actor, reason=reason.strip())
    return mandate


def substitute_for(mandate: Mandate, on: date) -> Mandate | None:
    """The substitute who takes ``mandate``'s seat on ``on``: the active substitute of the same
    declared seat first, else the organ's first active substitute holding no other seat (the
    longest-serving, then the first conferred). None when the seat needs an election."""
    substitutes = (
        Mandate.objects.active(on)
        .filter(organ_id=mandate.organ_id, kind=MandateKind.SUBSTITUTE)
        .order_by("starts_on", "pk")
    )
    if mandate.seat_id is None:
        return substitutes.first()
    return (
        substitutes.filter(seat_id=mandate.seat_id).first()
        or substitutes.filter(seat__isnull=True).first()
    )


@transaction.atomic
def replace_by_substitute(mandate: Mandate, *, on: date, reason: str, by: Any) -> Mandate:
    """End a spokesperson's mandate and seat its substitute (:func:`substitute_for`: the one of
    the same seat first) in it for the rest of the term; returns the new spokesperson mandate,
    holding the same seat. Refused when there is no substitute (the seat then needs an
    election)."""
    actor = actor_label(by)
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.kind != MandateKind.SPOKESPERSON or mandate.organ_id is None:
        raise TerritoryError(_("Only a spokesperson's seat is taken by a substitute."))
    substitute = substitute_for(mandate, on)
    if substitute is None:
        raise TerritoryError(_("This organ has no substitute; the seat needs an election."))
    substitute = Mandate.objects.select_for_update().get(pk=substitute.pk)
    term_ends = mandate.ends_on
    _end(mandate, on, reason)
    _end(substitute, on, _("takes the seat"))
    seated = Mandate(
        body=mandate.body,
        organ_id=mandate.organ_id,
        seat_id=mandate.seat_id,
        resident_id=substitute.resident_id,
        kind=MandateKind.SPOKESPERSON,
        starts_on=on,
        ends_on=term_ends,
        statute=mandate.statute,
    )
    _full_clean(seated)
    seated.save()
    _record_mandates(
        mandate.body,
        "mandate.replaced",
        [mandate, substitute, seated],
        actor,
        reason=reason.strip(),
        ended=mandate.pk,
        seated=seated.pk,
    )
    return seated


def _end(mandate: Mandate, on: date, reason: str) -> None:
    if not reason.strip():
        raise TerritoryError(_("Say why the mandate ends."))
    if not mandate.is_active(on):
        raise TerritoryError(_("This mandate is not active on %(day)s.") % {"day": on})
    mandate.ends_on = on
    mandate.end_reason = reason.strip()[:300]
    mandate.save(update_fields=["ends_on", "end_reason"])


def _record_mandates(body: Body, kind: str, mandates: list[Mandate], actor: str, **extra) -> None:
    # Mandates are public (who speaks for whom): the entry names them plainly as well.
    listed = [
        {
            "mandate": m.pk,
            "organ": m.organ_id,
            "seat": m.seat_id,
            "resident": m.resident_id,
            "kind": m.kind,
            "starts_on": m.starts_on.isoformat(),
            "ends_on": m.ends_on.isoformat() if m.ends_on else None,
        }
        for m in mandates
    ]
    payload = {**extra, "mandates": listed, "rows": records.rows(body, mandates)}
    record(body.ledger_chain, kind, payload, actor=actor)


def _full_clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise TerritoryError(" ".join(exc.messages)) from None
