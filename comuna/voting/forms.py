"""The poll convening form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from comuna.voting.models import RULES, Method
from comuna.voting.names import RULES as RULE_NAMES

RULE_CHOICES = [
    (r, RULE_NAMES[r][0]) for r in sorted({r for rules in RULES.values() for r in rules})
]


class PollForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    method = forms.ChoiceField(label=_("method"), choices=Method.choices)
    rule = forms.ChoiceField(
        label=_("counting rule"),
        choices=[("", _("the method's default"))] + RULE_CHOICES,
        required=False,
    )
    seats = forms.IntegerField(label=_("winners"), min_value=1, initial=1)
    min_choices = forms.IntegerField(label=_("fewest choices on a ballot"), min_value=0, initial=1)
    max_choices = forms.IntegerField(
        label=_("most choices on a ballot"), min_value=1, required=False
    )
    max_points = forms.IntegerField(
        label=_("points each voter shares out (cumulative)"), min_value=1, required=False
    )
    budget = forms.DecimalField(
        label=_("budget (participatory budget)"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    max_cost = forms.DecimalField(
        label=_("most a ballot may spend"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    allow_revote = forms.BooleanField(
        label=_("voters may change their ballot until closing"), required=False, initial=True
    )
    options = forms.CharField(
        label=_("options, one per line"),
        help_text=_("For a participatory budget write “project | cost” on each line."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_options(self):
        lines = [ln.strip() for ln in self.cleaned_data["options"].splitlines() if ln.strip()]
        out = []
        for n, line in enumerate(lines, start=1):
            label, _sep, cost = line.partition("|")
            option = {"label": label.strip()}
            if cost.strip():
                try:
                    option["cost"] = Decimal(cost.strip().replace(",", "."))
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("Line %(n)s: “%(cost)s” is not a cost."),
                        params={"n": n, "cost": cost.strip()},
                    ) from None
            out.append(option)
        return out

    def poll_settings(self) -> dict:
        data = self.cleaned_data
        keys = [
            "description",
            "seats",
            "min_choices",
            "max_choices",
            "max_points",
            "budget",
            "max_cost",
            "allow_revote",
        ]
        return {k: data[k] for k in keys if data.get(k) not in (None, "")} | {
            "allow_revote": data["allow_revote"]
        }


class PaperForm(forms.Form):
    polling_place = forms.CharField(label=_("polling place"), max_length=120)
    n_ballots = forms.IntegerField(
        label=_("paper ballots cast (with totals)"), min_value=0, required=False
    )
    ballots = forms.CharField(
        label=_("or individual ballots, one per line"),
        help_text=_(
            "Option numbers separated by commas, in order of preference for ranked "
            "polls; for cumulative polls “number:points”."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    reason = forms.CharField(
        label=_("reason, when correcting an earlier entry"), max_length=300, required=False
    )
