import pytest

from comuna.voting import services
from tests.conftest import SETUP


@pytest.fixture
def poll(cast):
    """An open single-choice poll of council A."""
    poll = services.create_poll(
        cast.council,
        title="¿Pintamos la casa comunal?",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=SETUP,
    )
    services.open_poll(poll, by=SETUP)
    return poll
