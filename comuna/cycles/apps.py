from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "comuna.cycles"
    label = "cycles"
    verbose_name = _("Communal cycle")

    def ready(self) -> None:
        from comuna.assemblies.signals import motion_decided
        from comuna.cycles import PARTS, rules
        from comuna.ledger import register_chain_check, register_check

        rules.register()
        # `comuna ledger verify` re-checks every entry of the capability against the database;
        # each part declares its own kinds: {kind: (check, label)}, and may listen to the
        # assemblies' decisions (on_decided).
        for part in PARTS():
            for kind, (check, label) in part.LEDGER_CHECKS.items():
                register_check(kind, check, label=label)
            for name, check in getattr(part, "CHAIN_CHECKS", {}).items():
                register_chain_check(name, check)
            listener = getattr(part, "on_decided", None)
            if listener is not None:
                motion_decided.connect(listener, dispatch_uid=f"{part.__name__}.on_decided")
