"""What a valid ballot is for each method, and its one canonical form.

Canonical choices: single, approval and budget ballots are the list of chosen option keys in
the poll's option order; ranked ballots the keys best first; cumulative ballots a mapping of
option key to the (positive) points given.

A budget poll's ballot follows its Pabulib vote type (``Poll.vote_type``): approval and
choose-1 ballots are the list of chosen keys in option order (choose-1: exactly one);
cumulative ballots a mapping of key to points, each at least 1, their sum at most
``max_points``; ordinal ballots the keys best first. Every budget ballot keeps the poll's
fewest and most projects and what a ballot may spend (the cost of the projects it names).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comuna.voting.models import Method, Option, Poll


class BallotError(ValueError):
    """A ballot the poll does not accept; nothing was recorded."""

    def __init__(self, message: str, field: str = "choices"):
        self.field = field
        super().__init__(message)


def from_form(poll: Poll, options: list[Option], data) -> Any:
    """Raw choices from a submitted voting form (a Django QueryDict or a plain dict): the
    ticked ``choice`` fields, and a ``rank_<key>`` or ``points_<key>`` field per option."""
    getlist = data.getlist if hasattr(data, "getlist") else lambda k: data.get(k, [])
    form = poll.ballot_form
    if form == "single":
        choice = data.get("choice", "")
        return from_fields(poll, options, choices=[choice] if choice else [])
    if form == "approval":
        return from_fields(poll, options, choices=list(getlist("choice")))
    prefix = "rank_" if form == "ranked" else "points_"
    given = {o.key: data.get(f"{prefix}{o.key}", "") for o in options}
    if form == "ranked":
        return from_fields(poll, options, ranks=given)
    return from_fields(poll, options, points=given)


def chosen_keys(poll: Poll, options: list[Option], data) -> list[str]:
    """The options a voting form, as submitted, names (ticked, ranked or given points), in
    option order, whether or not the ballot is valid: what the running total of a budget
    ballot adds up."""
    if data is None:
        return []
    form = poll.ballot_form
    if form in ("single", "approval"):
        ticked = set(data.getlist("choice") if hasattr(data, "getlist") else data.get("choice", []))
        return [o.key for o in options if o.key in ticked]
    prefix = "rank_" if form == "ranked" else "points_"
    return [
        o.key for o in options if str(data.get(f"{prefix}{o.key}", "")).strip() not in ("", "0")
    ]


def from_fields(
    poll: Poll,
    options: list[Option],
    *,
    choices: list[str] | None = None,
    ranks: dict[str, Any] | None = None,
    points: dict[str, Any] | None = None,
) -> Any:
    """Raw choices from a ballot's fields, as the voting form and the API both send them:
    ``choices``, the chosen option keys (single, approval, budget); ``ranks``, option key to
    its rank 1, 2, 3... (ranked; a blank rank leaves the option out); ``points``, option key to
    its points (cumulative). A rank that is not a number names its field ``rank_<key>``."""
    by_key = {o.key: o for o in options}
    form = poll.ballot_form
    if form == "single":
        chosen = list(choices or [])
        return chosen[0] if len(chosen) == 1 else chosen
    if form == "approval":
        return list(choices or [])
    if form == "ranked":
        found: dict[str, int] = {}
        for key, value in (ranks or {}).items():
            raw = str(value).strip()
            if not raw:
                continue
            if key not in by_key:
                raise BallotError(_("No option %(key)s in this poll.") % {"key": key})
            try:
                found[key] = int(raw)
            except ValueError:
                raise BallotError(
                    _("“%(value)s” is not a rank for %(option)s.")
                    % {"value": raw, "option": by_key[key].label},
                    f"rank_{key}",
                ) from None
        given = sorted(found.values())
        if given != list(range(1, len(given) + 1)):
            raise BallotError(
                _("Number your preferences 1, 2, 3… without repeating or skipping a number.")
            )
        return sorted(found, key=found.__getitem__)
    return {key: str(value).strip() for key, value in (points or {}).items() if str(value).strip()}


def normalise(poll: Poll, options: list[Option], raw: Any) -> Any:
    """The canonical form of ``raw`` choices, or BallotError saying what is wrong."""
    order = {o.key: i for i, o in enumerate(options)}
    by_key = {o.key: o for o in options}
    if poll.method == Method.BUDGET:
        return _budget(poll, options, raw)
    if poll.method == Method.CUMULATIVE:
        return _points(poll, by_key, raw)
    if poll.method == Method.SINGLE:
        raw = [raw] if isinstance(raw, str) and raw else raw if isinstance(raw, list) else []
    _listed(by_key, raw)
    _check_count(poll, len(raw), len(options))
    if poll.method == Method.RANKED:
        return list(raw)
    return sorted(raw, key=order.__getitem__)


def _budget(poll: Poll, options: list[Option], raw: Any) -> Any:
    """A budget ballot of the poll's vote type, in canonical form."""
    order = {o.key: i for i, o in enumerate(options)}
    by_key = {o.key: o for o in options}
    form = poll.ballot_form
    choices: Any
    if form == "points":
        choices = _budget_points(poll, by_key, raw)
        keys = list(choices)
    else:
        if form == "single" and isinstance(raw, str):
            raw = [raw] if raw else []
        _listed(by_key, raw)
        keys = list(raw) if form == "ranked" else sorted(raw, key=order.__getitem__)
        choices = keys
    _check_count(poll, len(keys), len(options))
    if poll.max_cost is not None:
        spent = sum((by_key[k].cost or Decimal(0) for k in keys), Decimal(0))
        if spent > poll.max_cost:
            raise BallotError(
                _("The chosen projects cost %(spent)s, more than the %(limit)s a ballot may spend.")
                % {"spent": spent, "limit": poll.max_cost}
            )
    return choices


