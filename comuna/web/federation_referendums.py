"""Founding referendums' pages (issue 15, point 1): a body's referendums, a referendum (its
charter, its members and whether each joined, the question, the thresholds, each member's
polling place with its poll, the merged count explained in words, the founded body), and the
promoting commission's forms: propose, join, amend the charter, open the vote, count,
withdraw. Thin views over comuna.federation.referendums; every form works without JavaScript.

A referendum is public: its page reads the same from the host's, any member's and the founded
body's address (any other body's is not found). It shows counts only, never a member's census
row or ballot."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.federation import referendums as service
from comuna.federation.errors import FederationError
from comuna.federation.models import Place, Referendum, ReferendumStatus
from comuna.federation.referendum_rules import ReferendumAction
from comuna.territory.models import Body, BodyKind
from comuna.territory.permissions import can
from comuna.voting.models import Status
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status, put_refusal

# what a body founds by referendum: a council a commune, a commune a communal city
FOUNDS = {BodyKind.COUNCIL: BodyKind.COMMUNE, BodyKind.COMMUNE: BodyKind.CITY}
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _reached_from(referendum: Referendum, body: Body) -> bool:
    return (
        body.pk in (referendum.host_id, referendum.founded_id)
        or referendum.places.filter(member=body).exists()
    )


def _referendum(slug: str, pk: int) -> tuple[Body, Referendum]:
    """The body of the address and the referendum, when that body hosts it, is one of its
    members or was founded by it; 404 otherwise."""
    body = get_object_or_404(Body, slug=slug)
    if not 0 <= pk <= rows.MAX_ID:
        raise Http404
    referendum = get_object_or_404(
        Referendum.objects.select_related("host", "parent", "founded"), pk=pk
    )
    if not _reached_from(referendum, body):
        raise Http404
    return body, referendum


@public
def referendum_list(request, slug):
    """The referendums a body hosts, is a member of, or was founded by."""
    body = get_object_or_404(Body, slug=slug)
    found = (
        Referendum.objects.filter(Q(host=body) | Q(places__member=body) | Q(founded=body))
        .select_related("host", "founded")
        .distinct()
    )
    return render(
        request,
        "web/federation/referendums.html",
        {
            "body": body,
            "referendums": list(found),
            "can_propose": body.kind in FOUNDS
            and can(request.user, ReferendumAction.PROPOSE, body),
        },
    )


def share(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to one decimal (None for nothing)."""
    if not whole:
        return None
    exact = Fraction(part * 100, whole)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _count_in_words(referendum: Referendum) -> dict[str, Any] | None:
    result = referendum.result
    if not result:
        return None
    totals = result["totals"]
    names = dict(referendum.places.values_list("member_id", "member__name"))
    return {
        "totals": totals,
        "places": [{**row, "name": names.get(row["member"], "")} for row in result["places"]],
        "turnout": share(totals["ballots"], totals["register"]),
        "yes": share(totals["yes"], totals["yes"] + totals["no"]),
        "turnout_pct": Decimal(result["turnout_pct"]),
        "majority_pct": Decimal(result["majority_pct"]),
        "turnout_met": result["turnout_met"],
        "majority": result["majority"],
        "carried": result["carried"],
    }


def _places(request, referendum: Referendum) -> list[dict[str, Any]]:
    rows = []
    for place in service.places_of(referendum):
        poll = place.poll
        rows.append(
            {
                "place": place,
                "poll": poll,
                "counted": poll is not None and poll.status == Status.CLOSED,
                "can_join": place.joined_at is None
                and can(request.user, ReferendumAction.JOIN, place),
            }
        )
    return rows


def _stuck(referendum: Referendum) -> str | None:
    """What stops the count, once voting is over everywhere (None: nothing, or still voting)."""
    if referendum.status != ReferendumStatus.VOTING:
        return None
    places = service.places_of(referendum)
    return None if service.still_voting(places) else service.obstacle(referendum, places)


@public
def referendum_detail(request, slug, pk):
    body, referendum = _referendum(slug, pk)
    user = request.user
    return render(
        request,
        "web/federation/referendum.html",
        {
            "body": body,
            "referendum": referendum,
            "places": _places(request, referendum),
            "count": _count_in_words(referendum),
            "live": referendum.status in service.LIVE,
            "can_amend": can(user, ReferendumAction.AMEND, referendum),
            "can_open": can(user, ReferendumAction.OPEN_VOTING, referendum),
            "can_withdraw": can(user, ReferendumAction.WITHDRAW, referendum),
            "can_count": can(user, ReferendumAction.COUNT, referendum),
            "can_close": can(user, ReferendumAction.CLOSE, referendum)
            and _stuck(referendum) is not None,
        },
    )


