"""The cycle's import pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs). Every named page of the part must be in both (public pages: no probe)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.web.probes import Probe

GOOD = Path(__file__).parent / "data" / "good_small.pb"


def _upload(cast, obj) -> dict:
    return {"file": SimpleUploadedFile("good_small.pb", GOOD.read_bytes()), "rule": ""}


PROBES: dict = {"budget-import": Probe(post=_upload)}


def urls(cast) -> dict[str, list[str]]:
    return {
        "budget-import": [
            reverse("budget-import", kwargs={"slug": b.slug}) for b in (cast.council, cast.other)
        ]
    }
