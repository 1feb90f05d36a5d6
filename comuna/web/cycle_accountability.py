"""Pages of issue 14's accountability (cycle_accountability): the money a body received,
allocated and spent per project, with charts drawn on the server and a table of the exact
figures beside each; and the downloads to check it (every expense as CSV, the receipts'
SHA-256 list, the ``.pb`` of every counted budget vote). Public when the statute's
``cycle_public`` says so, for the body's members otherwise. Thin views over
comuna.cycles.accountability."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone

from comuna import rows
from comuna.cycles import accountability, visibility
from comuna.cycles.models import Cycle
from comuna.territory.models import Body
from comuna.web import charts
from comuna.web.access import public


def _project_url(body: Body, project_pk: int) -> str:
    """The project's execution page (the execution part's) when there is one, else the
    project's own page."""
    try:
        return reverse("execution", kwargs={"slug": body.slug, "pk": project_pk})
    except NoReverseMatch:
        return reverse("project", kwargs={"slug": body.slug, "pk": project_pk})


def _drawn(body: Body, account: accountability.CycleAccount, today) -> dict[str, Any]:
    """The cycle's charts: one spending chart per currency, one timeline of milestones."""
    for p in account.projects:
        p.url = _project_url(body, p.project.pk)
    return {
        "spending": [
            {"currency": currency, "chart": charts.spending_chart(account.projects_in(currency))}
            for currency in account.currencies
            if account.projects_in(currency)
        ],
        "timeline": charts.milestone_chart(account.projects, today),
    }


def _pb_links(body: Body, budgets) -> list[dict[str, Any]]:
    """A link to each district's ``.pb`` of every counted budget."""
    links = []
    for budget in budgets:
        districts = list(budget.districts.all())
        for district in districts:
            url = reverse("budget-export", kwargs={"slug": body.slug, "pk": budget.pk})
            if len(districts) > 1:
                url += f"?district={district.pk}"
            links.append(
                {"budget": budget, "district": district if len(districts) > 1 else None, "url": url}
            )
    return links


def _downloads(body: Body, budgets, cycle: Cycle | None = None) -> dict[str, Any]:
    query = f"?cycle={cycle.pk}" if cycle is not None else ""
    return {
        "csv_url": reverse("accountability-expenses", kwargs={"slug": body.slug}) + query,
        "receipts_url": reverse("accountability-receipts", kwargs={"slug": body.slug}) + query,
        "pb_links": _pb_links(body, budgets),
    }


@public
def body_accountability(request, slug):
    """Every cycle's totals, then each cycle's projects: allocation against spending and the
    milestones."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    today = timezone.localdate()
    account = accountability.for_body(body, today)
    cycles = [
        {"account": c, "charts": _drawn(body, c, today)}
        for c in account.cycles
        if c.projects or c.funds
    ]
    return render(
        request,
        "web/cycles/accountability/body.html",
        {
            "body": body,
            "account": account,
            "cycles": cycles,
            "today": today,
            **_downloads(body, account.budgets),
        },
    )


@public
def cycle_accountability(request, slug, pk):
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = get_object_or_404(Cycle, pk=pk, body=body)
    today = timezone.localdate()
    account = accountability.for_cycle(cycle, today)
    return render(
        request,
        "web/cycles/accountability/cycle.html",
        {
            "body": body,
            "cycle": cycle,
            "account": account,
            "charts": _drawn(body, account, today),
            "today": today,
            **_downloads(body, account.budgets, cycle),
        },
    )


def _cycle_of(request, body: Body) -> Cycle | None:
    """The cycle ``?cycle=<pk>`` names (404 when it is not one of the body's), or None."""
    wanted = request.GET.get("cycle", "")
    if not wanted:
        return None
    pk = rows.parse_id(wanted)
    if pk is None:
        raise Http404
    return get_object_or_404(Cycle, pk=pk, body=body)


def _file_name(body: Body, cycle: Cycle | None, what: str) -> str:
    return f"{body.slug}-{what}" + (f"-cycle-{cycle.pk}" if cycle is not None else "")


@public
def expenses_csv(request, slug):
    """Every expense (reversals too), formula-safe, UTF-8 with a byte-order mark."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = _cycle_of(request, body)
    response = HttpResponse(
        accountability.expenses_csv(body, cycle), content_type="text/csv; charset=utf-8"
    )
    name = _file_name(body, cycle, "expenses")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@public
def receipts_sha256(request, slug):
    """The receipts' hashes as a ``sha256sum`` list."""
    body = get_object_or_404(Body, slug=slug)
    if (response := visibility.refused(request, body)) is not None:
        return response
    cycle = _cycle_of(request, body)
    response = HttpResponse(
        accountability.receipts_sha256(body, cycle), content_type="text/plain; charset=utf-8"
    )
    name = _file_name(body, cycle, "receipts")
    response["Content-Disposition"] = f'attachment; filename="{name}.sha256"'
    return response


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/accountability/", body_accountability, name="accountability"),
    path("b/<slug:slug>/accountability/expenses.csv", expenses_csv, name="accountability-expenses"),
    path(
        "b/<slug:slug>/accountability/receipts.sha256",
        receipts_sha256,
        name="accountability-receipts",
    ),
    path(
        "b/<slug:slug>/cycles/<int:pk>/accountability/",
        cycle_accountability,
        name="cycle-accountability",
    ),
]
