"""The clearing house's API for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of the part must be here.

``/api/v1/lessons/`` only reads (public lessons, and the caller's bodies' own): no operation
needs a probe of the matrix."""

from __future__ import annotations

API_PROBES: dict[str, dict] = {}

URL = "/api/v1/lessons/"


def api_urls(cast) -> dict[str, list[str]]:
    from tests.cycles.lesson_factories import WATER, lesson_in

    lesson_in(cast, project=WATER)
    lesson_in(cast, body=cast.other, project=WATER)
    return {
        "api-lessons": [
            URL,
            f"{URL}?q=tuber%C3%ADa&category=water&outcome=done&min_cost=1&max_cost=9000",
            f"{URL}?q=%22NEAR(&place=calle&page=2&limit=1",
            f"{URL}?min_cost=mucho",
        ],
    }
