"""Model objects read with one plain statement, for the requests served hundreds of times a
second (casting a ballot).

The ORM spends most of a simple read's CPU building the SQL, not running it: about 0.9 ms for
a poll with its body, 0.4 ms for a user, against a tenth of that here. The SQL is written once
per model, and each row becomes objects through Django's own ``from_db`` and the same value
converters the ORM applies (JSON, and dates and decimals on SQLite), so the objects are the
ones the ORM would give.
"""

from __future__ import annotations

import weakref
from functools import cache

from django.db import connections, router
from django.db.models import Model

# the largest value of a 64-bit id: a larger number in an address matches nothing (SQLite
# would refuse to bind it)
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id a submitted value names, or None when it names none: only ASCII digits count
    (``"²"`` is a digit to ``str.isdigit()`` but not to ``int()``) and nothing above ``MAX_ID``
    (SQLite would refuse to bind it)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


@cache
def _select(model: type[Model], alias: str) -> str:
    """The concrete columns of ``model`` in field order, for ``SELECT``, as ``alias``.col."""
    table = connections["default"].ops.quote_name
    return ", ".join(f"{alias}.{table(f.column)}" for f in model._meta.concrete_fields)


_converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _plan(connection, model: type[Model]) -> list[tuple[int, list, object]]:
    """(position, converters, column expression) of each field of ``model`` whose database
    value needs converting on ``connection``, kept per connection."""
    plans = _converters.setdefault(connection, {})
    plan = plans.get(model)
    if plan is None:
        plan = []
        for i, field in enumerate(model._meta.concrete_fields):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                plan.append((i, found, column))
        plans[model] = plan
    return plan


def build(connection, model: type[Model], values) -> Model:
    """A ``model`` object from the values of its concrete fields, in field order."""
    values = list(values)
    for i, found, column in _plan(connection, model):
        for convert in found:
            values[i] = convert(values[i], column, connection)
    return model.from_db(connection.alias, None, values)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def every(model: type[Model], where: str, params: list) -> list[Model]:
    """The ``model`` objects whose rows meet ``where`` (SQL on the table's own columns, with
    ``%s`` for ``params``, and any ``ORDER BY``)."""
    connection = connections[router.db_for_read(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_select(model, 't')} FROM {table} t WHERE {where}", params)
        return [build(connection, model, row) for row in cursor.fetchall()]


def first(model: type[Model], where: str, params: list) -> Model | None:
    """The first ``model`` object whose row meets ``where`` (as for :func:`every`), or None."""
    found = every(model, f"{where} LIMIT 1", params)
    return found[0] if found else None


def get(model: type[Model], pk: int) -> Model | None:
    """The ``model`` object with primary key ``pk``, or None."""
    if not 0 <= pk <= MAX_ID:
        return None
    return first(model, f"{model._meta.pk.column} = %s", [pk])


def with_body(model: type[Model], pk: int, slug: str, body_model: type[Model]):
    """The ``model`` object ``pk`` with its body (the ``body`` foreign key, already read, as
    ``select_related`` gives it), when that body's slug is ``slug``; None otherwise."""
    if not 0 <= pk <= MAX_ID:
        return None
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    field = model._meta.get_field("body")
    sql = (
        f"SELECT {_select(model, 't')}, {_select(body_model, 'b')} "
        f"FROM {quote(model._meta.db_table)} t "
        f"INNER JOIN {quote(body_model._meta.db_table)} b "
        f"ON b.{quote(body_model._meta.pk.column)} = t.{quote(field.column)} "
        f"WHERE t.{quote(model._meta.pk.column)} = %s AND b.{quote('slug')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    n = width(model)
    obj = build(connection, model, row[:n])
    field.set_cached_value(obj, build(connection, body_model, row[n:]))
    return obj
