"""A body's open data in one ZIP file: the body, its polls, the published results and ballots
of its closed polls, its ledger and the ledger's signed head, with a README that says what each
file is and how to recount and check them with independent tools.

Everything comes from the functions the public pages use (the ballot files of
``poll_ballots``, the lines of ``ledger.jsonl``, the result the results page shows): nothing
is counted again here. The same data gives the same bytes: files in a fixed order, each with
a fixed time stamp. The file is built in a spooled temporary file, so a large body's bundle
goes to disk instead of memory.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from comuna.ledger import canonical_json, entries
from comuna.ledger import head as ledger_head
from comuna.ledger.hashing import GENESIS_HASH, utc_text
from comuna.ledger.signing import KeyFileError, head_document
from comuna.territory.models import Body
from comuna.voting import checks, tally
from comuna.voting.models import Method, Poll, Status

STAMP = (1980, 1, 1, 0, 0, 0)  # every file's time in the ZIP: the same data, the same bytes
IN_MEMORY = 16 * 1024 * 1024  # past this many bytes the bundle is written to a temporary file


# --- what the public downloads serve, one function each ------------------------------------


def ballot_formats(poll: Poll) -> list[str]:
    """The files a closed poll's ballots are published as."""
    if poll.method in (Method.BUDGET, Method.CUMULATIVE):
        return ["json", "pb"]
    if poll.method in (Method.RANKED, Method.SINGLE):
        return ["json", "soi"]
    return ["json"]


def ballot_file(poll: Poll, fmt: str, counted: tally.Counted | None = None) -> str:
    """A closed poll's anonymised ballots as ``fmt`` (one of ``ballot_formats(poll)``)."""
    if fmt == "pb":
        return tally.export_pb(poll)
    if fmt == "soi":
        return tally.export_preflib(poll)
    counted = counted or tally.load(poll)
    return canonical_json(
        {
            "poll": poll.pk,
            "title": poll.title,
            "method": poll.method,
            "rule": poll.rule,
            "seats": poll.seats,
            "digest": tally.digest(poll, counted),
            "options": [
                {"key": o.key, "label": o.label, "cost": None if o.cost is None else str(o.cost)}
                for o in poll.options.all()
            ],
            "ballots": tally.published_ballots(poll, counted),
            "paper_totals": tally.published_totals(counted),
        }
    )


def ledger_row(e) -> dict[str, Any]:
    """A ledger entry as ``ledger.jsonl`` publishes it: the object whose canonical JSON the
    entry's hash covers, plus "hash"."""
    return {
        "actor": e.actor,
        "chain": e.chain,
        "kind": e.kind,
        "payload": json.loads(e.payload),
        "prev_hash": e.prev_hash,
        "recorded_at": utc_text(e.recorded_at),
        "seq": e.seq,
        "hash": e.hash,
    }


def ledger_line(e) -> str:
    # sha256(json.dumps(line without "hash", sort_keys=True, separators=(",", ":"),
    # ensure_ascii=False)) gives "hash" back
    return json.dumps(ledger_row(e), ensure_ascii=False, sort_keys=True) + "\n"


# --- the bundle ---------------------------------------------------------------------------


def _when(value) -> str:
    if value is None:
        return ""
    return utc_text(value) if isinstance(value, datetime) else value.isoformat()


def _csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def _head(body: Body) -> dict[str, Any]:
    """The chain's head signed with the body's key (as ``head.json`` serves it), or unsigned
    when the key has not been made yet."""
    try:
        return head_document(body.ledger_chain, body.slug)
    except KeyFileError:
        head = ledger_head(body.ledger_chain)
        return {
            "body": body.slug,
            "chain": body.ledger_chain,
            "hash": head.hash if head else GENESIS_HASH,
            "recorded_at": utc_text(head.updated_at) if head else None,
            "seq": head.seq if head else 0,
        }


POLL_COLUMNS = [
    "id",
    "title",
    "method",
    "rule",
    "seats",
    "status",
    "opens_at",
    "closes_at",
    "opened_on",
    "closed_on",
    "closed_at",
    "register",
    "ballots",
    "online",
    "paper",
]


