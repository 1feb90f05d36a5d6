from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "comuna.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from comuna.assemblies.signals import motion_decided
        from comuna.federation import PARTS, rules
        from comuna.ledger import register_chain_check, register_check
        from comuna.mandates import deadlines

        rules.register()
        # `comuna ledger verify` re-checks every entry of the capability against the database;
        # each part declares its own kinds: {kind: (check, label)}, may listen to the
        # assemblies' decisions (on_decided) and declare deadlines (DEADLINES).
        for part in PARTS():
            for kind, (check, label) in part.LEDGER_CHECKS.items():
                register_check(kind, check, label=label)
            for name, check in getattr(part, "CHAIN_CHECKS", {}).items():
                register_chain_check(name, check)
            listener = getattr(part, "on_decided", None)
            if listener is not None:
                motion_decided.connect(listener, dispatch_uid=f"{part.__name__}.on_decided")
            for source in getattr(part, "DEADLINES", ()):
                deadlines.register(source)
