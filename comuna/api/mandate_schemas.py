"""The typed answers of the mandates endpoints (seats, elections, recalls, spokespersons), so
the OpenAPI document describes each of them.

Names are unique across the API (OpenAPI components are named after them): every schema here
starts with what it is about. Codes come with their label in the reader's language
(:class:`~comuna.api.schemas.Label`); the count's explanation is the engine's messages as data
(:class:`~comuna.api.schemas.Message`), as the polls' results give it.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from comuna.api.schemas import Label, Message

# --- seats ---------------------------------------------------------------------------------


class SeatHolder(Schema):
    """A mandate holding a seat: its id is the spokesperson's page (``spokespersons/{id}/``)."""

    mandate: int
    name: str
    starts_on: date
    ends_on: date | None = Field(
        description="The day the term ends and the successor takes the seat: the mandate gives "
        "no power that day."
    )


class SeatUnseated(SeatHolder):
    kind: Label = Field(description="spokesperson or substitute.")


class SeatRow(Schema):
    number: int
    principal: SeatHolder | None = Field(description="Null while the seat is vacant.")
    substitute: SeatHolder | None
    incoming: SeatHolder | None = Field(
        description="The principal elected for a term that starts later, if any."
    )
    vacant_since: date | None = Field(
        description="With no principal: the day the last principal's term ended (null if the "
        "seat was never held)."
    )


class SeatOrgan(Schema):
    id: int
    name: str
    kind: Label
    part_of: int | None = Field(description="The organ a committee belongs to.")
    counting: Label = Field(
        description="uninominal (one seat per race) or stv (every seat in one count)."
    )
    seats: list[SeatRow] = Field(description="The declared seats, by number.")
    unseated: list[SeatUnseated] = Field(
        description="Mandates in force conferred before the organ's seats were declared: they "
        "hold no numbered seat."
    )


class Seats(Schema):
    """A body's organs and their seats, with the holders in force today."""

    on: date = Field(description="The day the holders are those in force.")
    statute_version: int
    term_years: int = Field(description="The statute's term of office.")
    reelection_allowed: bool
    organs: list[SeatOrgan] = Field(
        description="In the body's order of organs, each followed by its committees."
    )


# --- elections -----------------------------------------------------------------------------


class ElectionCalendar(Schema):
    """Every date inclusive."""

    candidacy_opens: date
    candidacy_closes: date
    objections_close: date
    vote_on: date
    term_starts: date = Field(description="The elected take their seats on this day.")


class ElectionObjection(Schema):
    id: int
    grounds: str
    status: Label = Field(description="filed, upheld (candidacy disqualified) or dismissed.")
    decision_reason: str | None = Field(description="The commission's reasons; null until decided.")
    filed_at: datetime
    decided_at: datetime | None


class ElectionCandidate(Schema):
    id: int
    name: str
    status: Label = Field(description="standing, withdrawn or disqualified.")
    reason: str | None = Field(description="Why withdrawn or disqualified; null if standing.")
    statement: str
    nominated: bool = Field(description="True when another resident nominated them.")
    nominated_by: str | None = Field(description="The nominating resident's name.")
    registered_at: datetime
    objections: list[ElectionObjection]


class ElectionPerson(Schema):
    candidate: int
    name: str


class ElectionSeatResult(Schema):
    seat: int = Field(description="The seat's number.")
    principal: ElectionPerson | None = Field(description="Null: the seat stays vacant.")
    substitute: ElectionPerson | None


class ElectionContestResult(Schema):
    """Principals are the ballot's winners in the order elected; substitutes come from counting
    the same ballots again with the principals withdrawn (the results' documented rule). Seat
    i goes to principal i with substitute i."""

    poll: int = Field(description="The contest's secret ballot (see the polls endpoints).")
    options: dict[str, int] = Field(
        description="The ballot's option key -> candidate id (messages name option keys)."
    )
    principals: list[int] = Field(description="Candidate ids, in the order elected.")
    substitutes: list[int] = Field(description="Candidate ids, in the order elected.")
    seats: list[ElectionSeatResult]
    explanation: list[Message] = Field(
        description="The principals' count as the engine's messages (empty when the poll's "
        "stored result disagrees with its ledger entry)."
    )
    substitute_explanation: list[Message] = Field(
        description="The substitutes' count as the engine's messages."
    )


class ElectionOrgan(Schema):
    id: int
    name: str


class ElectionContest(Schema):
    id: int
    organ: ElectionOrgan
    seats: list[int] = Field(description="The numbers of the seats elected.")
    counting: Label
    poll: int | None = Field(description="The secret ballot, once the vote opened.")
    candidates: list[ElectionCandidate] = Field(description="In registration order.")
    result: ElectionContestResult | None = Field(description="Once counted.")


class ElectionMandate(Schema):
    """A mandate the election conferred."""

    mandate: int
    name: str
    kind: Label = Field(description="spokesperson or substitute.")
    organ: int
    seat: int | None = Field(description="The seat's number.")
    starts_on: date
    ends_on: date | None


class ElectionSummary(Schema):
    id: int
    title: str
    phase: Label = Field(
        description="convened, candidacy, objections, campaign (from the calendar), voting, "
        "counted, conferred or cancelled."
    )
    calendar: ElectionCalendar
    recall: int | None = Field(description="The recall that left the seat empty, if any.")


