"""Mandate pages: the accounting part. Thin views over comuna.mandates.accounting; their URLs
are in ``urlpatterns`` (included by comuna/web/urls.py).

A spokesperson's public page (seat, term, substitute, the instructions given, votes in higher
bodies beside the instruction carried, questions and answers, accounts, any open recall and
every deadline); residents ask questions, the holder answers them and renders accounts; the
electoral commission, in session, puts instructions and accounts to the assembly, and records
the spokespersons' named votes on a decided motion."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.assemblies.models import AgendaItem, Assembly, Majority, Method, Motion, Outcome, Status
from comuna.mandates import accounting
from comuna.mandates.errors import MandateError
from comuna.mandates.models import (
    AccountsReport,
    DecisionStatus,
    Instruction,
    Position,
    Question,
)
from comuna.mandates.rules import MandateAction
from comuna.territory.models import Body, Mandate, Resident
from comuna.territory.permissions import can
from comuna.web import mandate_recalls
from comuna.web.access import body_view, public

NEW = "new"  # the choice of a new agenda item


# --- forms ----------------------------------------------------------------------------------


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=accounting.TEXT_MAX,
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=accounting.TEXT_MAX,
    )


class AccountsForm(forms.Form):
    period_from = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = forms.CharField(
        label=gettext_lazy("Report"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=gettext_lazy("What you did, said and voted, and what you spent, if anything."),
    )


def _agenda_choices(assemblies) -> list[tuple[str, str]]:
    """The voting items of the assemblies in session, and a new item on each."""
    choices = []
    for assembly in assemblies:
        items = assembly.items.filter(withdrawn=False).exclude(majority=Majority.NONE)
        choices += [(str(i.pk), f"{assembly.title} · {i.position}. {i.text}") for i in items]
        choices.append(
            (
                f"{NEW}-{assembly.pk}",
                _("%(assembly)s · a new item") % {"assembly": assembly.title},
            )
        )
    return choices


class AgendaField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(label=gettext_lazy("Agenda item"), **kwargs)


def _target(value: str, assemblies) -> tuple:
    """(item, assembly) named by an agenda choice (one of the form's): an item, or None and
    the assembly to add a new item to."""
    if value.startswith(f"{NEW}-"):
        return None, assemblies.get(pk=int(value.removeprefix(f"{NEW}-")))
    return AgendaItem.objects.get(pk=int(value), assembly__in=assemblies), None


class PutAccountsForm(forms.Form):
    target = AgendaField()
    method = forms.ChoiceField(
        label=gettext_lazy("How it is decided"), choices=Method.choices, initial=Method.HANDS
    )

    def __init__(self, *args, assemblies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = _agenda_choices(assemblies)


class InstructionForm(forms.Form):
    target = AgendaField()
    mandate = forms.TypedChoiceField(label=gettext_lazy("Spokesperson"), coerce=int)
    matter = forms.CharField(label=gettext_lazy("Matter"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Instruction"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=accounting.TEXT_MAX,
    )
    position = forms.ChoiceField(
        label=gettext_lazy("How to vote"), choices=Position.choices, initial=Position.FREE
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How it is decided"), choices=Method.choices, initial=Method.HANDS
    )

    def __init__(self, *args, assembly: Assembly, mandates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = _agenda_choices([assembly])
        self.fields["mandate"].choices = [
            (m.pk, f"{m.resident} · {m.organ} ({m.body.name})") for m in mandates
        ]


class NamedVotesForm(forms.Form):
    """A row per spokesperson whose vote is not yet recorded: vote, and instruction carried."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            mandate = row["mandate"]
            self.fields[f"vote_{mandate.pk}"] = forms.ChoiceField(
                label=_("Vote"),
                choices=[("", _("not recorded"))] + list(Position.choices[:3]),
                required=False,
            )
            self.fields[f"instruction_{mandate.pk}"] = forms.TypedChoiceField(
                label=_("Instruction carried"),
                choices=[("", _("none"))] + [(i.pk, i.matter) for i in row["instructions"]],
                coerce=int,
                required=False,
                empty_value=None,
            )
            row["vote_field"] = f"vote_{mandate.pk}"
            row["instruction_field"] = f"instruction_{mandate.pk}"

    def votes(self) -> dict[int, tuple[str, int | None]]:
        found = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("vote_") and value:
                pk = int(name.removeprefix("vote_"))
                found[pk] = (value, self.cleaned_data.get(f"instruction_{pk}"))
        return found


# --- helpers ----------------------------------------------------------------------------------


def _id(pk: int) -> int:
    """A primary key from the address; one no row can have is not found."""
    if not 0 <= pk <= rows.MAX_ID:
        raise Http404
    return pk


def _mandate(body: Body, pk) -> Mandate:
    _id(pk)
    return get_object_or_404(
        Mandate.objects.select_related("body", "organ", "resident", "seat"), pk=pk, body=body
    )


def _page(mandate: Mandate, anchor: str = "") -> str:
    url = reverse("spokesperson", kwargs={"slug": mandate.body.slug, "pk": mandate.pk})
    return f"{url}#{anchor}" if anchor else url


def _is_holder(user, mandate: Mandate) -> bool:
    return (
        user.is_authenticated
        and Resident.objects.filter(user_id=user.pk, pk=mandate.resident_id).exists()
    )


def _in_session(body: Body):
    return body.assemblies.filter(status=Status.IN_SESSION).order_by("starts_at", "pk")


def _render(request, template: str, context: dict, form: forms.Form | None):
    failed = form is not None and bool(form.errors)
    return render(request, template, context, status=400 if failed else 200)


# --- the spokesperson's page ----------------------------------------------------------------


@public
def spokesperson(request, slug, pk):
    """A spokesperson's public page: the mandate and its accounting to the base."""
    body = get_object_or_404(Body, slug=slug)
    mandate = _mandate(body, pk)
    data = accounting.spokesperson(mandate)
    user = request.user
    holder = _is_holder(user, mandate)
    context = {
        "body": body,
        "mandate": data["mandate"],
        "data": data,
        "Outcome": Outcome,
        "DecisionStatus": DecisionStatus,
        "can_ask": data["active"] and can(user, MandateAction.ASK, body),
        "can_answer": holder and can(user, MandateAction.ANSWER, body),
        "can_submit": holder and can(user, MandateAction.SUBMIT_ACCOUNTS, body),
        "can_put": can(user, MandateAction.PUT_ACCOUNTS, body),
    }
    context |= mandate_recalls.spokesperson_panel(request, body, mandate)
    return render(request, "web/mandates/spokesperson.html", context)


@body_view(MandateAction.ASK)
def spokesperson_ask(request, body, pk):
    mandate = _mandate(body, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = accounting.ask(mandate, text=form.cleaned_data["text"], by=request.user)
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your question was put in public; it is due an answer by %(day)s.")
                % {"day": date_format(question.due_on)},
            )
            return redirect(_page(mandate, f"question-{question.pk}"))
    statute = body.current_statute()
    context = {"body": body, "mandate": mandate, "form": form, "days": statute.question_answer_days}
    return _render(request, "web/mandates/spokesperson_ask.html", context, form)


@body_view(MandateAction.ANSWER)
def question_answer(request, body, pk):
    _id(pk)
    question = get_object_or_404(
        Question.objects.select_related("mandate__body", "mandate__resident", "asked_by"),
        pk=pk,
        mandate__body=body,
    )
    mandate = question.mandate
    holder = _is_holder(request.user, mandate)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounting.answer(question, text=form.cleaned_data["text"], by=request.user)
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your answer is public."))
            return redirect(_page(mandate, f"question-{question.pk}"))
    context = {"body": body, "mandate": mandate, "question": question, "form": form}
    context["holder"] = holder
    return _render(request, "web/mandates/question_answer.html", context, form)


@body_view(MandateAction.SUBMIT_ACCOUNTS)
def accounts_new(request, body, pk):
    mandate = _mandate(body, pk)
    form = AccountsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounting.submit_accounts(
                mandate,
                period_from=data["period_from"],
                period_to=data["period_to"],
                text=data["text"],
                by=request.user,
            )
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your accounts are public; the electoral commission puts them to the assembly."),
            )
            return redirect(_page(mandate, "accounts"))
    context = {
        "body": body,
        "mandate": mandate,
        "form": form,
        "holder": _is_holder(request.user, mandate),
        "due_on": accounting.accounts_due(mandate),
    }
    return _render(request, "web/mandates/accounts_new.html", context, form)


