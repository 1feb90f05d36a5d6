"""The mandates API's sample URLs for tests/web/test_reads_never_write.py (api_urls(cast) ->
operation name -> URLs). Every operation of comuna/api/mandates.py must be here."""

from __future__ import annotations


def api_urls(cast) -> dict[str, list[str]]:
    return {}
