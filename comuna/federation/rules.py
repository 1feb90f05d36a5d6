"""Federation permissions: each part declares its own ``(action, phase) -> roles`` table
(``referendum_rules``: founding referendums; ``parliament_rules``: parliaments, delegations,
initiatives, ratifications); dashboards are public pages with no rule."""

from __future__ import annotations


def register() -> None:
    from comuna.federation import parliament_rules, referendum_rules

    referendum_rules.register()
    parliament_rules.register()