def _poll_row(poll: Poll, result: dict | None) -> dict[str, Any]:
    figures = (result or {}).get("turnout") or {}
    return {
        "id": poll.pk,
        "title": poll.title,
        "method": poll.method,
        "rule": poll.rule,
        "seats": poll.seats,
        "status": poll.status,
        "opens_at": _when(poll.opens_at),
        "closes_at": _when(poll.closes_at),
        "opened_on": _when(poll.opened_on),
        "closed_on": _when(poll.closed_on),
        "closed_at": _when(poll.closed_at),
        "register": figures.get("register"),
        "ballots": figures.get("ballots"),
        "online": figures.get("online"),
        "paper": figures.get("paper"),
    }


def files(body: Body) -> list[tuple[str, str]]:
    """The bundle's files, (name, text), in their order in the ZIP."""
    head = _head(body)
    polls = list(body.polls.exclude(status=Status.DRAFT).order_by("pk").prefetch_related("options"))
    closed = [p for p in polls if p.status == Status.CLOSED]
    recorded = {p.pk: checks.recorded_result(p) for p in closed}
    out: list[tuple[str, str]] = []

    children = list(body.children.order_by("slug").values_list("slug", flat=True))
    out.append(
        (
            "body.json",
            _json(
                {
                    "name": body.name,
                    "slug": body.slug,
                    "kind": body.kind,
                    "parent": body.parent.slug if body.parent_id else None,
                    "members": children,
                    "territory": body.territory,
                    "chain": body.ledger_chain,
                }
            ),
        )
    )

    rows = [_poll_row(p, recorded.get(p.pk, (None, None))[0]) for p in polls]
    out.append(("polls.json", _json(rows)))
    out.append(("polls.csv", _csv(POLL_COLUMNS, ([r[c] for c in POLL_COLUMNS] for r in rows))))

    results, result_rows = {}, []
    for poll in closed:
        result, entry = recorded[poll.pk]
        options = list(poll.options.all())
        results[str(poll.pk)] = {
            "poll": poll.pk,
            "title": poll.title,
            "method": poll.method,
            "rule": poll.rule,
            "seats": poll.seats,
            "budget": None if poll.budget is None else str(poll.budget),
            "options": [
                {"key": o.key, "label": o.label, "cost": None if o.cost is None else str(o.cost)}
                for o in options
            ],
            "ledger_entry": entry.seq if entry is not None else None,
            "result": result,
        }
        if result is not None:
            for o in options:
                won = o.key in result["winners"]
                result_rows.append([poll.pk, o.key, o.label, o.cost, result["tally"][o.key], won])
    out.append(("results.json", _json(results)))
    out.append(
        ("results.csv", _csv(["poll", "option", "label", "cost", "votes", "won"], result_rows))
    )

    for poll in closed:
        counted = tally.load(poll)
        name = f"ballots/poll-{poll.pk}"
        for fmt in ballot_formats(poll):
            out.append((f"{name}.{fmt}", ballot_file(poll, fmt, counted)))
        out.append(
            (
                f"{name}.csv",
                _csv(
                    ["receipt_hash", "source", "polling_place", "choices"],
                    (
                        [
                            b["receipt_hash"],
                            b["source"],
                            b["polling_place"],
                            canonical_json(b["choices"]),
                        ]
                        for b in tally.published_ballots(poll, counted)
                    ),
                ),
            )
        )

    # the ledger up to the head above, so the head is always the last line's hash
    chain = list(entries(body.ledger_chain).filter(seq__lte=head["seq"]).order_by("seq"))
    out.append(("ledger.jsonl", "".join(ledger_line(e) for e in chain)))
    out.append(
        (
            "ledger.csv",
            _csv(
                ["seq", "recorded_at", "kind", "actor", "prev_hash", "hash", "payload"],
                (
                    [
                        e.seq,
                        utc_text(e.recorded_at),
                        e.kind,
                        e.actor,
                        e.prev_hash,
                        e.hash,
                        e.payload,
                    ]
                    for e in chain
                ),
            ),
        )
    )
    out.append(("head.json", canonical_json(head) + "\n"))
    out.insert(0, ("README.md", readme(body, [n for n, _text in out], closed, head)))
    return out


