from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "comuna.mandates"
    label = "mandates"
    verbose_name = _("Mandates")

    def ready(self) -> None:
        from comuna.ledger import register_chain_check, register_check
        from comuna.mandates import PARTS, rules

        rules.register()
        # `comuna ledger verify` re-checks every entry of the capability against the database;
        # each part declares its own kinds: {kind: (check, label)}, and may listen to the
        # assemblies' decisions (ON_DECIDED) and declare deadlines (DEADLINES).
        from comuna.assemblies.signals import motion_decided
        from comuna.mandates import deadlines

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
