from decimal import Decimal

import pytest

from comuna.voting import services


@pytest.fixture
def make_poll(cast):
    """A poll of council A, opened unless ``open_it=False``; its register holds every
    council-A persona (tests.conftest.COUNCIL_A_VOTERS of them)."""

    def make(method="single", options=("Sí", "No"), open_it=True, **settings):
        opts = [
            {"label": o} if isinstance(o, str) else {"label": o[0], "cost": Decimal(o[1])}
            for o in options
        ]
        poll = services.create_poll(
            cast.council,
            title=f"Votación {method}",
            method=method,
            options=opts,
            by=cast.electoral.user,
            **settings,
        )
        if open_it:
            services.open_poll(poll, by=cast.electoral.user)
        return poll

    return make


@pytest.fixture
def budget_poll(make_poll):
    return make_poll(
        "budget",
        options=[
            ("Techo de la escuela", "600"),
            ("Cancha", "300"),
            ("Alumbrado", "250"),
            ("Ambulatorio", "450"),
        ],
        budget=Decimal("1000"),
        rule="mes-cost-complete",
    )
