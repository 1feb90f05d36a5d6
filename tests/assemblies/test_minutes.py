"""Minutes: drafted, corrected by attendees within the statute's days, approved by an assembly
in session with quorum, sealed with the SHA-256 of their HTML download in the ledger, and never
changed after; `ledger verify` catches an SQL edit of sealed minutes."""

import hashlib
import re
import zlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comuna.assemblies import minutes as service
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    AgendaItem,
    CorrectionStatus,
    Minutes,
    MinutesStatus,
    Motion,
    Outcome,
    Status,
)
from comuna.ledger import entries, verify
from tests.assemblies.factories import assembly_in
from tests.assemblies.pages_minutes import TEXT, drafted, open_for_corrections, present, sealed

pytestmark = pytest.mark.django_db


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _last(cast, kind):
    return entries(cast.council.ledger_chain).filter(kind=kind).last()


def test_hashing_the_html_download_gives_the_ledgers_and_the_models_sha256(cast):
    minutes = sealed(cast)
    download = service.html_download(minutes).encode("utf-8")
    entry = _last(cast, "assembly.minutes_sealed")
    assert _sha(download) == minutes.sha256 == entry.data["sha256"]
    assert entry.data["approved_in"] == minutes.assembly_id
    assert entry.data["motion"] == minutes.approved_by_motion_id
    assert verify().ok


def test_the_sealed_document_holds_the_agenda_attendance_decisions_and_text(cast):
    minutes = sealed(cast)
    html = minutes.sealed_html
    assert TEXT in html and "Pintar la casa comunal" in html and "Punto 1" in html
    assert "DRAFT" not in html and 'id="draft"' not in html
    assert ">8<" in html.replace(" ", "")  # those present (the register of council A)
    assert "Aprobación del acta" in html  # the approval item, in the body's language


def test_rendering_is_deterministic(cast):
    minutes = sealed(cast)
    again = service.render_html(Minutes.objects.get(pk=minutes.pk), sealed=True)
    assert again == minutes.sealed_html


def test_a_draft_download_is_rendered_live_and_marked_draft(cast):
    assembly = assembly_in(cast, Status.ENDED)
    minutes = drafted(cast, assembly)
    html = service.html_download(minutes)
    assert 'id="draft"' in html and TEXT in html
    assert minutes.sha256 == "" and minutes.sealed_html == ""


