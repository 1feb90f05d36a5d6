"""The minutes pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name
-> URLs). Every named page of the minutes part must be in both.

Also the minutes' own fixtures: attendance, drafted, open and sealed minutes of council A."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from comuna.assemblies import minutes as service
from comuna.assemblies.models import (
    Assembly,
    Attendance,
    Correction,
    Minutes,
    MinutesStatus,
    Status,
)
from tests.assemblies.factories import assembly_in
from tests.web.probes import Probe

TEXT = "Se abrió la sesión a las 6 de la tarde. Se leyó la agenda."


def present(assembly: Assembly, n: int | None = None) -> None:
    """The first ``n`` registered residents (all by default) present at the door."""
    for registered in assembly.registered.select_related("resident").order_by("pk")[:n]:
        Attendance.objects.get_or_create(assembly=assembly, resident=registered.resident)


def drafted(cast, assembly: Assembly, text: str = TEXT) -> Minutes:
    return service.draft(assembly, text=text, by=cast.electoral.user)


def open_for_corrections(cast, assembly: Assembly) -> Minutes:
    return service.open_corrections(drafted(cast, assembly), by=cast.electoral.user)


def sealed(cast, assembly: Assembly | None = None) -> Minutes:
    """Minutes of an assembly of council A approved by the session itself (everyone present,
    one decision taken), then the session ended."""
    from comuna.assemblies import decisions

    assembly = assembly or assembly_in(cast, Status.IN_SESSION)
    present(assembly)
    item = assembly.items.order_by("position").first()
    motion = decisions.propose_motion(item, text="Pintar la casa comunal", by=cast.electoral.user)
    decisions.decide_by_hands(
        motion, votes_for=6, votes_against=1, abstentions=1, by=cast.electoral.user
    )
    minutes = service.approve(
        drafted(cast, assembly),
        in_assembly=assembly,
        votes_for=7,
        votes_against=0,
        abstentions=1,
        by=cast.electoral.user,
    )
    assert minutes.status == MinutesStatus.SEALED
    Assembly.objects.filter(pk=assembly.pk).update(status=Status.ENDED, ended_at=timezone.now())
    minutes.assembly.refresh_from_db()
    return minutes


# --- probes --------------------------------------------------------------------------------


def _pk(cast, obj):
    return {"pk": obj.pk}


def _with_minutes(cast, obj):
    """The assembly's minutes open for corrections (when it has met), every registered resident
    present: whoever may correct attended."""
    if obj.status in service.HELD:
        present(obj)
        Minutes.objects.get_or_create(
            assembly=obj,
            defaults={
                "text": TEXT,
                "status": MinutesStatus.CORRECTIONS,
                "corrections_until": timezone.now() + timezone.timedelta(days=5),
            },
        )
    return {"pk": obj.pk}


def _with_correction(cast, obj):
    """A correction proposed to the assembly's minutes (made from the models)."""
    kwargs = _with_minutes(cast, obj)
    minutes = Minutes.objects.filter(assembly=obj).first()
    if minutes is None:  # an assembly not yet held: minutes of another, for the address only
        other = assembly_in(cast, Status.ENDED)
        _with_minutes(cast, other)
        minutes = other.minutes
    correction = Correction.objects.create(
        minutes=minutes, proposed_by=cast.resident, text="Fueron 9 presentes, no 8."
    )
    return {**kwargs, "correction": correction.pk}


def _awaiting(cast, obj):
    """Minutes of an earlier assembly awaiting approval, and the assembly in session quorate."""
    earlier = assembly_in(cast, Status.ENDED, starts_at=obj.starts_at - timezone.timedelta(days=30))
    Minutes.objects.create(assembly=earlier, text=TEXT)
    present(obj)
    return {"pk": obj.pk}


def _approval_form(cast, obj):
    minutes = Minutes.objects.filter(assembly__body=obj.body).exclude(assembly=obj).first()
    return {"minutes": minutes.pk, "votes_for": 6, "votes_against": 1, "abstentions": 1}


PROBES: dict = {
    "assembly-minutes": Probe(
        kwargs=_pk, post=lambda cast, obj: {"text": "Acta de la sesión, redactada."}
    ),
    "assembly-minutes-open": Probe(
        kwargs=lambda cast, obj: {"pk": obj.pk, **_draft_kwargs(cast, obj)},
        post=lambda cast, obj: {},
    ),
    "assembly-minutes-corrections": Probe(
        kwargs=_with_minutes, post=lambda cast, obj: {"text": "Faltó anotar la hora de cierre."}
    ),
    "assembly-minutes-correction": Probe(
        kwargs=_with_correction,
        post=lambda cast, obj: {"decision": "reject", "reason": "El conteo fue de 8."},
    ),
    "assembly-minutes-approve": Probe(kwargs=_awaiting, post=_approval_form),
}


def _draft_kwargs(cast, obj) -> dict:
    """A draft to open for corrections (an assembly that has met)."""
    if obj.status in service.HELD:
        Minutes.objects.get_or_create(assembly=obj, defaults={"text": TEXT})
    return {}


def urls(cast) -> dict[str, list[str]]:
    """Sample addresses: a sealed, a drafted and a missing minutes, and their forms."""
    done = sealed(cast)
    held = assembly_in(cast, Status.ENDED)
    present(held, 3)
    draft = drafted(cast, held)
    correction = Correction.objects.create(
        minutes=draft, proposed_by=cast.resident, text="Fueron 9."
    )
    coming = assembly_in(cast, Status.CONVENED)
    session = assembly_in(cast, Status.IN_SESSION)
    slug = cast.council.slug

    def each(name: str, assemblies, **extra) -> list[str]:
        return [reverse(name, kwargs={"slug": slug, "pk": a.pk, **extra}) for a in assemblies]

    all_four = (done.assembly, held, coming, session)
    return {
        "assembly-minutes": each("assembly-minutes", all_four),
        "assembly-minutes-open": each("assembly-minutes-open", all_four),
        "assembly-minutes-corrections": each("assembly-minutes-corrections", all_four),
        "assembly-minutes-correction": each(
            "assembly-minutes-correction", (held,), correction=correction.pk
        ),
        "assembly-minutes-approve": each("assembly-minutes-approve", all_four),
        "assembly-minutes-html": each("assembly-minutes-html", all_four),
        "assembly-minutes-pdf": each("assembly-minutes-pdf", (done.assembly, held, coming)),
    }


def api_urls(cast) -> dict[str, list[str]]:
    """The minutes' API operations (tests/web/test_reads_never_write.py ``_api_urls``): sealed
    minutes, a draft, an assembly without minutes and one that does not exist."""
    done = sealed(cast)
    draft = drafted(cast, assembly_in(cast, Status.ENDED))
    coming = assembly_in(cast, Status.CONVENED)
    council = f"/api/v1/bodies/{cast.council.slug}/assemblies"
    ids = (done.assembly_id, draft.assembly_id, coming.pk, 999999)
    return {
        "public_minutes_html": [f"{council}/{i}/minutes.html" for i in ids],
        "public_minutes_pdf": [f"{council}/{i}/minutes.pdf" for i in ids[:2]],
    }
