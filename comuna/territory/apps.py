from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "comuna.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from comuna.ledger import register_chain_check, register_check
        from comuna.ledger.labels import register_chain_labels
        from comuna.territory import invitations, records, rules, statutes
        from comuna.territory.ledger_labels import BodyChains

        # `comuna ledger verify` re-derives every territory entry from the database.
        register_check("body.created", records.check_body_created, label=_("Body created"))
        register_check(
            "statute.version", statutes.recheck_version, label=_("Statute version adopted")
        )
        for kind, label in records.ROW_KINDS.items():
            register_check(kind, records.check_rows_entry, label=label)
        register_check(
            "census.invited", invitations.check_invitation_entry, label=_("Census: invitation")
        )
        register_check(
            "census.invitation_revoked",
            invitations.check_invitation_entry,
            label=_("Census: invitation revoked"),
        )
        register_chain_check("territory.body", records.check_body_has_its_chain)
        register_chain_check("territory.rows", records.check_rows_match_database)
        register_chain_check("territory.statutes", statutes.check_versions_match_database)
        # `comuna ledger` names a body's chain by the body's short name.
        register_chain_labels(BodyChains())
        # who may do what in a body; capabilities register their own tables the same way
        rules.register()
