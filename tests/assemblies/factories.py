"""Assemblies and petitions of council A in any phase, made straight from the models (so the
tests of one part do not depend on another part's services). Tests of a service use the
service itself."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from comuna.assemblies import convening
from comuna.assemblies.models import (
    AgendaItem,
    Assembly,
    Majority,
    Petition,
    PetitionStatus,
    Registered,
    Status,
)
from comuna.ledger import record
from comuna.territory import census
from tests.conftest import SETUP


def assembly_in(
    cast,
    phase: str | None = "convened",
    body=None,
    *,
    items: int = 2,
    starts_at=None,
    online_url: str = "",
) -> Assembly:
    """An assembly of council A (or ``body``) in ``phase``, with its register frozen (every
    adult of the census) and ``items`` agenda items asking for a simple majority."""
    body = body or cast.council
    phase = phase or Status.CONVENED
    now = timezone.now()
    starts = starts_at or (
        now + timedelta(days=10) if phase == Status.CONVENED else now - timedelta(hours=1)
    )
    register = list(census.register(body, on=timezone.localdate()).values_list("pk", flat=True))
    assembly = Assembly.objects.create(
        body=body,
        title=f"Asamblea ({phase})",
        starts_at=starts,
        place="Casa comunal",
        online_url=online_url,
        status=phase,
        statute=body.current_statute(),
        register_size=len(register),
        opened_at=None if phase == Status.CONVENED else starts,
        ended_at=now if phase in (Status.ENDED, Status.FAILED) else None,
    )
    Registered.objects.bulk_create(Registered(assembly=assembly, resident_id=r) for r in register)
    made = [
        AgendaItem.objects.create(
            assembly=assembly, position=i + 1, text=f"Punto {i + 1}", majority=Majority.SIMPLE
        )
        for i in range(items)
    ]
    # its convening entry, as the service writes it: `ledger verify` knows every assembly
    with transaction.atomic():
        payload = convening.convened_payload(assembly, made, convening.register_digest(assembly))
        record(body.ledger_chain, "assembly.convened", payload, actor=SETUP.label)
    return assembly


def petition_in(cast, phase: str | None = "collecting", body=None) -> Petition:
    body = body or cast.council
    statute = body.current_statute()
    size = census.register(body, on=timezone.localdate()).count()
    return Petition.objects.create(
        body=body,
        title="Que la asamblea decida sobre el agua",
        status=phase or PetitionStatus.COLLECTING,
        statute=statute,
        register_size=size,
        threshold=statute.petition_signatures(size),
        started_by=cast.resident,
    )
