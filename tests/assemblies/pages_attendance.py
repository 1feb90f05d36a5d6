"""The attendance pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name
-> URLs). Every named page of the attendance part must be in both."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comuna.assemblies.models import Attendance
from tests.assemblies.factories import assembly_in
from tests.web.probes import Probe


def _pk(cast, assembly):
    return {"pk": assembly.pk}


def _starting_now(cast, assembly):
    """A convened assembly may be opened from two hours before its start: start it now."""
    assembly.starts_at = timezone.now() + timedelta(minutes=30)
    assembly.save()
    return {"pk": assembly.pk}


def _hybrid(cast, assembly):
    assembly.online_url = "https://meet.example.org/asamblea"
    assembly.save()
    return {"pk": assembly.pk}


def _with_presence(cast, assembly):
    """A presence recorded by mistake, to take back."""
    present = Attendance.objects.create(assembly=assembly, resident=cast.resident)
    return {"pk": assembly.pk, "attendance_pk": present.pk}


PROBES: dict = {
    "assembly-open": Probe(kwargs=_starting_now, post=lambda cast, obj: {}),
    "assembly-door": Probe(kwargs=_pk, post=lambda cast, obj: {"resident": cast.resident.pk}),
    "assembly-presence-remove": Probe(
        kwargs=_with_presence, post=lambda cast, obj: {"reason": "Se marcó a otra persona"}
    ),
    "assembly-check-in": Probe(kwargs=_hybrid, post=lambda cast, obj: {}),
    "assembly-second-call": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "assembly-end": Probe(kwargs=_pk, post=lambda cast, obj: {}),
    "assembly-sheet": Probe(kwargs=_pk),
    "assembly-sheet-count": Probe(kwargs=_pk, post=lambda cast, obj: {"count": "5"}),
}


def urls(cast) -> dict[str, list[str]]:
    slug = cast.council.slug
    made = {phase: assembly_in(cast, phase) for phase in ("convened", "in_session", "ended")}
    made["in_session"].online_url = "https://meet.example.org/asamblea"
    made["in_session"].save()
    present = Attendance.objects.create(assembly=made["in_session"], resident=cast.resident)

    def each(name, **extra):
        return [reverse(name, kwargs={"slug": slug, "pk": a.pk, **extra}) for a in made.values()]

    door = each("assembly-door")
    door += [f"{url}?q=prueba" for url in door] + [f"{door[1]}?q={'x' * 300}"]
    return {
        "assembly-open": each("assembly-open"),
        "assembly-door": door,
        "assembly-presence-remove": [
            reverse(
                "assembly-presence-remove",
                kwargs={"slug": slug, "pk": made["in_session"].pk, "attendance_pk": present.pk},
            )
        ],
        "assembly-check-in": each("assembly-check-in"),
        "assembly-second-call": each("assembly-second-call"),
        "assembly-end": each("assembly-end"),
        "assembly-sheet": each("assembly-sheet"),
        "assembly-sheet-count": each("assembly-sheet-count"),
    }
