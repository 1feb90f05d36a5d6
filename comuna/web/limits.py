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
``CounterCache`` below, a table of the database (made by ``comuna migrate``). A request's
counters are added to with one statement for them all (a cast: the voter's and the address's),
atomically; any other Django cache counts the way django-ratelimit does (add, then incr).

Web pages use ``@limited(...)``: past a rate they answer ``429.html`` with ``Retry-After``.
API endpoints call ``check(request, ...)``, which raises ``TooManyRequests`` (an ``HttpError``
the API turns into a JSON 429 with the header).
"""

from __future__ import annotations

import ipaddress
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.shortcuts import render
from django.utils.timezone import now as tz_now
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit import core as ratelimit
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


def _user(group: str, request) -> str:
    """The logged-in user: the API's caller (a personal access token's user) or the session's."""
    user = getattr(request, "auth", None)
    if not getattr(user, "is_authenticated", False):
        user = request.user
    return str(user.pk) if user.is_authenticated else ""


KEYS: dict[str, Callable] = {
    "ip": _address,
    "user": _user,
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

    django-ratelimit's own keys and windows (each key's window ends at its own second of the
    period), counted with one statement for all the limits when the cache can
    (``CounterCache.hit_many``). A request a limit does not apply to (no user, no username) is
    not counted by it."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    counters = []
    for name in dict.fromkeys(names):
        rate, counted = _rate(name)
        value = KEYS[counted](name, request)
        if not value:
            continue
        limit, period = ratelimit._split_rate(rate)
        window = ratelimit._get_window(value, period)
        key = ratelimit._make_cache_key(name, window, rate, value, ALL)
        counters.append((key, limit, window, period + ratelimit.EXPIRATION_FUDGE))
    if not counters:
        return None
    counts = _hits(caches[settings.RATELIMIT_USE_CACHE], [(k, t) for k, _l, _w, t in counters])
    now = int(time.time())
    waits = [
        max(window - now, 1)
        for key, limit, window, _t in counters
        if counts.get(key) is None or counts[key] > limit  # a failed count refuses
    ]
    return max(waits) if waits else None


def _hits(cache, counters: list[tuple[str, int]]) -> dict[str, int | None]:
    """Add one to each counter (made with its timeout if new or expired): the new counts."""
    if hasattr(cache, "hit_many"):
        return cache.hit_many(counters)
    counts: dict[str, int | None] = {}
    for key, timeout in counters:  # any other cache, the way django-ratelimit counts
        if cache.add(key, 1, timeout):
            counts[key] = 1
        else:
            try:
                counts[key] = cache.incr(key)
            except ValueError:
                counts[key] = None
    return counts


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
    """Django's database cache, with ``hit_many`` (counters made or added to, all in one
    statement) and ``add`` and ``incr`` of whole numbers in one statement each, atomic under
    concurrent workers (Django's takes four to six and may lose counts).

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

    def hit_many(self, counters: list[tuple[str, int]]) -> dict[str, int]:
        """Add one to each ``(key, timeout)`` counter, making it (at 1, to expire after
        ``timeout`` seconds) when it is missing or expired: their new counts, by key. One
        statement for them all."""
        connection, table = self._db()
        made = {self.make_and_validate_key(key): key for key, _timeout in counters}
        now = self._now(connection)
        rows = ", ".join(["(%s, '1', %s)"] * len(counters))
        values = [
            v
            for key, timeout in counters
            for v in (self.make_and_validate_key(key), self._expiry(timeout, connection))
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES {rows} "
                "ON CONFLICT (cache_key) DO UPDATE SET "
                f"value = CASE WHEN {table}.expires < %s THEN '1' "
                f"ELSE CAST(CAST({table}.value AS BIGINT) + 1 AS TEXT) END, "
                f"expires = CASE WHEN {table}.expires < %s THEN excluded.expires "
                f"ELSE {table}.expires END RETURNING cache_key, value",
                [*values, now, now],
            )
            counts = {made[key]: int(value) for key, value in cursor.fetchall()}
            if next(self._added) % self.CULL_EVERY == 0:
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
        return counts

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