def write(body: Body) -> IO[bytes]:
    """The bundle as a ZIP, in a file positioned at its start."""
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files(body):
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    spool.seek(0)
    return spool


# --- the README -----------------------------------------------------------------------------

PABUTOOLS_RULES = {
    "greedy-cost": ("greedy_utilitarian_welfare", "sat_class=Cost_Sat"),
    "greedy-card": ("greedy_utilitarian_welfare", "sat_class=Cardinality_Sat"),
    "greedy-points": ("greedy_utilitarian_welfare", "sat_class=Additive_Cardinal_Sat"),
    "mes-cost": ("method_of_equal_shares", "sat_class=Cost_Sat"),
    "mes-card": ("method_of_equal_shares", "sat_class=Cardinality_Sat"),
    "mes-points": ("method_of_equal_shares", "sat_class=Additive_Cardinal_Sat"),
    "phragmen": ("sequential_phragmen", ""),
}


def pabutools_lines(poll: Poll) -> str | None:
    """Python that recounts the poll's ``.pb`` file with pabutools and prints the winning
    projects' keys, or None for a rule pabutools has no single function for."""
    if poll.rule == "mes-cost-complete":
        return (
            "from pabutools.election import parse_pabulib, Cost_Sat\n"
            "from pabutools.rules import completion_by_rule_combination, "
            "greedy_utilitarian_welfare, method_of_equal_shares\n"
            "from pabutools.tiebreaking import lexico_tie_breaking\n"
            f'instance, profile = parse_pabulib("ballots/poll-{poll.pk}.pb")\n'
            "winners = completion_by_rule_combination(\n"
            "    instance,\n"
            "    profile,\n"
            "    [method_of_equal_shares, greedy_utilitarian_welfare],\n"
            "    [\n"
            '        {"sat_class": Cost_Sat, "voter_budget_increment": 1, '
            '"tie_breaking": lexico_tie_breaking},\n'
            '        {"sat_class": Cost_Sat, "tie_breaking": lexico_tie_breaking},\n'
            "    ],\n"
            ")\n"
            "print(sorted(p.name for p in winners))\n"
        )
    if poll.rule not in PABUTOOLS_RULES:
        return None
    function, sat = PABUTOOLS_RULES[poll.rule]
    sat_import = f", {sat.split('=')[1]}" if sat else ""
    arguments = f", {sat}" if sat else ""
    return (
        f"from pabutools.election import parse_pabulib{sat_import}\n"
        f"from pabutools.rules import {function}\n"
        "from pabutools.tiebreaking import lexico_tie_breaking\n"
        f'instance, profile = parse_pabulib("ballots/poll-{poll.pk}.pb")\n'
        f"winners = {function}(instance, profile{arguments}, "
        "tie_breaking=lexico_tie_breaking)\n"
        "print(sorted(p.name for p in winners))\n"
    )


LEDGER_CHECK = """import hashlib, json
prev = "0" * 64
for line in open("ledger.jsonl", encoding="utf-8"):
    entry = json.loads(line)
    digest = entry.pop("hash")
    assert entry["prev_hash"] == prev, entry["seq"]
    text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest, entry["seq"]
    prev = digest
head = json.load(open("head.json", encoding="utf-8"))
assert head["hash"] == prev
print("ledger OK up to entry", head["seq"])
"""


