"""The endpoints for a logged-in user (a session, or a personal access token): who they are
and their roles, the census for those who may see it, and casting a ballot."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from comuna import rows
from comuna.api.access import PERSONAL, Permission, declare, find, user_of
from comuna.api.auth import AUTH
from comuna.api.errors import Conflict, Invalid
from comuna.api.schemas import problems
from comuna.ledger import head as ledger_head
from comuna.territory import census as census_service
from comuna.territory.models import Body, BodyKind, Resident
from comuna.territory.permissions import Role, allowed_roles, bodies_of, roles
from comuna.territory.rules import Action
from comuna.voting import services
from comuna.voting.ballots import BallotError, from_fields
from comuna.voting.models import Method, Poll, Voter
from comuna.voting.models import Status as PollStatus
from comuna.voting.rules import PollAction
from comuna.web import limits
from comuna.web.search import SearchForm

router = Router(tags=["personal"], auth=AUTH)

ROLE_LABELS = {
    Role.RESIDENT: gettext_lazy("Resident"),
    Role.SPOKESPERSON: gettext_lazy("Spokesperson"),
    Role.ELECTORAL: gettext_lazy("Electoral commission"),
    Role.COMPTROLLER: gettext_lazy("Comptroller unit"),
    Role.FINANCIAL: gettext_lazy("Financial unit"),
    Role.PARLIAMENTARIAN: gettext_lazy("Parliamentarian"),
    Role.COORDINATION: gettext_lazy("Coordination collective"),
    Role.ADMINISTRATOR: gettext_lazy("Administrator"),
}
CENSUS_PAGE = 30  # households per page, as on the census page


class Labelled(Schema):
    code: str
    label: str = Field(description="The code in the reader's language")


class MyBody(Schema):
    slug: str
    name: str
    kind: Labelled
    roles: list[Labelled] = Field(description="The user's roles in this body today")


class Me(Schema):
    username: str
    name: str | None = Field(description="The name of the user's resident in the census")
    bodies: list[MyBody] = Field(description="Their council first, the bodies it joins after")


@router.get(
    "/me/",
    response={200: Me, **problems(401)},
    summary="The user, their bodies and their roles",
    url_name="api-me",
)
@declare(PERSONAL)
def me(request):
    user = user_of(request)
    resident = Resident.objects.filter(user=user).first()
    return {
        "username": user.get_username(),
        "name": str(resident) if resident else None,
        "bodies": [
            {
                "slug": body.slug,
                "name": body.name,
                "kind": {"code": body.kind, "label": str(BodyKind(body.kind).label)},
                "roles": [
                    {"code": role.value, "label": str(ROLE_LABELS[role])}
                    for role in sorted(roles(user, body), key=list(Role).index)
                ],
            }
            for body in bodies_of(user)
        ],
    }


class CensusHousehold(Schema):
    code: str
    address: str
    sector: str
    residents: int


class Census(Schema):
    query: str
    households: int = Field(description="Households matching the query (all without one)")
    residents: int = Field(description="Residents of those households")
    voters: int = Field(description="The body's electoral register")
    page: int
    pages: int
    results: list[CensusHousehold]


@router.get(
    "/bodies/{slug}/census/",
    response={200: Census, **problems(400, 401, 403, 404)},
    summary="A body's census: its households, with the number of residents of each",
    url_name="api-census",
)
@declare(Permission(Action.VIEW_CENSUS, Body))
def census(
    request,
    slug: str,
    q: str = Query("", description="Household code, address, resident's name or document"),
    page: int = Query(1, ge=1),
):
    body = find(request, slug, Action.VIEW_CENSUS)
    search = SearchForm({"q": q})
    if not search.is_valid():
        errors = [{"field": "q", "message": str(m)} for m in search.errors["q"]]
        raise Invalid(_("This search was not made."), errors)
    query = search.cleaned_data["q"]
    households = census_service.households_matching(body, query)
    paginator = Paginator(households, CENSUS_PAGE)
    if page > paginator.num_pages:
        raise Http404
    return {
        "query": query,
        "households": paginator.count,
        "residents": Resident.objects.filter(household__in=households.values("pk")).count(),
        "voters": census_service.register(body).filter(body=body).count(),
        "page": page,
        "pages": paginator.num_pages,
        "results": [
            {"code": h.code, "address": h.address, "sector": h.sector, "residents": h.n_residents}
            for h in paginator.page(page)
        ],
    }


class BallotIn(Schema):
    """A ballot, with the fields of the voting form: ``choices`` for a single-choice (one
    key), approval or budget poll; ``ranks`` (option key to rank 1, 2, 3...) for a ranked
    poll; ``points`` (option key to points) for a cumulative poll. Any other field is
    refused (400), not ignored."""

    model_config = ConfigDict(extra="forbid")

    choices: list[str] | None = Field(None, max_length=1000, examples=[["1"]])
    ranks: dict[str, int] | None = Field(None, examples=[{"2": 1, "1": 2}])
    points: dict[str, int] | None = Field(None, examples=[{"1": 3, "2": 2}])
    receipt_code: str | None = Field(
        None, max_length=40, description="To change your ballot: the receipt code of the last one"
    )


class PollRef(Schema):
    id: int
    title: str
    body: str


class WitnessedHead(Schema):
    seq: int
    hash: str
    signed_head: str = Field(description="Address of the body's signed head")


class ReceiptOut(Schema):
    code: str = Field(description="Shown only once: Comuna keeps no copy")
    replaced: bool = Field(description="True when it changed an earlier ballot")
    poll: PollRef
    ledger_head: WitnessedHead | None = Field(description="The body's record at this moment")


FIELD_OF_METHOD = {
    Method.SINGLE: "choices",
    Method.APPROVAL: "choices",
    Method.BUDGET: "choices",
    Method.RANKED: "ranks",
    Method.CUMULATIVE: "points",
}


def _api_field(field: str) -> str:
    """A ballot error's form field (``rank_2``) as the API's (``ranks.2``)."""
    for form, api in (("rank_", "ranks."), ("points_", "points.")):
        if field.startswith(form):
            return api + field.removeprefix(form)
    return field


def _vote_refused(request, slug: str, poll_id: int) -> None:
    """A member who may vote in an open poll, refused because this one is not open: 409."""
    found = rows.with_body(Poll, poll_id, slug, Body)
    if found is None:
        return
    user = user_of(request)
    if roles(user, found.body) & allowed_roles(PollAction.VOTE, PollStatus.OPEN):
        if found.status == PollStatus.CLOSED:
            raise Conflict(_("This poll has closed; your ballot was not counted."))
        raise Conflict(_("This poll is not open for voting."))


@router.post(
    "/bodies/{slug}/polls/{poll_id}/ballot",
    response={201: ReceiptOut, **problems(400, 401, 403, 404, 409, 429)},
    summary="Cast a ballot (or change it with its receipt code)",
    url_name="api-ballot",
)
@declare(Permission(PollAction.VOTE, Poll))
def ballot(request, slug: str, poll_id: int, payload: BallotIn):
    try:
        body, poll = find(request, slug, PollAction.VOTE, Poll, poll_id)
    except PermissionDenied:
        _vote_refused(request, slug, poll_id)
        raise
    user = user_of(request)
    if not Voter.objects.filter(poll=poll, user=user).exists():
        raise PermissionDenied(_("You are not on the register of this poll."))
    limits.check(request, "cast-user", "cast-ip")  # as the web form counts, past the same checks
    wanted = FIELD_OF_METHOD[Method(poll.method)]
    given = {name: getattr(payload, name) for name in ("choices", "ranks", "points")}
    stray = [name for name, value in given.items() if value is not None and name != wanted]
    if stray:
        message = _("This poll's ballot is given in “%(field)s”.") % {"field": wanted}
        raise Invalid(message, [{"field": name, "message": message} for name in stray])
    options = list(poll.options.all())
    try:
        raw = from_fields(poll, options, **{wanted: given[wanted]})
        receipt = services.cast(
            poll, user, raw, receipt_code=payload.receipt_code or None, options=options
        )
    except services.PollClosedError as exc:
        raise Conflict(str(exc)) from None
    except BallotError as exc:
        field = wanted if exc.field == "choices" else _api_field(exc.field)
        raise Invalid(str(exc), [{"field": field, "message": str(exc)}]) from None
    except services.VotingError as exc:
        raise Conflict(str(exc)) from None
    head = ledger_head(body.ledger_chain)
    return Status(
        201,
        {
            "code": receipt.code,
            "replaced": receipt.replaced,
            "poll": {"id": poll.pk, "title": poll.title, "body": body.slug},
            "ledger_head": None
            if head is None
            else {
                "seq": head.seq,
                "hash": head.hash,
                "signed_head": request.build_absolute_uri(reverse("ledger-head", args=[body.slug])),
            },
        },
    )
