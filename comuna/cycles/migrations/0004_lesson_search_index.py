"""The clearing house's full-text index over ``Lesson.search_text`` (lower-cased, without
accents): an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL
(``comuna.cycles.lessons.search`` queries either)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE cycles_lesson_fts USING fts5("
    "search_text, tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER cycles_lesson_fts_insert AFTER INSERT ON cycles_lesson BEGIN "
    "INSERT INTO cycles_lesson_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cycles_lesson_fts_update AFTER UPDATE OF search_text ON cycles_lesson BEGIN "
    "DELETE FROM cycles_lesson_fts WHERE rowid = old.id; "
    "INSERT INTO cycles_lesson_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cycles_lesson_fts_delete AFTER DELETE ON cycles_lesson BEGIN "
    "DELETE FROM cycles_lesson_fts WHERE rowid = old.id; END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS cycles_lesson_fts_insert",
    "DROP TRIGGER IF EXISTS cycles_lesson_fts_update",
    "DROP TRIGGER IF EXISTS cycles_lesson_fts_delete",
    "DROP TABLE IF EXISTS cycles_lesson_fts",
]
POSTGRESQL = [
    "CREATE INDEX cycles_lesson_search ON cycles_lesson "
    "USING gin (to_tsvector('spanish'::regconfig, search_text))"
]
POSTGRESQL_UNDO = ["DROP INDEX IF EXISTS cycles_lesson_search"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cycles", "0003_execution_comptrollership_lessons")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        )
    ]
