"""The NinjaAPI of ``/api/v1/``: its OpenAPI 3.1 document at ``/api/v1/openapi.json`` and
browsable docs at ``/api/v1/docs`` (Swagger UI from ninja's own static files, no CDN)."""

from __future__ import annotations

from ninja import NinjaAPI

from comuna.api import (
    assemblies,
    budgets,
    comptroller,
    cycle_projects,
    cycles,
    dashboard,
    errors,
    execution,
    lessons,
    mandates,
    minutes,
    parliament,
    personal,
    public,
    referendums,
)

api = NinjaAPI(
    title="Comuna API",
    version="1",
    description=(
        "What Comuna's pages publish, for machines: bodies, polls, results with their "
        "explanation, anonymised ballots and the ledger, public; the logged-in user's bodies "
        "and roles, the census for those allowed to see it, and casting a ballot, with a "
        "session or a personal access token (`Authorization: Bearer ...`). Errors are "
        '`{"detail": ..., "errors": [{"field": ..., "message": ...}]}`.'
    ),
    urls_namespace="api-v1",
)
errors.install(api)
api.add_router("/", public.router)
api.add_router("/", personal.router)
api.add_router("/", assemblies.router)
api.add_router("/", minutes.router)
api.add_router("/", mandates.router)
api.add_router("/", cycles.router)
api.add_router("/", cycle_projects.router)
api.add_router("/", budgets.router)
api.add_router("/", execution.router)
api.add_router("/", comptroller.router)
api.add_router("/", lessons.router)
api.add_router("/", referendums.router)
api.add_router("/", parliament.router)
api.add_router("/", dashboard.router)
