"""Needs: reported, supported once, withdrawn by their reporter, during the diagnosis only; the
census's figures beside them; the ledger catches a need or a support edited in SQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from comuna.cycles import needs
from comuna.cycles.errors import CycleError
from comuna.cycles.models import CyclePhase, Need, NeedSupport
from comuna.ledger import entries, verify
from comuna.territory.models import Household, Resident
from tests.conftest import make_household, make_resident
from tests.cycles.factories import cycle_in


def _report(cycle, resident, **changes):
    data = dict(
        category="water",
        title="Falta agua en la calle 3",
        description="El agua llega dos días por semana.",
        place="Calle 3",
    )
    data.update(changes)
    return needs.report(cycle, resident=resident, by=resident.user, **data)


def test_a_resident_reports_a_need_with_its_point(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident, latitude="10.5", longitude="-66.91")
    assert need.latitude == Decimal("10.500000")
    entry = entries(cast.council.ledger_chain).get(kind="need.reported")
    assert entry.data["need"] == need.pk and entry.data["resident"] == cast.resident.pk
    assert entry.data["latitude"] == "10.500000"
    assert verify().ok


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"category": "nada"}, "category"),
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": ""}, "description"),
        ({"place": "x" * 201}, "place"),
        ({"latitude": "10.5"}, "longitude"),
        ({"longitude": "10.5"}, "latitude"),
        ({"latitude": "91", "longitude": "0"}, "latitude"),
        ({"latitude": "0", "longitude": "-181"}, "longitude"),
        ({"latitude": "abc", "longitude": "0"}, "latitude"),
        ({"photo": SimpleUploadedFile("x.png", b"not a picture")}, "photo"),
    ],
)
def test_a_bad_report_is_refused_naming_its_field_and_saves_nothing(cast, changes, field):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    with pytest.raises(CycleError) as refused:
        _report(cycle, cast.resident, **changes)
    assert refused.value.field == field
    assert not Need.objects.exists()
    assert not entries(cast.council.ledger_chain).filter(kind="need.reported").exists()


def test_a_photo_is_kept_when_it_is_a_picture(cast):
    from tests.voting.images import png

    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident, photo=png())
    assert need.photo.name.startswith("needs/") and need.photo.name.endswith(".png")


def test_needs_are_reported_during_the_diagnosis_only(cast):
    cycle = cycle_in(cast, CyclePhase.PRIORITISATION)
    with pytest.raises(CycleError, match="diagnosis"):
        _report(cycle, cast.resident)


def test_a_resident_reports_in_their_own_name_only_and_in_their_own_body(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    with pytest.raises(CycleError, match="own name"):
        needs.report(
            cycle,
            resident=cast.resident,
            by=cast.spokesperson.user,
            category="water",
            title="Agua",
            description="Falta",
        )
    with pytest.raises(CycleError, match="Only residents of"):
        _report(cycle, cast.outsider)


def test_a_need_is_supported_once_per_resident(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident)
    needs.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    with pytest.raises(CycleError, match="counts once"):
        needs.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    assert need.supports.count() == 1
    assert entries(cast.council.ledger_chain).filter(kind="need.supported").count() == 1
    assert verify().ok


def test_a_withdrawn_need_takes_no_support(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident)
    needs.withdraw(need, by=cast.resident.user)
    with pytest.raises(CycleError, match="withdrawn"):
        needs.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    with pytest.raises(CycleError, match="already withdrawn"):
        needs.withdraw(need, by=cast.resident.user)
    assert not NeedSupport.objects.exists()
    assert verify().ok


def test_only_its_reporter_withdraws_a_need(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident)
    with pytest.raises(CycleError, match="Only the resident who reported"):
        needs.withdraw(need, by=cast.admin.user)
    need.refresh_from_db()
    assert not need.withdrawn
    assert not entries(cast.council.ledger_chain).filter(kind="need.withdrawn").exists()


def test_supports_and_withdrawals_wait_for_the_diagnosis(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident)
    later = timezone.localdate() - timedelta(days=1)
    type(cycle).objects.filter(pk=cycle.pk).update(
        starts_on=later - timedelta(days=1), diagnosis_until=later
    )
    with pytest.raises(CycleError, match="diagnosis"):
        needs.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    with pytest.raises(CycleError, match="diagnosis"):
        needs.withdraw(need, by=cast.resident.user)


def test_the_census_figures_count_households_and_residents_without_names(cast):
    on = date(2026, 6, 1)
    before = needs.census_figures(cast.council, on=on)
    household = make_household(cast.council, code="SIN-AGUA")
    Household.objects.filter(pk=household.pk).update(has_running_water=False, has_gas=False)
    child = make_resident(
        cast.council, "Niña", household=household, born=date(2012, 6, 1), since=date(2012, 6, 1)
    )
    Resident.objects.filter(pk=child.pk).update(has_disability=True)
    make_resident(cast.council, "Abuelo", household=household, born=date(1966, 6, 1))  # 60
    after = needs.census_figures(cast.council, on=on)
    h0, h1 = before["households"], after["households"]
    assert h1["total"] == h0["total"] + 1
    assert h1["without_water"] == h0["without_water"] + 1
    assert h1["without_gas"] == h0["without_gas"] + 1
    assert h1["without_electricity"] == h0["without_electricity"]
    r0, r1 = before["residents"], after["residents"]
    assert r1["total"] == r0["total"] + 2
    assert r1["with_disability"] == r0["with_disability"] + 1
    assert r1["ages"]["0_14"] == r0["ages"]["0_14"] + 1
    assert r1["ages"]["60_plus"] == r0["ages"]["60_plus"] + 1
    assert sum(r1["ages"].values()) == r1["total"]
    # the commune's figures hold its councils'
    assert needs.census_figures(cast.commune, on=on)["residents"]["total"] >= r1["total"]


def test_ledger_verify_catches_a_need_edited_in_sql(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident)
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Need._meta.db_table} SET title = %s WHERE id = %s", ["Otra cosa", need.pk]
        )
    report = verify()
    assert any(p.kind == "need.reported" and "title" in p.what for p in report.problems), (
        report.problems
    )


def test_ledger_verify_catches_a_support_edited_or_slipped_in_with_sql(cast):
    cycle = cycle_in(cast, CyclePhase.DIAGNOSIS)
    need = _report(cycle, cast.resident)
    made = needs.support(need, resident=cast.spokesperson, by=cast.spokesperson.user)
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {NeedSupport._meta.db_table} SET resident_id = %s WHERE id = %s",
            [cast.admin.pk, made.pk],
        )
    report = verify()
    assert any(p.kind == "need.supported" and "resident" in p.what for p in report.problems), (
        report.problems
    )
    NeedSupport.objects.filter(pk=made.pk).update(resident=cast.spokesperson)
    assert verify().ok
    NeedSupport.objects.create(need=need, resident=cast.electoral)
    report = verify()
    assert not report.ok and any("supports" in p.what for p in report.problems), report.problems
