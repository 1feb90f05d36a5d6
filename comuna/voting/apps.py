from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "comuna.voting"
    label = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from comuna.ledger import register_chain_check, register_check
        from comuna.voting import checks, mixer, rules

        rules.register()
        connection_created.connect(mixer.secure_delete, dispatch_uid="comuna-secure-delete")

        # `comuna ledger verify` re-derives every poll entry from the database and re-counts
        # every closed poll from its ballots.
        register_check("poll.created", checks.check_created, label=_("Poll convened"))
        register_check("poll.updated", checks.check_created, label=_("Draft poll edited"))
        register_check("poll.deleted", checks.check_deleted, label=_("Draft poll deleted"))
        register_check("poll.opened", checks.check_opened, label=_("Poll opened"))
        register_check("paper.entered", checks.check_paper, label=_("Paper votes entered"))
        register_check("paper.corrected", checks.check_paper, label=_("Paper votes corrected"))
        register_check("paper.sheet", checks.check_sheet, label=_("Tally sheet entered"))
        register_check("poll.closed", checks.check_closed, label=_("Poll closed and counted"))
        register_chain_check("voting.closed_polls", checks.check_closed_polls_recorded)
