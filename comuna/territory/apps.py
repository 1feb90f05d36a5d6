from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "comuna.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from comuna.territory import rules

        # who may do what in a body; capabilities register their own tables the same way
        rules.register()
