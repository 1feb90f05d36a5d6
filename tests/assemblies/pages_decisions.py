"""The decisions pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name
-> URLs). Every named page of the decisions part must be in both."""

from __future__ import annotations

from django.urls import reverse

from comuna.assemblies.models import Attendance, Method, Motion
from comuna.voting import services as voting
from tests.web.probes import Probe

HANDS = {"votes_for": "6", "votes_against": "1", "abstentions": "1"}


def quorate_motion(assembly, method=Method.HANDS, *, ballot=False) -> Motion:
    """A motion on the assembly's first item, made straight from the models, with everyone on
    the register checked in (quorum met); ``ballot``: with its secret ballot open, the poll
    made through the voting services as the decisions service makes it."""
    for registered in assembly.registered.select_related("resident"):
        Attendance.objects.get_or_create(assembly=assembly, resident=registered.resident)
    item = assembly.items.order_by("position").first()
    motion = Motion.objects.create(
        item=item, text="Pintar la casa", original_text="Pintar la casa", method=method
    )
    if ballot:
        from tests.conftest import SETUP

        poll = voting.create_poll(
            assembly.body,
            title="Moción: Pintar la casa",
            method="single",
            rule="plurality",
            options=[{"label": "A favor"}, {"label": "En contra"}, {"label": "Abstención"}],
            by=SETUP,
        )
        residents = [r.resident for r in assembly.registered.select_related("resident")]
        voting.open_poll(poll, by=SETUP, register=residents)
        motion.poll = poll
        motion.save()
    return motion


def _motion_kwargs(method=Method.HANDS, ballot=False):
    def kwargs(cast, assembly):
        return {"pk": assembly.pk, "motion": quorate_motion(assembly, method, ballot=ballot).pk}

    return kwargs


PROBES: dict = {
    "assembly-motion-new": Probe(
        kwargs=lambda cast, assembly: {"pk": assembly.pk},
        post=lambda cast, assembly: {
            "item": str(assembly.items.order_by("position").first().pk),
            "text": "Arreglar el techo de la escuela",
            "method": "hands",
        },
    ),
    "assembly-motion-hands": Probe(kwargs=_motion_kwargs(), post=lambda cast, obj: HANDS),
    "assembly-motion-ballot": Probe(
        kwargs=_motion_kwargs(Method.SECRET), post=lambda cast, obj: {}
    ),
    "assembly-motion-close": Probe(
        kwargs=_motion_kwargs(Method.SECRET, ballot=True), post=lambda cast, obj: {}
    ),
}


def urls(cast) -> dict[str, list[str]]:
    from tests.assemblies.factories import assembly_in

    slug = cast.council.slug
    made = {}
    for phase in ("convened", "in_session", "ended"):
        assembly = assembly_in(cast, phase)
        made[phase] = (
            assembly,
            quorate_motion(assembly),
            quorate_motion(assembly, Method.SECRET, ballot=True),
        )
    motion_pages = {}
    for name in ("assembly-motion-hands", "assembly-motion-ballot", "assembly-motion-close"):
        motion_pages[name] = [
            reverse(name, kwargs={"slug": slug, "pk": a.pk, "motion": m.pk})
            for a, *motions in made.values()
            for m in motions
        ]
    return {
        "assembly-decisions": [
            reverse("assembly-decisions", kwargs={"slug": b.slug})
            for b in (cast.council, cast.other)
        ],
        "assembly-motion-new": [
            reverse("assembly-motion-new", kwargs={"slug": slug, "pk": a.pk})
            for a, *_motions in made.values()
        ]
        + [
            reverse("assembly-motion-new", kwargs={"slug": slug, "pk": made["in_session"][0].pk})
            + f"?amends={made['in_session'][1].pk}"
        ],
        **motion_pages,
    }
