"""Statute profiles and the versioned statute of each body.

A *profile* is a named set of defaults (the 2009 communal-council law, the 2023 reform, ...).
A body's statute is a chain of immutable :class:`StatuteVersion` rows: version 1 copies a
profile, each amendment writes the next version. Decisions store the version they applied.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.ledger import entries, record
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import Body, StatuteVersion
from comuna.territory.records import body_of_chain

LAW_2009: dict[str, Any] = {
    "voting_age": 15,
    "voter_residence_months": 0,
    "candidate_residence_months": 12,
    "term_years": 2,
    "reelection_allowed": True,
    "quorum_first_call_pct": Decimal("30"),
    "quorum_second_call_pct": Decimal("20"),
    "decision_majority_pct": Decimal("50"),
    "recall_initiative_pct": Decimal("10"),
    "recall_report_days": 15,
    "recall_assembly_days": 15,
    "commune_referendum_turnout_pct": Decimal("15"),
    "parliament_initiative_pct": Decimal("60"),
    "poll_quorum_pct": Decimal("0"),
    "assembly_notice_days": 3,
    "second_call_minutes": 30,
    "convening_petition_pct": Decimal("10"),
    "minutes_correction_days": 5,
    "candidate_age": 15,
    "no_public_office": True,
    "question_answer_days": 15,
    "accounts_months": 12,
    "cycle_public": True,
    "finding_answer_days": 15,
    "complaint_answer_days": 15,
    "founding_majority_pct": Decimal("50"),
    "parliament_quorum_pct": Decimal("50"),
    "parliament_initiative_days": 30,
    "dashboard_min_count": 5,
}

PROFILES: dict[str, dict[str, Any]] = {
    "ley-2009": {"label": gettext_lazy("Communal councils law (2009)"), "settings": LAW_2009},
    "reforma-2023": {
        "label": gettext_lazy("Communal councils profile (2023): three-year terms"),
        "settings": {**LAW_2009, "term_years": 3},
    },
}
DEFAULT_PROFILE = "ley-2009"
SETTINGS = tuple(LAW_2009)
# Settings added after versions were first recorded, with the value every version recorded
# before then holds (the migration that added the setting gave it to every existing row):
# an entry without the setting recorded that value.
ADDED_LATER: dict[str, Any] = {
    "poll_quorum_pct": "0.00",
    "assembly_notice_days": 3,
    "second_call_minutes": 30,
    "convening_petition_pct": "10.00",
    "minutes_correction_days": 5,
    "candidate_age": 15,
    "no_public_office": True,
    "question_answer_days": 15,
    "accounts_months": 12,
    "cycle_public": True,
    "finding_answer_days": 15,
    "complaint_answer_days": 15,
    "founding_majority_pct": "50.00",
    "parliament_quorum_pct": "50.00",
    "parliament_initiative_days": 30,
    "dashboard_min_count": 5,
}


class NoStatute(LookupError):
    """A body without a statute: it was created behind ``services.create_body``'s back."""


def current(body: Body) -> StatuteVersion:
    """The version in force (a read: it never writes; a body gets version 1 when created)."""
    cached = getattr(body, "_current_statute", None)
    if cached is not None:
        return cached
    version = body.statutes.order_by("-number").first()
    if version is None:
        raise NoStatute(
            f"body {body.slug!r} has no statute; create bodies with "
            "comuna.territory.services.create_body"
        )
    body._current_statute = version
    return version


def adopt(body: Body, profile: str, *, by, note: str = "") -> StatuteVersion:
    """Start (or restart) a body's statute from a profile's defaults, as a new version."""
    if profile not in PROFILES:
        raise ValueError(f"unknown statute profile {profile!r}; known: {', '.join(PROFILES)}")
    return _write(body, profile, dict(PROFILES[profile]["settings"]), by=by, note=note)


@transaction.atomic
def amend(body: Body, changes: dict[str, Any], *, by, note: str = "") -> StatuteVersion:
    """Write the next version with ``changes`` applied on top of the current one."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown statute settings: {', '.join(sorted(unknown))}")
    # Lock before reading the base, so two amendments at once cannot both start from it.
    list(Body.objects.select_for_update().filter(pk=body.pk).values_list("pk", flat=True))
    base = body.statutes.order_by("-number").first()
    if base is None:
        raise NoStatute(f"body {body.slug!r} has no statute to amend")
    values = {key: getattr(base, key) for key in SETTINGS}
    values.update(changes)
    return _write(body, base.profile, values, by=by, note=note)


def overrides(version: StatuteVersion) -> dict[str, tuple[Any, Any]]:
    """Settings where this version departs from its profile: name -> (profile value, value)."""
    defaults = PROFILES.get(version.profile, {}).get("settings", {})
    return {
        key: (defaults[key], getattr(version, key))
        for key in SETTINGS
        if key in defaults and getattr(version, key) != defaults[key]
    }


@transaction.atomic
def _write(body: Body, profile: str, values: dict[str, Any], *, by, note: str) -> StatuteVersion:
    actor = actor_label(by)
    # Lock the body row so two amendments cannot take the same version number.
    list(Body.objects.select_for_update().filter(pk=body.pk).values_list("pk", flat=True))
    last = body.statutes.order_by("-number").values_list("number", flat=True).first() or 0
    version = StatuteVersion(
        body=body, number=last + 1, profile=profile, note=note, created_by=acting_user(by), **values
    )
    version.full_clean()
    version.save()
    version.refresh_from_db()  # record what the database holds ("30.00", not "30")
    record(
        body.ledger_chain,
        "statute.version",
        {
            "body": body.slug,
            "version": version.number,
            "profile": profile,
            "note": note,
            "settings": settings_of(version),
        },
        actor=actor,
    )
    body._current_statute = version
    return version


def settings_of(version: StatuteVersion) -> dict[str, Any]:
    """The version's settings as its ledger entry records them."""
    return {key: _jsonable(getattr(version, key)) for key in SETTINGS}


def recheck_version(entry) -> str | None:
    """``ledger verify``: the statute version an entry recorded is in the database, unchanged."""
    data = entry.data
    body = Body.objects.filter(slug=data.get("body")).first()
    if body is None or body.ledger_chain != entry.chain:
        return _("the body %(body)s of this statute version is not this chain's") % {
            "body": data.get("body")
        }
    version = body.statutes.filter(number=data.get("version")).first()
    if version is None:
        return _("statute version %(n)s is missing from the database") % {"n": data.get("version")}
    if version.profile != data.get("profile") or version.note != data.get("note"):
        return _("statute version %(n)s has another profile or note than recorded") % {
            "n": version.number
        }
    recorded = {**ADDED_LATER, **(data.get("settings") or {})}
    if settings_of(version) != recorded:
        changed = sorted(k for k, v in settings_of(version).items() if recorded.get(k) != v)
        return _("statute version %(n)s differs from what was recorded in: %(fields)s") % {
            "n": version.number,
            "fields": "; ".join(
                str(StatuteVersion._meta.get_field(k).verbose_name) for k in changed
            ),
        }
    return None


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def check_versions_match_database(chain: str) -> list[tuple[int, str, str]]:
    """``ledger verify``, per chain: every statute version in the database was recorded (a
    version slipped in with SQL would silently become the one in force)."""
    body = body_of_chain(chain)
    if body is None:
        return []
    recorded = {
        e.data.get("version") for e in entries(chain).filter(kind="statute.version").only("payload")
    }
    return [
        (
            0,
            "",
            _("statute version %(n)s is in the database but no entry records it") % {"n": number},
        )
        for number in body.statutes.order_by("number").values_list("number", flat=True)
        if number not in recorded
    ]
