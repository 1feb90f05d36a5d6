"""``ledger verify`` re-derives every finding.* and complaint.* entry from the rows and the
files: an answer, a complaint, an inspection or an evidence hash edited through SQL, and an
evidence file swapped on disk, no longer match."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comuna.cycles import comptroller
from comuna.cycles.models import Complaint, Evidence, Finding, Inspection
from comuna.ledger import verify
from tests.cycles.comptroller_factories import pdf
from tests.voting.images import png


@pytest.fixture
def finding(cast):
    inspection = comptroller.open_inspection(
        cast.council, title="Revisión", scope="Facturas.", by=cast.comptroller.user
    )
    made = comptroller.file_finding(
        inspection,
        title="Factura sin soporte",
        text="La factura 0042 no tiene orden de compra.",
        organ=cast.health,
        evidence=[pdf("factura.pdf"), png("foto.png")],
        by=cast.comptroller.user,
    )
    comptroller.answer_finding(made, answer="Conseguimos la orden.", by=cast.spokesperson.user)
    return made


def _complaint(cast, anonymous):
    made = comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="La obra está parada",
        text="Nadie trabaja desde hace un mes.",
        anonymous=anonymous,
        by=cast.resident.user,
    )
    comptroller.answer_complaint(made, answer="Lo revisamos.", by=cast.comptroller.user)
    return made


def _sql(model, column, value, pk):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk]
        )


def _problems(kind):
    report = verify()
    assert not report.ok
    return [p for p in report.problems if p.kind == kind]


def test_verify_passes_after_every_step(cast, finding):
    _complaint(cast, anonymous=True)
    _complaint(cast, anonymous=False)
    comptroller.close_finding(finding, by=cast.comptroller.user)
    comptroller.close_inspection(finding.inspection, by=cast.comptroller.user)
    assert verify().ok


def test_verify_catches_an_answer_edited_through_sql(finding):
    _sql(Finding, "answer", "No hubo nada raro.", finding.pk)
    found = _problems("finding.answered")
    assert found and "answer" in found[0].what


def test_comuna_ledger_verify_names_the_edited_answer(cast, finding):
    _sql(Finding, "answer", "No hubo nada raro.", finding.pk)
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert "answer" in f"{failure.value}\n{err.getvalue()}"


def test_verify_catches_a_swapped_evidence_file(finding):
    evidence = finding.evidence.order_by("pk").first()
    with open(evidence.file.path, "wb") as handle:
        handle.write(b"%PDF-1.4\nOtra factura, con otros montos.\n%%EOF\n")
    found = _problems("finding.filed")
    assert found and "factura.pdf" in found[0].what and "not the one recorded" in found[0].what


def test_verify_catches_a_deleted_evidence_file(finding):
    evidence = finding.evidence.order_by("pk").last()
    evidence.file.storage.delete(evidence.file.name)
    found = _problems("finding.filed")
    assert found and "missing" in found[0].what


def test_verify_catches_an_evidence_hash_edited_through_sql(finding):
    evidence = finding.evidence.order_by("pk").first()
    _sql(Evidence, "sha256", "0" * 64, evidence.pk)
    found = _problems("finding.filed")
    assert found and "evidence" in found[0].what


def test_verify_catches_a_finding_text_and_due_day_edited_through_sql(finding):
    _sql(Finding, "text", "Nada.", finding.pk)
    found = _problems("finding.filed")
    assert found and "text" in found[0].what


def test_verify_catches_an_inspection_scope_edited_through_sql(finding):
    _sql(Inspection, "scope", "Otra cosa.", finding.inspection_id)
    assert _problems("finding.inspection_opened")


def test_verify_catches_a_complaint_answer_edited_through_sql(cast):
    complaint = _complaint(cast, anonymous=False)
    _sql(Complaint, "answer", "Nada que ver.", complaint.pk)
    assert _problems("complaint.answered")


def test_verify_catches_the_complainant_of_an_anonymous_complaint_swapped(cast):
    complaint = _complaint(cast, anonymous=True)
    _sql(Complaint, "filed_by_id", cast.spokesperson.pk, complaint.pk)
    found = _problems("complaint.filed")
    assert found and "complainant" in found[0].what


def test_verify_catches_an_anonymous_complaint_made_named(cast):
    complaint = _complaint(cast, anonymous=True)
    _sql(Complaint, "anonymous", False, complaint.pk)
    assert _problems("complaint.filed")


def test_verify_catches_a_finding_inserted_through_sql(cast, finding):
    Finding.objects.create(
        inspection=finding.inspection,
        title="Inventada",
        text="Nunca se registró.",
        organ=cast.health,
        due_on=finding.due_on,
    )
    report = verify()
    assert not report.ok
    assert any("has no finding.filed entry" in p.what for p in report.problems)


def test_verify_catches_a_complaint_answered_through_sql(cast):
    complaint = comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="Asunto",
        text="Texto",
        anonymous=True,
        by=cast.resident.user,
    )
    Complaint.objects.filter(pk=complaint.pk).update(status="answered", answer="Resuelto.")
    report = verify()
    assert any("has no complaint.answered entry" in p.what for p in report.problems)
