"""Convening an assembly: the notice period, the frozen register, the agenda and its amendments
until the notice deadline, every change in the ledger (and an SQL edit caught by verify)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from comuna.assemblies import convening
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import AgendaItem, Assembly, ConvenedBy, Majority, Notice
from comuna.ledger import entries, verify
from tests.conftest import COUNCIL_A_VOTERS, make_resident

pytestmark = pytest.mark.django_db

ITEMS = [
    {"text": "Reparar la tubería", "description": "Calle 3", "majority": Majority.SIMPLE},
    {"text": "Informe de la unidad financiera", "majority": Majority.NONE},
]


def _convene(cast, starts_at=None, **kw):
    return convening.convene(
        cast.council,
        title=kw.pop("title", "Asamblea ordinaria"),
        starts_at=starts_at or timezone.now() + timedelta(days=10),
        place="Casa comunal",
        items=kw.pop("items", ITEMS),
        by=kw.pop("by", cast.comptroller.user),
        **kw,
    )


def _kinds(cast):
    return [e.kind for e in entries(cast.council.ledger_chain) if e.kind.startswith("assembly.")]


def test_convening_freezes_the_register_and_records_the_assembly(cast):
    assembly = _convene(cast, online_url="https://meet.example.org/asamblea")
    assert assembly.register_size == COUNCIL_A_VOTERS
    assert assembly.registered.count() == COUNCIL_A_VOTERS
    assert assembly.convened_by == ConvenedBy.COORDINATION
    assert [i.text for i in assembly.items.all()] == [i["text"] for i in ITEMS]
    entry = entries(cast.council.ledger_chain).get(kind="assembly.convened")
    assert entry.data["register_size"] == COUNCIL_A_VOTERS
    assert entry.data["statute_version"] == assembly.statute.number
    assert [i["text"] for i in entry.data["items"]] == [i["text"] for i in ITEMS]
    assert Notice.objects.filter(assembly=assembly, kind=Notice.Kind.CONVENED).exists()
    assert verify().ok


def test_an_assembly_convened_at_a_local_time_verifies(cast):
    """The entry records the start in UTC, as the database gives it back (a local time once
    made verify fail on the demo)."""
    local = timezone.localtime(timezone.now() + timedelta(days=10))
    assert local.utcoffset() != timedelta(0)  # America/Caracas
    assembly = _convene(cast, starts_at=local)
    entry = entries(cast.council.ledger_chain).get(kind="assembly.convened")
    assert entry.data["starts_at"] == Assembly.objects.get(pk=assembly.pk).starts_at.isoformat()
    assert verify().ok


def test_a_resident_added_to_the_census_after_convening_is_not_on_its_register(cast):
    assembly = _convene(cast)
    newcomer = make_resident(cast.council, "Recién Llegada")
    assert not assembly.registered.filter(resident=newcomer).exists()
    assert Assembly.objects.get(pk=assembly.pk).register_size == COUNCIL_A_VOTERS
    assert verify().ok


def test_convening_inside_the_notice_period_is_refused_and_nothing_is_made(cast):
    days = cast.council.current_statute().assembly_notice_days
    with pytest.raises(AssemblyError) as refused:
        _convene(cast, starts_at=timezone.now() + timedelta(days=days) - timedelta(minutes=1))
    assert "starts_at" in refused.value.message_dict
    assert "3 days' notice" in refused.value.message_dict["starts_at"][0]
    assert Assembly.objects.count() == 0 and _kinds(cast) == []


def test_the_notice_period_ends_exactly_at_its_edge(cast):
    statute = cast.council.current_statute()
    now = timezone.now()
    edge = convening.earliest_start(statute, now)
    assert edge == now + timedelta(days=statute.assembly_notice_days)
    convening._check_notice(edge, statute, now)  # exactly at the edge: enough notice
    with pytest.raises(AssemblyError):
        convening._check_notice(edge - timedelta(microseconds=1), statute, now)
    assert _convene(cast, starts_at=edge + timedelta(minutes=1)).pk


def test_an_empty_agenda_is_refused(cast):
    with pytest.raises(AssemblyError) as refused:
        _convene(cast, items=[])
    assert "items" in refused.value.message_dict
    assert Assembly.objects.count() == 0


@pytest.mark.parametrize(
    "item, field",
    [
        ({"text": "", "majority": Majority.SIMPLE}, "items"),
        ({"text": "Votar", "majority": "unanimity"}, "items"),
        ({"text": "x" * 301, "majority": Majority.SIMPLE}, "items"),
    ],
)
def test_a_bad_agenda_item_is_refused(cast, item, field):
    with pytest.raises(AssemblyError) as refused:
        _convene(cast, items=[item])
    assert field in refused.value.message_dict
    assert Assembly.objects.count() == 0


@pytest.mark.parametrize(
    "changes, field",
    [({"title": "  "}, "title"), ({"online_url": "not a link"}, "online_url")],
)
def test_bad_fields_are_refused_under_their_field(cast, changes, field):
    with pytest.raises(AssemblyError) as refused:
        _convene(cast, **changes)
    assert field in refused.value.message_dict
    assert Assembly.objects.count() == 0


def test_the_agenda_is_amended_until_the_deadline_and_each_amendment_is_recorded(cast):
    assembly = _convene(cast)
    first = assembly.items.first()
    convening.amend_agenda(
        assembly,
        add=[{"text": "Fiesta de diciembre", "majority": Majority.TWO_THIRDS}],
        withdraw=[first.pk],
        reason="La tubería ya fue reparada",
        by=cast.financial.user,
    )
    first.refresh_from_db()
    assert first.withdrawn
    assert assembly.items.filter(withdrawn=False).count() == 2
    entry = entries(cast.council.ledger_chain).get(kind="assembly.agenda_amended")
    assert entry.data["withdrawn"] == [first.pk]
    assert entry.data["added"][0]["text"] == "Fiesta de diciembre"
    assert entry.data["reason"] == "La tubería ya fue reparada"
    assert Notice.objects.filter(kind=Notice.Kind.AGENDA_AMENDED).count() == 1
    assert verify().ok


def test_amending_after_the_deadline_is_refused_naming_the_deadline(cast):
    days = cast.council.current_statute().assembly_notice_days
    assembly = _convene(cast)
    # the assembly was moved (by SQL, as time passing would) to meet in less than the notice
    soon = timezone.now() + timedelta(days=days) - timedelta(hours=1)
    Assembly.objects.filter(pk=assembly.pk).update(starts_at=soon)
    assembly.refresh_from_db()
    assert not convening.is_amendable(assembly)
    before = _kinds(cast)
    with pytest.raises(AssemblyError, match="could be amended until"):
        convening.amend_agenda(
            assembly, add=[{"text": "Otro punto"}], reason="tarde", by=cast.comptroller.user
        )
    assert _kinds(cast) == before and assembly.items.count() == len(ITEMS)


@pytest.mark.parametrize(
    "add, withdraw, reason, field",
    [
        ([], [], "nada", None),
        ([{"text": "Punto"}], [], "", "reason"),
        ([], [999999], "no existe", "withdraw"),
        ([{"text": ""}], [], "vacío", "add"),
    ],
)
def test_a_bad_amendment_is_refused_and_changes_nothing(cast, add, withdraw, reason, field):
    assembly = _convene(cast)
    before = _kinds(cast)
    with pytest.raises(AssemblyError) as refused:
        convening.amend_agenda(
            assembly, add=add, withdraw=withdraw, reason=reason, by=cast.comptroller.user
        )
    if field:
        assert field in refused.value.message_dict
    assert _kinds(cast) == before and assembly.items.count() == len(ITEMS)


def test_withdrawing_every_item_is_refused(cast):
    assembly = _convene(cast)
    with pytest.raises(AssemblyError, match="at least one item must stay"):
        convening.amend_agenda(
            assembly,
            withdraw=list(assembly.items.values_list("pk", flat=True)),
            reason="todo",
            by=cast.comptroller.user,
        )


def test_verify_catches_an_sql_edit_of_an_assemblys_title(cast):
    assembly = _convene(cast)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Assembly._meta.db_table} SET title = %s WHERE id = %s",
            ["Asamblea cambiada", assembly.pk],
        )
    report = verify()
    assert not report.ok
    assert any("title" in str(p) for p in report.problems)


def test_verify_catches_an_sql_edit_of_the_agenda(cast):
    assembly = _convene(cast)
    item = assembly.items.first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AgendaItem._meta.db_table} SET text = %s WHERE id = %s",
            ["Vender la casa comunal", item.pk],
        )
    assert not verify().ok


def test_verify_catches_an_item_slipped_into_the_agenda_and_a_withdrawal_undone(cast):
    assembly = _convene(cast)
    convening.amend_agenda(
        assembly,
        withdraw=[assembly.items.first().pk],
        reason="ya no hace falta",
        by=cast.comptroller.user,
    )
    AgendaItem.objects.filter(assembly=assembly).update(withdrawn=False)
    assert not verify().ok
    AgendaItem.objects.filter(assembly=assembly).update(withdrawn=True)
    AgendaItem.objects.filter(pk=assembly.items.last().pk).update(withdrawn=False)
    assert verify().ok
    AgendaItem.objects.create(assembly=assembly, position=9, text="Punto colado")
    report = verify()
    assert not report.ok
    assert any("no recorded agenda" in str(p) for p in report.problems)


def test_verify_catches_an_assembly_slipped_in_through_sql(cast):
    assembly = _convene(cast)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Assembly._meta.db_table} (body_id, title, description, starts_at, "
            "place, online_url, status, call, convened_by, statute_id, register_size, "
            "created_at) SELECT body_id, 'Asamblea fantasma', '', starts_at, place, '', status, "
            f"call, convened_by, statute_id, 0, created_at FROM {Assembly._meta.db_table} "
            "WHERE id = %s",
            [assembly.pk],
        )
    report = verify()
    assert not report.ok
    assert any("convened by no entry" in p.what for p in report.problems)
