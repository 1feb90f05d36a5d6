"""Canonical JSON: one text for one value, so equal records hash equally anywhere.

The canonical text of a value is what Python gives for::

    json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

after the value has been checked to hold only these types:

- ``None``, ``True``, ``False``;
- ``int`` (any size; exact);
- ``str`` (written as UTF-8 text, not ``\\u`` escapes; only ``"``, ``\\`` and control
  characters are escaped, as JSON requires);
- ``list`` and ``tuple`` (both become arrays);
- ``dict`` with ``str`` keys (members sorted by key, by Unicode code point).

Floats are refused, all of them: their decimal text differs between languages and a tally or
an amount of money must be exact. Pass an exact number as an ``int`` (cents, points, votes) or
as a decimal string (``"1250.50"``). Sets, bytes, dates, ``Decimal`` and other objects are
refused too: convert them explicitly, so the record says what was meant.

A refusal is a ``TypeError`` naming the place inside the value, e.g. ``payload.tally[2]``.
"""

from __future__ import annotations

import json
import re

__all__ = ["canonical_json"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def canonical_json(obj: object, *, root: str = "value") -> str:
    """The canonical JSON text of ``obj``; ``root`` names it in error messages."""
    _check(obj, root, set())
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check(obj: object, path: str, open_containers: set[int]) -> None:
    if obj is None or isinstance(obj, bool | int):
        return
    if isinstance(obj, str):
        _check_text(obj, path)
        return
    if isinstance(obj, float):
        raise TypeError(
            f"{path} is a float ({obj!r}); the ledger keeps exact values only: "
            "pass an int or a decimal string such as '12.50'"
        )
    if isinstance(obj, list | tuple | dict):
        if id(obj) in open_containers:
            raise TypeError(f"{path} contains itself")
        open_containers.add(id(obj))
        if isinstance(obj, dict):
            for key, value in obj.items():
                if not isinstance(key, str):
                    raise TypeError(
                        f"{path} has a key of type {type(key).__name__} ({key!r}); "
                        "JSON object keys must be strings"
                    )
                _check_text(key, f"{path} key {key!r}")
                _check(value, _member(path, key), open_containers)
        else:
            for index, value in enumerate(obj):
                _check(value, f"{path}[{index}]", open_containers)
        open_containers.discard(id(obj))
        return
    raise TypeError(
        f"{path} is a {type(obj).__name__}, which is not a JSON type; "
        "use None, bool, int, str, list or dict"
    )


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise TypeError(f"{path} is not valid Unicode text (it holds a lone surrogate)") from None


def _member(path: str, key: str) -> str:
    if _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