def _listed(by_key: dict[str, Option], raw: Any) -> None:
    """BallotError unless ``raw`` lists keys of the poll's options, each once."""
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        raise BallotError(_("The ballot must list option keys."))
    unknown = [k for k in raw if k not in by_key]
    if unknown:
        raise BallotError(_("No option %(key)s in this poll.") % {"key": unknown[0]})
    if len(set(raw)) != len(raw):
        raise BallotError(_("An option appears twice on the ballot."))


def _whole_points(by_key: dict[str, Option], raw: Any) -> dict[str, int]:
    """``raw``'s points per option key as whole numbers, as given (zero and negative ones
    too: each kind of ballot says what it accepts); BallotError naming a bad one's field."""
    if not isinstance(raw, dict):
        raise BallotError(_("The ballot must give points to options."))
    points: dict[str, int] = {}
    for key, value in raw.items():
        if key not in by_key:
            raise BallotError(_("No option %(key)s in this poll.") % {"key": key})
        try:
            points[key] = int(str(value).strip())
        except ValueError:
            raise BallotError(
                _("“%(value)s” is not a whole number of points.") % {"value": value},
                f"points_{key}",
            ) from None
    return points


def _within_points(poll: Poll, by_key: dict[str, Option], points: dict[str, int]) -> dict:
    """``points`` in the options' order, or BallotError when they pass the poll's total."""
    total = sum(points.values())
    if poll.max_points is not None and total > poll.max_points:
        raise BallotError(
            _("You gave %(total)s points; each voter has %(max)s.")
            % {"total": total, "max": poll.max_points}
        )
    order = list(by_key)
    return {k: points[k] for k in sorted(points, key=order.index)}


def _budget_points(poll: Poll, by_key: dict[str, Option], raw: Any) -> dict[str, int]:
    points = _whole_points(by_key, raw)
    for key, number in points.items():
        if number < 1:
            raise BallotError(
                _("Give %(option)s at least 1 point, or leave it blank.")
                % {"option": by_key[key].label},
                f"points_{key}",
            )
    return _within_points(poll, by_key, points)


def _check_count(poll: Poll, n: int, n_options: int) -> None:
    if poll.ballot_form == "single":
        low, high = 1, 1
    else:
        low, high = poll.min_choices, poll.max_choices or n_options
    if n < low:
        raise BallotError(
            ngettext("Choose at least %(n)s option.", "Choose at least %(n)s options.", low)
            % {"n": low}
            if low > 1 or poll.ballot_form != "single"
            else _("Choose an option.")
        )
    if n > high:
        raise BallotError(
            ngettext("Choose at most %(n)s option.", "Choose at most %(n)s options.", high)
            % {"n": high}
        )


def _points(poll: Poll, by_key: dict[str, Option], raw: Any) -> dict[str, int]:
    points: dict[str, int] = {}
    for key, number in _whole_points(by_key, raw).items():
        if number < 0:
            raise BallotError(_("Points cannot be negative."), f"points_{key}")
        if number:
            points[key] = number
    _check_count(poll, len(points), len(by_key))
    return _within_points(poll, by_key, points)
