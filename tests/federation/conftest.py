"""Fixtures of the federation tests: each part keeps its own in a module imported here."""
