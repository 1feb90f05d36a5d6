"""Assembly pages: the decisions part. Thin views over comuna.assemblies.decisions; their URLs
are in ``urlpatterns`` (included by comuna/web/urls.py).

The electoral commission, in session, puts motions and amendments, enters the hands counted,
opens and closes the secret ballots (members vote on the ballot's poll page); the assembly's
page shows every item's motions in the order they are decided. The summary of the decisions of
past assemblies is public."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.assemblies import attendance, decisions
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Assembly, Majority, Method, Motion, Outcome, Status
from comuna.assemblies.rules import AssemblyAction
from comuna.territory.models import Body
from comuna.territory.permissions import can
from comuna.web.access import body_view, public

# --- forms ----------------------------------------------------------------------------------


class MotionForm(forms.Form):
    item = forms.TypedChoiceField(label=gettext_lazy("Agenda item"), coerce=int)
    text = forms.CharField(
        label=gettext_lazy("Motion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How it is decided"), choices=Method.choices, initial=Method.HANDS
    )

    def __init__(self, *args, assembly: Assembly, amends: Motion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.amends = amends
        items = assembly.items.filter(withdrawn=False).exclude(majority=Majority.NONE)
        if amends is not None:
            items = items.filter(pk=amends.item_id)
            self.fields["item"].initial = amends.item_id
            self.fields["text"].label = gettext_lazy("The motion as the amendment would word it")
            self.fields["text"].initial = amends.text
        self.fields["item"].choices = [(i.pk, f"{i.position}. {i.text}") for i in items]


class HandsForm(forms.Form):
    votes_for = forms.IntegerField(label=gettext_lazy("For"), min_value=0, max_value=1_000_000)
    votes_against = forms.IntegerField(
        label=gettext_lazy("Against"), min_value=0, max_value=1_000_000
    )
    abstentions = forms.IntegerField(
        label=gettext_lazy("Abstaining"), min_value=0, max_value=1_000_000
    )

    def counts(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in decisions.COUNTS}


def _form_errors(form: forms.Form, exc: AssemblyError) -> None:
    """A refusal's reasons on the form: each field's under that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the panel on the assembly's page -------------------------------------------------------


def panel(request, body, assembly) -> dict:
    """What web/assemblies/_decisions.html needs on the assembly's page (the detail view of
    assembly_convening merges every part's panel into its context)."""
    items = [
        {"item": item, "rows": decisions.voting_order(item)}
        for item in assembly.items.order_by("position", "pk")
    ]
    return {
        "decisions_panel": {
            "body": body,
            "assembly": assembly,
            "quorum": attendance.quorum(assembly),
            "in_session": assembly.status == Status.IN_SESSION,
            "items": items,
            "can_decide": can(request.user, AssemblyAction.DECIDE, assembly),
            "Method": Method,
            "Outcome": Outcome,
            "NONE": Majority.NONE,
        }
    }


def _assembly_page(body: Body, assembly: Assembly) -> str:
    """The assembly's page, at its decisions (the convening part's page; until it is there,
    the page to put a motion, which shows the same panel)."""
    try:
        url = reverse("assembly", kwargs={"slug": body.slug, "pk": assembly.pk})
    except NoReverseMatch:
        url = reverse("assembly-motion-new", kwargs={"slug": body.slug, "pk": assembly.pk})
    return url + "#decisions"


def _motion(assembly: Assembly, pk) -> Motion:
    return get_object_or_404(Motion.objects.select_related("item"), pk=pk, item__assembly=assembly)


# --- pages of the electoral commission, in session ------------------------------------------


@body_view(AssemblyAction.DECIDE, Assembly)
def motion_new(request, body, assembly):
    """Put a motion on an item, or (``?amends=<motion>``) an amendment of a pending motion."""
    amends_id = request.POST.get("amends") or request.GET.get("amends") or None
    amends = None
    if amends_id is not None:
        if rows.parse_id(amends_id) is None:
            raise Http404
        amends = _motion(assembly, amends_id)
    form = MotionForm(request.POST or None, assembly=assembly, amends=amends)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = assembly.items.get(pk=data["item"])
        try:
            decisions.propose_motion(
                item, text=data["text"], method=data["method"], amends=amends, by=request.user
            )
        except AssemblyError as exc:
            _form_errors(form, exc)
        else:
            if amends is None:
                messages.success(request, _("The motion was put to the assembly."))
            else:
                messages.success(
                    request, _("The amendment was put: it is decided before the motion.")
                )
            return redirect(_assembly_page(body, assembly))
    context = {"body": body, "assembly": assembly, "form": form, "amends": amends}
    context |= panel(request, body, assembly)
    return render(
        request,
        "web/assemblies/motion_new.html",
        context,
        status=400 if form.errors else 200,
    )


