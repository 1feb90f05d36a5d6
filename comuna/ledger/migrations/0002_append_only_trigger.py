"""On PostgreSQL, refuse UPDATE and DELETE of ledger entries from any client.

No TRUNCATE trigger: Django's test flush truncates tables on PostgreSQL. SQLite gets no
trigger (its flush deletes rows); there the ORM's refusal is the guard.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION ledger_entry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: % of entry % of chain % refused',
        TG_OP, OLD.seq, OLD.chain
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_entry_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_entries_and_heads")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
