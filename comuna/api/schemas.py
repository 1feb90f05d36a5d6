"""The typed answers of the public endpoints, so the OpenAPI document describes each of them.

Codes (a body's kind, a poll's method or status) come with their label in the reader's
language; amounts of money and percentages are decimal strings ("18000.00", "30.00"), never
floats, as the ledger records them. Ledger entries carry exactly the fields their hash covers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class FieldError(Schema):
    field: str = Field(description="Where: a parameter's name, or __all__.")
    message: str


class Problem(Schema):
    """Every error of the API."""

    detail: str = Field(description="What went wrong, in the reader's language.")
    errors: list[FieldError]


def problems(*statuses: int) -> dict[int, type[Problem]]:
    """The error answers an operation documents, each a :class:`Problem`."""
    return {status: Problem for status in statuses}


def label(code: str, meaning: object) -> dict[str, str]:
    """A code with what it means in the reader's language (a :class:`Label`)."""
    return {"code": code, "label": str(meaning)}


def page_by_id(found, limit: int, shape) -> dict[str, Any]:
    """One page of a list read by id: ``found`` ordered by id, already past ``after``; each row
    shaped by ``shape``, and the id to pass as ``after`` next (None at the end)."""
    rows = list(found[: limit + 1])
    page = rows[:limit]
    return {
        "items": [shape(row) for row in page],
        "next_after": page[-1].pk if len(rows) > limit else None,
    }


class Label(Schema):
    """A code and what it means in the reader's language."""

    code: str
    label: str


# --- bodies --------------------------------------------------------------------------------


class BodyNode(Schema):
    """A body in the federation tree."""

    slug: str
    name: str
    kind: Label
    parent: str | None = Field(description="The slug of the body it is federated into.")
    member_bodies: list[str] = Field(description="The slugs of the bodies federated into it.")


class BodyList(Schema):
    items: list[BodyNode] = Field(description="Bodies ordered by slug.")
    next_after: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class StatuteSettings(Schema):
    """Every threshold of a statute version (percentages as decimal strings)."""

    voting_age: int
    voter_residence_months: int
    candidate_residence_months: int
    term_years: int
    reelection_allowed: bool
    quorum_first_call_pct: str
    quorum_second_call_pct: str
    decision_majority_pct: str
    recall_initiative_pct: str
    recall_report_days: int
    recall_assembly_days: int
    commune_referendum_turnout_pct: str
    parliament_initiative_pct: str
    poll_quorum_pct: str
    assembly_notice_days: int
    second_call_minutes: int
    convening_petition_pct: str
    minutes_correction_days: int
    candidate_age: int
    no_public_office: bool
    question_answer_days: int
    accounts_months: int
    cycle_public: bool = Field(
        description="Whether the communal cycle's needs, projects and budgets are public."
    )
    finding_answer_days: int = Field(
        description="Days an organ has to answer a finding of the comptroller unit."
    )
    complaint_answer_days: int = Field(
        description="Days the comptroller unit has to answer a resident's complaint."
    )
    founding_majority_pct: str = Field(
        description="Yes votes a founding referendum needs, above this % of yes and no votes."
    )
    parliament_quorum_pct: str = Field(
        description="A parliament session is quorate with more than this % of its members."
    )
    parliament_initiative_days: int = Field(
        description="Days the parliament has to take up a matter raised by its councils."
    )
    dashboard_min_count: int = Field(
        description="Dashboards show any count of fewer people than this as suppressed."
    )


class Override(Schema):
    """A setting the body changed from its statute's profile."""

    setting: str
    label: str
    profile_value: int | bool | str
    value: int | bool | str


class Statute(Schema):
    """The statute version in force, as its ``statute.version`` ledger entry records it."""

    version: int
    profile: Label
    adopted_at: datetime
    settings: StatuteSettings
    overrides: list[Override]


class Spokesperson(Schema):
    name: str
    kind: Label = Field(description="spokesperson or substitute.")


class Committee(Schema):
    name: str
    kind: Label
    seats: int
    spokespersons: list[Spokesperson] = Field(description="Mandates in force today.")


class Organ(Committee):
    committees: list[Committee]


class LedgerHead(Schema):
    seq: int = Field(description="The sequence number of the chain's last entry.")
    hash: str = Field(description="The hash of the chain's last entry.")


class BodyDetail(Schema):
    slug: str
    name: str
    kind: Label
    parent: str | None
    member_bodies: list[str]
    territory: str
    description: str
    statute: Statute
    organs: list[Organ]
    residents: int | None = Field(
        description="Residents of the body and its member bodies: shown to its members only "
        "(null for anyone else), as on the body's page."
    )
    voters: int | None = Field(
        description="Voters on the electoral register: members only, as `residents`."
    )
    ledger: LedgerHead | None = Field(description="Null while nothing is recorded.")


# --- polls ---------------------------------------------------------------------------------


class Rule(Schema):
    code: str
    name: str
    description: str


class PollSummary(Schema):
    id: int
    title: str
    status: Label
    method: Label
    rule: Rule
    seats: int
    opened_on: date | None
    closed_on: date | None
    closed_at: datetime | None


