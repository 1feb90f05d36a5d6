from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _cache_tables(using, **kwargs) -> None:
    """The database caches' tables (the rate limits' counters), made by every migrate (the
    signal comes once per app with models; making a table that exists does nothing)."""
    call_command("createcachetable", database=using, verbosity=0)


class WebConfig(AppConfig):
    name = "comuna.web"
    label = "web"

    def ready(self) -> None:
        post_migrate.connect(_cache_tables, dispatch_uid="comuna.web.cache_tables")
