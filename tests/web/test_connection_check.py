"""A kept PostgreSQL connection is checked without a round trip: a live one passes without
running a statement, one the server has ended fails and is replaced."""

import select
import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@pytest.fixture
def kept():
    if connection.vendor != "postgresql":
        pytest.skip("the check is PostgreSQL's; run with DATABASE_URL=postgres://...")
    other = connections.create_connection("default")
    other.ensure_connection()
    yield other
    other.close()


def test_a_live_connection_passes_without_a_statement(kept):
    kept.force_debug_cursor = True
    with CaptureQueriesContext(kept) as statements:
        assert kept.is_usable()
    assert statements.captured_queries == []
    assert kept.connection.execute("SELECT 1").fetchone() == (1,)


def test_a_connection_the_server_ended_fails_the_check(kept):
    pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(50):  # the server's goodbye reaches the socket
        if not kept.is_usable():
            break
        time.sleep(0.05)
    assert not kept.is_usable()
    kept.health_check_done = False  # as at the start of a request
    kept.close_if_health_check_failed()
    assert kept.connection is None


def test_a_connection_with_a_message_waiting_is_asked(kept):
    """Something to read on an idle connection that is still alive (a notification here):
    Django's SELECT 1 decides, and the connection is kept."""
    kept.connection.execute("LISTEN comuna_check")  # Django's connections autocommit
    notifier = connections.create_connection("default")
    notifier.ensure_connection()
    notifier.connection.execute("NOTIFY comuna_check")
    notifier.close()
    waiting = []
    for _ in range(50):  # the notification reaches the socket
        waiting, _w, _x = select.select([kept.connection.fileno()], [], [], 0)
        if waiting:
            break
        time.sleep(0.05)
    assert waiting
    kept.force_debug_cursor = True
    assert kept.is_usable()
    assert kept.connection.execute("SELECT 1").fetchone() == (1,)