class PollList(Schema):
    items: list[PollSummary] = Field(description="Polls ordered by id.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class PollOption(Schema):
    key: str = Field(description="The option's id in ballots, results and exported files.")
    label: str
    description: str
    cost: str | None = Field(description="A project's cost (budget polls), a decimal string.")


class Turnout(Schema):
    eligible: int = Field(description="Voters on the poll's register, frozen when it opened.")
    online: int = Field(description="Ballots cast online (while open: voters who voted).")
    paper: int | None = Field(description="Paper ballots counted; null while open.")
    ballots: int | None = Field(description="online + paper; null while open.")
    share_pct: str | None = Field(
        description="ballots as a percentage of eligible, one decimal; null while open or for "
        "an empty register."
    )


class Quorum(Schema):
    statute_version: int | None
    pct: str = Field(description="The share of the register that must vote.")
    needed: int
    met: bool


class Message(Schema):
    """One step of the count as the engine states it: a message id and its parameters
    (option keys, exact numbers as strings)."""

    id: str
    params: dict[str, Any]


class OptionExplained(Schema):
    key: str
    label: str
    won: bool
    status: str = Field(description="Chosen, Not chosen, Funded, Not funded, in words.")
    sentences: list[str]


class RoundRow(Schema):
    key: str
    label: str
    votes: list[str] = Field(
        description="Votes in each round, as the reader writes numbers; empty once out."
    )


class Explained(Schema):
    """The count put into words in the reader's language, as the results page says it."""

    general: list[str]
    options: list[OptionExplained] = Field(description="Winners first.")
    rounds: list[int] = Field(description="Round numbers of `table` (ranked rules).")
    table: list[RoundRow]
    legacy: list[str] = Field(
        description="A poll closed before explanations were messages: its English lines."
    )


class Result(Schema):
    """The result as the ledger records it (winners, tally, ballots, turnout, quorum come from
    the ``poll.closed`` entry; rounds and explanation from the stored count, which
    ``comuna ledger verify`` re-counts)."""

    rule: str
    winners: list[str] = Field(description="Option keys, in the order chosen.")
    tally: dict[str, int] = Field(description="Votes (or points) per option key.")
    ballots: int
    cost: str | None = Field(None, description="What the funded projects cost (budget polls).")
    rounds: list[dict[str, Any]] | None = Field(
        None, description="Each round of a ranked count: tallies, elected, eliminated, transfers."
    )
    turnout: Turnout
    quorum: Quorum | None
    explanation: list[Message | str] = Field(
        description="The engine's messages (strings for polls closed by older code)."
    )
    explained: Explained


class LedgerRef(Schema):
    """A ledger entry of the body's chain."""

    seq: int
    hash: str


class PollDetail(PollSummary):
    description: str
    min_choices: int
    max_choices: int | None
    max_points: int | None
    budget: str | None
    max_cost: str | None
    allow_revote: bool
    opens_at: datetime | None
    closes_at: datetime | None
    statute_version: int | None = Field(description="The statute version it opened under.")
    options: list[PollOption] = Field(description="In their order (ties follow it).")
    turnout: Turnout | None = Field(description="Null for a draft.")
    result: Result | None = Field(description="Once closed.")
    result_withheld: str | None = Field(
        description="Why a closed poll shows no result: the stored result disagrees with its "
        "ledger entry, or the entry is missing."
    )
    recorded_in: LedgerRef | None = Field(description="The `poll.closed` entry, once closed.")


class Ballot(Schema):
    """One counted ballot, with nothing that links it to a voter."""

    receipt_hash: str = Field(
        description="SHA-256 of the voter's receipt code (empty for paper ballots): the voter "
        "finds their ballot by it."
    )
    choices: list[str] | dict[str, int] = Field(
        description="Option keys (ranked: best first), or option key -> points (cumulative)."
    )
    source: str = Field(description="online or paper.")
    polling_place: str


class PaperTotals(Schema):
    """A polling place's paper votes entered as totals per option, not ballot by ballot."""

    polling_place: str
    totals: dict[str, int]
    ballots: int


class Ballots(Schema):
    poll: int
    method: str
    rule: str
    seats: int
    digest: str | None = Field(
        description="What the `poll.closed` entry recorded (null if that entry is missing): "
        'the SHA-256 of the canonical JSON of {"ballots": the ballots of every page, '
        '"totals": paper_totals}. Recompute it to check these are the ballots recorded.'
    )
    count: int = Field(description="Ballots in all pages.")
    offset: int
    next_offset: int | None = Field(description="Pass as `offset` for the next page.")
    ballots: list[Ballot]
    paper_totals: list[PaperTotals]


# --- ledger --------------------------------------------------------------------------------


class LedgerEntry(Schema):
    """An entry with exactly the fields its hash covers, and the hash: the SHA-256 of the
    canonical JSON (keys sorted, no spaces, UTF-8) of the entry without ``hash``."""

    actor: str
    chain: str
    kind: str
    payload: Any
    prev_hash: str
    recorded_at: str = Field(description="UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ, as hashed.")
    seq: int
    hash: str


class LedgerPage(Schema):
    chain: str
    head: LedgerHead | None
    items: list[LedgerEntry] = Field(description="Entries ordered by sequence.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class SignedHead(Schema):
    """The chain's head signed with the body's Ed25519 key (what ``head.json`` publishes):
    the signature covers the canonical JSON of the six other members."""

    body: str
    chain: str
    hash: str
    public_key: str
    recorded_at: str | None
    seq: int
    signature: str
