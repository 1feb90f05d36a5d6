"""Social comptrollership's API for tests/api/test_permission_matrix.py (API_PROBES: operation ->
the keyword arguments of its Probe) and its sample URLs for tests/web/test_reads_never_write.py
(api_urls(cast) -> operation name -> URLs). Every operation of the part must be here.

The findings and complaints endpoints only read (public, or for members when the statute keeps
the cycle closed): no operation needs a probe of the matrix."""

from __future__ import annotations

API_PROBES: dict[str, dict] = {}

BODIES = "/api/v1/bodies"


def api_urls(cast) -> dict[str, list[str]]:
    from comuna.cycles.models import ComplaintStatus, FindingStatus
    from tests.cycles.comptroller_factories import complaint_in, finding_in

    findings = [finding_in(cast, s) for s in FindingStatus.values]
    complaints = [complaint_in(cast, s) for s in ComplaintStatus.values]
    complaints.append(complaint_in(cast, anonymous=True))
    slugs = [b.slug for b in (cast.council, cast.other, cast.commune, cast.city)]
    council = f"{BODIES}/{cast.council.slug}"
    return {
        "api-findings": [f"{BODIES}/{s}/findings/" for s in slugs]
        + [
            f"{council}/findings/?status=open&inspection={findings[0].inspection_id}",
            f"{council}/findings/?after={findings[0].pk}&limit=1",
            f"{council}/findings/?status=nonsense",
        ],
        "api-finding": [f"{council}/findings/{f.pk}/" for f in findings]
        + [f"{council}/findings/999999/"],
        "api-complaints": [f"{BODIES}/{s}/complaints/" for s in slugs]
        + [
            f"{council}/complaints/?status=answered",
            f"{council}/complaints/?after={complaints[0].pk}&limit=1",
        ],
        "api-complaint": [f"{council}/complaints/{c.pk}/" for c in complaints]
        + [f"{council}/complaints/999999/"],
    }
