from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from comuna.assemblies import demo as assemblies_demo
from comuna.cycles import demo as cycles_demo
from comuna.federation import demo_budget as commune_budget_demo
from comuna.federation import demo_parliament as parliament_demo
from comuna.federation import demo_referendum
from comuna.mandates import demo as mandates_demo
from comuna.territory import demo
from comuna.voting import demo as voting_demo


class Command(BaseCommand):
    help = "Load the demo federation (a communal city, 2 communes with parliaments, 8 councils, polls, assemblies, elections, a recall, communal cycles, a commune-wide budget) and print logins."

    def handle(self, *args, **options):
        if demo.is_loaded():
            self.stdout.write(_("The demo federation is already loaded."))
        else:
            demo.load()
            voting_demo.load()
            assemblies_demo.load()
            mandates_demo.load()
            cycles_demo.load()
            demo_referendum.load()
            parliament_demo.load()
            commune_budget_demo.load()
            self.stdout.write(self.style.SUCCESS(_("Demo federation loaded.")))
        self.stdout.write(_("Demo logins (password: %(pw)s):") % {"pw": demo.PASSWORD})
        for login in demo.LOGINS:
            self.stdout.write(f"  {login.username:<14} {login.role} · {login.body}")
