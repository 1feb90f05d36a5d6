"""Elections pages of issue 12's mandates: the body's elections, convening and amending one,
its page (calendar, contests, candidates, objections; the results part's panel), standing or
nominating, withdrawing, objecting and deciding objections. Thin views over
comuna.mandates.elections and comuna.mandates.candidacy."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.mandates import candidacy, elections
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionPhase,
    Objection,
)
from comuna.mandates.rules import ElectionAction
from comuna.mandates.seats import has_declared_seats
from comuna.territory.models import Body, Resident
from comuna.territory.permissions import can
from comuna.web import mandate_results
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status, put_refusal


def _date_field(name: str) -> forms.DateField:
    return forms.DateField(
        label=elections.LABELS[name],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _own_resident(request) -> Resident | None:
    return Resident.objects.filter(user_id=request.user.pk).first()


# --- the list and convening -----------------------------------------------------------------


@public
def election_list(request, slug):
    """Public: who stands, who objects and who was elected are the community's business."""
    body = get_object_or_404(Body, slug=slug)
    found = list(body.elections.prefetch_related("contests__organ"))
    return render(
        request,
        "web/mandates/elections.html",
        {
            "body": body,
            "current": [e for e in found if e.phase() not in _OVER],
            "past": [e for e in found if e.phase() in _OVER],
            "can_convene": can(request.user, ElectionAction.CONVENE, body),
        },
    )


_OVER = (ElectionPhase.CONFERRED, ElectionPhase.CANCELLED)


class CalendarForm(forms.Form):
    candidacy_opens = _date_field("candidacy_opens")
    candidacy_closes = _date_field("candidacy_closes")
    objections_close = _date_field("objections_close")
    vote_on = _date_field("vote_on")
    term_starts = _date_field("term_starts")


