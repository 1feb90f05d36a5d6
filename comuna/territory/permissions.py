"""Who may do what: the one place where permissions are decided.

A user's roles in a body come from the census (resident of the body, or of a body federated
into it) and from active mandates (a seated spokesperson of an organ, whose kind may add a
role: electoral commission, comptroller unit, financial unit, parliament; administrator). A
substitute holds no power until they take the seat.

Which roles may take an action depends on the phase of the object it is taken on (a poll's
draft, open, closed...). Each capability declares its own ``(action, phase) -> roles`` table
and how to find the body and phase of its objects, and registers them in its
``AppConfig.ready()`` with :func:`register_rules`, so this module never imports a capability.
A body itself is an object with no phase (``None``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connection

from comuna.territory.models import Body, Mandate, MandateKind, OrganKind, Resident


class Role(enum.StrEnum):
    RESIDENT = "resident"
    SPOKESPERSON = "spokesperson"
    ELECTORAL = "electoral"
    COMPTROLLER = "comptroller"
    FINANCIAL = "financial"
    PARLIAMENTARIAN = "parliamentarian"
    COORDINATION = "coordination"
    ADMINISTRATOR = "administrator"


MEMBERS = frozenset(Role)

# The roles a seat in an organ adds to "spokesperson". The coordination collective is, by the
# 2009 law (art. 24), the spokespersons of the executive, financial and comptroller units (and
# of an organ a body names its coordination collective).
ORGAN_ROLES: dict[str, frozenset[Role]] = {
    OrganKind.ELECTORAL: frozenset({Role.ELECTORAL}),
    OrganKind.COMPTROLLER: frozenset({Role.COMPTROLLER, Role.COORDINATION}),
    OrganKind.FINANCIAL: frozenset({Role.FINANCIAL, Role.COORDINATION}),
    OrganKind.EXECUTIVE: frozenset({Role.COORDINATION}),
    OrganKind.COORDINATION: frozenset({Role.COORDINATION}),
    OrganKind.PARLIAMENT: frozenset({Role.PARLIAMENTARIAN}),
}

Phase = str | None
Table = Mapping[tuple[str, Phase], Iterable[Role]]


@dataclass(frozen=True)
class Subject:
    """How to find the body and the phase of a capability's object (a poll, an assembly)."""

    model: type
    body: Callable[[Any], Body]
    phase: Callable[[Any], str]
    phases: tuple[str, ...]
    # the phase as a person reads it, in their language (a refusal names it)
    phase_label: Callable[[Any], str] | None = None


class UnknownAction(LookupError):
    """An action no capability registered: a typo must fail loudly, not deny silently."""


_NAMESPACE = re.compile(r"[a-z][a-z0-9_]*")
_TABLES: dict[str, tuple[dict[tuple[str, Phase], frozenset[Role]], tuple[Subject, ...]]] = {}
_RULES: dict[tuple[str, Phase], frozenset[Role]] = {}
_ACTIONS: set[str] = set()
_SUBJECTS: dict[type, Subject] = {}


def register_rules(namespace: str, table: Table, subjects: Iterable[Subject] = ()) -> None:
    """Register a capability's ``(action, phase) -> roles`` table and its subjects.

    Every action is named ``namespace.something`` so two capabilities cannot clash. Registering
    the same table again is harmless; a different table for a namespace already registered, or
    a model already claimed by another namespace, is refused with ValueError.
    """
    if not _NAMESPACE.fullmatch(namespace):
        raise ValueError(f"permission namespace {namespace!r} must be lower-case letters")
    subjects = tuple(subjects)
    phases = {p for s in subjects for p in s.phases}
    rules: dict[tuple[str, Phase], frozenset[Role]] = {}
    for (action, phase), allowed in table.items():
        if not action.startswith(f"{namespace}.") or action == f"{namespace}.":
            raise ValueError(f"action {action!r} is not in namespace {namespace!r}")
        if phase is not None and phase not in phases:
            raise ValueError(f"action {action!r}: no subject of {namespace!r} has phase {phase!r}")
        roles_ = frozenset(allowed)
        if not all(isinstance(r, Role) for r in roles_):
            raise ValueError(f"action {action!r}: roles must be Role members, not {allowed!r}")
        rules[(str(action), phase)] = roles_
    if namespace in _TABLES:
        if _TABLES[namespace] == (rules, subjects):
            return
        raise ValueError(f"permission namespace {namespace!r} is already registered")
    for subject in subjects:
        if subject.model in _SUBJECTS or subject.model is Body:
            raise ValueError(f"{subject.model.__name__} already has a permission subject")
    _TABLES[namespace] = (rules, subjects)
    _RULES.update(rules)
    _ACTIONS.update(action for action, _phase in rules)
    _SUBJECTS.update((s.model, s) for s in subjects)


