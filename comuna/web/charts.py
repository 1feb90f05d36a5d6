"""Geometry of the results charts, drawn as SVG by ``web/_charts.html``.

No JavaScript and no library: these functions turn a recorded result into rows of numbers
(every coordinate already a string, so the template's localisation cannot turn "12.5" into
"12,5"), and the template writes the SVG, escaping every label. Each chart has a fixed
``viewBox`` and is drawn at the page's width, so it fits a 390 px phone.

Where a length must be exact it is drawn in the data's own units: the bars of a tally sit in a
nested ``<svg>`` whose ``viewBox`` spans 0 to the largest tally, so a bar's ``width`` *is* its
number of votes; the budget bar spans 0 to the budget, and a project's ``width`` is its cost.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

WIDTH = 360  # viewBox width of every chart
# Okabe and Ito's palette, told apart with any colour vision; grey is for what is left over.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
LEFT_OVER = "#d9d9d9"
WON, LOST = "#1f5f3f", "#a8c5b3"
LABEL_CHARS = 44  # a longer label is cut in the picture; the table beside it has it whole


def _num(value: float | Fraction | Decimal | int) -> str:
    """A coordinate for SVG: at most two decimals, no exponent, no trailing zeros."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


# --- the tally: one horizontal bar per option ------------------------------------------------

TALLY_ROW = 40  # label line, then the bar
TALLY_BAR = 14
TALLY_BARS_WIDTH = 290  # the bars' box; the number follows it


