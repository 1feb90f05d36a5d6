from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "comuna.voting"
    label = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        from comuna.ledger import register_check
        from comuna.voting import rules
        from comuna.voting.tally import recheck

        rules.register()

        # `comuna ledger verify` re-counts every closed poll from the ballots in the database.
        register_check("poll.closed", recheck)
