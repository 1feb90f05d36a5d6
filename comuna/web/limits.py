"""Rate limits: how many requests of a kind one address, user or username may make in a window.

The rates live in one place, ``settings.RATE_LIMITS`` (each overridable from the environment,
``RATE_LIMIT_<NAME>``, e.g. ``RATE_LIMIT_CAST_IP=1200/m``), each a django-ratelimit rate
(``"10/m"``, ``"5/m"``, ``"10/h"``) keyed by what it counts:

- ``login-ip`` and ``login-username``: logging in, on top of django-axes' lockout of one
  username from one address after failed attempts;
- ``check-ip``: checking a receipt;
- ``cast-user`` and ``cast-ip``: casting (a polling station shares one address, so the
  address's rate is high);
- ``token-user``: creating personal access tokens.

django-ratelimit counts in a cache every server process shares (``CACHES["ratelimit"]``):
``CounterCache`` below, a table of the database (made by ``comuna migrate``) whose counters
are added and incremented with one statement each, atomically.

Web pages use ``@limited(...)``: past a rate they answer ``429.html`` with ``Retry-After``.
API endpoints call ``check(request, ...)``, which raises ``TooManyRequests`` (an ``HttpError``
the API turns into a JSON 429 with the header).
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.shortcuts import render
from django.utils.timezone import now as tz_now
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from ninja.errors import HttpError

from comuna.web.accounts import client_address

CACHE = "ratelimit"  # the alias of the counters' cache in settings.CACHES


# what each limit counts: the client's address, the logged-in user, the username typed
def _address(group: str, request) -> str:
    """The client's address; an IPv6 address as its /64 network, which one client holds."""
    address = client_address(request) or ""
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
        except ValueError:
            return address
    return address


KEYS: dict[str, Callable] = {
    "ip": _address,
    "user": lambda group, request: str(request.user.pk) if request.user.is_authenticated else "",
    "username": lambda group, request: request.POST.get("username", "").strip().casefold(),
}


def _rate(name: str) -> tuple[str, str]:
    """The rate of limit ``name`` and what it counts (the name's last word)."""
    try:
        rate = settings.RATE_LIMITS[name]
    except KeyError:
        raise LookupError(f"no rate limit named {name!r} in settings.RATE_LIMITS") from None
    return rate, name.rsplit("-", 1)[-1]


def exceeded(request, *names: str) -> int | None:
    """Count this request against each named limit; when one (or more) is passed, the seconds
    until its window ends (the longest, at least 1), else None.

    A request a limit does not apply to (no user, no username) is not counted by it."""
    wait = None
    for name in names:
        rate, counted = _rate(name)
        if not KEYS[counted](name, request):
            continue
        usage = get_usage(
            request, group=name, key=KEYS[counted], rate=rate, method=ALL, increment=True
        )
        if usage is not None and usage["should_limit"]:
            wait = max(wait or 1, usage["time_left"], 1)
    return wait


class TooManyRequests(HttpError):
    """An API request past a rate limit: 429, with ``Retry-After`` (comuna.api.errors)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            _("Too many requests; try again in %(seconds)s seconds.") % {"seconds": retry_after},
        )
        self.retry_after = retry_after


def check(request, *names: str) -> None:
    """For API endpoints: count the request; past a limit, raise ``TooManyRequests``."""
    wait = exceeded(request, *names)
    if wait is not None:
        raise TooManyRequests(wait)


def too_many(request, wait: int, body=None):
    """The page of a refused request: what happened, when to try again, a way back."""
    response = render(request, "429.html", {"seconds": wait, "body": body}, status=429)
    response["Retry-After"] = str(wait)
    return response


def limited(*names: str, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """Limit a page's ``methods`` requests by the named limits (see the module's docstring).

    Under ``@body_view`` it counts only the requests of users allowed the page, and the page's
    body is offered on the way back."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = exceeded(request, *names)
                if wait is not None:
                    body = args[0] if args and hasattr(args[0], "slug") else None
                    return too_many(request, wait, body)
            return view(request, *args, **kwargs)

        wrapper.rate_limits = names
        return wrapper

    return decorator


# --- the shared cache of the counters ---------------------------------------------------------


class CounterCache(DatabaseCache):
    """Django's database cache, with ``add`` and ``incr`` of whole numbers in one statement
    each, atomic under concurrent workers (Django's takes four to six and may lose counts).

    A number is kept as its decimal text, other values as Django's cache keeps them. Every
    ``CULL_EVERY``-th new counter of a process deletes the expired ones."""

    CULL_EVERY = 200
    _added = itertools.count(1)

    def _db(self):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        return connection, connection.ops.quote_name(self._table)

    def _expiry(self, timeout, connection):
        timeout = self.get_backend_timeout(timeout)
        at = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        if not settings.USE_TZ:
            at = at.replace(tzinfo=None)
        return connection.ops.adapt_datetimefield_value(at.replace(microsecond=0))

    def _now(self, connection):
        now = tz_now().replace(microsecond=0)
        if not settings.USE_TZ:
            now = now.replace(tzinfo=None)
        return connection.ops.adapt_datetimefield_value(now)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if type(value) is not int:
            return super().add(key, value, timeout, version)
        key = self.make_and_validate_key(key, version=version)
        connection, table = self._db()
        now = self._now(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                "ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, "
                f"expires = excluded.expires WHERE {table}.expires < %s",
                [key, str(value), self._expiry(timeout, connection), now],
            )
            added = cursor.rowcount == 1
            if added and next(self._added) % self.CULL_EVERY == 0:
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
        return added

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection, table = self._db()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET value = CAST(CAST(value AS BIGINT) + %s AS TEXT) "
                "WHERE cache_key = %s AND expires >= %s RETURNING value",
                [delta, key, self._now(connection)],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return int(row[0])

    def get_many(self, keys, version=None):
        """Counters read back as numbers; the rest as Django keeps them."""
        keys = list(keys)
        if not keys:
            return {}
        connection, table = self._db()
        made = {self.make_and_validate_key(k, version=version): k for k in keys}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cache_key, value FROM {table} WHERE cache_key IN "
                f"({', '.join(['%s'] * len(made))}) AND expires >= %s",
                [*made, self._now(connection)],
            )
            numbers = {made[k]: int(v) for k, v in cursor.fetchall() if v.lstrip("-").isdigit()}
        rest = [k for k in keys if k not in numbers]
        return numbers | (super().get_many(rest, version) if rest else {})
