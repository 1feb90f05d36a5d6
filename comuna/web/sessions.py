"""Django's database sessions, read with one plain statement.

Every page a logged-in person opens reads their session first; the ORM spends about half a
millisecond of CPU building that one SELECT, ten times what running it costs. Reading, saving,
expiry and deletion are Django's own; only the read is written out. A session naming
Django's login backend is read as naming Comuna's (``comuna.web.backends``), its subclass.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from comuna.web.backends import BACKEND, DJANGO_BACKEND


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does for a missing or expired session
            return {}
        data = self.decode(row[0])
        if data.get(BACKEND_SESSION_KEY) == DJANGO_BACKEND:
            # logged in before Comuna's backend (Django's, reading the user faster) existed
            data[BACKEND_SESSION_KEY] = BACKEND
        return data
