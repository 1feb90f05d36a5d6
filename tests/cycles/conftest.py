"""Fixtures shared by the cycle's tests."""

from tests.cycles.execution_fixtures import funded  # noqa: F401 - a fixture
