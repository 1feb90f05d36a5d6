"""Counting a poll with comuna.choice, the published ballots, and the ledger re-check.

The same functions count a poll when it closes and re-count it in ``comuna ledger verify``,
so a verification compares like with like: the outcome recorded in the ledger against the
outcome of the ballots now in the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from comuna.choice import pb as pb_rules
from comuna.choice.elections import count
from comuna.choice.elections.preflib import to_preflib
from comuna.choice.elections.profile import ApprovalProfile, RankedProfile
from comuna.choice.elections.result import ElectionResult
from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBInstance, Project
from comuna.ledger import canonical_json
from comuna.voting.models import Ballot, BatchState, Method, Option, PaperBatch, Poll, Source
from comuna.voting.turnout import check_recorded


@dataclass(frozen=True, slots=True)
class CountedBallot:
    """What a count and the published ballots read of a :class:`Ballot` (no model instance:
    a closed poll of many thousands of ballots is read for every download)."""

    id: Any
    receipt_hash: str | None
    choices: Any
    source: str
    polling_place: str


@dataclass(frozen=True)
class Counted:
    """What a count reads, loaded once: the ballots counted, in the published order (by
    receipt hash, then id: an order that says nothing about time), and the paper totals."""

    ballots: list[CountedBallot]
    totals: list[PaperBatch]


def load(poll: Poll) -> Counted:
    """Online ballots and paper ballots of entries not replaced by a correction, and the
    paper totals still in force."""
    fields = ("id", "receipt_hash", "choices", "source", "batch__polling_place")
    read = (
        Ballot.objects.filter(poll=poll)
        .exclude(batch__state=BatchState.CORRECTED)
        .values_list(*fields)
    )
    ballots = [CountedBallot(i, h, c, s, place or "") for i, h, c, s, place in read]
    ballots.sort(key=lambda b: (b.receipt_hash or "", str(b.id)))
    totals = list(
        PaperBatch.objects.filter(
            poll=poll, state=BatchState.ACTIVE, totals__isnull=False
        ).order_by("polling_place")
    )
    return Counted(ballots, totals)


def published_ballots(poll: Poll, counted: Counted | None = None) -> list[dict[str, Any]]:
    """The anonymised ballots anyone may download: receipt hash, choices, and source."""
    counted = counted or load(poll)
    return [
        {
            "receipt_hash": b.receipt_hash or "",
            "choices": b.choices,
            "source": b.source,
            "polling_place": b.polling_place,
        }
        for b in counted.ballots
    ]


def published_totals(counted: Counted) -> list[dict[str, Any]]:
    return [
        {"polling_place": t.polling_place, "totals": t.totals, "ballots": t.n_ballots}
        for t in counted.totals
    ]


def digest(poll: Poll, counted: Counted | None = None) -> str:
    """SHA-256 of the canonical JSON of everything counted: ballots and paper totals."""
    counted = counted or load(poll)
    material = {
        "ballots": published_ballots(poll, counted),
        "totals": published_totals(counted),
    }
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()


def pb_instance(
    poll: Poll, options: list[Option] | None = None, counted: Counted | None = None
) -> PBInstance:
    """The poll as a Pabulib instance (budget and cumulative polls).

    A budget poll's ballots have its vote type; its projects are its options in their order,
    keyed as the options (a Pabulib file's own project ids), with the options' ``fields`` as
    the other PROJECTS columns. META is the poll's ``meta`` when it has one (an imported
    file's META as read, written back as it was), else made from the poll's settings."""
    options = options or list(poll.options.all())
    counted = counted or load(poll)
    if poll.method == Method.BUDGET:
        vote_type = poll.vote_type or "approval"
        budget = Fraction(poll.budget)
        projects = [_project(o) for o in options]
    else:
        # Cumulative: every option costs 1 and the budget is the number of winners, so
        # greedy by points picks the options with the most points.
        vote_type = "cumulative"
        budget = Fraction(poll.seats)
        projects = [Project(o.key, Fraction(1), o.label) for o in options]
    index = {o.key: i for i, o in enumerate(options)}
    ballots = counted.ballots
    indptr, indices, points = [0], [], []
    for b in ballots:
        if isinstance(b.choices, dict):
            indices.extend(index[k] for k in b.choices)
            points.extend(b.choices.values())
        else:
            indices.extend(index[k] for k in b.choices)
            points.extend([1] * len(b.choices))
        indptr.append(len(indices))
    if poll.meta:
        meta = {str(k): str(v) for k, v in poll.meta.items()}
        meta.setdefault("budget", pabulib.format_number(budget))
        meta["vote_type"] = vote_type
        for key, count in (("num_projects", len(projects)), ("num_votes", len(ballots))):
            if key in meta:
                meta[key] = str(count)
    else:
        meta = _settings_meta(poll, vote_type, budget, len(projects), len(ballots))
    columns = ["project_id", "cost", "name"]
    for o in options:
        columns.extend(c for c in o.fields if c not in columns)
    return PBInstance(
        meta=meta,
        projects=projects,
        vote_type=vote_type,
        voter_ids=[str(i + 1) for i in range(len(ballots))],
        indptr=np.array(indptr, dtype=np.int64),
        indices=np.array(indices, dtype=np.int32),
        points=np.array(points, dtype=np.int64),
        project_columns=columns,
    )


def _project(option: Option) -> Project:
    """A budget option as a Pabulib project: its ``fields`` hold the file's other columns, and
    its name when the label could not be it (empty, or too long for a label)."""
    fields = {str(k): str(v) for k, v in option.fields.items()}
    name = fields.pop("name", option.label)
    return Project(option.key, Fraction(option.cost), name, fields)


def _settings_meta(
    poll: Poll, vote_type: str, budget: Fraction, n_projects: int, n_ballots: int
) -> dict[str, str]:
    meta = {
        "description": poll.title,
        "country": "",
        "unit": poll.body.name,
        "instance": f"poll-{poll.pk}",
        "num_projects": str(n_projects),
        "num_votes": str(n_ballots),
        "budget": pabulib.format_number(budget),
        "vote_type": vote_type,
        "rule": poll.rule,
        "min_length": str(poll.min_choices),
    }
    if poll.max_choices:
        meta["max_length"] = str(poll.max_choices)
    if poll.max_points:
        meta["max_sum_points"] = str(poll.max_points)
    if poll.max_cost is not None:
        meta["max_sum_cost"] = pabulib.format_number(Fraction(poll.max_cost))
    return meta


def ranked_profile(poll: Poll, options: list[Option], counted: Counted) -> RankedProfile:
    keys = [o.key for o in options]
    ballots = [list(b.choices) for b in counted.ballots]
    counts = [1] * len(ballots)
    for batch in counted.totals:  # plurality totals: n ballots naming one option each
        for key, n in batch.totals.items():
            if n:
                ballots.append([key])
                counts.append(n)
    return RankedProfile.from_ballots(keys, ballots, counts)


def approval_profile(poll: Poll, options: list[Option], counted: Counted) -> ApprovalProfile:
    keys = [o.key for o in options]
    ballots = [list(b.choices) for b in counted.ballots]
    counts = [1] * len(ballots)
    for batch in counted.totals:
        # Approval totals only say how many approved each option, which is all the approval
        # rule counts: they enter as that many one-option ballots.
        for key, n in batch.totals.items():
            if n:
                ballots.append([key])
                counts.append(n)
    return ApprovalProfile.from_ballots(keys, ballots, counts)


def count_poll(poll: Poll, counted: Counted | None = None) -> dict[str, Any]:
    """Count the poll's ballots with its rule: winners (option keys), per-option tally, and the
    engine's explanation as messages (``{"id", "params"}`` with option keys: put into words
    when shown, in the reader's language, by ``comuna.voting.explain``)."""
    options = list(poll.options.all())
    counted = counted or load(poll)
    n_ballots = len(counted.ballots) + sum(t.n_ballots for t in counted.totals)
    rounds: list[dict[str, Any]] = []
    if poll.method in (Method.BUDGET, Method.CUMULATIVE):
        inst = pb_instance(poll, options, counted)
        outcome = pb_rules.run(poll.rule, inst)
        tally = _pb_tally(inst)
        winners = list(outcome.selected)
        explanation = [s.msg.to_dict() for s in outcome.steps]
        extra = {"cost": str(outcome.cost)}
    else:
        if poll.method == Method.APPROVAL:
            profile = approval_profile(poll, options, counted)
            tally = dict(zip(profile.candidates, _approval_tally(profile), strict=True))
        else:
            profile = ranked_profile(poll, options, counted)
            tally = _first_choices(profile)
        result = count(poll.rule, profile, seats=poll.seats)
        rounds = count_rounds(result)
        winners = list(result.winners)
        explanation = [m.to_dict() for m in result.messages()]
        extra = {}
    return {
        "rule": poll.rule,
        **({"rounds": rounds} if rounds else {}),
        "winners": winners,
        "tally": {k: int(v) for k, v in tally.items()},
        "ballots": n_ballots,
        "explanation": explanation,
        **extra,
    }


def count_rounds(result: ElectionResult) -> list[dict[str, Any]]:
    """The numbers of each round of a count, for drawing it (the words are in the explanation):
    tallies, elected, eliminated, the transfer and the running total of exhausted votes, with
    fractions as "p/q" strings."""
    keep = (
        "number",
        "tallies",
        "elected",
        "eliminated",
        "transferred_from",
        "transfers",
        "exhausted",
    )
    return [{k: r[k] for k in keep} for r in result.to_dict()["rounds"]]


def _pb_tally(inst: PBInstance) -> dict[str, int]:
    sums = np.zeros(inst.n_projects, dtype=np.int64)
    np.add.at(sums, inst.indices, inst.points)
    return {p.id: int(s) for p, s in zip(inst.projects, sums, strict=True)}


def _approval_tally(profile: ApprovalProfile) -> list[int]:
    return (profile.approvals.astype(np.int64) * profile.counts[:, None]).sum(axis=0).tolist()


def _first_choices(profile: RankedProfile) -> dict[str, int]:
    firsts = {c: 0 for c in profile.candidates}
    for row, n in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
        if row and row[0] >= 0:
            firsts[profile.candidates[row[0]]] += n
    return firsts


def export_pb(poll: Poll) -> str:
    return pabulib.dumps(pb_instance(poll))


def export_preflib(poll: Poll) -> str:
    """The poll's ranked ballots as a PrefLib file, alternative i named by option i's label."""
    options = list(poll.options.all())
    names = [" ".join(o.label.split()) for o in options]
    if len(set(names)) != len(names) or not all(names):  # a legacy poll: fall back to keys
        names = [o.key for o in options]
    return to_preflib(
        ranked_profile(poll, options, load(poll)),
        file_name=f"poll-{poll.pk}.soi",
        title=" ".join(poll.title.split()),
        names=names,
    )


def recheck(entry) -> str | None:
    """Ledger check for ``poll.closed``: the ballots and the outcome, computed again."""
    payload = entry.data
    poll = Poll.objects.select_related("body").filter(pk=payload["poll"]).first()
    if poll is None or poll.body.ledger_chain != entry.chain:
        return _("poll %(poll)s is missing from the database") % {"poll": payload["poll"]}
    if (poll.rule, poll.seats) != (payload.get("rule"), payload.get("seats")):
        return _("poll %(poll)s now counts by another rule or number of seats") % {"poll": poll.pk}
    voted = poll.voters.filter(has_voted=True).count()
    online = Ballot.objects.filter(poll=poll, source=Source.ONLINE).count()
    if not voted == online == payload.get("voted_online"):
        return _(
            "poll %(poll)s has %(ballots)s online ballots and %(voters)s voters marked as "
            "voted; %(recorded)s were recorded"
        ) % {
            "poll": poll.pk,
            "ballots": online,
            "voters": voted,
            "recorded": payload.get("voted_online"),
        }
    counted = load(poll)
    now = digest(poll, counted)
    if now != payload["digest"]:
        return _(
            "the ballots of poll %(poll)s changed: digest %(then)s… was recorded, the ballots "
            "now give %(now)s…"
        ) % {"poll": poll.pk, "then": payload["digest"][:12], "now": now[:12]}
    problem = check_recorded(poll, payload, counted)
    if problem:
        return problem
    result = count_poll(poll, counted)
    for key in ("winners", "tally"):
        if result[key] != payload["result"][key]:
            return _("poll %(poll)s re-counts to %(now)s, the ledger says %(then)s") % {
                "poll": poll.pk,
                "now": result[key],
                "then": payload["result"][key],
            }
    return None