@body_view(AssemblyAction.DECIDE, Assembly)
def motion_hands(request, body, assembly, motion):
    """Enter the hands counted for, against and abstaining; the motion is decided."""
    motion = _motion(assembly, motion)
    form = HandsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = decisions.decide_by_hands(motion, **form.counts(), by=request.user)
        except AssemblyError as exc:
            _form_errors(form, exc)
        else:
            _say_decided(request, decided)
            return redirect(_assembly_page(body, assembly))
    return _motion_page(request, body, assembly, motion, form, "hands")


@body_view(AssemblyAction.DECIDE, Assembly)
def motion_ballot(request, body, assembly, motion):
    """GET: who will be on the ballot's register; POST: open the secret ballot."""
    motion = _motion(assembly, motion)
    error = None
    if request.method == "POST":
        try:
            poll = decisions.open_ballot(motion, by=request.user)
        except AssemblyError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _(
                    "The secret ballot is open to the %(n)s people on its register: they vote "
                    "on the ballot's page."
                )
                % {"n": poll.voters.count()},
            )
            return redirect(_assembly_page(body, assembly))
    return _motion_page(request, body, assembly, motion, None, "ballot", error=error)


@body_view(AssemblyAction.DECIDE, Assembly)
def motion_close(request, body, assembly, motion):
    """GET: the ballot's turnout so far (and, merged, the hands form); POST: close the ballot,
    count it and decide the motion."""
    motion = _motion(assembly, motion)
    merged = motion.method == Method.MERGED
    form = HandsForm(request.POST or None) if merged else None
    error = None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            decided = decisions.close_ballot(
                motion, by=request.user, hands=form.counts() if form is not None else None
            )
        except AssemblyError as exc:
            if form is not None:
                _form_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            _say_decided(request, decided)
            return redirect(_assembly_page(body, assembly))
    return _motion_page(request, body, assembly, motion, form, "close", error=error)


def _motion_page(request, body, assembly, motion, form, step, *, error=None):
    poll = motion.poll
    context = {
        "body": body,
        "assembly": assembly,
        "motion": motion,
        "form": form,
        "step": step,
        "error": error,
        "quorum": attendance.quorum(assembly),
        "in_room": decisions.in_the_room(assembly),
        "register": len(decisions.ballot_register(assembly, motion.method)),
        "poll": poll,
        "voted": poll.voters.filter(has_voted=True).count() if poll else None,
        "eligible": poll.voters.count() if poll else None,
        "Method": Method,
    }
    failed = error or (form is not None and form.errors)
    return render(request, "web/assemblies/motion.html", context, status=400 if failed else 200)


def _say_decided(request, motion: Motion) -> None:
    counts = {
        "for": motion.votes_for,
        "against": motion.votes_against,
        "abstaining": motion.abstentions,
    }
    if motion.outcome == Outcome.CARRIED:
        text = _("Carried: %(for)s for, %(against)s against, %(abstaining)s abstaining.")
    else:
        text = _("Rejected: %(for)s for, %(against)s against, %(abstaining)s abstaining.")
    messages.success(request, text % counts)


# --- the public summary of past decisions ---------------------------------------------------


@public
def decisions_public(request, slug):
    """What the body's ended assemblies decided: date, assembly, item, motion, outcome and
    counts; no names."""
    body = get_object_or_404(Body, slug=slug)
    ended = body.assemblies.filter(status=Status.ENDED).select_related("statute")
    page = Paginator(ended.order_by("-starts_at", "-pk"), 10).get_page(request.GET.get("page"))
    assemblies = [{"assembly": a, "decisions": decisions.decisions_of(a)} for a in page]
    return render(
        request,
        "web/assemblies/decisions.html",
        {"body": body, "page": page, "assemblies": assemblies},
    )


urlpatterns: list[URLPattern] = [
    path(
        "b/<slug:slug>/assemblies/decisions/",
        decisions_public,
        name="assembly-decisions",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/motions/new/",
        motion_new,
        name="assembly-motion-new",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/motions/<int:motion>/hands/",
        motion_hands,
        name="assembly-motion-hands",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/motions/<int:motion>/ballot/",
        motion_ballot,
        name="assembly-motion-ballot",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/motions/<int:motion>/close/",
        motion_close,
        name="assembly-motion-close",
    ),
]
