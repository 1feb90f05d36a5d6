from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssembliesConfig(AppConfig):
    name = "comuna.assemblies"
    label = "assemblies"
    verbose_name = _("Assemblies")

    def ready(self) -> None:
        from comuna.assemblies import attendance, convening, decisions, minutes, rules
        from comuna.ledger import register_chain_check, register_check

        rules.register()
        # `comuna ledger verify` re-checks every assembly.* entry against the database; each
        # part of the capability declares its own kinds: {kind: (check, label)}.
        for part in (convening, attendance, decisions, minutes):
            for kind, (check, label) in part.LEDGER_CHECKS.items():
                register_check(kind, check, label=label)
            for name, check in getattr(part, "CHAIN_CHECKS", {}).items():
                register_chain_check(name, check)
