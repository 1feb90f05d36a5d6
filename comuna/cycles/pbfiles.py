"""Pabulib in and out: a ``.pb`` file imported as a budget (``budget.imported``), and every
budget exported as ``.pb``.

An imported file becomes a :class:`Budget` of one district with no cycle, counted at once: the
district's poll is closed, its options are the file's projects (keys the file's project ids,
costs exact, the other PROJECTS columns in ``Option.fields``), its ``meta`` the file's META as
read (written back on export), and each vote an imported :class:`Ballot` (no voter, no receipt).
Ballots that break the file's own META limits are counted as cast, as ``comuna pb run`` counts
them: the import replays what the city counted.

The whole file is read and checked before anything is written, in one transaction: a refused
file (``file:line: field: message``) leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.choice import pb
from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError, PBInstance
from comuna.cycles import budgets
from comuna.cycles.errors import CycleError
from comuna.cycles.models import (
    BallotKind,
    Budget,
    BudgetDistrict,
    BudgetProject,
    BudgetStatus,
)
from comuna.ledger import record
from comuna.ledger.checks import differs
from comuna.territory.actors import OPERATOR, acting_user, actor_label
from comuna.territory.models import Body
from comuna.voting import tally, turnout
from comuna.voting.models import BUDGET_RULES, Ballot, Method, Option, Poll, Source, Status
from comuna.voting.money import amount_problem

DEFAULT_RULE = "mes-cost-complete"
# Pabulib's names for rules in META (pabulib.org's format description) that are the engine's:
# "greedy" funds by votes, skipping what does not fit; "equalshares/add1" is Equal Shares with
# the per-voter budget raised by one unit while the outcome fits, completed greedily. Other
# names ("greedy-no-skip", "greedy-custom", "unknown", ...) count with the default.
META_RULES = {
    "greedy": "greedy-cost",
    "equalshares": "mes-cost",
    "equalshares/add1": "mes-cost-complete",
}
BATCH = 5000  # ballots per INSERT
KINDS = {
    "approval": BallotKind.APPROVAL,
    "choose-1": BallotKind.SINGLE,
    "cumulative": BallotKind.POINTS,
    "ordinal": BallotKind.RANKED,
}
SMALL_INT = 32767  # the most a PositiveSmallIntegerField holds on every database


def read(data: bytes, filename: str) -> PBInstance:
    """The election in ``data``, the bytes of the file ``filename``; PBError naming file, line
    and field when it is malformed. Ballots breaking the file's own limits are kept (as
    ``comuna pb run`` counts them)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise PBError(
            f"not UTF-8 text (byte {data[e.start]:#04x})",
            path=filename,
            line=line,
            field="encoding",
        ) from None
    inst, _problems = pabulib.parse_checked(text, filename)
    return inst


def choose_rule(inst: PBInstance, rule: str | None, filename: str) -> str:
    """``rule`` when given, else the file's META rule when the engine knows it (by its id, or
    by Pabulib's own name in ``META_RULES``), else Equal Shares with completion; CycleError when the rule does not count the file's ballots."""
    if rule is None:
        named = inst.meta.get("rule", "").strip()
        named = META_RULES.get(named, named)
        rule = named if named in pb.RULES else DEFAULT_RULE
    allowed = BUDGET_RULES.get(inst.vote_type, [])
    if not allowed:
        raise CycleError(
            _("%(file)s: vote_type: Comuna does not hold %(kind)s ballots.")
            % {"file": filename, "kind": inst.vote_type}
        )
    if rule not in allowed:
        raise CycleError(
            _("%(file)s: rule: %(rule)s does not count %(kind)s ballots; choose one of: %(rules)s.")
            % {"file": filename, "rule": rule, "kind": inst.vote_type, "rules": ", ".join(allowed)}
        )
    return rule


def _line_of(text_lines: list[str], section: str, row: int) -> int | None:
    """The 1-based line of the ``row``-th data row of ``section`` (0-based), counting from the
    section's title and header; None when the section is not found."""
    for i, line in enumerate(text_lines):
        if line.strip().strip(";").lower() == section:
            return i + 1 + 1 + row + 1
    return None


