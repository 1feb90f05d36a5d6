"""The login backend: Django's, with the logged-in user read by one plain statement.

Every request of a logged-in person reads their user; the ORM spends about 0.4 ms of CPU
building that one SELECT. Authentication, permissions and the checks on the user read are
Django's own.
"""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model

from comuna import rows

# Sessions written before this backend existed name Django's; they stay valid (sessions.py).
DJANGO_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "comuna.web.backends.ModelBackend"


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        # Django passes the session's id already converted by the primary key field
        user = rows.get(get_user_model(), user_id) if isinstance(user_id, int) else None
        return user if user is not None and self.user_can_authenticate(user) else None
