"""The administrator's upload of a Pabulib file: ``/b/<slug>/budgets/import/``, guarded by
``CycleAction.IMPORT_PB``. A thin view over ``comuna.cycles.pbfiles.import_pb`` (the same
service as ``comuna cycle import-pb``): a refused file shows its ``file:line: field: message``
and creates nothing; an imported one leads to its counted budget's page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.choice import pb
from comuna.choice.pb.instance import PBError
from comuna.cycles import pbfiles
from comuna.cycles.errors import CycleError
from comuna.cycles.rules import CycleAction
from comuna.territory.forms import CensusImportForm
from comuna.voting.names import rule_description, rule_name
from comuna.web.access import body_view


def _rules() -> list[tuple[str, str]]:
    return [("", _("The file's own rule, or Equal Shares with completion"))] + [
        (rule, f"{rule_name(rule)} — {rule_description(rule)}") for rule in pb.RULES
    ]


class PabulibImportForm(CensusImportForm):
    """A ``.pb`` file (the census form's size check) and the rule to count it with."""

    file = forms.FileField(
        label=gettext_lazy("Pabulib file (.pb)"),
        help_text=gettext_lazy(
            "A participatory-budgeting election in the Pabulib format (pabulib.org). Larger "
            "files go through the command line: comuna cycle import-pb FILE.pb --body SLUG."
        ),
    )
    rule = forms.ChoiceField(label=gettext_lazy("Counting rule"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = _rules()


def refusal(exc: PBError) -> str:
    """The reader's refusal, ``file:line: field: message``, after a sentence in the reader's
    language (the engine's own message speaks English)."""
    return _("Nothing was imported: the file has a mistake. %(error)s") % {"error": exc}


@body_view(CycleAction.IMPORT_PB)
def budget_import(request, body):
    form = PabulibImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            budget = pbfiles.import_pb(
                body,
                upload.read(),
                filename=upload.name,
                rule=form.cleaned_data["rule"] or None,
                by=request.user,
            )
        except PBError as exc:
            form.add_error("file", refusal(exc))
        except CycleError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                _("Imported and counted: %(title)s.") % {"title": budget.title},
            )
            return redirect("budget", slug=body.slug, pk=budget.pk)
    return render(
        request,
        "web/cycles/budget_import.html",
        {"body": body, "form": form, "largest": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/budgets/import/", budget_import, name="budget-import"),
]