# --- forms -----------------------------------------------------------------------------------


def _form_page(request, body, form, *, title: str, submit: str, referendum=None, intro=""):
    return render(
        request,
        "web/federation/referendum_form.html",
        {
            "body": body,
            "referendum": referendum,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
        },
        status=form_status(request),
    )


def _done(request, referendum: Referendum, message: str, slug: str | None = None):
    messages.success(request, message)
    return redirect("referendum", slug=slug or referendum.host.slug, pk=referendum.pk)


class ProposalForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the new body"))
    slug = forms.CharField(
        label=gettext_lazy("Short name for its address"),
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. comuna-el-valle."),
    )
    territory = forms.CharField(label=gettext_lazy("Territory"), required=False)
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Federated into (communal city)"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=gettext_lazy("none"),
    )
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Members invited to the promoting commission"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(label=gettext_lazy("Question on the ballot"))
    charter = forms.CharField(
        label=gettext_lazy("Founding charter (draft)"), widget=forms.Textarea(attrs={"rows": 12})
    )

    def __init__(self, *args, host: Body, **kwargs):
        super().__init__(*args, **kwargs)
        founds = FOUNDS.get(host.kind)
        # not yet in a body of the kind founded: a council may be in a city, a commune in none
        free = Q(parent__isnull=True)
        if founds == BodyKind.COMMUNE:
            free |= Q(parent__kind=BodyKind.CITY)
        self.fields["members"].queryset = (
            Body.objects.filter(free, kind=host.kind).exclude(pk=host.pk).order_by("name")
            if founds
            else Body.objects.none()
        )
        if founds == BodyKind.COMMUNE:
            self.fields["parent"].queryset = Body.objects.filter(kind=BodyKind.CITY)
            if host.parent_id and host.parent.kind == BodyKind.CITY:
                self.fields["parent"].initial = host.parent_id
        else:
            del self.fields["parent"]