class ElectionForm(CalendarForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contests = forms.MultipleChoiceField(
        label=gettext_lazy("Organs whose seats are elected"),
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["title", "description", *elections.CALENDAR, "contests"]

    def __init__(self, *args, organs, **kwargs):
        super().__init__(*args, **kwargs)
        self.organs = {str(o.pk): o for o in organs}
        self.fields["contests"].choices = [
            (str(o.pk), f"{o.name} · {o.get_counting_display()} · {o.seats}") for o in organs
        ]


@body_view(ElectionAction.CONVENE)
def election_new(request, body):
    organs = [o for o in body.organs.order_by("position", "name") if has_declared_seats(o)]
    form = ElectionForm(request.POST or None, organs=organs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = elections.convene(
                body,
                title=data["title"],
                description=data["description"],
                contests=[form.organs[pk] for pk in data["contests"]],
                **{name: data[name] for name in elections.CALENDAR},
                by=request.user,
            )
        except MandateError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The election is convened."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/election_new.html",
        {"body": body, "form": form, "organs": organs},
        status=form_status(request),
    )


# --- one election ---------------------------------------------------------------------------


def _calendar(election: Election, phase: str) -> list[dict]:
    steps = [
        (ElectionPhase.CANDIDACY, election.candidacy_opens, election.candidacy_closes),
        (ElectionPhase.OBJECTIONS, None, election.objections_close),
        (ElectionPhase.CAMPAIGN, None, None),
        (ElectionPhase.VOTING, election.vote_on, None),
    ]
    rows = [
        {
            "phase": ElectionPhase(p).label,
            "from": start,
            "until": until,
            "current": p == phase,
        }
        for p, start, until in steps
    ]
    rows.append(
        {
            "phase": elections.LABELS["term_starts"],
            "from": election.term_starts,
            "until": None,
            "current": phase == ElectionPhase.CONFERRED,
        }
    )
    return rows


@public
def election_detail(request, slug, pk):
    body = get_object_or_404(Body, slug=slug)
    election = get_object_or_404(
        Election.objects.select_related("body", "statute"), pk=pk, body=body
    )
    phase = election.phase()
    me = _own_resident(request)
    contests = list(
        election.contests.select_related("organ").prefetch_related(
            "seats",
            "candidates__resident",
            "candidates__nominated_by",
            "candidates__objections__filed_by",
        )
    )
    mine = [
        c
        for contest in contests
        for c in contest.candidates.all()
        if me is not None and c.resident_id == me.pk and c.status == CandidateStatus.STANDING
    ]
    context = {
        "body": body,
        "election": election,
        "phase": phase,
        "phase_label": ElectionPhase(phase).label,
        "calendar": _calendar(election, phase),
        "contests": contests,
        "mine": mine,
        "cancelled_because": elections.cancellation(election),
        "can_edit": can(request.user, ElectionAction.EDIT, election),
        "can_cancel": can(request.user, ElectionAction.CANCEL, election),
        "can_stand": can(request.user, ElectionAction.STAND, election),
        "can_withdraw": bool(mine) and can(request.user, ElectionAction.WITHDRAW, election),
        "can_withdraw_any": can(request.user, ElectionAction.WITHDRAW_CANDIDATE, election),
        "can_object": can(request.user, ElectionAction.OBJECT, election),
        "can_decide": can(request.user, ElectionAction.DECIDE_OBJECTION, election),
    }
    context.update(mandate_results.panel(request, body, election))
    return render(request, "web/mandates/election.html", context)


@body_view(ElectionAction.EDIT, Election)
def election_edit(request, body, election):
    initial = {name: getattr(election, name) for name in elections.CALENDAR}
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            elections.amend(election, by=request.user, **form.cleaned_data)
        except MandateError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The calendar is amended."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/election_edit.html",
        {"body": body, "election": election, "form": form},
        status=form_status(request),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


@body_view(ElectionAction.CANCEL, Election)
def election_cancel(request, body, election):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            elections.cancel(election, reason=form.cleaned_data["reason"], by=request.user)
        except MandateError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The election is cancelled."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/election_cancel.html",
        {"body": body, "election": election, "form": form},
        status=form_status(request),
    )


# --- candidacies ----------------------------------------------------------------------------


class StandForm(forms.Form):
    contest = forms.TypedChoiceField(label=gettext_lazy("Seats of"), coerce=int)
    nominee = forms.TypedChoiceField(
        label=gettext_lazy("Who stands"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Yourself, or the resident you nominate."),
    )
    statement = forms.CharField(
        label=gettext_lazy("What the candidate proposes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, contests, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].choices = [(c.pk, c.organ.name) for c in contests]
        self.fields["nominee"].choices = [("", _("Myself"))] + [(r.pk, str(r)) for r in residents]


@body_view(ElectionAction.STAND, Election)
def election_stand(request, body, election):
    contests = {c.pk: c for c in election.contests.select_related("organ", "election")}
    residents = Resident.objects.filter(body_id__in=body.descendant_ids()).order_by(
        "family_name", "given_name", "pk"
    )
    me = _own_resident(request)
    form = StandForm(request.POST or None, contests=contests.values(), residents=residents)
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        nominee = form.cleaned_data["nominee"]
        standing = me if nominee is None else residents.get(pk=nominee)
        try:
            candidacy.stand(
                contests[form.cleaned_data["contest"]],
                standing,
                statement=form.cleaned_data["statement"],
                nominated_by=None if standing.pk == me.pk else me,
                by=request.user,
            )
        except MandateError as exc:
            found = getattr(exc, "refusals", None)
            if found:
                refusals = [candidacy.describe(r) for r in found]
            else:
                put_refusal(form, exc)
        else:
            messages.success(request, _("The candidacy is registered."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/election_stand.html",
        {"body": body, "election": election, "form": form, "refusals": refusals},
        status=form_status(request),
    )


class WithdrawForm(ReasonForm):
    pass


@body_view(ElectionAction.WITHDRAW, Election)
def election_withdraw(request, body, election):
    """A candidate withdraws their own candidacy."""
    me = _own_resident(request)
    mine = Candidate.objects.filter(
        contest__election=election, resident=me, status=CandidateStatus.STANDING
    ).select_related("contest__organ", "resident")
    candidate = mine.first()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if candidate is None:
            form.add_error(None, _("You are not standing in this election."))
        else:
            try:
                candidacy.withdraw(candidate, reason=form.cleaned_data["reason"], by=request.user)
            except MandateError as exc:
                put_refusal(form, exc)
            else:
                messages.success(request, _("Your candidacy is withdrawn."))
                return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/candidate_withdraw.html",
        {"body": body, "election": election, "candidate": candidate, "form": form, "own": True},
        status=form_status(request),
    )


def _candidate(election: Election, cid: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.select_related("contest__organ", "resident"),
        pk=cid,
        contest__election=election,
    )


@body_view(ElectionAction.WITHDRAW_CANDIDATE, Election)
def candidate_withdraw(request, body, election, cid):
    """The electoral commission withdraws a candidacy (at the candidate's request, say)."""
    candidate = _candidate(election, cid)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy.withdraw(candidate, reason=form.cleaned_data["reason"], by=request.user)
        except MandateError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The candidacy is withdrawn."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/candidate_withdraw.html",
        {"body": body, "election": election, "candidate": candidate, "form": form},
        status=form_status(request),
    )


class ObjectForm(forms.Form):
    grounds = forms.CharField(
        label=gettext_lazy("Grounds of the objection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


@body_view(ElectionAction.OBJECT, Election)
def candidate_object(request, body, election, cid):
    candidate = _candidate(election, cid)
    form = ObjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy.object_to(candidate, grounds=form.cleaned_data["grounds"], by=request.user)
        except MandateError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The objection is filed."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/candidate_object.html",
        {"body": body, "election": election, "candidate": candidate, "form": form},
        status=form_status(request),
    )


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("yes", gettext_lazy("Uphold it: the candidacy is disqualified")),
            ("no", gettext_lazy("Dismiss it: the candidacy stands")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reasons of the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


@body_view(ElectionAction.DECIDE_OBJECTION, Election)
def objection_decide(request, body, election, oid):
    objection = get_object_or_404(
        Objection.objects.select_related("candidate__resident", "filed_by"),
        pk=oid,
        candidate__contest__election=election,
    )
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy.decide_objection(
                objection,
                upheld=form.cleaned_data["upheld"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except MandateError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The objection is decided."))
            return redirect("election", slug=body.slug, pk=election.pk)
    return render(
        request,
        "web/mandates/objection_decide.html",
        {"body": body, "election": election, "objection": objection, "form": form},
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/elections/", election_list, name="elections"),
    path("b/<slug:slug>/elections/new/", election_new, name="election-new"),
    path("b/<slug:slug>/elections/<int:pk>/", election_detail, name="election"),
    path("b/<slug:slug>/elections/<int:pk>/edit/", election_edit, name="election-edit"),
    path("b/<slug:slug>/elections/<int:pk>/cancel/", election_cancel, name="election-cancel"),
    path("b/<slug:slug>/elections/<int:pk>/stand/", election_stand, name="election-stand"),
    path("b/<slug:slug>/elections/<int:pk>/withdraw/", election_withdraw, name="election-withdraw"),
    path(
        "b/<slug:slug>/elections/<int:pk>/candidates/<int:cid>/withdraw/",
        candidate_withdraw,
        name="candidate-withdraw",
    ),
    path(
        "b/<slug:slug>/elections/<int:pk>/candidates/<int:cid>/object/",
        candidate_object,
        name="candidate-object",
    ),
    path(
        "b/<slug:slug>/elections/<int:pk>/objections/<int:oid>/",
        objection_decide,
        name="objection-decide",
    ),
]
