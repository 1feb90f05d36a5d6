"""Statute profiles and the versioned statute of each body.

A *profile* is a named set of defaults (the 2009 communal-council law, the 2023 reform, ...).
A body's statute is a chain of immutable :class:`StatuteVersion` rows: version 1 copies a
profile, each amendment writes the next version. Decisions store the version they applied.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comuna.ledger import record
from comuna.territory.models import Body, StatuteVersion

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
}

PROFILES: dict[str, dict[str, Any]] = {
    "ley-2009": {"label": _("Communal councils law (2009)"), "settings": LAW_2009},
    "reforma-2023": {
        "label": _("Communal councils profile (2023): three-year terms"),
        "settings": {**LAW_2009, "term_years": 3},
    },
}
DEFAULT_PROFILE = "ley-2009"
SETTINGS = tuple(LAW_2009)


def current(body: Body) -> StatuteVersion:
    """The version in force; bodies get version 1 of the default profile on first use."""
    version = body.statutes.order_by("-number").first()
    return version or adopt(body, DEFAULT_PROFILE)


def adopt(body: Body, profile: str, *, by=None, note: str = "") -> StatuteVersion:
    """Start (or restart) a body's statute from a profile's defaults, as a new version."""
    if profile not in PROFILES:
        raise ValueError(f"unknown statute profile {profile!r}; known: {', '.join(PROFILES)}")
    return _write(body, profile, dict(PROFILES[profile]["settings"]), by=by, note=note)


def amend(body: Body, changes: dict[str, Any], *, by=None, note: str = "") -> StatuteVersion:
    """Write the next version with ``changes`` applied on top of the current one."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown statute settings: {', '.join(sorted(unknown))}")
    base = current(body)
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
    # Lock the body row so two amendments cannot take the same version number.
    Body.objects.select_for_update().filter(pk=body.pk).first()
    last = body.statutes.order_by("-number").values_list("number", flat=True).first() or 0
    version = StatuteVersion(
        body=body, number=last + 1, profile=profile, note=note, created_by=by, **values
    )
    version.full_clean()
    version.save()
    record(
        body.ledger_chain,
        "statute.version",
        {
            "body": body.slug,
            "version": version.number,
            "profile": profile,
            "note": note,
            "settings": {key: _jsonable(getattr(version, key)) for key in SETTINGS},
        },
        actor=f"user:{by.pk}" if by is not None else "",
    )
    return version


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value