def _amount(value: Fraction, where: str, field: str, line: int | None) -> Decimal:
    """A file's number as an amount the database holds exactly, or a PBError."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    problem = None
    if Fraction(exact) != value:
        problem = _("%(value)s has more than two decimal places.") % {"value": value}
    else:
        problem = amount_problem(exact)
    if problem:
        raise PBError(str(problem), path=where, line=line, field=field)
    return exact


def _check(inst: PBInstance, data: bytes, filename: str) -> tuple[Decimal, list[Decimal]]:
    """Refuse what the database could not hold exactly: amounts (two decimal places, 14
    digits) and project ids (64 characters); the budget and costs as amounts."""
    lines = data.decode("utf-8-sig", errors="replace").splitlines()
    budget = _amount(inst.budget, filename, "budget", None)
    if budget <= 0:
        raise PBError(_("the budget must be positive"), path=filename, field="budget")
    costs = []
    for i, project in enumerate(inst.projects):
        line = _line_of(lines, "projects", i)
        if len(project.id) > 64:
            raise PBError(
                _("a project id has at most 64 characters"),
                path=filename,
                line=line,
                field="project_id",
            )
        costs.append(_amount(project.cost, filename, "cost", line))
    return budget, costs


def _meta_int(inst: PBInstance, key: str) -> int | None:
    try:
        value = inst.meta_int(key)
    except (ValueError, ZeroDivisionError):
        return None
    return value if value is not None and 0 <= value <= SMALL_INT else None


def _title(inst: PBInstance, filename: str) -> str:
    meta = inst.meta
    title = meta.get("description", "").strip() or " · ".join(
        v for v in (meta.get("unit", "").strip(), meta.get("district", "").strip()) if v
    )
    return (title or filename)[:200]


def _choices(inst: PBInstance) -> list[Any]:
    """Each voter's ballot as a budget poll stores it: the listed project ids in ballot order
    (best first for ordinal ballots), or for cumulative ballots ``{id: points}``."""
    ids = [p.id for p in inst.projects]
    tokens = [ids[j] for j in inst.indices.tolist()]
    bounds = inst.indptr.tolist()
    pairs = zip(bounds[:-1], bounds[1:], strict=True)
    if inst.vote_type in pb.POINT_TYPES:
        points = inst.points.tolist()
        return [dict(zip(tokens[a:b], points[a:b], strict=True)) for a, b in pairs]
    return [tokens[a:b] for a, b in pairs]


@transaction.atomic
def import_pb(
    body,
    data: bytes,
    *,
    filename: str,
    rule: str | None = None,
    by: Any,
    timings: dict[str, float] | None = None,
) -> Budget:
    """The file ``data`` (named ``filename``) as a counted budget of ``body``: PBError or
    CycleError, creating nothing, when it is malformed or cannot be held. ``timings``, when
    given, receives the seconds spent reading, writing and counting (the benchmark's)."""
    actor = actor_label(by)
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[name] = now - clock[0]
        clock[0] = now

    inst = read(data, filename)
    rule = choose_rule(inst, rule, filename)
    budget_amount, costs = _check(inst, data, filename)
    if inst.vote_type in pb.POINT_TYPES:
        counts = np.diff(inst.indptr)
        voters = np.repeat(np.arange(inst.n_voters), counts)
        if len(np.unique(voters * max(inst.n_projects, 1) + inst.indices)) != len(inst.indices):
            raise PBError(
                _("a ballot gives points to the same project twice"), path=filename, field="vote"
            )
    lap("parse")
    meta = dict(inst.meta)
    max_cost = None
    if meta.get("max_sum_cost", "").strip():
        try:
            max_cost = _amount(Fraction(meta["max_sum_cost"].replace(",", ".")), "", "", None)
        except (PBError, ValueError, ZeroDivisionError):
            max_cost = None  # kept in meta, written back; not a setting Comuna can hold
    user = acting_user(by)
    now = timezone.now()
    title = _title(inst, filename)
    budget = Budget.objects.create(
        body=body,
        title=title,
        amount=budget_amount,
        currency=meta.get("currency", "").strip()[:3].upper(),
        ballot_kind=KINDS[inst.vote_type],
        min_projects=_meta_int(inst, "min_length") or 0,
        max_projects=_meta_int(inst, "max_length"),
        max_cost=max_cost,
        max_points=_meta_int(inst, "max_sum_points"),
        rule=rule,
        status=BudgetStatus.COUNTED,
        source_file=filename[:255],
        source_sha256=hashlib.sha256(data).hexdigest(),
        created_by=user,
    )
    poll = Poll.objects.create(
        body=body,
        title=title,
        method=Method.BUDGET,
        rule=rule,
        vote_type=inst.vote_type,
        meta=meta,
        min_choices=budget.min_projects,
        max_choices=budget.max_projects,
        max_points=budget.max_points,
        budget=budget_amount,
        max_cost=max_cost,
        allow_revote=False,
        paper_double_entry=False,
        status=Status.CLOSED,
        opened_on=now.date(),
        closed_on=now.date(),
        closed_at=now,
        created_by=user,
    )
    district = BudgetDistrict.objects.create(
        budget=budget,
        name=(meta.get("district", "").strip() or meta.get("unit", "").strip() or title)[:200],
        amount=budget_amount,
        poll=poll,
    )
    options = []
    for project, cost in zip(inst.projects, costs, strict=True):
        label = " ".join(project.name.split())[:200] or project.id
        fields = dict(project.fields)
        if label != project.name:
            fields["name"] = project.name
        options.append(Option(poll=poll, key=project.id, label=label, cost=cost, fields=fields))
    Option.objects.bulk_create(options, batch_size=1000)
    BudgetProject.objects.bulk_create(
        [BudgetProject(district=district, key=p.id) for p in inst.projects], batch_size=1000
    )
    _write_ballots(poll, _choices(inst))
    lap("write")
    entry = _record_count(poll, actor)
    lap("count")
    budgets.remember_comparison(district)  # what other rules fund: once, not on every page
    record(
        body.ledger_chain,
        "budget.imported",
        imported_payload(budget, poll, entry.data),
        actor=actor,
    )
    lap("compare")
    return budget


def _write_ballots(poll: Poll, choices: list[Any]) -> None:
    """Insert the ballots in batches with plain INSERTs: building a model instance for each of
    90,000 ballots took most of an import's time. Values are prepared by the model's own
    fields, so the rows are what ``bulk_create`` would write."""
    meta = Ballot._meta
    id_field, choices_field = meta.get_field("id"), meta.get_field("choices")
    source = Source.IMPORTED.value
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}, {}, {}, {}) VALUES (%s, %s, %s, %s)".format(
        quote(meta.db_table), quote("id"), quote("poll_id"), quote("choices"), quote("source")
    )
    with connection.cursor() as cursor:
        for start in range(0, len(choices), BATCH):
            cursor.executemany(
                sql,
                [
                    (
                        id_field.get_db_prep_value(uuid.uuid4(), connection),
                        poll.pk,
                        choices_field.get_db_prep_value(c, connection),
                        source,
                    )
                    for c in choices[start : start + BATCH]
                ],
            )


