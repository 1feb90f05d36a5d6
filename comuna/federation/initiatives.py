"""Initiatives: a matter the members raise to their parliament, each by a decision of its own
citizens' assembly. Once the statute's share of the members has carried it
(``statute.initiative_councils(members)``: 3 of 5 at 60 %), it is REACHED and due on the
parliament's agenda within the statute's days; the body's coordination collective puts it on a
session's agenda. An overdue one shows in the body's deadlines.

Ledger: ``parliament.initiative_raised`` and ``parliament.initiative_reached``,
``parliament.initiative_scheduled`` on the parliament body's chain; each member's
``parliament.support_proposed`` and ``parliament.support_decided`` on that member's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.assemblies.models import Motion, Outcome
from comuna.federation import parliament
from comuna.federation.errors import FederationError
from comuna.federation.models import Decision, Initiative, InitiativeStatus, Support
from comuna.federation.parliament import add_item, decided_as, differs
from comuna.federation.parliament_rules import ParliamentAction
from comuna.i18n import site_language
from comuna.ledger import record
from comuna.mandates.deadlines import Due
from comuna.territory.actors import acting_user, actor_label
from comuna.territory.models import Body, BodyKind

TITLE_MAX = 300
TEXT_MAX = 5000


def _member_of(body: Body, member: Body) -> None:
    if not parliament.is_member(body, member):
        raise FederationError(
            _("%(member)s is not a member of %(body)s.")
            % {"member": member.name, "body": body.name}
        )


def _put(initiative: Initiative, member: Body, assembly, by: Any) -> Support:
    text = site_language(gettext_lazy("Raise to the parliament of %(body)s: %(title)s")) % {
        "body": initiative.body.name,
        "title": initiative.title,
    }
    motion = parliament.put_to_assembly(
        assembly,
        member,
        text=text,
        description=initiative.description,
        why=parliament.WHY_MEMBER,
        by=by,
    )
    support = Support.objects.create(initiative=initiative, member=member, motion=motion)
    record(
        member.ledger_chain,
        "parliament.support_proposed",
        support_payload(support),
        actor=actor_label(by),
    )
    return support


@transaction.atomic
def raise_matter(
    body: Body, *, title: str, description: str = "", member: Body, assembly, by: Any
) -> Initiative:
    """The first member raises a matter to ``body``'s parliament: the initiative, and the
    motion on the member's assembly (in session, or coming) that supports it."""
    actor = actor_label(by)
    if parliament.parliament_of(body) is None:
        raise FederationError(_("%(body)s has no parliament.") % {"body": body.name})
    _member_of(body, member)
    parliament.require(by, ParliamentAction.RAISE, member, member)
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise FederationError(_("Say what matter the parliament should take up."), field="title")
    if len(title) > TITLE_MAX:
        raise FederationError(_("At most %(n)s characters.") % {"n": TITLE_MAX}, field="title")
    if len(description) > TEXT_MAX:
        raise FederationError(_("At most %(n)s characters.") % {"n": TEXT_MAX}, field="description")
    statute = body.current_statute()
    members = parliament.members_of(body).count()
    initiative = Initiative.objects.create(
        body=body,
        title=title,
        description=description,
        started_by=member,
        statute=statute,
        members=members,
        threshold=statute.initiative_councils(members),
        created_by=acting_user(by),
    )
    record(
        body.ledger_chain, "parliament.initiative_raised", raised_payload(initiative), actor=actor
    )
    _put(initiative, member, assembly, by)
    return initiative


@transaction.atomic
def support(initiative: Initiative, member: Body, assembly, *, by: Any) -> Support:
    """Another member's assembly is asked to raise the same matter."""
    initiative = _locked(initiative)
    _member_of(initiative.body, member)
    parliament.require(by, ParliamentAction.SUPPORT, member, member)
    if initiative.status != InitiativeStatus.COLLECTING:
        raise FederationError(
            _("This matter no longer collects the members' decisions: it is %(status)s.")
            % {"status": initiative.get_status_display().lower()}
        )
    earlier = initiative.supports.filter(member=member).select_related("motion__item__assembly")
    for found in earlier:
        if found.status == Decision.CARRIED:
            raise FederationError(
                _("The assembly of %(member)s already raised this matter.")
                % {"member": member.name}
            )
        if found.status == Decision.PROPOSED and parliament.pending(found.motion):
            raise FederationError(
                _("The assembly of %(member)s has yet to decide on this matter.")
                % {"member": member.name}
            )
    return _put(initiative, member, assembly, by)


