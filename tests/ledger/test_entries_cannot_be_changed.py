import pytest
from django.db import DatabaseError, connection, transaction

from comuna.ledger import AppendOnlyError
from comuna.ledger.models import Entry

from .conftest import FIVE, record_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return record_many("body:1", FIVE)[1]


def test_saving_an_existing_entry_is_refused(entry):
    entry.payload = '{"poll":7,"total":4}'
    with pytest.raises(AppendOnlyError, match="append-only"):
        entry.save()
    assert Entry.objects.get(pk=entry.pk).payload == '{"poll":7,"total":3}'


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert Entry.objects.count() == 5


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.update(payload="{}"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["payload"]),
        lambda qs: qs.update_or_create(chain="body:1", seq=2, defaults={"payload": "{}"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_queryset_changes_are_refused(entry, change):
    with pytest.raises(AppendOnlyError):
        change(Entry.objects.filter(chain="body:1"))
    assert Entry.objects.count() == 5


def test_writing_entries_other_than_through_record_is_refused(entry):
    forged = Entry(chain="body:1", seq=6, kind="k", payload="{}", prev_hash="0" * 64, hash="0")
    with pytest.raises(AppendOnlyError, match=r"record\(\) is the only writer"):
        Entry.objects.bulk_create([forged])
    with pytest.raises(AppendOnlyError, match=r"outside comuna.ledger.record\(\)"):
        forged.save()
    assert Entry.objects.count() == 5


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("sql", "operation"),
    [
        ("UPDATE ledger_entry SET payload = '{}' WHERE seq = 2", "UPDATE"),
        ("DELETE FROM ledger_entry WHERE seq = 2", "DELETE"),
    ],
)
def test_the_database_refuses_raw_sql_changes(entry, sql, operation):
    with pytest.raises(
        DatabaseError, match=rf"append-only: {operation} of entry 2 of chain body:1"
    ):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Entry.objects.get(pk=entry.pk).payload == '{"poll":7,"total":3}'
