"""Social comptrollership's services: inspections, findings with evidence, answers by the organ
named, closing, recalls started on a finding, complaints (anonymous or not) and their answers;
each refusal changes nothing, each step is in the ledger."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from comuna.cycles import comptroller
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    Complaint,
    ComplaintStatus,
    Evidence,
    Finding,
    FindingStatus,
    Inspection,
)
from comuna.ledger import entries, verify
from comuna.mandates import recall as recalls
from comuna.mandates.models import RecallOrigin, RecallStatus
from comuna.territory import services as territory
from comuna.territory.models import Mandate, MandateKind, OrganKind
from tests.conftest import SETUP
from tests.cycles.comptroller_factories import PDF, fake_pdf, pdf
from tests.voting.images import png


@pytest.fixture
def inspection(cast):
    return comptroller.open_inspection(
        cast.council,
        title="Revisión de la obra del tanque",
        scope="Facturas y avance de la obra.",
        by=cast.comptroller.user,
    )


@pytest.fixture
def finding(cast, inspection):
    return comptroller.file_finding(
        inspection,
        title="Factura sin soporte",
        text="La factura 0042 no tiene orden de compra.",
        organ=cast.health,
        evidence=[pdf("factura.pdf"), png("foto.png")],
        by=cast.comptroller.user,
    )


def _last(cast, kind):
    return entries(cast.council.ledger_chain).filter(kind=kind).last()


def _evidence_files():
    folder = Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(folder.iterdir()) if folder.exists() else []


def _health_mandate(cast):
    return Mandate.objects.get(
        resident=cast.spokesperson, organ=cast.health, kind=MandateKind.SPOKESPERSON
    )


# --- inspections ------------------------------------------------------------------------------


def test_the_comptroller_unit_opens_and_closes_an_inspection(cast, inspection):
    entry = _last(cast, "finding.inspection_opened")
    assert entry.data["title"] == "Revisión de la obra del tanque"
    assert entry.actor == f"user:{cast.comptroller.user.pk}"
    comptroller.close_inspection(inspection, by=cast.comptroller.user)
    inspection.refresh_from_db()
    assert inspection.closed_at is not None
    assert _last(cast, "finding.inspection_closed").data["inspection"] == inspection.pk
    with pytest.raises(CycleError, match="already closed"):
        comptroller.close_inspection(inspection, by=cast.comptroller.user)


@pytest.mark.parametrize("persona", ["resident", "spokesperson", "financial", "admin"])
def test_only_the_comptroller_unit_opens_an_inspection(cast, persona):
    with pytest.raises(CycleError, match="comptroller unit"):
        comptroller.open_inspection(
            cast.council, title="Otra", scope="Algo", by=getattr(cast, persona).user
        )
    assert not Inspection.objects.exists()


def test_an_inspection_needs_a_title_and_a_scope(cast):
    for title, scope, field in (("", "Algo", "title"), ("Título", "  ", "scope")):
        with pytest.raises(CycleError) as refused:
            comptroller.open_inspection(
                cast.council, title=title, scope=scope, by=cast.comptroller.user
            )
        assert refused.value.field == field
    assert not Inspection.objects.exists()


# --- findings ---------------------------------------------------------------------------------


def test_a_finding_is_due_within_the_statutes_days_with_its_evidence_hashed(cast, finding):
    assert finding.due_on == timezone.localdate() + timedelta(days=15)
    assert finding.status == FindingStatus.OPEN
    stored = list(finding.evidence.order_by("pk"))
    assert [(e.name, e.file_type) for e in stored] == [("factura.pdf", "pdf"), ("foto.png", "png")]
    import hashlib

    assert stored[0].sha256 == hashlib.sha256(PDF).hexdigest()
    entry = _last(cast, "finding.filed")
    assert [e["sha256"] for e in entry.data["evidence"]] == [e.sha256 for e in stored]
    assert entry.data["organ"] == cast.health.pk and entry.data["due_on"] == str(finding.due_on)
    assert len(_evidence_files()) == 2
    assert verify().ok


def test_the_statutes_days_decide_the_due_day(cast, inspection):
    from comuna.territory import statutes

    statutes.amend(cast.council, {"finding_answer_days": 30}, by=SETUP)
    made = comptroller.file_finding(
        inspection, title="T", text="X", organ=cast.health, by=cast.comptroller.user
    )
    assert made.due_on == timezone.localdate() + timedelta(days=30)


@pytest.mark.parametrize("persona", ["resident", "spokesperson", "electoral", "admin"])
def test_only_the_comptroller_unit_files_findings(cast, inspection, persona):
    with pytest.raises(CycleError, match="comptroller unit"):
        comptroller.file_finding(
            inspection,
            title="T",
            text="X",
            organ=cast.health,
            evidence=[pdf()],
            by=getattr(cast, persona).user,
        )
    assert not Finding.objects.exists() and not Evidence.objects.exists()
    assert _evidence_files() == []


def _refused_finding(cast, inspection, **changes):
    given = {
        "title": "Factura sin soporte",
        "text": "La factura 0042 no tiene orden de compra.",
        "organ": cast.health,
        "evidence": [pdf()],
        **changes,
    }
    before = entries(cast.council.ledger_chain).count()
    with pytest.raises(CycleError) as refused:
        comptroller.file_finding(inspection, by=cast.comptroller.user, **given)
    assert not Finding.objects.exists() and not Evidence.objects.exists()
    assert _evidence_files() == []
    assert entries(cast.council.ledger_chain).count() == before
    return refused.value


def test_a_finding_with_empty_text_is_refused(cast, inspection):
    assert _refused_finding(cast, inspection, text="   ").field == "text"
    assert _refused_finding(cast, inspection, title="").field == "title"


def test_a_finding_naming_an_organ_of_another_body_is_refused(cast, inspection):
    foreign = territory.create_organ(
        cast.other, by=SETUP, kind=OrganKind.COMMITTEE, name="Comité de Deportes"
    )
    refused = _refused_finding(cast, inspection, organ=foreign)
    assert refused.field == "organ" and "this body" in str(refused)


def test_a_finding_naming_an_organ_with_nobody_in_office_is_refused(cast, inspection):
    empty = territory.create_organ(
        cast.council, by=SETUP, kind=OrganKind.COMMITTEE, name="Comité de Vivienda"
    )
    assert "no spokesperson" in str(_refused_finding(cast, inspection, organ=empty))


def test_fake_type_evidence_is_refused_and_nothing_stored(cast, inspection):
    refused = _refused_finding(cast, inspection, evidence=[pdf("bueno.pdf"), fake_pdf("malo.pdf")])
    assert refused.field == "evidence" and "malo.pdf" in str(refused)
    assert "not a PDF" in str(refused)


def test_too_large_evidence_is_refused_and_nothing_stored(cast, inspection):
    big = pdf("grande.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n")
    refused = _refused_finding(cast, inspection, evidence=[big])
    assert refused.field == "evidence" and "largest allowed is 5" in str(refused)


def test_too_many_evidence_files_are_refused(cast, inspection):
    refused = _refused_finding(cast, inspection, evidence=[pdf(f"{n}.pdf") for n in range(11)])
    assert refused.field == "evidence"


def test_a_closed_inspection_takes_no_findings(cast, inspection):
    comptroller.close_inspection(inspection, by=cast.comptroller.user)
    assert "closed" in str(_refused_finding(cast, inspection))


# --- answers ----------------------------------------------------------------------------------


def test_a_spokesperson_of_the_organ_answers_once(cast, finding):
    comptroller.answer_finding(finding, answer="Conseguimos la orden.", by=cast.spokesperson.user)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED
    assert finding.answered_by == cast.spokesperson.user
    entry = _last(cast, "finding.answered")
    assert entry.data == {
        "finding": finding.pk,
        "organ": cast.health.pk,
        "mandate": _health_mandate(cast).pk,
        "answer": "Conseguimos la orden.",
    }
    with pytest.raises(CycleError, match="final"):
        comptroller.answer_finding(finding, answer="Otra", by=cast.spokesperson.user)
    assert verify().ok


@pytest.mark.parametrize(
    "persona",
    # another organ's spokesperson, the comptroller unit, a resident, the health committee's
    # substitute (not seated), an administrator
    ["electoral", "comptroller", "resident", "substitute", "admin"],
)
def test_nobody_outside_the_organ_answers(cast, finding, persona):
    with pytest.raises(CycleError, match="Comité de Salud"):
        comptroller.answer_finding(finding, answer="Respuesta", by=getattr(cast, persona).user)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.answer == ""
    assert _last(cast, "finding.answered") is None


def test_a_spokesperson_whose_mandate_ended_does_not_answer(cast, finding):
    Mandate.objects.filter(pk=_health_mandate(cast).pk).update(ends_on=timezone.localdate())
    user = type(cast.spokesperson.user).objects.get(pk=cast.spokesperson.user.pk)
    with pytest.raises(CycleError):
        comptroller.answer_finding(finding, answer="Respuesta", by=user)


def test_an_empty_answer_is_refused(cast, finding):
    with pytest.raises(CycleError) as refused:
        comptroller.answer_finding(finding, answer=" \n ", by=cast.spokesperson.user)
    assert refused.value.field == "answer"
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_the_comptroller_unit_closes_a_finding(cast, finding):
    with pytest.raises(CycleError, match="comptroller unit"):
        comptroller.close_finding(finding, by=cast.spokesperson.user)
    comptroller.close_finding(finding, by=cast.comptroller.user)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert _last(cast, "finding.closed").data == {"finding": finding.pk, "answered": False}
    with pytest.raises(CycleError):
        comptroller.answer_finding(finding, answer="Tarde", by=cast.spokesperson.user)


# --- recall -----------------------------------------------------------------------------------


def test_a_recall_started_on_a_finding_is_linked_and_in_the_recall_pipeline(cast, finding):
    mandate = _health_mandate(cast)
    started = comptroller.recall_on_finding(
        finding, mandate=mandate, grounds="No respondió.", by=cast.comptroller.user
    )
    finding.refresh_from_db()
    assert finding.recall == started
    assert started.origin == RecallOrigin.COMPTROLLER and started.status == RecallStatus.REPORT
    assert started.mandate == mandate
    assert started.report_due == timezone.localdate() + timedelta(days=15)
    assert _last(cast, "recall.started").data["recall"] == started.pk
    assert _last(cast, "finding.recall_started").data == {
        "finding": finding.pk,
        "recall": started.pk,
        "mandate": mandate.pk,
    }
    # the recall pipeline's own deadlines and list know it
    dues = list(recalls.recall_deadlines(cast.council))
    assert [d.url for d in dues] == [f"/b/consejo-a/recalls/{started.pk}/"]
    with pytest.raises(CycleError, match="already started"):
        comptroller.recall_on_finding(
            finding, mandate=mandate, grounds="Otra vez.", by=cast.comptroller.user
        )
    assert verify().ok


def test_a_recall_on_a_finding_is_the_comptroller_units_of_the_organs_spokesperson(cast, finding):
    own = _health_mandate(cast)
    other = Mandate.objects.get(resident=cast.electoral, kind=MandateKind.SPOKESPERSON)
    cases = [
        (cast.resident.user, own, "x", None),
        (cast.comptroller.user, other, "x", "mandate"),
        (cast.comptroller.user, own, "  ", "grounds"),
    ]
    for by, mandate, grounds, field in cases:
        with pytest.raises(CycleError) as refused:
            comptroller.recall_on_finding(finding, mandate=mandate, grounds=grounds, by=by)
        assert refused.value.field == field
    finding.refresh_from_db()
    assert finding.recall is None
    assert _last(cast, "recall.started") is None


# --- complaints -------------------------------------------------------------------------------


def test_a_named_complaint_names_its_resident_in_the_ledger(cast):
    complaint = comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="La obra está parada",
        text="Nadie trabaja desde hace un mes.",
        anonymous=False,
        by=cast.resident.user,
    )
    assert complaint.due_on == timezone.localdate() + timedelta(days=15)
    entry = _last(cast, "complaint.filed")
    assert entry.data["resident"] == cast.resident.pk
    assert entry.actor == f"user:{cast.resident.user.pk}"
    assert verify().ok


def test_an_anonymous_complaints_entry_names_nobody(cast):
    complaint = comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="Cobros indebidos",
        text="Piden dinero para inscribir en la bolsa de comida.",
        anonymous=True,
        by=cast.resident.user,
    )
    assert complaint.filed_by == cast.resident  # the comptroller unit knows
    entry = _last(cast, "complaint.filed")
    assert entry.actor == "anonymous"
    assert set(entry.data) == {
        "complaint",
        "body",
        "execution",
        "subject",
        "text",
        "anonymous",
        "due_on",
        "complainant",
    }
    identifying = {cast.resident.pk, cast.resident.user.pk, str(cast.resident.pk)}
    values = {v for k, v in entry.data.items() if k != "complaint" and not isinstance(v, bool)}
    assert not identifying & values
    text = entry.payload + entry.actor
    for word in (cast.resident.given_name, cast.resident.family_name, cast.resident.user.username):
        assert word not in text
    # the digest is keyed: nobody without the body's key tells which resident it was
    import hashlib

    for pk in (cast.resident.pk, cast.resident.user.pk):
        assert entry.data["complainant"] != hashlib.sha256(str(pk).encode()).hexdigest()
    assert verify().ok


@pytest.mark.parametrize(
    "persona, resident, message",
    [
        ("outsider", "outsider", "Only residents of Consejo A"),
        ("resident", "spokesperson", "own name"),
        ("comptroller", "resident", "own name"),
    ],
)
def test_a_complaint_is_filed_by_a_resident_of_the_body_in_their_own_name(
    cast, persona, resident, message
):
    with pytest.raises(CycleError, match=message):
        comptroller.file_complaint(
            cast.council,
            resident=getattr(cast, resident),
            subject="Asunto",
            text="Texto",
            anonymous=True,
            by=getattr(cast, persona).user,
        )
    assert not Complaint.objects.exists()


def test_a_complaint_needs_a_subject_and_a_text(cast):
    for subject, text, field in (("", "Texto", "subject"), ("Asunto", "", "text")):
        with pytest.raises(CycleError) as refused:
            comptroller.file_complaint(
                cast.council,
                resident=cast.resident,
                subject=subject,
                text=text,
                anonymous=False,
                by=cast.resident.user,
            )
        assert refused.value.field == field
    assert not Complaint.objects.exists()


def test_the_comptroller_unit_answers_a_complaint_once(cast):
    complaint = comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="Asunto",
        text="Texto",
        anonymous=True,
        by=cast.resident.user,
    )
    for persona in ("resident", "spokesperson", "admin"):
        with pytest.raises(CycleError, match="comptroller unit"):
            comptroller.answer_complaint(complaint, answer="R", by=getattr(cast, persona).user)
    with pytest.raises(CycleError) as refused:
        comptroller.answer_complaint(complaint, answer="", by=cast.comptroller.user)
    assert refused.value.field == "answer"
    comptroller.answer_complaint(complaint, answer="Lo revisamos.", by=cast.comptroller.user)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.answer == "Lo revisamos."
    assert _last(cast, "complaint.answered").data == {
        "complaint": complaint.pk,
        "answer": "Lo revisamos.",
    }
    with pytest.raises(CycleError, match="final"):
        comptroller.answer_complaint(complaint, answer="Otra", by=cast.comptroller.user)
    assert verify().ok


# --- deadlines --------------------------------------------------------------------------------


def test_open_findings_and_complaints_are_deadlines_of_the_body(cast, finding):
    from comuna.mandates import deadlines

    complaint = comptroller.file_complaint(
        cast.council,
        resident=cast.resident,
        subject="Asunto",
        text="Texto",
        anonymous=True,
        by=cast.resident.user,
    )
    urls = {f"/b/consejo-a/findings/{finding.pk}/", f"/b/consejo-a/complaints/{complaint.pk}/"}
    assert urls <= {d.url for d in deadlines.of_body(cast.council)}
    assert not urls & {d.url for d in deadlines.overdue(cast.council)}
    later = timezone.localdate() + timedelta(days=16)
    assert {d.url for d in deadlines.overdue(cast.council, later)} >= urls
    # the health committee's spokesperson sees it among their mandate's deadlines
    mine = deadlines.of_mandate(_health_mandate(cast))
    assert f"/b/consejo-a/findings/{finding.pk}/" in {d.url for d in mine}
    comptroller.answer_finding(finding, answer="Listo.", by=cast.spokesperson.user)
    assert f"/b/consejo-a/findings/{finding.pk}/" not in {
        d.url for d in deadlines.of_body(cast.council)
    }
