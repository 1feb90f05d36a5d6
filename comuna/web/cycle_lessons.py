"""Pages of the clearing house (cycle_lessons): the archive of lessons with its search and
filters (``/lessons/``), a lesson's page, and the team's form recording a closed project's
lesson. Thin views over comuna.cycles.lessons; everything works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.cycles import lessons as service
from comuna.cycles import visibility
from comuna.cycles.errors import CycleError
from comuna.cycles.models import Execution, Lesson, LessonOutcome, NeedCategory
from comuna.cycles.rules import ExecutionAction
from comuna.voting.money import MoneyFormField
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status, put_refusal

PER_PAGE = 20


def with_figures(lesson: Lesson) -> Lesson:
    """``lesson`` with ``over`` and ``under``: how much more, or less, was spent than
    estimated (for the templates, which do no arithmetic)."""
    difference = lesson.spent - lesson.estimate
    lesson.over = max(difference, 0)
    lesson.under = max(-difference, 0)
    return lesson


def _resolves(name: str, **kwargs: Any) -> bool:
    """Whether another part's page exists yet (the execution's page)."""
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


def similar_lessons(user, project) -> list[Lesson]:
    """For the project's page (web/cycles/lessons/similar.html): lessons of similar projects
    elsewhere, with their figures."""
    return [with_figures(lesson) for lesson in service.similar(project, user=user)]


# --- the archive -----------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Words"), required=False, max_length=200)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All")), *NeedCategory.choices],
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("All")), *LessonOutcome.choices],
    )
    min_cost = MoneyFormField(
        label=gettext_lazy("Estimated cost from"), required=False, min_value=0, localize=True
    )
    max_cost = MoneyFormField(
        label=gettext_lazy("up to"), required=False, min_value=0, localize=True
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("A part of the project's place or of its body's name."),
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_cost"), data.get("max_cost")
        if low is not None and high is not None and low > high:
            self.add_error("max_cost", _("The highest cost cannot be below the lowest."))
        return data


@public
def lesson_list(request):
    """Anyone: the lessons of every body whose cycle is public, and of the reader's bodies;
    searched by words (accents and case ignored) and filtered; 400 with the message under the
    field for a filter that is not valid (the others still apply)."""
    form = SearchForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET else {}
    found = service.search(
        data.get("q", ""),
        user=request.user,
        category=data.get("category") or None,
        outcome=data.get("outcome") or None,
        min_cost=data.get("min_cost"),
        max_cost=data.get("max_cost"),
        place=data.get("place") or None,
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    searching = any(data.get(name) not in (None, "") for name in SearchForm.base_fields)
    return render(
        request,
        "web/cycles/lessons/list.html",
        {
            "form": form,
            "page": page,
            "lessons": [with_figures(lesson) for lesson in page],
            "searching": searching,
        },
        status=200 if valid else 400,
    )


# --- one lesson ------------------------------------------------------------------------------


@public
def lesson_detail(request, pk):
    if not 0 <= pk <= rows.MAX_ID:
        raise Http404
    lesson = (
        Lesson.objects.select_related(
            "execution__project__cycle", "execution__budget__body", "execution__committee"
        )
        .filter(pk=pk)
        .first()
    )
    if lesson is None:
        raise Http404
    body = lesson.execution.budget.body
    if (response := visibility.refused(request, body)) is not None:
        return response
    execution = lesson.execution
    return render(
        request,
        "web/cycles/lessons/lesson.html",
        {
            "lesson": with_figures(lesson),
            "execution": execution,
            "project": execution.project,
            "body": body,
            "has_execution_page": _resolves("execution", slug=body.slug, pk=execution.pk),
        },
    )


# --- recording it ----------------------------------------------------------------------------


class LessonForm(forms.Form):
    what_happened = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=service.TEXT_MAX,
        help_text=gettext_lazy("How the project went, from the start to its end."),
    )
    what_worked = forms.CharField(
        label=gettext_lazy("What worked"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=service.TEXT_MAX,
        required=False,
    )
    what_did_not = forms.CharField(
        label=gettext_lazy("What did not work"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=service.TEXT_MAX,
        required=False,
    )
    cost_note = forms.CharField(
        label=gettext_lazy("Costs against the estimate"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=service.TEXT_MAX,
        required=False,
        help_text=gettext_lazy("Why it cost more or less than estimated, item by item."),
    )
    advice = forms.CharField(
        label=gettext_lazy("Advice for others"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=service.TEXT_MAX,
        required=False,
        help_text=gettext_lazy("What you would tell a council about to try the same."),
    )


@body_view(ExecutionAction.RECORD_LESSON, Execution)
def lesson_record(request, body, execution):
    """The project's team records its lesson once it is done or abandoned: the form shows the
    estimate and what was spent beside the fields."""
    from comuna.cycles import execution as executions

    existing = Lesson.objects.filter(execution=execution).first()
    if existing is not None:  # one lesson per project: the form leads to it
        return redirect("lesson", pk=existing.pk)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = service.record(execution, by=request.user, **form.cleaned_data)
        except CycleError as exc:
            put_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The lesson is recorded; everyone who may read the project can now find it."),
            )
            return redirect("lesson", pk=lesson.pk)
    totals = executions.totals(execution)
    project = execution.project
    return render(
        request,
        "web/cycles/lessons/record.html",
        {
            "body": body,
            "execution": execution,
            "project": project,
            "form": form,
            "estimate": project.cost,
            "spent": totals.spent,
            "difference": totals.spent - project.cost,
            "on_team": executions.on_team(request.user, execution),
            "has_execution_page": _resolves("execution", slug=body.slug, pk=execution.pk),
        },
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("lessons/", lesson_list, name="lessons"),
    path("lessons/<int:pk>/", lesson_detail, name="lesson"),
    path("b/<slug:slug>/executions/<int:pk>/lesson/", lesson_record, name="lesson-record"),
]
