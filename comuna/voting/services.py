"""Every change to a poll: one function each, one transaction each, recorded in the ledger
in the same transaction as the change it records."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comuna.ledger import canonical_json, record
from comuna.territory import census, records, statutes
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.permissions import can
from comuna.voting import mixer, tally, turnout, validation
from comuna.voting.ballots import BallotError, normalise
from comuna.voting.models import (
    EDITABLE_SETTINGS,
    RULES,
    Ballot,
    BatchState,
    BoxedBallot,
    Method,
    Option,
    PaperBatch,
    PaperSheet,
    Poll,
    SheetState,
    Source,
    Status,
    Voter,
)
from comuna.voting.rules import PollAction


class VotingError(Exception):
    """A voting action refused; nothing changed."""


class PollClosedError(VotingError):
    """A ballot cast after the poll closed (it was open when the voter loaded the page)."""


SCHEDULER = SystemActor("scheduler")


def chain(poll: Poll) -> str:
    return poll.body.ledger_chain


COUNTING_SETTINGS = (
    "method",
    "rule",
    "seats",
    "min_choices",
    "max_choices",
    "max_points",
    "budget",
    "max_cost",
    "allow_revote",
)


def counting_settings(poll: Poll) -> dict[str, Any]:
    """Every setting of the poll that decides which ballots are valid or how they count (a
    budget poll's vote type only when it has one: older entries were written without it)."""
    found = {
        name: str(value) if isinstance(value, Decimal) else value
        for name in COUNTING_SETTINGS
        for value in [getattr(poll, name)]
    }
    if poll.vote_type:
        found["vote_type"] = poll.vote_type
    return found


def frozen_register(poll: Poll) -> list[list[int | None]]:
    """The (resident, login) pairs of the poll's register: casting finds a voter by login."""
    return [list(pair) for pair in poll.voters.values_list("resident_id", "user_id")]


def options_payload(poll: Poll) -> list[dict[str, Any]]:
    return [
        {"key": o.key, "label": o.label, "cost": None if o.cost is None else str(o.cost)}
        for o in poll.options.all()
    ]


# --- receipts -----------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U


def new_receipt_code() -> str:
    """80 random bits, written XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    text = code.upper().replace("-", "").replace(" ", "")
    text = text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def receipt_hash(poll_id: int, code: str) -> str:
    return hashlib.sha256(f"comuna-receipt:{poll_id}:{normalise_code(code)}".encode()).hexdigest()


def _change_key(poll_id: int, user_id: int, code: str) -> str:
    """What the voter row keeps of the receipt code: the key to change the ballot, which
    without the code matches no ballot. It is computed from the poll and the login, not the
    voter's id, so that casting marks the voter without reading its row first."""
    return hashlib.sha256(f"voter:{poll_id}:{user_id}:{normalise_code(code)}".encode()).hexdigest()


def _holds_change_key(voter: Voter, code: str) -> bool:
    # voters who cast before the ballot box have a key made from their voter id
    legacy = hashlib.sha256(f"voter:{voter.pk}:{normalise_code(code)}".encode()).hexdigest()
    return voter.change_key in (_change_key(voter.poll_id, voter.user_id, code), legacy)


@dataclass(frozen=True)
class Receipt:
    code: str
    replaced: bool


# --- poll life cycle ----------------------------------------------------------------------


class PollSettingsError(VotingError, ValidationError):
    """A poll's settings or options that could not be voted on or counted, field by field
    (``message_dict``); nothing was saved."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _options(poll: Poll, options: list[dict[str, Any]]) -> list[Option]:
    """Unsaved options ``{"label", "description"?, "cost"?, "image"?, "key"?, "fields"?}`` of
    ``poll``, keyed 1, 2, ... in the order given unless they bring their own ``key`` (a budget's
    project ids, a Pabulib file's own)."""
    return [
        Option(
            poll=poll,
            key=str(o.get("key") or i + 1),
            fields=o.get("fields") or {},
            label=str(o.get("label", "")).strip(),
            description=o.get("description", "") or "",
            cost=o.get("cost"),
            image=o.get("image") or "",
        )
        for i, o in enumerate(options)
    ]


def _check(poll: Poll, options: list[Option], *, schedule: bool = False) -> None:
    """Refuse, field by field, settings and options that could not be voted on or counted;
    ``schedule``: a scheduled time must also lie ahead (when a draft is saved)."""
    found: dict[str, list[str]] = {}
    try:
        poll.clean_fields(exclude=["body", "created_by", "statute"])
    except ValidationError as exc:
        found = dict(exc.message_dict)
    for line, option in enumerate(options, start=1):
        try:
            option.clean_fields(exclude=["poll", "key"])
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                found.setdefault("options", []).extend(
                    _("Line %(n)s: %(problem)s") % {"n": line, "problem": e} for e in errors
                )
    if set(found) <= {"options"}:  # the settings are well-formed: can they be counted?
        for name, messages in validation.problems(poll, options).items():
            found.setdefault(name, []).extend(messages)
    if schedule:
        now = timezone.now()
        for name in ("opens_at", "closes_at"):
            when = getattr(poll, name)
            if when is not None and when <= now and name not in found:
                found[name] = [_("This time has already passed.")]
    if found:
        raise PollSettingsError(found)


def _poll_payload(poll: Poll) -> dict[str, Any]:
    return {
        "poll": poll.pk,
        "title": poll.title,
        **counting_settings(poll),
        "options": options_payload(poll),
    }


@transaction.atomic
def create_poll(
    body,
    *,
    title: str,
    method: str,
    options: list[dict[str, Any]],
    by: Any,
    rule: str | None = None,
    **settings: Any,
) -> Poll:
    """A draft poll with its options (``{"label", "description"?, "cost"?, "image"?}``);
    PollSettingsError, saving nothing, if it could not be voted on or counted."""
    actor = actor_label(by)
    rule = rule or (RULES[method][0] if method in RULES else "")
    poll = Poll(
        body=body, title=title, method=method, rule=rule, created_by=acting_user(by), **settings
    )
    built = _options(poll, options)
    _check(poll, built, schedule=True)
    poll.save()
    poll.refresh_from_db()  # record the settings as stored ("50000.00", not "50000")
    for option in built:
        option.poll = poll
        option.save()
    record(chain(poll), "poll.created", _poll_payload(poll), actor=actor)
    return poll


@transaction.atomic
def update_poll(
    poll: Poll,
    *,
    title: str,
    method: str,
    options: list[dict[str, Any]],
    by: Any,
    rule: str | None = None,
    **settings: Any,
) -> Poll:
    """Edit a draft poll: its settings, and its options replaced by ``options`` (as for
    :func:`create_poll`; an ``image`` may be a stored file's name, kept). Only a draft."""
    actor = actor_label(by)
    poll = _locked(poll)
    if poll.status != Status.DRAFT:
        raise VotingError(_("Only a draft poll can be edited."))
    _refuse_if_held(poll)
    unknown = set(settings) - set(EDITABLE_SETTINGS)
    if unknown:
        raise VotingError(_("These settings cannot be edited: %(names)s.") % {"names": unknown})
    old_images = {o.image.name for o in poll.options.all() if o.image}
    poll.title, poll.method = title, method
    poll.rule = rule or (RULES[method][0] if method in RULES else "")
    for name in EDITABLE_SETTINGS:
        if name in settings:
            setattr(poll, name, settings[name])
    built = _options(poll, options)
    _check(poll, built, schedule=True)
    poll.save()
    poll.refresh_from_db()
    poll.options.all().delete()
    for option in built:
        option.save()
    _forget_images(old_images - {o.image.name for o in built if o.image})
    record(chain(poll), "poll.updated", _poll_payload(poll), actor=actor)
    return poll


@transaction.atomic
def delete_poll(poll: Poll, *, by: Any) -> None:
    """Delete a draft poll and its options; the ledger keeps its creation and this deletion."""
    actor = actor_label(by)
    poll = _locked(poll)
    if poll.status != Status.DRAFT:
        raise VotingError(_("Only a draft poll can be deleted."))
    _refuse_if_held(poll)
    images = {o.image.name for o in poll.options.all() if o.image}
    record(chain(poll), "poll.deleted", {"poll": poll.pk, "title": poll.title}, actor=actor)
    poll.options.all().delete()
    poll.delete()
    _forget_images(images)


_HOLDERS = {
    "motion": gettext_lazy("an assembly's decision"),
    "contest": gettext_lazy("an election"),
    "district": gettext_lazy("a participatory budget"),
    "referendum_place": gettext_lazy("a founding referendum"),
}

# the held polls whose body's electoral commission opens and closes them on the poll's own
# pages: a member's polling place in a founding referendum is run by that member
RUN_ON_THEIR_PAGES = frozenset({"referendum_place"})


def holding(poll: Poll) -> tuple[Any, bool]:
    """What holds ``poll`` as a person reads it (an assembly's secret ballot, an election's
    race, a budget district's vote, a member's poll in a founding referendum; None for a poll
    of its own), and whether the poll's own pages open and close it. A held poll is changed
    only through its holder: edited or deleted on its own, it would leave its holder unable to
    count it. One look at the poll's one-to-one holders serves both answers."""
    accessor = _holder(poll)
    if accessor is None:
        return None, True
    return _HOLDERS.get(accessor, gettext_lazy("another record")), accessor in RUN_ON_THEIR_PAGES


def held_by(poll: Poll):
    """What holds ``poll`` as a person reads it, None for a poll of its own."""
    return holding(poll)[0]


def _holder(poll: Poll) -> str | None:
    for relation in Poll._meta.related_objects:
        if (
            relation.one_to_one
            and relation.related_model.objects.filter(**{relation.field.name: poll}).exists()
        ):
            return relation.get_accessor_name()
    return None


def run_elsewhere(poll: Poll):
    """What opens and closes ``poll`` instead of its own pages (an assembly's decision, an
    election, a participatory budget), as a person reads it; None when its pages do."""
    holder, run_here = holding(poll)
    return None if run_here else holder


def _refuse_if_held(poll: Poll) -> None:
    holder = held_by(poll)
    if holder is not None:
        raise VotingError(
            _("This poll belongs to %(holder)s: it is changed there, not edited or deleted here.")
            % {"holder": holder}
        )


def _forget_images(names: set[str]) -> None:
    """Remove image files no option uses any more, once the change is committed."""
    if not names:
        return
    storage = Option._meta.get_field("image").storage

    def remove() -> None:
        for name in names:
            if not Option.objects.filter(image=name).exists():
                storage.delete(name)

    transaction.on_commit(remove)


def _refuse_uncountable(poll: Poll) -> None:
    """Before opening or closing: a poll saved by older code with settings it cannot be
    counted with is refused with what is wrong (edit a draft; an open poll cannot be fixed)."""
    try:
        options = list(poll.options.all())
        found = validation.problems(poll, options)
    except (InvalidOperation, ValueError) as exc:
        raise VotingError(
            _("The poll's stored settings cannot be read (%(error)s).") % {"error": exc}
        ) from None
    if found:
        raise VotingError(
            _("This poll cannot be counted as it stands: %(problems)s")
            % {"problems": " ".join(m for ms in found.values() for m in ms)}
        )


@transaction.atomic
def open_poll(poll: Poll, *, by: Any, register: Iterable[Any] | None = None) -> int:
    """Open the poll and snapshot the electoral register; returns the number of voters.
    The ledger entry carries a keyed digest of the frozen register (ids only).

    ``register``: the residents who may vote, when the poll is not the whole body's (an
    assembly's secret ballot is open to the people checked in); by default the census's
    register of today. Each must be a resident of the poll's body."""
    actor = actor_label(by)
    poll = _locked(poll)
    if poll.status != Status.DRAFT:
        raise VotingError(_("Only a draft poll can be opened."))
    _refuse_uncountable(poll)
    today = timezone.localdate()
    if register is None:
        voters = census.register(poll.body, on=today).select_related(None).only("pk", "user_id")
    else:
        voters = list({r.pk: r for r in register}.values())
        if any(r.body_id != poll.body_id for r in voters):
            raise VotingError(_("Only residents of the poll's body can be on its register."))
    Voter.objects.bulk_create(Voter(poll=poll, resident_id=r.pk, user_id=r.user_id) for r in voters)
    poll.status, poll.opened_on = Status.OPEN, today
    poll.statute = statutes.current(poll.body)
    poll.save(update_fields=["status", "opened_on", "statute"])
    frozen = frozen_register(poll)
    record(
        chain(poll),
        "poll.opened",
        {
            "poll": poll.pk,
            "title": poll.title,
            **counting_settings(poll),
            "statute_version": poll.statute.number,
            "eligible": len(frozen),
            "register_digest": records.register_digest(poll.body, frozen),
            "options": options_payload(poll),
        },
        actor=actor,
    )
    return len(frozen)


def _poll_lock_key(poll_id: int) -> int:
    """The advisory lock of a poll: its id, negated (receipt-hash locks are never negative)."""
    return -poll_id


def _advisory_lock(key: int, *, shared: bool = False) -> None:
    """Take PostgreSQL's transaction-scoped advisory lock ``key`` (SQLite serialises writing
    transactions anyway, so there is nothing to take)."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [key])


def _locked(poll: Poll) -> Poll:
    """The poll read again once no ballot is being cast in it and none can start (PostgreSQL:
    the poll's advisory lock taken exclusively, then its row locked), for changing its
    status or settings. SQLite serialises writing transactions anyway (IMMEDIATE mode)."""
    _advisory_lock(_poll_lock_key(poll.pk))
    try:
        return Poll.objects.select_for_update().get(pk=poll.pk)
    except InvalidOperation:
        raise VotingError(_("The poll's stored amounts cannot be read.")) from None


def _share_poll(poll: Poll) -> None:
    """Many ballots may be cast at once, but never while the poll's status changes: casting,
    mixing and entering paper hold the poll's advisory lock shared, opening and closing take it
    exclusively (:func:`_locked`). An advisory lock writes nothing to the poll's row, unlike
    ``FOR SHARE``. The status must be read by a later statement than this one (a statement
    sees what was committed when it started). SQLite serialises writing transactions anyway."""
    _advisory_lock(_poll_lock_key(poll.pk), shared=True)


def _lock_poll_for_casting(poll: Poll) -> Poll:
    """The poll, read under its shared lock (:func:`_share_poll`)."""
    _share_poll(poll)
    return Poll.objects.get(pk=poll.pk)


def _casting_status(poll: Poll) -> str | None:
    """The poll's status, read with one plain statement (under :func:`_share_poll`, it
    cannot change until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM voting_poll WHERE id = %s", [poll.pk])
        row = cursor.fetchone()
    return row[0] if row else None


def _refuse_unless_open(poll: Poll) -> None:
    status = _casting_status(poll)
    if status == Status.CLOSED:
        raise PollClosedError(_("This poll has closed; your ballot was not counted."))
    if status != Status.OPEN:
        raise VotingError(_("This poll is not open for voting."))


# Casting's two writes, written out once: the ORM would spend more CPU building them than the
# database spends running them. The mark passes only an unmarked voter of an open poll.
_MARK = (
    "UPDATE voting_voter SET has_voted = %s, change_key = %s "
    "WHERE poll_id = %s AND user_id = %s AND has_voted = %s "
    "AND EXISTS (SELECT 1 FROM voting_poll WHERE id = %s AND status = %s)"
)
_BOX = "INSERT INTO voting_boxedballot (id, poll_id, receipt_hash, choices) VALUES (%s, %s, %s, %s)"


def _box(poll_id: int, hashed: str, choices: Any) -> None:
    """Put a ballot in the poll's box (a new random id, as the model gives it)."""
    fields = BoxedBallot._meta
    values = [
        fields.get_field("id").get_db_prep_save(uuid.uuid4(), connection),
        poll_id,
        hashed,
        fields.get_field("choices").get_db_prep_save(choices, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_BOX, values)


def cast(
    poll: Poll,
    user,
    raw_choices: Any,
    *,
    receipt_code: str | None = None,
    options: list[Option] | None = None,
    new_code: str | None = None,
) -> Receipt:
    """Record ``user``'s ballot, or replace it when they give the receipt code of their
    earlier ballot and the poll allows changes. ``options`` may be passed when the caller has
    them already (options never change once a poll is open).

    The 'has voted' mark and the ballot are written in one transaction, the ballot into the
    box (see :mod:`comuna.voting.mixer`): three statements, the poll's shared lock, the mark
    (an UPDATE that only an unmarked voter of an open poll passes, so a double submit marks
    once and nothing is cast once closing began) and the boxed ballot. The poll's status is
    read only to say why a ballot was refused.

    ``new_code``: the receipt code to give a new ballot, instead of a fresh one (a budget's
    ballot casts in each of its districts' polls with one code; the hash differs per poll)."""
    with transaction.atomic():
        _share_poll(poll)
        try:
            choices = normalise(poll, options or list(poll.options.all()), raw_choices)
        except BallotError:
            _refuse_unless_open(poll)  # a closed poll is the first thing to tell the voter
            raise
        if user.pk is None:  # never match the voters without a login
            _refuse_unless_open(poll)
            raise VotingError(_("You are not on the register of this poll."))
        code = normalise_code(new_code) if new_code else new_receipt_code()
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK,
                [True, _change_key(poll.pk, user.pk, code), poll.pk, user.pk, False, poll.pk]
                + [Status.OPEN.value],
            )
            marked = cursor.rowcount
        if marked:
            _box(poll.pk, receipt_hash(poll.pk, code), choices)
            return Receipt(code, replaced=False)
        _refuse_unless_open(poll)
        voter = Voter.objects.filter(poll_id=poll.pk, user_id=user.pk).first()
        if voter is None:
            raise VotingError(_("You are not on the register of this poll."))
        if not poll.allow_revote:
            raise VotingError(_("You have already voted in this poll."))
        if not receipt_code:
            raise VotingError(
                _("You have already voted. To change your ballot, give its receipt code.")
            )
        if not _holds_change_key(voter, receipt_code):
            raise VotingError(
                _(
                    "This is not the receipt code of your ballot: check it and try again. "
                    "Your ballot was not changed."
                )
            )
        _replace_ballot(poll, receipt_hash(poll.pk, receipt_code), choices)
        return Receipt(normalise_code(receipt_code), replaced=True)


def _replace_ballot(poll: Poll, hashed: str, choices: Any) -> None:
    """Take the ballot with receipt hash ``hashed`` out of the box or the counted table and
    put the new one in the box (never an UPDATE of a counted row, which would carry this
    transaction's id into the counted table).

    Changes of one ballot are serialised by an advisory lock on its receipt hash, not by a
    lock on the voter row: a row lock would leave this transaction's id in the voter row's
    ``xmax``, the same id as the new boxed ballot's ``xmin`` and the deleted ballot's
    ``xmax``, linking the voter to both until the next update of the voter row."""
    _advisory_lock(int(hashed[:15], 16))
    removed, _kinds = BoxedBallot.objects.filter(poll_id=poll.pk, receipt_hash=hashed).delete()
    if not removed:
        removed, _kinds = Ballot.objects.filter(
            poll_id=poll.pk, receipt_hash=hashed, source=Source.ONLINE
        ).delete()
    if not removed:
        raise VotingError(_("No ballot has this receipt code."))
    _box(poll.pk, hashed, choices)


def mix(poll: Poll) -> int:
    """Move an open poll's boxed ballots into the counted ballots in a random order (see
    :mod:`comuna.voting.mixer`); the number moved. Casting goes on meanwhile: the mix holds
    the same shared lock as casting, so it never runs while the poll is being closed, and
    closing mixes everything itself."""
    with transaction.atomic():
        _share_poll(poll)
        if _casting_status(poll) != Status.OPEN:
            return 0
        moved = mixer.mix_box(poll.pk)
        if moved:
            mixer.scrub_after_commit()
    return moved


def full_boxes() -> list[int]:
    """The open polls whose box holds at least ``MIX_BATCH`` ballots (settings)."""
    return list(
        BoxedBallot.objects.filter(poll__status=Status.OPEN)
        .values("poll")
        .annotate(n=Count("pk"))
        .filter(n__gte=django_settings.MIX_BATCH)
        .order_by("poll")
        .values_list("poll", flat=True)
    )


@transaction.atomic
def close_poll(poll: Poll, *, by: Any) -> dict[str, Any]:
    """Close the poll, count it, and record the tally with the digest of its ballots."""
    actor = actor_label(by)
    poll = _locked(poll)
    if poll.status != Status.OPEN:
        raise VotingError(_("Only an open poll can be closed."))
    refuse_held_sheets(poll)
    _refuse_uncountable(poll)
    # Before counting, the whole poll is mixed: the box emptied and every counted ballot
    # rewritten in one random order, so no ballot keeps the batch it was mixed in.
    mixer.mix_poll(poll.pk)
    mixer.scrub_after_commit(counted=True)
    voted_online = poll.voters.filter(has_voted=True).count()
    online_ballots = Ballot.objects.filter(poll=poll, source=Source.ONLINE).count()
    if online_ballots != voted_online:
        # Casting writes a ballot and marks its voter in one transaction: a difference means
        # rows were added or changed behind the service's back. Count nothing then.
        raise VotingError(
            _(
                "The poll cannot be counted: it holds %(ballots)s online ballots but "
                "%(voters)s voters voted online. The ballot box was altered outside Comuna."
            )
            % {"ballots": online_ballots, "voters": voted_online}
        )
    counted = tally.load(poll)
    try:
        result = tally.count_poll(poll, counted)
    except (ArithmeticError, ValueError) as exc:
        raise VotingError(_("The poll cannot be counted: %(error)s") % {"error": exc}) from None
    result |= turnout.recorded(poll, counted)
    entry = record(
        chain(poll),
        "poll.closed",
        {
            "poll": poll.pk,
            "rule": poll.rule,
            "seats": poll.seats,
            "statute_version": poll.statute.number if poll.statute else None,
            "eligible": poll.voters.count(),
            "voted_online": voted_online,
            "digest": tally.digest(poll, counted),
            "result": {k: result[k] for k in ("winners", "tally", "ballots")},
            "turnout": result["turnout"],
            "quorum": result["quorum"],
        },
        actor=actor,
    )
    poll.status, poll.closed_on, poll.result = Status.CLOSED, timezone.localdate(), result
    poll.closed_at, poll.result_entry = timezone.now(), entry.seq
    poll.save(update_fields=["status", "closed_on", "closed_at", "result", "result_entry"])
    return result


@dataclass
class Tick:
    """What one run of the scheduler did: polls opened and closed, and those it could not."""

    opened: list[Poll]
    closed: list[Poll]
    refused: list[tuple[Poll, str]]
    mixed: list[tuple[Poll, int]]


def run_schedule(now=None) -> Tick:
    """Open the drafts whose opening time has come and close the open polls whose closing time
    has come, each through its service with the actor ``system:scheduler``, then mix the boxes
    holding at least ``MIX_BATCH`` ballots. A poll that cannot be opened or closed is left as
    it is and reported."""
    now = now or timezone.now()
    tick = Tick([], [], [], [])
    due = [
        (open_poll, tick.opened, Poll.objects.filter(status=Status.DRAFT, opens_at__lte=now)),
        (close_poll, tick.closed, Poll.objects.filter(status=Status.OPEN, closes_at__lte=now)),
    ]
    for service, done, polls in due:
        for poll in polls.order_by("pk"):
            try:
                service(poll, by=SCHEDULER)
            except VotingError as exc:
                tick.refused.append((poll, str(exc)))
            else:
                done.append(poll)
    for poll in Poll.objects.filter(pk__in=full_boxes()).order_by("pk"):
        moved = mix(poll)
        if moved:
            tick.mixed.append((poll, moved))
    if not (tick.mixed or tick.closed) and Poll.objects.filter(status=Status.OPEN).exists():
        # again every minute: a transaction that was running when a mix committed keeps the
        # box's deleted rows from being scrubbed then (a mix or a closing of this tick has
        # just scrubbed, when it committed)
        mixer.scrub()
    return tick


def find_ballot(poll: Poll, code: str) -> Ballot | BoxedBallot | None:
    """The ballot a receipt code belongs to, if any: in the box or counted. The box is looked
    in first, so a ballot the mixer moves meanwhile is found in the counted table."""
    hashed = receipt_hash(poll.pk, code)
    return (
        BoxedBallot.objects.filter(poll=poll, receipt_hash=hashed).first()
        or Ballot.objects.filter(poll=poll, receipt_hash=hashed).first()
    )


# --- paper ballots --------------------------------------------------------------------------
#
# A polling place's tally sheet reaches the ballot box as a PaperBatch. Under double entry (the
# poll's ``paper_double_entry``, on by default) two members of the electoral commission each
# enter the sheet with ``enter_sheet``, blind to each other; it counts only when two entries by
# different people agree. ``enter_paper`` counts one entry at once: for polls that chose single
# entry, and for system actors (the demo, an operator's command).


@dataclass(frozen=True)
class PaperRoom:
    """How many paper ballots a polling place may still hold: the register, less the voters
    who voted online, less the paper ballots counted at other places (voters are not assigned
    to polling places, so any of the rest may have voted at this one)."""

    eligible: int
    voted_online: int
    other_places: int

    @property
    def limit(self) -> int:
        return max(0, self.eligible - self.voted_online - self.other_places)

    def refusal(self, place: str, found: int) -> str:
        return _(
            "%(place)s: %(found)s paper ballots, but at most %(limit)s voters can have voted "
            "on paper there (%(eligible)s on the register, %(online)s voted online, "
            "%(other)s paper ballots counted at other places)."
        ) % {
            "place": place,
            "found": found,
            "limit": self.limit,
            "eligible": self.eligible,
            "online": self.voted_online,
            "other": self.other_places,
        }


def paper_room(poll: Poll, place: str) -> PaperRoom:
    others = (
        PaperBatch.objects.filter(poll=poll, state=BatchState.ACTIVE)
        .exclude(polling_place=place)
        .values_list("n_ballots", flat=True)
    )
    return PaperRoom(
        eligible=poll.voters.count(),
        voted_online=poll.voters.filter(has_voted=True).count(),
        other_places=sum(others),
    )


@dataclass(frozen=True)
class SheetContent:
    """A tally sheet's content, checked: per-option totals, or the normalised ballots."""

    totals: dict[str, int] | None
    ballots: list[Any] | None
    n_ballots: int

    @property
    def digest(self) -> str:
        return paper_digest(self.totals, self.ballots)

    def agrees_with(self, other: SheetContent) -> bool:
        return self.n_ballots == other.n_ballots and self.digest == other.digest


def _check_content(
    poll: Poll,
    place: str,
    *,
    totals: dict[str, int] | None,
    n_ballots: int | None,
    ballots: Iterable[Any] | None,
) -> SheetContent:
    """Check a sheet against the poll and the room left on its register. ``ballots`` may be a
    generator: it is read one ballot at a time and given up as soon as there are too many."""
    if (totals is None) == (ballots is None):
        raise VotingError(_("Enter either totals or individual ballots."))
    options = list(poll.options.all())
    room = paper_room(poll, place)
    if totals is not None:
        clean_totals, count = _check_totals(poll, options, totals, n_ballots)
        if count > room.limit:
            raise VotingError(room.refusal(place, count))
        return SheetContent(clean_totals, None, count)
    clean_ballots = []
    for i, raw in enumerate(ballots or (), start=1):
        if i > room.limit:
            raise VotingError(room.refusal(place, i))
        try:
            clean_ballots.append(normalise(poll, options, raw))
        except BallotError as exc:
            raise VotingError(_("Paper ballot %(n)s: %(error)s") % {"n": i, "error": exc}) from None
    if not clean_ballots:
        raise VotingError(_("There are no ballots to enter."))
    return SheetContent(None, clean_ballots, len(clean_ballots))


def _place(polling_place: str) -> str:
    place = polling_place.strip()
    if not place:
        raise VotingError(_("Name the polling place."))
    return place


def _count_batch(
    poll: Poll,
    place: str,
    content: SheetContent,
    *,
    by: Any,
    corrects: PaperBatch | None,
    reason: str,
    extra: dict[str, Any] | None = None,
) -> PaperBatch:
    """Put a place's checked sheet in the ballot box (replacing ``corrects``) and record it."""
    if corrects is not None:
        old = PaperBatch.objects.select_for_update().get(pk=corrects.pk)
        if old.poll_id != poll.pk or old.polling_place != place:
            raise VotingError(_("A correction replaces an entry of the same place."))
        if old.state != BatchState.ACTIVE:
            raise VotingError(_("That entry was already corrected."))
        if not reason.strip():
            raise VotingError(_("Say why the entry is corrected."))
        old.state = BatchState.CORRECTED
        old.save(update_fields=["state"])
    batch = PaperBatch.objects.create(
        poll=poll,
        polling_place=place,
        totals=content.totals,
        n_ballots=content.n_ballots,
        corrects=corrects,
        reason=reason.strip(),
        entered_by=acting_user(by),
    )
    if content.ballots is not None:
        Ballot.objects.bulk_create(
            Ballot(poll=poll, choices=c, source=Source.PAPER, batch=batch) for c in content.ballots
        )
    payload = {
        "poll": poll.pk,
        "polling_place": place,
        "batch": batch.pk,
        "ballots": content.n_ballots,
        "content_digest": content.digest,
        **(extra or {}),
    }
    if corrects is not None:
        payload.update(replaces=corrects.pk, reason=reason.strip())
    record(
        chain(poll),
        "paper.corrected" if corrects else "paper.entered",
        payload,
        actor=actor_label(by),
    )
    return batch


def enter_paper(
    poll: Poll,
    polling_place: str,
    *,
    by: Any,
    totals: dict[str, int] | None = None,
    n_ballots: int | None = None,
    ballots: Iterable[Any] | None = None,
    corrects: PaperBatch | None = None,
    reason: str = "",
) -> PaperBatch:
    """Count a polling place's paper vote at once, as one entry: per-option ``totals``
    (single choice and approval polls, with the number of ballots cast) or individual
    ``ballots``. A second entry for the same place is refused unless it formally corrects the
    first (``corrects`` and ``reason``). A person may enter alone only on a poll without double
    entry; under double entry people use :func:`enter_sheet`."""
    actor_label(by)
    place = _place(polling_place)
    try:
        with transaction.atomic():
            poll = _lock_poll_for_casting(poll)
            if poll.status != Status.OPEN:
                raise VotingError(_("Paper votes are entered while the poll is open."))
            if poll.paper_double_entry and not isinstance(by, SystemActor):
                raise VotingError(
                    _(
                        "Each tally sheet of this poll is entered by two members of the "
                        "electoral commission; it counts when both entries agree."
                    )
                )
            content = _check_content(
                poll, place, totals=totals, n_ballots=n_ballots, ballots=ballots
            )
            return _count_batch(poll, place, content, by=by, corrects=corrects, reason=reason)
    except IntegrityError:
        raise VotingError(
            _("%(place)s was already entered; correct that entry instead.") % {"place": place}
        ) from None


@dataclass(frozen=True)
class SheetOutcome:
    """What an entry did: ``batch`` is set when the place's vote now counts (its entry agreed
    with another, or the poll takes single entries); ``disagrees`` when it was compared with
    another member's entry of the place and differs."""

    sheet: PaperSheet | None
    batch: PaperBatch | None
    disagrees: bool = False


def sheet_digest(poll: Poll, sheet: PaperSheet) -> str:
    """Keyed digest of a held sheet: the public ledger shows that it was entered, by whom and
    for which place, but not what it says (the second enterer enters blind)."""
    return records.digest(
        poll.body,
        "paper_sheet",
        {
            "poll": poll.pk,
            "polling_place": sheet.polling_place,
            "n_ballots": sheet.n_ballots,
            "content": paper_digest(sheet.totals, sheet.ballots),
            "corrects": sheet.corrects_id,
            "reason": sheet.reason,
        },
    )


def enter_sheet(
    poll: Poll,
    polling_place: str,
    *,
    by: Any,
    totals: dict[str, int] | None = None,
    n_ballots: int | None = None,
    ballots: Iterable[Any] | None = None,
    correct: bool = False,
    reason: str = "",
) -> SheetOutcome:
    """One member's entry of a polling place's tally sheet (``correct``: of the sheet that
    corrects the place's counted entry).

    Under double entry the entry is held until an entry of the place by someone else agrees
    with it (same ballots, or same totals and number of ballots); the agreeing pair counts and
    any other held entries of the place are set aside. A member whose entry disagrees may
    enter the sheet again (replacing their own held entry), and so may a third member. On a
    poll without double entry the entry counts at once."""
    actor = actor_label(by)
    place = _place(polling_place)
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)  # one entry at a time
        if poll.status != Status.OPEN:
            raise VotingError(_("Paper votes are entered while the poll is open."))
        if not isinstance(by, SystemActor) and not can(by, PollAction.ENTER_PAPER, poll):
            raise VotingError(_("Only members of the electoral commission enter paper votes."))
        content = _check_content(poll, place, totals=totals, n_ballots=n_ballots, ballots=ballots)
        counted = PaperBatch.objects.filter(
            poll=poll, polling_place=place, state=BatchState.ACTIVE
        ).first()
        if correct and counted is None:
            raise VotingError(
                _("There is no earlier entry of %(place)s to correct.") % {"place": place}
            )
        if counted is not None and not correct:
            raise VotingError(
                _("%(place)s was already entered; correct that entry instead.") % {"place": place}
            )
        if correct and not reason.strip():
            raise VotingError(_("Say why the entry is corrected."))
        if not poll.paper_double_entry:
            batch = _count_batch(
                poll,
                place,
                content,
                by=by,
                corrects=counted,
                reason=reason,
                extra={"enterers": [actor]},
            )
            return SheetOutcome(None, batch)
        held = list(
            PaperSheet.objects.select_for_update().filter(
                poll=poll, polling_place=place, state=SheetState.PENDING
            )
        )
        mine = [s for s in held if s.actor == actor]
        others = [s for s in held if s.actor != actor]
        if mine and not others:
            raise VotingError(
                _(
                    "You already entered the tally sheet of %(place)s; another member of the "
                    "electoral commission enters it the second time."
                )
                % {"place": place}
            )
        for old in mine:
            old.state = SheetState.WITHDRAWN
            old.save(update_fields=["state"])
        sheet = PaperSheet.objects.create(
            poll=poll,
            polling_place=place,
            totals=content.totals,
            ballots=content.ballots,
            n_ballots=content.n_ballots,
            corrects=counted,
            reason=reason.strip(),
            entered_by=acting_user(by),
            actor=actor,
        )
        record(
            chain(poll),
            "paper.sheet",
            {
                "poll": poll.pk,
                "polling_place": place,
                "sheet": sheet.pk,
                "corrects": sheet.corrects_id,
                "withdraws": [s.pk for s in mine],
                "sheet_digest": sheet_digest(poll, sheet),
            },
            actor=actor,
        )
        match = next((s for s in others if content.agrees_with(_content_of(s))), None)
        if match is None:
            return SheetOutcome(sheet, None, disagrees=bool(others))
        set_aside = [s for s in others if s.pk != match.pk]
        batch = _count_batch(
            poll,
            place,
            content,
            by=by,
            corrects=counted,
            reason=match.reason or reason,
            extra={
                "sheets": [match.pk, sheet.pk],
                "enterers": [match.actor, actor],
                "set_aside": [s.pk for s in set_aside],
            },
        )
        for s, state in [(match, SheetState.AGREED), (sheet, SheetState.AGREED)] + [
            (s, SheetState.SET_ASIDE) for s in set_aside
        ]:
            s.state = state
            s.batch = batch if state == SheetState.AGREED else None
            s.save(update_fields=["state", "batch"])
        return SheetOutcome(sheet, batch)


def _content_of(sheet: PaperSheet) -> SheetContent:
    return SheetContent(sheet.totals, sheet.ballots, sheet.n_ballots)


def refuse_held_sheets(poll: Poll) -> None:
    """A poll is not closed while a tally sheet waits for an agreeing entry."""
    places = held_places(poll)
    if places:
        raise VotingError(
            ngettext(
                "The tally sheet of %(places)s waits for a second, agreeing entry; "
                "enter it before closing.",
                "The tally sheets of %(places)s wait for a second, agreeing entry; "
                "enter them before closing.",
                len(places),
            )
            % {"places": ", ".join(places)}
        )


def held_places(poll: Poll) -> list[str]:
    """The polling places whose tally sheets wait for an agreeing entry."""
    return sorted(
        set(
            PaperSheet.objects.filter(poll=poll, state=SheetState.PENDING).values_list(
                "polling_place", flat=True
            )
        )
    )


def paper_digest(totals: dict[str, int] | None, ballots: list[Any] | None) -> str:
    """SHA-256 of what a paper entry holds: its totals, or its ballots (sorted, since stored
    ballots keep no order)."""
    if ballots is not None:
        ballots = sorted(ballots, key=canonical_json)
    content = {"totals": totals, "ballots": ballots}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _check_totals(poll, options, totals, n_ballots):
    if poll.method not in (Method.SINGLE, Method.APPROVAL):
        raise VotingError(
            _(
                "Totals can be entered for single-choice and approval polls; "
                "enter individual ballots for this one."
            )
        )
    keys = {o.key for o in options}
    clean: dict[str, int] = {}
    for key, value in totals.items():
        if key not in keys:
            raise VotingError(_("No option %(key)s in this poll.") % {"key": key})
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise VotingError(
                _("“%(value)s” is not a number of votes.") % {"value": value}
            ) from None
        if number < 0:
            raise VotingError(_("Votes cannot be negative."))
        clean[key] = number
    clean = {o.key: clean.get(o.key, 0) for o in options}
    if n_ballots is None or int(n_ballots) < 0:
        raise VotingError(_("Give the number of paper ballots cast."))
    n_ballots = int(n_ballots)
    if poll.method == Method.SINGLE and sum(clean.values()) > n_ballots:
        raise VotingError(_("The totals add up to more votes than ballots cast."))
    if any(v > n_ballots for v in clean.values()):
        raise VotingError(_("An option has more votes than ballots cast."))
    return clean, n_ballots