def _describe(name: str) -> str:
    if name.startswith("ballots/"):
        kind = name.rsplit(".", 1)[-1]
        return {
            "json": _(
                "the poll's anonymised ballots as the results page publishes them: receipt "
                "hash, choices, source and polling place of each, the paper totals, and the "
                "digest of them all"
            ),
            "pb": _("the same ballots as a Pabulib file, for pabutools and other PB tools"),
            "soi": _("the same ballots as a PrefLib file (strict orders, incomplete)"),
            "csv": _("the same ballots, one line each (choices as JSON)"),
        }[kind]
    return {
        "README.md": _("this file"),
        "body.json": _("the body: name, short name, kind, parent, member bodies, ledger chain"),
        "polls.json": _(
            "the body's polls that were opened (drafts are not published): id, title, method, "
            "rule, seats, status, dates and, once closed, turnout"
        ),
        "polls.csv": _("the same polls as a table"),
        "results.json": _(
            "the result of each closed poll as the ledger recorded it: winners, tally, "
            "ballots, turnout, quorum, rounds and the counting engine's explanation (empty "
            "when the stored result disagrees with the ledger)"
        ),
        "results.csv": _("each closed poll's options with their votes and whether they won"),
        "ledger.jsonl": _(
            "the body's ledger, one entry per line, exactly as the ledger page publishes it"
        ),
        "ledger.csv": _("the same entries as a table (payload as JSON)"),
        "head.json": _(
            "the ledger's head signed with the body's key: the hash of the last entry above"
        ),
    }[name]


def readme(body: Body, names: list[str], closed: list[Poll], head: dict) -> str:
    """What each file is and how to check it, in the reader's language."""
    lines = [
        "# " + _("Open data of %(body)s") % {"body": body.name},
        "",
        _(
            "Everything here is public. The ledger goes up to entry %(seq)s; every closed "
            "poll's ballots can be counted again with tools that are not Comuna."
        )
        % {"seq": head["seq"]},
        "",
        "## " + _("Files"),
        "",
    ]
    lines += [f"- `{name}`: {_describe(name)}" for name in ["README.md", *names]]
    budget = [p for p in closed if p.method in (Method.BUDGET, Method.CUMULATIVE)]
    ranked = [p for p in closed if p.method in (Method.RANKED, Method.SINGLE)]
    if budget:
        lines += ["", "## " + _("Recount a participatory budget with pabutools"), ""]
        lines.append(
            _(
                "Install pabutools (`pip install pabutools`), then run this Python in this "
                "folder. It prints the keys of the projects the rule selects: compare them "
                'with "winners" in results.json.'
            )
        )
        for poll in budget:
            code = pabutools_lines(poll)
            number = _("poll %(id)s") % {"id": poll.pk}
            lines += ["", f"### {poll.title} ({number})", ""]
            if code is None:
                lines.append(
                    _(
                        "pabutools has no single function for its rule, %(rule)s: the "
                        "rule is described on Comuna's page of the poll's results."
                    )
                    % {"rule": poll.rule}
                )
            else:
                lines += ["```python", code.rstrip("\n"), "```"]
    if ranked:
        lines += ["", "## " + _("Recount a ranked or single-choice poll from its PrefLib file"), ""]
        lines.append(
            _(
                "Each .soi file is in PrefLib's format (https://preflib.org/format): any "
                "PrefLib tool reads it, e.g. preflibtools (`pip install preflibtools`) with "
                "`OrdinalInstance().parse_file(path)`. Count it with the rule and number of "
                'winners named in results.json ("rule", "seats") and compare with "winners" '
                'and "tally"; the alternatives are named by the options\' labels, and '
                "results.json gives each option's key and label."
            )
        )
        lines.append("")
        rule, winners = _("rule"), _("winners")
        for poll in ranked:
            lines.append(
                f"- `ballots/poll-{poll.pk}.soi`: {poll.title} "
                f"({rule}: {poll.rule}, {winners}: {poll.seats})"
            )
    lines += ["", "## " + _("Check the ledger"), ""]
    lines.append(
        _(
            'Each entry\'s hash is the SHA-256 of its line without "hash", written as '
            "compact JSON with sorted keys; each entry names the previous entry's hash (the "
            "first names 64 zeros); the last hash is the head. This Python checks it all:"
        )
    )
    lines += ["", "```python", LEDGER_CHECK.rstrip("\n"), "```", ""]
    lines.append(
        _(
            'head.json is signed with the body\'s Ed25519 key (field "public_key"): the '
            "signature covers the canonical JSON of its other fields (see the ledger page)."
        )
    )
    return "\n".join(lines) + "\n"
