"""The execution API's probes for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of comuna/api/execution.py must be
here (its reads are public: no probe)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comuna.cycles.models import ExecutionStatus
from tests.cycles.execution_fixtures import PDF
from tests.cycles.factories import execution_in

BODIES = "/api/v1/bodies"


def expense_payload(cast, obj, **changes) -> dict:
    data = {
        "amount": "100.50",
        "currency": obj.currency,
        "spent_on": timezone.localdate().isoformat(),
        "supplier": "Ferretería El Tornillo",
        "supplier_tax_id": "J-12345678-9",
        "description": "Tubos y conexiones",
        "receipt": SimpleUploadedFile("factura.pdf", PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return data


API_PROBES: dict[str, dict] = {
    "POST /api/v1/bodies/{slug}/projects/{project_id}/expenses/": {
        "params": lambda cast, obj: {"project_id": obj.project_id},
        "payload": expense_payload,
    },
}


def api_urls(cast) -> dict[str, list[str]]:
    made = [execution_in(cast, status) for status in ExecutionStatus.values]
    other = execution_in(cast, body=cast.other)
    council = f"{BODIES}/{cast.council.slug}"
    return {
        "api-execution": [f"{council}/projects/{e.project_id}/execution" for e in made]
        + [
            f"{BODIES}/{cast.other.slug}/projects/{other.project_id}/execution",
            f"{council}/projects/{other.project_id}/execution",
            f"{council}/projects/999999/execution",
        ],
        "api-expenses": [f"{council}/projects/{e.project_id}/expenses/" for e in made]
        + [f"{council}/projects/{made[0].project_id}/expenses/?after=1&limit=1"],
        "api-expense-record": [f"{council}/projects/{made[0].project_id}/expenses/"],
    }