@body_view(MandateAction.PUT_ACCOUNTS)
def accounts_put(request, body, pk):
    _id(pk)
    report = get_object_or_404(
        AccountsReport.objects.select_related("mandate__body", "mandate__resident", "motion"),
        pk=pk,
    )
    if not accounting.answers_to(body, report.mandate):
        raise Http404
    assemblies = _in_session(body)
    form = PutAccountsForm(request.POST or None, assemblies=assemblies)
    if request.method == "POST" and form.is_valid():
        item, assembly = _target(form.cleaned_data["target"], assemblies)
        try:
            motion = accounting.put_accounts(
                report,
                item,
                assembly=assembly,
                method=form.cleaned_data["method"],
                by=request.user,
            )
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The accounts were put to the assembly."))
            url = reverse("assembly", kwargs={"slug": body.slug, "pk": motion.item.assembly_id})
            return redirect(f"{url}#motion-{motion.pk}")
    context = {"body": body, "report": report, "mandate": report.mandate, "form": form}
    context["assemblies"] = assemblies
    return _render(request, "web/mandates/accounts_put.html", context, form)


@body_view(MandateAction.INSTRUCT)
def instruction_new(request, body, pk):
    assembly = get_object_or_404(Assembly, pk=_id(pk), body=body)
    mandates = accounting.answerable_by(body)
    form = InstructionForm(request.POST or None, assembly=assembly, mandates=mandates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item, new_on = _target(data["target"], Assembly.objects.filter(pk=assembly.pk))
        try:
            instruction = accounting.propose_instruction(
                item,
                next(m for m in mandates if m.pk == data["mandate"]),
                assembly=new_on,
                matter=data["matter"],
                text=data["text"],
                position=data["position"],
                method=data["method"],
                by=request.user,
            )
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The instruction was put to the assembly as a motion."))
            url = reverse("assembly", kwargs={"slug": body.slug, "pk": assembly.pk})
            return redirect(f"{url}#motion-{instruction.motion_id}")
    context = {"body": body, "assembly": assembly, "form": form}
    return _render(request, "web/mandates/instruction_new.html", context, form)


@body_view(MandateAction.RECORD_VOTES)
def named_votes(request, body, pk, motion):
    motion = get_object_or_404(
        Motion.objects.select_related("item__assembly"),
        pk=_id(motion),
        item__assembly__pk=_id(pk),
        item__assembly__body=body,
    )
    decided = motion.outcome != Outcome.PENDING
    recorded = {v.mandate_id: v for v in motion.named_votes.select_related("instruction")}
    rows = []
    if decided:
        for mandate in accounting.spokespersons_of(body, timezone.localdate(motion.decided_at)):
            instructions = Instruction.objects.filter(
                mandate=mandate, status=DecisionStatus.CARRIED
            )
            rows.append(
                {
                    "mandate": mandate,
                    "recorded": recorded.get(mandate.pk),
                    "instructions": list(instructions),
                }
            )
    pending = [r for r in rows if r["recorded"] is None]
    form = NamedVotesForm(request.POST or None, rows=pending) if pending else None
    for row in pending:
        row["vote"], row["instruction"] = form[row["vote_field"]], form[row["instruction_field"]]
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            accounting.record_named_votes(motion, form.votes(), by=request.user)
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The named votes were recorded."))
            return redirect(request.path)
    context = {
        "body": body,
        "assembly": motion.item.assembly,
        "motion": motion,
        "decided": decided,
        "rows": rows,
        "form": form,
    }
    return _render(request, "web/mandates/named_votes.html", context, form)


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/spokespersons/<int:pk>/", spokesperson, name="spokesperson"),
    path("b/<slug:slug>/spokespersons/<int:pk>/ask/", spokesperson_ask, name="spokesperson-ask"),
    path("b/<slug:slug>/questions/<int:pk>/answer/", question_answer, name="question-answer"),
    path("b/<slug:slug>/spokespersons/<int:pk>/accounts/new/", accounts_new, name="accounts-new"),
    path("b/<slug:slug>/accounts/<int:pk>/put/", accounts_put, name="accounts-put"),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/instructions/new/",
        instruction_new,
        name="instruction-new",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/motions/<int:motion>/named-votes/",
        named_votes,
        name="named-votes",
    ),
]
