"""Fixtures of the federation tests: each part keeps its own in a module imported here."""

from tests.federation.parliament_fixtures import federation  # noqa: F401 - a fixture
from tests.federation.referendum_fixtures import founders  # noqa: F401 - a fixture