REASON_MAX = 300


@transaction.atomic
def withdraw(initiative: Initiative, member: Body, *, reason: str, by: Any) -> Initiative:
    """The member that raised a matter withdraws it (its coordination or electoral commission,
    saying why) while it collects decisions and before another member's assembly raised it too
    (then it is theirs as well). The members' assemblies that have yet to decide it find
    nothing to support (``parliament.initiative_withdrawn``)."""
    actor = actor_label(by)
    initiative = _locked(initiative)
    parliament.require(by, ParliamentAction.RAISE, member, member)
    if initiative.started_by_id != member.pk:
        raise FederationError(
            _("Only %(member)s, which raised it, withdraws this matter.")
            % {"member": initiative.started_by.name}
        )
    if initiative.status != InitiativeStatus.COLLECTING:
        raise FederationError(
            _("This matter no longer collects the members' decisions: it is %(status)s.")
            % {"status": initiative.get_status_display().lower()}
        )
    if initiative.supports.filter(status=Decision.CARRIED).exclude(member=member).exists():
        raise FederationError(
            _("Another member's assembly raised it too: it is no longer yours alone to withdraw.")
        )
    reason = str(reason or "").strip()
    if not reason:
        raise FederationError(_("Say why the matter is withdrawn."), field="reason")
    if len(reason) > REASON_MAX:
        raise FederationError(_("At most %(n)s characters.") % {"n": REASON_MAX}, field="reason")
    initiative.status = InitiativeStatus.WITHDRAWN
    initiative.save(update_fields=["status"])
    record(
        initiative.body.ledger_chain,
        "parliament.initiative_withdrawn",
        {"initiative": initiative.pk, "member": member.slug, "reason": reason},
        actor=actor,
    )
    return initiative


def check_withdrawn(entry) -> str | None:
    initiative, problem = _initiative_of(entry)
    if initiative is None:
        return problem
    if initiative.status != InitiativeStatus.WITHDRAWN:
        return _("matter %(pk)s was withdrawn, but it says otherwise") % {"pk": initiative.pk}
    return None


def _locked(initiative: Initiative) -> Initiative:
    return (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("body", "statute")
        .get(pk=initiative.pk)
    )


def carried(initiative: Initiative) -> int:
    return initiative.supports.filter(status=Decision.CARRIED).count()


def on_decided(sender, motion: Motion, actor: str, **kwargs: Any) -> None:
    """A member's assembly decided a support: carried, it counts; once the threshold is met,
    the initiative is REACHED and due on the agenda within the statute's days."""
    found = Support.objects.filter(motion=motion).first()
    if found is None:
        return
    supported = (
        Support.objects.select_for_update(of=("self",)).select_related("member").get(pk=found.pk)
    )
    if supported.status != Decision.PROPOSED:
        return
    if supported.initiative.status == InitiativeStatus.WITHDRAWN:
        return  # withdrawn by the member that raised it: nothing left to decide
    supported.status = Decision.CARRIED if motion.outcome == Outcome.CARRIED else Decision.REJECTED
    supported.decided_at = motion.decided_at or timezone.now()
    supported.save(update_fields=["status", "decided_at"])
    record(
        supported.member.ledger_chain,
        "parliament.support_decided",
        support_payload(supported),
        actor=actor,
    )
    initiative = _locked(supported.initiative)
    if (
        initiative.status != InitiativeStatus.COLLECTING
        or carried(initiative) < initiative.threshold
    ):
        return
    initiative.status = InitiativeStatus.REACHED
    initiative.reached_at = supported.decided_at
    initiative.due_on = timezone.localdate(initiative.reached_at) + timedelta(
        days=initiative.statute.parliament_initiative_days
    )
    initiative.save(update_fields=["status", "reached_at", "due_on"])
    record(
        initiative.body.ledger_chain,
        "parliament.initiative_reached",
        reached_payload(initiative),
        actor=actor,
    )