def tally_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``rows`` as the results page lists them (``option``, ``votes``, ``won``): a bar each,
    in a box whose width stands for the largest tally."""
    most = max((r["votes"] for r in rows), default=0) or 1
    bars = [
        {
            "label": _short(r["option"].label),
            "full_label": r["option"].label,
            "votes": r["votes"],
            "width": str(r["votes"]),
            "won": r["won"],
            "fill": WON if r["won"] else LOST,
            "label_y": str(i * TALLY_ROW + 14),
            "bar_y": str(i * TALLY_ROW + 20),
            "value_y": str(i * TALLY_ROW + 31),
        }
        for i, r in enumerate(rows)
    ]
    height = max(len(rows), 1) * TALLY_ROW
    return {
        "width": str(WIDTH),
        "height": str(height),
        "bars_width": str(TALLY_BARS_WIDTH),
        "scale": str(most),
        "bar_height": str(TALLY_BAR),
        "value_x": str(TALLY_BARS_WIDTH + 6),
        "bars": bars,
    }


# --- ranked counts: the rounds as a flow of transfers ---------------------------------------

FLOW_TOP = 22  # round numbers above the columns
FLOW_HEIGHT = 220  # the tallest column
FLOW_GAP = 3  # between the segments of a column
FLOW_RIGHT = 22  # room for the marks right of the last column
LEGEND_ROW = 20


def _votes(value: Any) -> Fraction:
    return Fraction(value) if isinstance(value, str) else Fraction(value or 0)


def shown_votes(value: Any) -> str:
    """Votes as the chart names them: whole numbers as they are, fractions to two
    decimals (the exact figures are in the explanation and the published ballots)."""
    v = _votes(value)
    return str(v.numerator) if v.denominator == 1 else f"{float(v):.2f}"


def flow_chart(rounds: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any] | None:
    """Each round a column of segments, one per option still in the count (and one for the
    votes exhausted so far), heights proportional to votes; each round's transfer drawn as
    bands from the option whose votes moved to the options that received them in the next
    column. ``labels`` maps option keys to labels, in the poll's order. None for a count of
    fewer than two rounds: there is nothing to draw then that the tally chart does not show."""
    if len(rounds) < 2:
        return None
    keys = list(labels)
    colours = {key: colour(i) for i, key in enumerate(keys)}
    n = len(rounds)
    column = min(16.0, (WIDTH - FLOW_RIGHT) / (2 * n))
    step = (WIDTH - FLOW_RIGHT - column) / (n - 1)

    # exhausted votes at the start of each round: the running total after the round before
    exhausted_before = [Fraction(0)] + [_votes(r["exhausted"]) for r in rounds[:-1]]
    totals = [
        sum((_votes(v) for v in r["tallies"].values()), Fraction(0)) + exhausted_before[i]
        for i, r in enumerate(rounds)
    ]
    most = max(totals) or Fraction(1)
    gaps = FLOW_GAP * len(keys)
    scale = Fraction(FLOW_HEIGHT - gaps) / most

    columns = []
    segments: dict[tuple[int, str], dict[str, Any]] = {}
    for i, r in enumerate(rounds):
        x = i * step
        y = Fraction(FLOW_TOP)
        parts = [(k, _votes(r["tallies"][k])) for k in keys if k in r["tallies"]]
        if exhausted_before[i]:
            parts.append(("exhausted", exhausted_before[i]))
        column_segments = []
        for key, votes in parts:
            height = votes * scale
            segment = {
                "key": key,
                "label": labels.get(key, ""),
                "votes": shown_votes(votes),
                "x": x,
                "y": y,
                "height": height,
                "fill": colours.get(key, LEFT_OVER),
                "elected": key in r["elected"],
                "eliminated": key in r["eliminated"],
                "out": Fraction(0),  # how much of it has flowed out, drawn top down
                "in": Fraction(0),  # how much has flowed in, drawn bottom up
            }
            segments[(i, key)] = segment
            column_segments.append(segment)
            y += height + FLOW_GAP
        columns.append(
            {
                "number": r["number"],
                "label_x": _num(x + column / 2),
                "segments": column_segments,
            }
        )

    bands = []
    for i, r in enumerate(rounds[:-1]):
        source = segments.get((i, r["transferred_from"] or ""))
        if source is None:
            continue
        for key, moved in r["transfers"].items():
            target = segments.get((i + 1, key))
            votes = _votes(moved)
            if target is None or not votes:
                continue
            thick = votes * scale
            y1 = source["y"] + source["out"]
            y2 = target["y"] + target["height"] - target["in"] - thick
            source["out"] += thick
            target["in"] += thick
            x1, x2 = source["x"] + column, target["x"]
            mid = (x1 + x2) / 2
            bands.append(
                {
                    "d": (
                        f"M{_num(x1)} {_num(y1)}C{_num(mid)} {_num(y1)} {_num(mid)} {_num(y2)} "
                        f"{_num(x2)} {_num(y2)}L{_num(x2)} {_num(y2 + thick)}"
                        f"C{_num(mid)} {_num(y2 + thick)} {_num(mid)} {_num(y1 + thick)} "
                        f"{_num(x1)} {_num(y1 + thick)}Z"
                    ),
                    "fill": source["fill"],
                    "source": source["label"],
                    "target": target["label"],
                    "votes": shown_votes(votes),
                    "to_exhausted": key == "exhausted",
                }
            )

    for segment in segments.values():
        segment["mark_x"] = _num(segment["x"] + column + 3)
        segment["mark_y"] = _num(segment["y"] + segment["height"] / 2 + 5)
        for name in ("x", "y", "height"):
            segment[name] = _num(segment[name])
        del segment["out"], segment["in"]

    legend_top = FLOW_TOP + FLOW_HEIGHT + 16
    legend = [
        {
            "label": _short(labels[key]),
            "fill": colours[key],
            "y": str(legend_top + i * LEGEND_ROW),
            "text_y": str(legend_top + i * LEGEND_ROW + 11),
        }
        for i, key in enumerate(keys)
    ]
    marks_y = legend_top + len(keys) * LEGEND_ROW
    return {
        "width": str(WIDTH),
        "height": str(marks_y + LEGEND_ROW + 4),
        "column": _num(column),
        "columns": columns,
        "bands": bands,
        "legend": legend,
        "exhausted_y": str(marks_y),
        "exhausted_text_y": str(marks_y + 11),
        "left_over": LEFT_OVER,
        "has_exhausted": any(exhausted_before),
    }


# --- participatory budgets: the funded projects against the whole budget ---------------------

BUDGET_BAR = 28
BUDGET_BAR_WIDTH = WIDTH


def budget_chart(budget: Decimal, funded: list[Any]) -> dict[str, Any]:
    """One bar for the whole budget, filled left to right by the funded projects' costs (in a
    box whose width stands for the budget), and what is left over."""
    x = Decimal(0)
    parts = []
    for i, option in enumerate(funded):
        parts.append(
            {
                "label": _short(option.label),
                "full_label": option.label,
                "cost": option.cost,
                "x": str(x),
                "width": str(option.cost),
                "fill": colour(i),
                "legend_y": str(BUDGET_BAR + 14 + i * LEGEND_ROW),
                "text_y": str(BUDGET_BAR + 14 + i * LEGEND_ROW + 11),
            }
        )
        x += option.cost
    left = budget - x
    legend_end = BUDGET_BAR + 14 + len(funded) * LEGEND_ROW
    return {
        "width": str(WIDTH),
        "height": str(legend_end + LEGEND_ROW + 4),
        "bar_width": str(BUDGET_BAR_WIDTH),
        "bar_height": str(BUDGET_BAR),
        "frame_width": str(BUDGET_BAR_WIDTH - 1),
        "frame_height": str(BUDGET_BAR - 1),
        "scale": str(budget),
        "budget": budget,
        "parts": parts,
        "spent": x,
        "left": left,
        "left_x": str(x),
        "left_width": str(max(left, Decimal(0))),
        "left_fill": LEFT_OVER,
        "left_y": str(legend_end),
        "left_text_y": str(legend_end + 11),
    }


# --- accountability: allocation against spending, the milestones' timeline -------------------

SPEND_ROW = 40  # label line, then the bar
SPEND_BAR = 14
SPEND_BARS_WIDTH = 300  # the bars' box; the share spent follows it
SPENT = "#0072B2"  # spent within the allocation
OVER = "#D55E00"  # spent beyond the allocation; an overdue milestone
ROOM = "#F0E442"  # authorised by the assembly beyond the allocation, not spent
DONE = "#009E73"
LATE = "#E69F00"


def _share(spent: Decimal, allocation: Decimal) -> str:
    """What was spent, as a whole percentage of the allocation ("—" for none)."""
    if allocation <= 0:
        return "—"
    return f"{(spent * 100 / allocation).quantize(Decimal(1))}%"


def spending_chart(projects: list[Any]) -> dict[str, Any]:
    """``projects`` (``comuna.cycles.accountability.ProjectAccount`` rows, one currency): a
    bar each, in a box whose width stands for the largest allocation, authorisation or
    spending. The allocation is the grey bar with a mark at its end; what was spent fills it
    in blue, and anything spent beyond it runs on in vermillion past the mark; room the
    assembly authorised beyond the allocation is yellow."""
    zero = Decimal(0)
    most = max(
        (max(p.allocation + p.authorised, p.spent, p.allocation) for p in projects), default=zero
    )
    bars = []
    for i, p in enumerate(projects):
        allocation = max(p.allocation, zero)
        spent = max(p.spent, zero)
        within = min(spent, allocation)
        bars.append(
            {
                "label": _short(p.project.title),
                "full_label": p.project.title,
                "allocation": p.allocation,
                "authorised": p.authorised,
                "spent": p.spent,
                "over": p.over,
                "share": _share(p.spent, p.allocation),
                "label_y": str(i * SPEND_ROW + 14),
                "bar_y": str(i * SPEND_ROW + 20),
                "mark_y1": str(i * SPEND_ROW + 17),
                "mark_y2": str(i * SPEND_ROW + 20 + SPEND_BAR + 3),
                "value_y": str(i * SPEND_ROW + 31),
                "allocation_width": str(allocation),
                "room_x": str(allocation),
                "room_width": str(max(p.authorised, zero)),
                "spent_width": str(within),
                "over_x": str(allocation),
                "over_width": str(spent - within),
            }
        )
    legend_top = max(len(projects), 1) * SPEND_ROW + 6
    legend = [
        {"key": key, "fill": fill, "y": str(legend_top + i * LEGEND_ROW)}
        for i, (key, fill) in enumerate(
            (("spent", SPENT), ("over", OVER), ("room", ROOM), ("allocation", LEFT_OVER))
        )
    ]
    for item in legend:
        item["text_y"] = str(int(item["y"]) + 11)
    return {
        "width": str(WIDTH),
        "height": str(legend_top + len(legend) * LEGEND_ROW + 4),
        "bars_width": str(SPEND_BARS_WIDTH),
        "scale": str(most or 1),
        "bar_height": str(SPEND_BAR),
        "value_x": str(SPEND_BARS_WIDTH + 6),
        "bars": bars,
        "legend": legend,
        "colours": {"spent": SPENT, "over": OVER, "room": ROOM, "allocation": LEFT_OVER},
    }


TIMELINE_TOP = 40  # the dates of the axis, then "today"
TIMELINE_HEAD = 22  # a project's name
TIMELINE_ROW = 32  # a milestone: its title, then its marks
TIMELINE_MARGIN = 8  # room for a mark at either end


def milestone_chart(projects: list[Any], today: Any) -> dict[str, Any] | None:
    """The milestones of ``projects`` (``ProjectAccount`` rows) on one time axis running from
    the earliest date to the latest (today included): each milestone a row with a hollow mark
    on its due date and a green one on the day it was done; a late one joined to its due date
    by an orange line, an overdue one by a vermillion line running to today. None when no
    project has a milestone."""
    rows = [(p, m) for p in projects for m in p.milestones]
    if not rows:
        return None
    days = [today] + [m.due_on for _, m in rows] + [m.done_on for _, m in rows if m.done_on]
    start, end = min(days), max(days)
    span = max((end - start).days, 1)
    inner = WIDTH - 2 * TIMELINE_MARGIN

    def x(day) -> str:
        return _num(TIMELINE_MARGIN + Fraction((day - start).days * inner, span))

    items: list[dict[str, Any]] = []
    y = TIMELINE_TOP
    for p in projects:
        if not p.milestones:
            continue
        items.append({"kind": "project", "label": _short(p.project.title), "y": str(y + 15)})
        y += TIMELINE_HEAD
        for m in p.milestones:
            line_y = y + 22
            item = {
                "kind": "milestone",
                "label": _short(m.title),
                "full_label": m.title,
                "project": p.project.title,
                "state": m.state,
                "due_on": m.due_on,
                "done_on": m.done_on,
                "label_y": str(y + 12),
                "line_y": str(line_y),
                "due_x": x(m.due_on),
                "done_x": x(m.done_on) if m.done_on else None,
                # the late or overdue stretch: from the due date to the day done, or to today
                "stretch_x2": x(m.done_on) if m.late else (x(today) if m.overdue else None),
                "stretch": LATE if m.late else OVER,
                "mark_x": _num(min(float(x(today)) + 7, WIDTH - 6)),
                "mark_y": str(line_y + 5),
            }
            items.append(item)
            y += TIMELINE_ROW
    today_x = x(today)
    anchor = "middle"
    if float(today_x) < 40:
        anchor = "start"
    elif float(today_x) > WIDTH - 40:
        anchor = "end"
    legend_top = y + 8
    return {
        "width": str(WIDTH),
        "height": str(legend_top + 4 * LEGEND_ROW + 4),
        "start": start,
        "end": end,
        "today": today,
        "today_x": today_x,
        "today_anchor": anchor,
        "axis_y": "14",
        "today_y": "30",
        "rule_top": "34",
        "rule_bottom": str(y),
        "end_x": str(WIDTH),
        "line_start": str(TIMELINE_MARGIN),
        "line_end": str(WIDTH - TIMELINE_MARGIN),
        "items": items,
        "legend": [
            {"key": key, "y": str(legend_top + i * LEGEND_ROW + 7)}
            for i, key in enumerate(("due", "done", "late", "overdue"))
        ],
        "legend_text_x": "36",
        "colours": {"done": DONE, "late": LATE, "overdue": OVER},
    }