def rules() -> dict[tuple[str, Phase], frozenset[Role]]:
    """Every registered ``(action, phase) -> roles`` row."""
    return dict(_RULES)


def subject_of(model: type) -> Subject | None:
    """The registered subject of ``model``; None for a body (no phase)."""
    if issubclass(model, Body):
        return None
    for klass in model.__mro__:
        if klass in _SUBJECTS:
            return _SUBJECTS[klass]
    raise TypeError(f"no capability registered how to check permissions on {model.__name__}")


def body_and_phase(obj: Body | Any) -> tuple[Body, Phase]:
    subject = subject_of(type(obj))
    if subject is None:
        return obj, None
    return subject.body(obj), subject.phase(obj)


def allowed_roles(action: str, phase: Phase) -> frozenset[Role]:
    """The roles that may take ``action`` on an object in ``phase``; UnknownAction if no
    capability registered the action."""
    if action not in _ACTIONS:
        raise UnknownAction(f"no capability registered the action {action!r}")
    return _RULES.get((action, phase), frozenset())


def can(user, action: str, obj: Body | Any) -> bool:
    """Whether ``user`` may take ``action`` on ``obj`` (a body, or a registered subject) now."""
    body, phase = body_and_phase(obj)
    allowed = allowed_roles(action, phase)
    if not allowed:
        return False
    if Role.RESIDENT in allowed and user is not None and user.is_authenticated:
        # residence alone suffices (voting, reading): the mandates need not be read
        standing = _standing(user)
        if standing is not None and standing.resides_in(body):
            return True
    return bool(allowed & roles(user, body))


# --- roles ---------------------------------------------------------------------------------


class _Standing:
    """Where a user resides, read once per user object (that is, per request); the bodies
    their council federates into and their mandates are read only when a question needs them
    (a resident voting in their own council needs neither)."""

    def __init__(self, resident_id: int, body_id: int):
        self.resident_id = resident_id
        self.body_id = body_id  # the resident's council

    @cached_property
    def chain(self) -> list[Body]:
        """The resident's council first, every body it federates into after."""
        # the ancestors of a child of the council: the council itself, then the bodies above
        # it, in one query
        return Body(parent_id=self.body_id).ancestors()

    @cached_property
    def mandates(self) -> list[Mandate]:
        """The user's mandates active today, with their organ and body."""
        return list(
            Mandate.objects.active()
            .filter(resident_id=self.resident_id)
            .select_related("organ", "body")
            .order_by("pk")
        )

    def resides_in(self, body: Body) -> bool:
        return body.pk == self.body_id or any(b.pk == body.pk for b in self.chain)


_UNREAD = object()


def _standing(user) -> _Standing | None:
    standing = getattr(user, "_comuna_standing", _UNREAD)
    if standing is _UNREAD:
        # Every page asks this first: one plain statement, a tenth of the ORM's CPU for it.
        table = connection.ops.quote_name(Resident._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, body_id FROM {table} WHERE user_id = %s", [user.pk])
            found = cursor.fetchone()  # at most one: a login belongs to one resident
        standing = None if found is None else _Standing(*found)
        user._comuna_standing = standing
    return standing


def mandate_roles(mandate: Mandate) -> frozenset[Role]:
    """The roles a mandate confers in its body: none for a substitute not yet seated."""
    if mandate.kind == MandateKind.ADMINISTRATOR:
        return frozenset({Role.ADMINISTRATOR})
    if mandate.kind != MandateKind.SPOKESPERSON:
        return frozenset()
    organ_roles = ORGAN_ROLES.get(mandate.organ.kind, frozenset()) if mandate.organ else frozenset()
    return frozenset({Role.SPOKESPERSON}) | organ_roles


def roles(user, body: Body) -> frozenset[Role]:
    """The roles ``user`` holds in ``body`` today."""
    if user is None or not user.is_authenticated:
        return frozenset()
    standing = _standing(user)
    if standing is None:
        return frozenset()
    found: set[Role] = set()
    if standing.resides_in(body):
        found.add(Role.RESIDENT)
    for mandate in standing.mandates:
        if mandate.body_id == body.pk:
            found |= mandate_roles(mandate)
    return frozenset(found)


def bodies_of(user) -> list[Body]:
    """The bodies a user belongs to: their council, every body it federates into, and any
    body where they hold an active mandate; nearest first."""
    if not user.is_authenticated:
        return []
    standing = _standing(user)
    if standing is None:
        return []
    chain = list(standing.chain)
    seen = {b.pk for b in chain}
    for mandate in standing.mandates:
        if mandate.body_id not in seen:
            chain.append(mandate.body)
            seen.add(mandate.body_id)
    return chain