@body_view(ReferendumAction.PROPOSE)
def referendum_new(request, body):
    """The coordination collective starts a promoting commission: the new body, its members,
    the question and the draft charter."""
    form = ProposalForm(request.POST or None, host=body)
    founds = FOUNDS.get(body.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = service.propose(
                body,
                kind=founds or "",
                name=data["name"],
                slug=data["slug"],
                territory=data["territory"],
                parent=data.get("parent"),
                charter=data["charter"],
                question=data["question"],
                members=data["members"],
                by=request.user,
            )
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            return _done(
                request, made, _("The promoting commission is started; the members are invited.")
            )
    title = (
        _("Propose founding a commune")
        if founds == BodyKind.COMMUNE
        else _("Propose founding a communal city")
    )
    intro = _(
        "The members you invite each join from their own pages. Once all have joined, voting "
        "opens: each member votes in its own poll, run by its own electoral commission."
    )
    return _form_page(
        request, body, form, title=title, submit=_("Start the promoting commission"), intro=intro
    )


class ConfirmForm(forms.Form):
    pass


def _confirm(request) -> ConfirmForm:
    return ConfirmForm(request.POST if request.method == "POST" else None)


def _step(request, body, referendum, form, act, *, slug: str | None = None, **page):
    """A step's form page: on a valid POST, ``act(cleaned_data)`` (the service, returning what
    to tell the user) and back to the referendum; a refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            said = act(form.cleaned_data)
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            return _done(request, referendum, said, slug=slug)
    return _form_page(request, body, form, referendum=referendum, **page)


@body_view(ReferendumAction.JOIN, Place)
def referendum_join(request, body, place):
    """An invited member's coordination collective joins the promoting commission."""
    referendum = place.referendum

    def act(data):
        service.join(place, by=request.user)
        return _("%(body)s joined.") % {"body": body.name}

    return _step(
        request,
        body,
        referendum,
        _confirm(request),
        act,
        slug=body.slug,
        title=_("Join the promoting commission"),
        submit=_("Join"),
        intro=_(
            "%(body)s joins the commission that proposes founding %(name)s: once every member "
            "has joined, each votes on it in its own poll."
        )
        % {"body": body.name, "name": referendum.name},
    )


class CharterForm(forms.Form):
    charter = forms.CharField(
        label=gettext_lazy("Founding charter"), widget=forms.Textarea(attrs={"rows": 16})
    )


@body_view(ReferendumAction.AMEND, Referendum)
def referendum_charter(request, body, referendum):
    def act(data):
        service.amend_charter(referendum, data["charter"], by=request.user)
        return _("The charter is amended.")

    form = CharterForm(request.POST or None, initial={"charter": referendum.charter})
    return _step(
        request,
        body,
        referendum,
        form,
        act,
        title=_("Amend the founding charter"),
        submit=_("Save the charter"),
    )


class VotingForm(forms.Form):
    opens_at = forms.DateTimeField(label=gettext_lazy("Voting opens"), widget=WHEN)
    closes_at = forms.DateTimeField(label=gettext_lazy("Voting closes"), widget=WHEN)


@body_view(ReferendumAction.OPEN_VOTING, Referendum)
def referendum_open(request, body, referendum):
    def act(data):
        service.open_voting(referendum, **data, by=request.user)
        return _("Voting is set: each member's electoral commission now runs its own poll.")

    return _step(
        request,
        body,
        referendum,
        VotingForm(request.POST or None),
        act,
        title=_("Open the vote"),
        submit=_("Open the vote"),
        intro=_(
            "The charter is sealed as it stands and the thresholds are fixed: the strictest of "
            "the members' statutes. Each member gets its own poll, from these times; its "
            "electoral commission may open it earlier."
        ),
    )


@body_view(ReferendumAction.COUNT, Referendum)
def referendum_count(request, body, referendum):
    def act(data):
        counted = service.count(referendum, by=request.user)
        if counted.status == ReferendumStatus.FOUNDED:
            return _("Carried: %(name)s is founded.") % {"name": counted.name}
        return _("Not carried: nothing is founded.")

    return _step(
        request,
        body,
        referendum,
        _confirm(request),
        act,
        title=_("Count the referendum"),
        submit=_("Merge the counts"),
        intro=_(
            "The counts each member's electoral commission recorded are added up and decided "
            "by the thresholds fixed when voting opened."
        ),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is closed without founding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=service.REASON_MAX,
    )


@body_view(ReferendumAction.CLOSE, Referendum)
def referendum_close(request, body, referendum):
    def act(data):
        service.close_unfounded(referendum, reason=data["reason"], by=request.user)
        return _("The referendum is closed without founding.")

    problem = _stuck(referendum)
    return _step(
        request,
        body,
        referendum,
        CloseForm(request.POST or None),
        act,
        title=_("Close the referendum without founding"),
        submit=_("Close it"),
        intro=(problem + " " if problem else "")
        + _(
            "Only when the count cannot found what it carried: the merged count is kept and "
            "published, nothing is founded, and the members are free to start another."
        ),
    )


@body_view(ReferendumAction.WITHDRAW, Referendum)
def referendum_withdraw(request, body, referendum):
    def act(data):
        service.withdraw(referendum, by=request.user)
        return _("The referendum is withdrawn.")

    return _step(
        request,
        body,
        referendum,
        _confirm(request),
        act,
        title=_("Withdraw the referendum"),
        submit=_("Withdraw it"),
        intro=_("Nothing will be voted on; its members are free to start another."),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/referendums/", referendum_list, name="referendums"),
    path("b/<slug:slug>/referendums/new/", referendum_new, name="referendum-new"),
    path("b/<slug:slug>/referendums/<int:pk>/", referendum_detail, name="referendum"),
    path(
        "b/<slug:slug>/referendums/<int:pk>/charter/", referendum_charter, name="referendum-charter"
    ),
    path("b/<slug:slug>/referendums/<int:pk>/open/", referendum_open, name="referendum-open"),
    path("b/<slug:slug>/referendums/<int:pk>/count/", referendum_count, name="referendum-count"),
    path(
        "b/<slug:slug>/referendums/<int:pk>/close/",
        referendum_close,
        name="referendum-close",
    ),
    path(
        "b/<slug:slug>/referendums/<int:pk>/withdraw/",
        referendum_withdraw,
        name="referendum-withdraw",
    ),
    path(
        "b/<slug:slug>/referendums/places/<int:pk>/join/", referendum_join, name="referendum-join"
    ),
]