@transaction.atomic
def schedule(initiative: Initiative, assembly, *, by: Any) -> Initiative:
    """The body's coordination puts a reached initiative on a parliament session's agenda (in
    session, or coming while its agenda may be amended)."""
    from comuna.assemblies.rules import AssemblyAction

    actor = actor_label(by)
    initiative = _locked(initiative)
    parliament.require(by, AssemblyAction.AMEND_AGENDA, assembly, initiative.body)
    if initiative.status != InitiativeStatus.REACHED:
        raise FederationError(
            _("Only a matter raised by enough members is put on the parliament's agenda.")
        )
    organ = parliament.parliament_of(initiative.body)
    if (
        assembly is None
        or assembly.body_id != initiative.body_id
        or assembly.organ_id != getattr(organ, "pk", None)
    ):
        raise FederationError(
            _("Choose a session of the parliament of %(body)s.") % {"body": initiative.body.name},
            field="assembly",
        )
    assembly = assembly.locked()
    item = add_item(
        assembly,
        text=initiative.title,
        description=initiative.description,
        why=gettext_lazy("A matter raised by the members' assemblies."),
        by=by,
    )
    initiative.item = item
    initiative.status = InitiativeStatus.ON_AGENDA
    initiative.save(update_fields=["item", "status"])
    record(
        initiative.body.ledger_chain,
        "parliament.initiative_scheduled",
        {
            "initiative": initiative.pk,
            "body": initiative.body.slug,
            "assembly": assembly.pk,
            "item": item.pk,
            "due_on": initiative.due_on.isoformat() if initiative.due_on else None,
            "late": timezone.localdate() > initiative.due_on if initiative.due_on else False,
        },
        actor=actor,
    )
    return initiative


# --- reading -------------------------------------------------------------------------------


def progress(initiative: Initiative) -> dict[str, Any]:
    """How far the matter got: carried supports of the members, the threshold, the members."""
    supports = list(initiative.supports.select_related("member", "motion__item__assembly"))
    return {
        "carried": sum(1 for s in supports if s.status == Decision.CARRIED),
        "threshold": initiative.threshold,
        "members": initiative.members,
        "supports": supports,
    }


def parliament_url(body: Body) -> str:
    return reverse("parliament", kwargs={"slug": body.slug})


def initiative_deadlines(body: Body, mandate=None, today: date | None = None) -> Iterable[Due]:
    """Each reached initiative's deadline to be put on the parliament's agenda."""
    if mandate is not None or body.kind == BodyKind.COUNCIL:
        return []  # a council has no parliament: its page reads nothing more for this
    found = Initiative.objects.filter(body=body, status=InitiativeStatus.REACHED)
    return [
        Due(
            what=format_lazy(
                gettext_lazy("The parliament's agenda: “{title}”, raised by its members"),
                title=i.title,
            ),
            due_on=i.due_on,
            url=f"{parliament_url(body)}#initiative-{i.pk}",
        )
        for i in found
        if i.due_on is not None
    ]


DEADLINES = (initiative_deadlines,)


# --- payloads and ledger checks ---------------------------------------------------------------


def raised_payload(initiative: Initiative) -> dict[str, Any]:
    return {
        "initiative": initiative.pk,
        "body": initiative.body.slug,
        "title": initiative.title,
        "description": initiative.description,
        "started_by": initiative.started_by.slug,
        "statute_version": initiative.statute.number,
        "members": initiative.members,
        "threshold": initiative.threshold,
    }


def reached_payload(initiative: Initiative) -> dict[str, Any]:
    return {
        "initiative": initiative.pk,
        "body": initiative.body.slug,
        "threshold": initiative.threshold,
        "supports": sorted(
            initiative.supports.filter(status=Decision.CARRIED).values_list("pk", flat=True)
        ),
        "due_on": initiative.due_on.isoformat() if initiative.due_on else None,
    }


def support_payload(support: Support) -> dict[str, Any]:
    return {
        "support": support.pk,
        "initiative": support.initiative_id,
        "member": support.member.slug,
        "motion": support.motion_id,
        "assembly": support.motion.item.assembly_id,
        "status": support.status,
    }