class ElectionDetail(ElectionSummary):
    description: str
    statute_version: int
    created_at: datetime
    counted_at: datetime | None
    conferred_at: datetime | None
    contests: list[ElectionContest]
    mandates: list[ElectionMandate] = Field(description="Conferred; empty until then.")


class ElectionList(Schema):
    items: list[ElectionSummary] = Field(description="Elections ordered by id.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


# --- recalls -------------------------------------------------------------------------------


class RecallSpokesperson(Schema):
    mandate: int
    name: str
    organ: ElectionOrgan
    seat: int | None = Field(description="The seat's number; null for a mandate without one.")


class RecallDeadlines(Schema):
    report_due: date | None = Field(description="The comptroller's report, once due.")
    report_overdue: bool
    vote_due: date | None = Field(description="The recall vote in assembly, once due.")
    vote_overdue: bool


class RecallVote(Schema):
    assembly: int
    item: int = Field(description="The agenda item of the recall vote.")
    motion: int | None = Field(description="The motion decided on it; null until then.")
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    present: int | None
    quorum_required: int | None
    outcome: Label | None = Field(description="carried or rejected; null until decided.")
    decided_at: datetime | None


class RecallSuccessor(Schema):
    mandate: int
    name: str


class RecallSummary(Schema):
    id: int
    spokesperson: RecallSpokesperson
    origin: Label = Field(description="petition (residents) or comptroller.")
    status: Label = Field(description="collecting, report, vote, carried or rejected.")
    signatures: int = Field(description="Signatures counted (who signed is never published).")
    threshold: int = Field(description="Signatures needed (the statute's share, rounded up).")
    register_size: int = Field(description="Voters on the register when the petition started.")
    started_at: datetime
    deadlines: RecallDeadlines


class RecallDetail(RecallSummary):
    grounds: str
    statute_version: int
    reached_at: datetime | None = Field(description="Threshold met (or comptroller initiative).")
    report: str | None = Field(description="The comptroller's report; null until filed.")
    report_at: datetime | None
    report_late: bool = Field(description="Filed after its due day.")
    vote: RecallVote | None = Field(description="Once put on an assembly's agenda.")
    decided_at: datetime | None
    successor: RecallSuccessor | None = Field(
        description="Carried: the substitute's new mandate in the seat."
    )
    election: int | None = Field(description="Carried with no substitute: the election convened.")


class RecallList(Schema):
    items: list[RecallSummary] = Field(description="Recalls ordered by id.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class RecallSigned(Schema):
    recall: int
    signatures: int
    threshold: int
    status: Label = Field(description="report once this signature reached the threshold.")


# --- spokespersons -------------------------------------------------------------------------


class SpokespersonSummary(Schema):
    id: int = Field(description="The mandate's id.")
    name: str
    kind: Label = Field(description="spokesperson or substitute.")
    organ: ElectionOrgan
    seat: int | None = Field(description="The seat's number; null for a mandate without one.")
    starts_on: date
    ends_on: date | None
    in_force: bool = Field(description="The mandate gives its powers today.")


class SpokespersonList(Schema):
    items: list[SpokespersonSummary] = Field(description="Mandates ordered by id.")
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class SpokespersonInstruction(Schema):
    """An imperative mandate the assembly put to the spokesperson."""

    id: int
    body: str = Field(description="The slug of the body whose assembly gave it.")
    matter: str
    text: str
    position: Label = Field(description="for, against, abstain or free.")
    status: Label = Field(description="proposed, carried (given) or rejected.")
    assembly: int
    motion: int
    decided_at: datetime | None


class SpokespersonVote(Schema):
    """The spokesperson's vote by name on a motion of the body they sit in."""

    id: int
    body: str = Field(description="The slug of the body whose assembly voted.")
    assembly: int
    motion: int
    motion_text: str
    vote: Label = Field(description="for, against or abstain.")
    instruction: int | None = Field(description="The instruction carried, if any.")
    against_instruction: bool = Field(
        description="The vote departs from the instruction carried (never for a free vote)."
    )
    recorded_at: datetime


class SpokespersonQuestion(Schema):
    id: int
    text: str
    asked_at: datetime
    due_on: date
    answer: str | None = Field(description="Null until answered.")
    answered_at: datetime | None
    overdue: bool = Field(description="Unanswered past its due day.")


class SpokespersonAccounts(Schema):
    id: int
    period_from: date
    period_to: date
    text: str
    submitted_at: datetime
    status: Label = Field(description="proposed, carried (approved) or rejected.")
    motion: int | None = Field(description="The assembly's motion on it, once put.")
    decided_at: datetime | None


class SpokespersonDeadline(Schema):
    what: str
    due_on: date
    done: bool
    overdue: bool


class SpokespersonDetail(SpokespersonSummary):
    end_reason: str | None = Field(description="Why the mandate ended early, if it did.")
    substitute: SeatHolder | None = Field(
        description="The substitute in force for the same seat (or organ, without seats)."
    )
    instructions: list[SpokespersonInstruction] = Field(description="Newest first.")
    named_votes: list[SpokespersonVote] = Field(description="Newest first.")
    questions: list[SpokespersonQuestion] = Field(description="Newest first.")
    accounts: list[SpokespersonAccounts] = Field(description="Latest period first.")
    open_recall: int | None = Field(description="A recall not yet decided, if any.")
    deadlines: list[SpokespersonDeadline] = Field(description="Open and met, soonest first.")


class SpokespersonQuestionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000, examples=["¿Cuándo arreglan la bomba?"])
