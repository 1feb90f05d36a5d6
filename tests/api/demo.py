"""The demo federation loaded once for a whole test module (loading it takes seconds), in a
transaction rolled back when the module's tests are done.

A module that uses it imports both fixtures; its tests still run each in their own nested
transaction (``db``), so none sees another's writes. The demo's signing keys, media and witness
file live in one directory for the module, so every test of it finds the bodies' keys.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_dirs(tmp_path_factory):
    return tmp_path_factory.mktemp("demo")


def _loaded(django_db_blocker, demo_dirs):
    with (
        override_settings(
            MEDIA_ROOT=demo_dirs / "media",
            COMUNA_KEYS_DIR=demo_dirs / "keys",
            COMUNA_WITNESS_FILE=demo_dirs / "witness" / "heads.jsonl",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_dirs):
    yield from _loaded(django_db_blocker, demo_dirs)


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, demo_dirs):
    """The same, for a module whose own ``demo`` fixture builds on it."""
    yield from _loaded(django_db_blocker, demo_dirs)


@pytest.fixture(autouse=True)
def _media_in_tmp(demo_dirs, settings):
    """Overrides the suite's per-test directories with the module's (the demo's keys are
    there)."""
    settings.MEDIA_ROOT = demo_dirs / "media"
    settings.COMUNA_KEYS_DIR = demo_dirs / "keys"
    settings.COMUNA_WITNESS_FILE = demo_dirs / "witness" / "heads.jsonl"
