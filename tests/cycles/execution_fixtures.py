"""Funded projects with their executions opened through the services, for the tests of issue
14's parts (``funded`` is a fixture: tests/cycles/conftest.py makes it available)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from comuna.cycles import budgets, execution, expenses
from comuna.cycles.models import BallotKind, CyclePhase, Project, ProjectStatus
from tests.cycles.factories import cycle_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="factura.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="factura.png"):
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


@pytest.fixture
def funded(cast):
    """Tanque (3,000) and Biblioteca (1,500) funded out of 5,000 (Cancha, 2,000, not), the
    health committee responsible; their executions opened by the financial unit."""
    cycle = cycle_in(cast, CyclePhase.BUDGET)
    for title, cost in (("Tanque", 3000), ("Cancha", 2000), ("Biblioteca", 1500)):
        Project.objects.create(
            cycle=cycle,
            title=title,
            description=f"{title} para la comunidad.",
            proposed_by=cast.resident,
            committee=cast.health,
            cost=Decimal(cost),
            status=ProjectStatus.FEASIBLE,
        )
    budget = budgets.create(
        cycle,
        title="Presupuesto 2026",
        ballot_kind=BallotKind.APPROVAL,
        amount=Decimal("5000"),
        by=cast.electoral.user,
    )
    budget = budgets.open(budget, by=cast.electoral.user)
    district = budget.districts.get()
    for persona in ("resident", "spokesperson", "electoral", "comptroller"):
        budgets.cast(budget, user=getattr(cast, persona).user, choices={district.pk: ["1", "3"]})
    budget = budgets.count(budget, by=cast.electoral.user)
    opened = execution.open_for(budget, by=cast.financial.user)
    return {e.project.title: e for e in opened}


def spend(cast, target, amount="100.00", **changes):
    fields = {
        "amount": amount,
        "currency": target.currency,
        "spent_on": timezone.localdate(),
        "supplier": "Ferretería El Tornillo",
        "supplier_tax_id": "J-12345678-9",
        "description": "Tubos y conexiones",
        "receipt": pdf(),
        "by": cast.financial.user,
    }
    return expenses.record(target, **(fields | changes))
