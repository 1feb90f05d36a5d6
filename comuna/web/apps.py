from django.apps import AppConfig
from django.core.management import call_command
from django.db import connections
from django.db.models.signals import post_migrate


def _cache_tables(using, **kwargs) -> None:
    """The database caches' tables (the rate limits' counters), made by every migrate (the
    signal comes once per app with models; making a table that exists does nothing).

    On PostgreSQL the counters' table is unlogged: a count commits without waiting for the
    disk (a crash forgets the counts of the current minute, which is harmless)."""
    from django.conf import settings

    call_command("createcachetable", database=using, verbosity=0)
    connection = connections[using]
    table = settings.CACHES.get("ratelimit", {}).get("LOCATION")
    if connection.vendor != "postgresql" or not table:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
        if row and row[0] == "p":
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} SET UNLOGGED")


class WebConfig(AppConfig):
    name = "comuna.web"
    label = "web"

    def ready(self) -> None:
        post_migrate.connect(_cache_tables, dispatch_uid="comuna.web.cache_tables")