def _initiative_of(entry) -> tuple[Initiative | None, str | None]:
    pk = entry.data.get("initiative")
    found = Initiative.objects.select_related("body", "statute", "started_by").filter(pk=pk).first()
    if found is None:
        return None, _("initiative %(pk)s is missing from the database") % {"pk": pk}
    if found.body.ledger_chain != entry.chain:
        return None, _("initiative %(pk)s belongs to another body") % {"pk": pk}
    return found, None


def check_raised(entry) -> str | None:
    initiative, problem = _initiative_of(entry)
    if initiative is None:
        return problem
    what = _("initiative %(pk)s") % {"pk": initiative.pk}
    if initiative.threshold != initiative.statute.initiative_councils(initiative.members):
        return _("%(what)s: its threshold is not the statute's share") % {"what": what}
    return differs(what, raised_payload(initiative), entry.data)


def check_reached(entry) -> str | None:
    """Enough members carried it, and it is due the statute's days after it was reached."""
    initiative, problem = _initiative_of(entry)
    if initiative is None:
        return problem
    data = entry.data
    what = _("initiative %(pk)s") % {"pk": initiative.pk}
    if initiative.status not in (InitiativeStatus.REACHED, InitiativeStatus.ON_AGENDA):
        return _("%(what)s was reached, but it says otherwise") % {"what": what}
    supports = data.get("supports") or []
    carried_now = Support.objects.filter(
        pk__in=supports, initiative=initiative, status=Decision.CARRIED
    ).count()
    if carried_now != len(supports) or len(supports) < initiative.threshold:
        return _("%(what)s: the members' decisions do not reach its threshold") % {"what": what}
    due = timezone.localdate(initiative.reached_at) + timedelta(
        days=initiative.statute.parliament_initiative_days
    )
    if initiative.due_on != due or data.get("due_on") != due.isoformat():
        return _("%(what)s: its deadline is not the statute's days") % {"what": what}
    return None


def check_scheduled(entry) -> str | None:
    initiative, problem = _initiative_of(entry)
    if initiative is None:
        return problem
    item = initiative.item
    if (
        initiative.status != InitiativeStatus.ON_AGENDA
        or item is None
        or item.pk != entry.data.get("item")
        or item.assembly_id != entry.data.get("assembly")
        or item.assembly.organ_id is None
    ):
        return _("initiative %(pk)s is not on the session's agenda its entry names") % {
            "pk": initiative.pk
        }
    return None


def _support_check(entry, decided: bool) -> str | None:
    pk = entry.data.get("support")
    support = (
        Support.objects.select_related("member", "motion__item__assembly").filter(pk=pk).first()
    )
    if support is None:
        return _("support %(pk)s is missing from the database") % {"pk": pk}
    if support.member.ledger_chain != entry.chain:
        return _("support %(pk)s belongs to another body") % {"pk": pk}
    what = _("support %(pk)s") % {"pk": pk}
    now = support_payload(support)
    if not decided:
        now.pop("status")
        return differs(what, now, entry.data)
    if decided_as(support.motion) != support.status:
        return _("%(what)s: its status is not its motion's decision") % {"what": what}
    return differs(what, now, entry.data)


def check_support_proposed(entry) -> str | None:
    return _support_check(entry, decided=False)


def check_support_decided(entry) -> str | None:
    return _support_check(entry, decided=True)


LEDGER_CHECKS: dict = {
    "parliament.initiative_withdrawn": (
        check_withdrawn,
        gettext_lazy("Parliament: a matter withdrawn by the member that raised it"),
    ),
    "parliament.initiative_raised": (
        check_raised,
        gettext_lazy("Parliament: a matter raised by a member"),
    ),
    "parliament.support_proposed": (
        check_support_proposed,
        gettext_lazy("Parliament: a matter put to a member's assembly"),
    ),
    "parliament.support_decided": (
        check_support_decided,
        gettext_lazy("Parliament: a member's assembly decided on a matter"),
    ),
    "parliament.initiative_reached": (
        check_reached,
        gettext_lazy("Parliament: a matter raised by enough members"),
    ),
    "parliament.initiative_scheduled": (
        check_scheduled,
        gettext_lazy("Parliament: a matter put on the agenda"),
    ),
}
