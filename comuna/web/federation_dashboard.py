"""The dashboard page of a commune or a communal city (issue 15, point 5): its members' needs,
projects, money and turnout, rolled up from the councils, in tables with simple bars drawn on
the server (every figure also in a table). A suppressed count (too few people, or one that
would let such a count be worked out) is shown as hidden, never as a number. Public when the
body's statute makes its cycle public, for its members otherwise (``comuna.cycles.visibility``);
a council has no dashboard (404). A thin view over ``comuna.federation.dashboard``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path

from comuna.cycles import visibility
from comuna.cycles.models import NeedCategory, ProjectStatus
from comuna.federation import dashboard
from comuna.territory.models import Body
from comuna.web.access import public

BAR_ROW = 34  # a label line, then the bar
BAR = 12
BARS_WIDTH = 280  # the bars' box; the value follows it
WIDTH = 400
ALLOCATED = "#BBBBBB"
SPENT = "#0072B2"
TURNOUT = "#009E73"


@dataclass
class Line:
    """A row of the tables: the total (``depth`` 0), a member (1), a member's member (2), or
    an own row; with its needs per category and projects per status in the tables' order."""

    row: dashboard.Row
    depth: int
    key: str  # the body's slug, ``<slug>-own`` for its own figures, ``total``: names its cells
    needs: list[tuple[str, int]]  # (category's name, needs)
    projects: list[tuple[str, int]]  # (status's name, projects)


def _line(row: dashboard.Row, depth: int, key: str, categories: list[str]) -> Line:
    needs = [(NeedCategory(c).label, row.needs_by_category.get(c, 0)) for c in categories]
    projects = [(label, row.projects.get(s, 0)) for s, label in ProjectStatus.choices]
    return Line(row, depth, key, needs, projects)


def lines(total: dashboard.Row, categories: list[str], depth: int = 1) -> list[Line]:
    """The members' lines, each followed by its own members' (depth first)."""
    found = []
    for member in total.members:
        key = f"{member.body.slug}-own" if member.own else member.body.slug
        found.append(_line(member, depth, key, categories))
        found += lines(member, categories, depth + 1)
    return found


def _bars(items: Sequence[tuple[str, Decimal, Decimal | None]], scale: Decimal) -> dict[str, Any]:
    """Horizontal bars: ``(label, value, second value or None)`` each, the box standing for
    ``scale``; every coordinate a string, as comuna/web/charts.py gives them."""
    scale = scale or Decimal(1)
    bars = []
    for i, (label, value, second) in enumerate(items):
        bars.append(
            {
                "label": label,
                "label_y": str(i * BAR_ROW + 13),
                "bar_y": str(i * BAR_ROW + 18),
                "value_y": str(i * BAR_ROW + 28),
                "width": str(max(value, Decimal(0))),
                "second": None if second is None else str(max(second, Decimal(0))),
            }
        )
    return {
        "width": str(WIDTH),
        "height": str(max(len(items), 1) * BAR_ROW + 4),
        "bars_width": str(BARS_WIDTH),
        "value_x": str(BARS_WIDTH + 6),
        "scale": str(scale),
        "bar_height": str(BAR),
        "bars": bars,
    }


def _money_charts(board: dashboard.Dashboard) -> list[dict[str, Any]]:
    """Per currency: each member's allocation (grey) and spending (blue)."""
    charts = []
    for currency in board.currencies:
        items = []
        for member in board.total.members:
            money = next((m for m in member.money if m.currency == currency), None)
            if money is not None:
                label = member.body.name
                items.append((label, money.allocated, money.spent, money))
        if not items:
            continue
        scale = max(max(a, s) for _label, a, s, _m in items)
        chart = _bars([(label, a, s) for label, a, s, _m in items], scale)
        for bar, (_label, _a, _s, money) in zip(chart["bars"], items, strict=True):
            bar["money"] = money
        charts.append({"currency": currency, "chart": chart})
    return charts


def _turnout_chart(board: dashboard.Dashboard) -> dict[str, Any] | None:
    """Each member's turnout over 100%: a bar when shown; a hidden one says so, no bar."""
    items = [m for m in board.total.members if m.polls]
    if not items:
        return None
    shares = [Decimal(str(m.turnout.value)) if m.turnout.shown else Decimal(0) for m in items]
    chart = _bars(
        [(m.body.name, share, None) for m, share in zip(items, shares, strict=True)], Decimal(100)
    )
    for bar, member in zip(chart["bars"], items, strict=True):
        bar["turnout"] = member.turnout
    return chart


def _needs_chart(board: dashboard.Dashboard) -> dict[str, Any] | None:
    total = board.total
    if not total.needs:
        return None
    items = [
        (str(NeedCategory(c).label), Decimal(total.needs_by_category[c]), None)
        for c in board.categories
    ]
    chart = _bars(items, max(v for _label, v, _s in items))
    for bar, (_label, value, _s) in zip(chart["bars"], items, strict=True):
        bar["count"] = int(value)
    return chart


@public
def dashboard_page(request, slug):
    body = get_object_or_404(Body, slug=slug)
    if not dashboard.has_dashboard(body):
        raise Http404
    if (response := visibility.refused(request, body)) is not None:
        return response
    board = dashboard.dashboard(body)
    return render(
        request,
        "web/federation/dashboard.html",
        {
            "body": body,
            "board": board,
            "lines": lines(board.total, board.categories),
            "total": _line(board.total, 0, "total", board.categories),
            "categories": [NeedCategory(c).label for c in board.categories],
            "statuses": [ProjectStatus(s).label for s in ProjectStatus.values],
            "money_charts": _money_charts(board),
            "turnout_chart": _turnout_chart(board),
            "needs_chart": _needs_chart(board),
            "colours": {"allocated": ALLOCATED, "spent": SPENT, "turnout": TURNOUT},
        },
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/dashboard/", dashboard_page, name="dashboard"),
]