def _pdf_text(pdf: bytes) -> str:
    """The text of a WeasyPrint PDF, decoded through its fonts' ToUnicode maps (without a PDF
    library: every stream inflated, each text run tried with each map)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = match.group(1)
        try:  # a decompressor object ignores the end-of-line after the data
            streams.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            streams.append(raw)
    maps = []
    for stream in streams:
        if b"beginbfchar" not in stream and b"beginbfrange" not in stream:
            continue
        table = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for lo, hi, dst in re.findall(
                rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
            ):
                start = int(dst, 16)
                for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[code] = chr(start + i)
        maps.append(table)
    runs = []
    for stream in streams:
        for array in re.findall(rb"\[(.*?)\]\s*TJ", stream, re.S):
            codes = [int(h, 16) for h in re.findall(rb"<([0-9a-fA-F]{4})>", array)]
            for table in maps:
                if all(c in table for c in codes):
                    runs.append("".join(table[c] for c in codes))
    return "\n".join(runs)


def test_the_pdf_carries_the_hash_in_its_footer(cast):
    minutes = sealed(cast)
    pdf = service.pdf_download(minutes)
    assert pdf.startswith(b"%PDF")
    assert minutes.sha256 in _pdf_text(pdf)


def test_a_draft_pdf_says_draft_in_its_footer(cast):
    minutes = drafted(cast, assembly_in(cast, Status.ENDED))
    text = _pdf_text(service.pdf_download(minutes))
    assert "DRAFT" in text


# --- drafting --------------------------------------------------------------------------------


def test_minutes_are_drafted_only_once_the_session_has_opened(cast):
    with pytest.raises(AssemblyError, match="once the session has opened"):
        drafted(cast, assembly_in(cast, Status.CONVENED))
    assert not Minutes.objects.exists()


def test_an_empty_text_is_refused_under_its_field(cast):
    with pytest.raises(AssemblyError) as refused:
        service.draft(assembly_in(cast, Status.ENDED), text="   ", by=cast.electoral.user)
    assert "text" in refused.value.message_dict
    assert not Minutes.objects.exists()


def test_a_draft_is_editable_and_each_edit_is_in_the_ledger(cast):
    assembly = assembly_in(cast, Status.IN_SESSION)
    drafted(cast, assembly)
    minutes = drafted(cast, assembly, "Otro texto")
    assert Minutes.objects.get(pk=minutes.pk).text == "Otro texto"
    kinds = entries(cast.council.ledger_chain).filter(kind="assembly.minutes_drafted")
    assert kinds.count() == 2
    assert kinds.last().data["text_sha256"] == service.digest("Otro texto")
    assert verify().ok


# --- corrections -----------------------------------------------------------------------------


def test_opening_corrections_sets_the_statutes_deadline(cast):
    assembly = assembly_in(cast, Status.ENDED)
    before = timezone.now()
    minutes = open_for_corrections(cast, assembly)
    days = assembly.statute.minutes_correction_days
    assert minutes.status == MinutesStatus.CORRECTIONS
    assert before + timedelta(days=days) <= minutes.corrections_until
    assert minutes.corrections_until <= timezone.now() + timedelta(days=days)
    assert assembly.notices.filter(kind="minutes_open").exists()
    assert verify().ok


def test_an_attendee_proposes_a_correction(cast):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    minutes = open_for_corrections(cast, assembly)
    correction = service.propose_correction(minutes, text="Eran 9.", by=cast.resident.user)
    assert correction.proposed_by == cast.resident
    assert correction.status == CorrectionStatus.PROPOSED
    assert verify().ok


def test_only_attendees_may_propose_corrections(cast):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly, 1)
    minutes = open_for_corrections(cast, assembly)
    absent = cast.substitute.user
    with pytest.raises(AssemblyError, match="Only those who attended"):
        service.propose_correction(minutes, text="Eran 9.", by=absent)
    assert not minutes.corrections.exists()


def test_corrections_are_refused_after_the_deadline(cast):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    minutes = open_for_corrections(cast, assembly)
    Minutes.objects.filter(pk=minutes.pk).update(
        corrections_until=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(AssemblyError, match="The time for corrections ended"):
        service.propose_correction(minutes, text="Eran 9.", by=cast.resident.user)
    assert not minutes.corrections.exists()


def test_corrections_are_refused_before_the_minutes_are_opened_to_them(cast):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    with pytest.raises(AssemblyError, match="not open for corrections"):
        service.propose_correction(drafted(cast, assembly), text="Eran 9.", by=cast.resident.user)


def test_the_secretariat_accepts_a_correction_by_editing_the_text(cast):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    minutes = open_for_corrections(cast, assembly)
    correction = service.propose_correction(minutes, text="Eran 9.", by=cast.resident.user)
    service.decide_correction(
        correction, accept=True, text=TEXT + " Estuvieron 9.", by=cast.comptroller.user
    )
    minutes.refresh_from_db()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED
    assert minutes.text.endswith("Estuvieron 9.")
    assert verify().ok


def test_a_rejection_needs_a_reason_and_a_decided_correction_stays_decided(cast):
    assembly = assembly_in(cast, Status.ENDED)
    present(assembly)
    minutes = open_for_corrections(cast, assembly)
    correction = service.propose_correction(minutes, text="Eran 9.", by=cast.resident.user)
    with pytest.raises(AssemblyError) as refused:
        service.decide_correction(correction, accept=False, by=cast.electoral.user)
    assert "reason" in refused.value.message_dict
    service.decide_correction(correction, accept=False, reason="Eran 8.", by=cast.electoral.user)
    with pytest.raises(AssemblyError, match="already decided"):
        service.decide_correction(correction, accept=True, text="x", by=cast.electoral.user)
    correction.refresh_from_db()
    assert (correction.status, correction.reason) == (CorrectionStatus.REJECTED, "Eran 8.")


# --- approval --------------------------------------------------------------------------------


def _approve(cast, minutes, in_assembly, votes=(7, 0, 1)):
    return service.approve(
        minutes,
        in_assembly=in_assembly,
        votes_for=votes[0],
        votes_against=votes[1],
        abstentions=votes[2],
        by=cast.electoral.user,
    )


def _world():
    return (
        sorted(Minutes.objects.values_list("pk", "status", "text", "sha256")),
        AgendaItem.objects.count(),
        Motion.objects.count(),
        entries_count(),
    )


def entries_count():
    from comuna.ledger.models import Entry

    return Entry.objects.count()


def test_the_next_assembly_approves_the_minutes_of_the_last(cast):
    earlier = assembly_in(
        cast, Status.ENDED, starts_at=timezone.now() - timedelta(days=30, hours=1)
    )
    minutes = drafted(cast, earlier)
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    assert list(service.awaiting_approval(session)) == [minutes]
    minutes = _approve(cast, minutes, session)
    assert minutes.status == MinutesStatus.SEALED
    assert minutes.approved_in == session
    item = minutes.approved_by_motion.item
    assert item.assembly == session and item.text.startswith("Aprobación del acta")
    assert minutes.approved_by_motion.outcome == Outcome.CARRIED
    assert verify().ok


def test_approval_without_quorum_is_refused_and_nothing_changes(cast):
    assembly = assembly_in(cast, Status.IN_SESSION)
    present(assembly, 1)  # 30% of 8 needs 3
    minutes = drafted(cast, assembly)
    before = _world()
    with pytest.raises(AssemblyError, match="without quorum"):
        _approve(cast, minutes, assembly, votes=(1, 0, 0))
    assert _world() == before


def test_a_rejected_approval_leaves_the_minutes_open(cast):
    assembly = assembly_in(cast, Status.IN_SESSION)
    present(assembly)
    minutes = _approve(cast, drafted(cast, assembly), assembly, votes=(2, 5, 1))
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.sha256 == ""
    assert Motion.objects.get(item__assembly=assembly).outcome == Outcome.REJECTED
    drafted(cast, assembly, "Corregido tras el rechazo")  # still editable
    assert verify().ok


def test_approval_is_refused_while_corrections_may_still_come(cast):
    earlier = assembly_in(
        cast, Status.ENDED, starts_at=timezone.now() - timedelta(days=30, hours=1)
    )
    minutes = open_for_corrections(cast, earlier)
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    with pytest.raises(AssemblyError, match="may propose corrections until"):
        _approve(cast, minutes, session)


def test_approval_is_refused_with_corrections_undecided(cast):
    earlier = assembly_in(
        cast, Status.ENDED, starts_at=timezone.now() - timedelta(days=30, hours=1)
    )
    present(earlier)
    minutes = open_for_corrections(cast, earlier)
    service.propose_correction(minutes, text="Eran 9.", by=cast.resident.user)
    Minutes.objects.filter(pk=minutes.pk).update(
        corrections_until=timezone.now() - timedelta(minutes=1)
    )
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    with pytest.raises(AssemblyError, match="Decide the proposed corrections first"):
        _approve(cast, minutes, session)


def test_approval_is_a_decision_of_an_assembly_in_session_of_the_same_body(cast):
    ended = assembly_in(cast, Status.ENDED)
    minutes = drafted(cast, ended)
    with pytest.raises(AssemblyError, match="in session"):
        _approve(cast, minutes, ended)
    other = assembly_in(cast, Status.IN_SESSION, body=cast.other)
    with pytest.raises(AssemblyError, match="same body"):
        _approve(cast, minutes, other)


def test_a_later_assembly_cannot_be_approved_by_an_earlier_one(cast):
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    later = assembly_in(cast, Status.ENDED, starts_at=session.starts_at + timedelta(days=1))
    with pytest.raises(AssemblyError, match="session itself or by a later assembly"):
        _approve(cast, drafted(cast, later), session)


# --- sealed minutes never change -------------------------------------------------------------


def test_every_service_refuses_sealed_minutes(cast):
    minutes = sealed(cast)
    session = assembly_in(cast, Status.IN_SESSION)
    present(session)
    before = _world()
    attempts = [
        lambda: service.draft(minutes.assembly, text="Otro", by=cast.electoral.user),
        lambda: service.open_corrections(minutes, by=cast.electoral.user),
        lambda: service.propose_correction(minutes, text="Eran 9.", by=cast.resident.user),
        lambda: _approve(cast, minutes, session),
    ]
    for attempt in attempts:
        with pytest.raises(AssemblyError, match="These minutes are sealed"):
            attempt()
    assert _world() == before


def test_a_correction_of_sealed_minutes_cannot_be_decided(cast):
    from comuna.assemblies.models import Correction

    minutes = sealed(cast)
    correction = Correction.objects.create(minutes=minutes, proposed_by=cast.resident, text="x")
    with pytest.raises(AssemblyError, match="These minutes are sealed"):
        service.decide_correction(correction, accept=False, reason="no", by=cast.electoral.user)


@pytest.mark.parametrize("column", ["sealed_html", "text", "sha256"])
def test_verify_catches_an_sql_edit_of_sealed_minutes(cast, column):
    minutes = sealed(cast)
    assert verify().ok
    value = {"sealed_html": minutes.sealed_html.replace("6", "9"), "text": "Otro acta"}.get(
        column, "0" * 64
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Minutes._meta.db_table} SET {column} = %s WHERE id = %s",
            [value, minutes.pk],
        )
    report = verify()
    assert not report.ok
    assert any("minutes" in str(p) for p in report.problems)


def test_verify_catches_an_sql_edit_of_a_drafts_text(cast):
    minutes = drafted(cast, assembly_in(cast, Status.ENDED))
    Minutes.objects.filter(pk=minutes.pk).update(text="Lo que nadie dijo")
    assert not verify().ok
