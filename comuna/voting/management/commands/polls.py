"""``comuna polls tick``: open and close the polls whose scheduled time has come, and mix the
ballot boxes holding at least ``MIX_BATCH`` ballots (docs/security.md).

``comuna serve`` runs the same tick every minute; this command is for a host that serves
Comuna otherwise (a cron line ``* * * * * comuna polls tick``). Exit status 0, or 1 when a
poll due could not be opened or closed (it is named, with the reason).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comuna.voting.services import run_schedule


class Command(BaseCommand):
    help = "Open and close the polls whose scheduled time has come; mix full ballot boxes."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{tick}")
        actions.add_parser("tick", help="open and close the polls whose time has come")

    def handle(self, *args, action: str, **options):
        tick = run_schedule()
        for poll in tick.opened:
            self.stdout.write(_("opened poll %(pk)s: %(title)s") % {"pk": poll.pk, "title": poll})
        for poll in tick.closed:
            self.stdout.write(_("closed poll %(pk)s: %(title)s") % {"pk": poll.pk, "title": poll})
        for poll, n in tick.mixed:
            self.stdout.write(
                ngettext(
                    "mixed %(n)s ballot of poll %(pk)s: %(title)s",
                    "mixed %(n)s ballots of poll %(pk)s: %(title)s",
                    n,
                )
                % {"n": n, "pk": poll.pk, "title": poll}
            )
        for poll, reason in tick.refused:
            self.stderr.write(
                _("poll %(pk)s (%(title)s) was left as it is: %(reason)s")
                % {"pk": poll.pk, "title": poll, "reason": reason}
            )
        if tick.refused:
            raise CommandError(_("Some polls due could not be opened or closed."), returncode=1)
