"""Django's PostgreSQL backend, checking a kept connection without asking the server.

With ``CONN_HEALTH_CHECKS`` Django checks a connection kept from an earlier request before
using it again, by running ``SELECT 1``: a round trip and a statement on every request. An idle
connection the server has ended (a restart, ``pg_terminate_backend``, an idle timeout) has
the server's goodbye or the end of the stream waiting on its socket; an idle connection in use
has nothing to read. So the socket is looked at first, and only when something is waiting does
Django's ``SELECT 1`` decide. A server that vanished without closing the connection (a host
powered off) is found out no later than before, by the first statement of the request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        try:
            waiting, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()