def _record_count(poll: Poll, actor: str):
    """Count the poll's ballots as stored, as a closing does, and record it (``poll.closed``:
    every closed poll points at the entry that records its count)."""
    counted = tally.load(poll)
    result = tally.count_poll(poll, counted)
    result |= turnout.recorded(poll, counted)
    entry = record(
        poll.body.ledger_chain,
        "poll.closed",
        {
            "poll": poll.pk,
            "rule": poll.rule,
            "seats": poll.seats,
            "statute_version": None,
            "eligible": 0,
            "voted_online": 0,
            "digest": tally.digest(poll, counted),
            "result": {k: result[k] for k in ("winners", "tally", "ballots")},
            "turnout": result["turnout"],
            "quorum": result["quorum"],
        },
        actor=actor,
    )
    poll.result, poll.result_entry = result, entry.seq
    poll.save(update_fields=["result", "result_entry"])
    return entry


def imported_payload(budget: Budget, poll: Poll, closed: dict[str, Any]) -> dict[str, Any]:
    return {
        "budget": budget.pk,
        "poll": poll.pk,
        "file": budget.source_file,
        "sha256": budget.source_sha256,
        "rule": budget.rule,
        "vote_type": poll.vote_type,
        "ballots": closed["result"]["ballots"],
        "digest": closed["digest"],
        "funded": closed["result"]["winners"],
    }


def check_imported(entry) -> str | None:
    """``ledger verify``: the imported budget is in the database as recorded, and its ballots,
    counted again, fund the projects recorded."""
    data = entry.data
    budget = Budget.objects.select_related("body").filter(pk=data.get("budget")).first()
    if budget is None or budget.body.ledger_chain != entry.chain:
        return _("imported budget %(pk)s is missing from the database") % {"pk": data.get("budget")}
    district = budget.districts.select_related("poll").first()
    poll = district.poll if district else None
    if poll is None or poll.pk != data.get("poll"):
        return _("imported budget %(pk)s lost its poll") % {"pk": budget.pk}
    counted = tally.load(poll)
    now = {
        "budget": budget.pk,
        "poll": poll.pk,
        "file": budget.source_file,
        "sha256": budget.source_sha256,
        "rule": budget.rule,
        "vote_type": poll.vote_type,
        "ballots": len(counted.ballots),
        "digest": tally.digest(poll, counted),
        "funded": tally.count_poll(poll, counted)["winners"] if poll.rule == budget.rule else None,
    }
    return differs(_("imported budget"), budget.pk, data, now)


def import_file(
    path: str | Path,
    *,
    body: str,
    rule: str | None = None,
    by: Any = OPERATOR,
    timings: dict[str, float] | None = None,
) -> Budget:
    """``comuna cycle import-pb``: the file at ``path`` imported into the body ``body`` (a
    slug), as the host's operator."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise PBError(f"cannot read the file ({e.strerror})", path=name) from None
    found = Body.objects.filter(slug=body).first()
    if found is None:
        raise CycleError(_("--body: there is no body %(slug)s.") % {"slug": body})
    return import_pb(found, data, filename=Path(path).name, rule=rule, by=by, timings=timings)


def export_pb(budget: Budget, district: BudgetDistrict | None = None) -> str:
    """The Pabulib text of ``district`` of ``budget`` (its only district by default): its
    projects and ballots, and for an imported budget its file's META lines."""
    if district is None:
        districts = list(budget.districts.select_related("poll", "poll__body"))
        if len(districts) != 1:
            raise CycleError(
                _("This budget has %(n)s districts: say which one to export.")
                % {"n": len(districts)}
            )
        district = districts[0]
    if district.budget_id != budget.pk or district.poll is None:
        raise CycleError(_("This district has no vote to export."))
    return pabulib.dumps(tally.pb_instance(district.poll))


LEDGER_CHECKS: dict = {
    "budget.imported": (check_imported, gettext_lazy("Pabulib file imported as a budget")),
}
