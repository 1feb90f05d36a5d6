"""Who may do what in a body: the one place where permissions are decided.

A user's roles in a body come from the census (resident of the body, or of a body federated
into it) and from active mandates (spokesperson of an organ; the organ's kind makes the
spokesperson a member of the electoral commission or of the comptroller unit; administrator).
Each action lists the roles allowed to take it; nothing else grants access.
"""

from __future__ import annotations

import enum

from django.utils import timezone

from comuna.territory.models import Body, Mandate, MandateKind, OrganKind, Resident


class Role(enum.StrEnum):
    RESIDENT = "resident"
    SPOKESPERSON = "spokesperson"
    ELECTORAL = "electoral"
    COMPTROLLER = "comptroller"
    ADMINISTRATOR = "administrator"


class Action(enum.StrEnum):
    VIEW_BODY = "view_body"
    VIEW_CENSUS = "view_census"
    MANAGE_CENSUS = "manage_census"
    VIEW_REGISTER = "view_register"
    VIEW_POLLS = "view_polls"
    MANAGE_POLLS = "manage_polls"


MEMBERS = frozenset(Role)
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_BODY: MEMBERS,
    Action.VIEW_REGISTER: MEMBERS,
    Action.VIEW_CENSUS: frozenset({Role.ELECTORAL, Role.COMPTROLLER, Role.ADMINISTRATOR}),
    Action.MANAGE_CENSUS: frozenset({Role.ELECTORAL, Role.ADMINISTRATOR}),
    Action.VIEW_POLLS: MEMBERS,
    # convening, opening and closing polls and entering paper ballots: the electoral commission
    Action.MANAGE_POLLS: frozenset({Role.ELECTORAL}),
}

ORGAN_ROLES = {OrganKind.ELECTORAL: Role.ELECTORAL, OrganKind.COMPTROLLER: Role.COMPTROLLER}


def roles(user, body: Body) -> frozenset[Role]:
    """The roles ``user`` holds in ``body`` today."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cache = getattr(user, "_comuna_roles", None)
    if cache is None:
        cache = user._comuna_roles = {}
    if body.pk not in cache:
        cache[body.pk] = frozenset(_compute_roles(user, body))
    return cache[body.pk]


def _compute_roles(user, body: Body) -> set[Role]:
    found: set[Role] = set()
    resident = Resident.objects.filter(user=user).only("body_id").first()
    if resident is None:
        return found
    if resident.body_id in body.descendant_ids():
        found.add(Role.RESIDENT)
    today = timezone.localdate()
    mandates = (
        Mandate.objects.filter(body=body, resident=resident, starts_on__lte=today)
        .exclude(ends_on__lte=today)
        .select_related("organ")
    )
    for mandate in mandates:
        if mandate.kind == MandateKind.ADMINISTRATOR:
            found.add(Role.ADMINISTRATOR)
            continue
        found.add(Role.SPOKESPERSON)
        if mandate.kind == MandateKind.SPOKESPERSON and mandate.organ:
            organ_role = ORGAN_ROLES.get(mandate.organ.kind)
            if organ_role:
                found.add(organ_role)
    return found


def can(user, action: Action, body: Body) -> bool:
    return bool(roles(user, body) & ALLOWED[action])


def bodies_of(user) -> list[Body]:
    """The bodies a user belongs to: their council, every body it federates into, and any
    body where they hold a mandate; nearest first."""
    if not user.is_authenticated:
        return []
    resident = Resident.objects.filter(user=user).select_related("body").first()
    if resident is None:
        return []
    chain = [resident.body, *resident.body.ancestors()]
    seen = {b.pk for b in chain}
    for mandate in Mandate.objects.filter(resident=resident).select_related("body"):
        if mandate.body.pk not in seen and mandate.is_active():
            chain.append(mandate.body)
            seen.add(mandate.body.pk)
    return chain
