"""The poll convening form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comuna.voting.images import validate_option_image
from comuna.voting.models import BUDGET_RULES, EDITABLE_SETTINGS, RULES, Method, Option
from comuna.voting.money import MoneyFormField, parse_amount
from comuna.voting.names import rule_name


def rule_label(rule: str) -> str:
    """What the form calls a counting rule: its name, never its code."""
    return rule_name(rule)


def rule_choices() -> list[tuple[Any, Any]]:
    """The rules grouped by the method they count (the group's label is the method's, which
    the form's script uses to show only the rules of the chosen method)."""
    return [("", _("the method's default"))] + [
        (Method(method).label, [(rule, rule_label(rule)) for rule in rules])
        for method, rules in RULES.items()
    ]


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional: Comuna does it at this time."),
    )


class PollForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    rule = forms.ChoiceField(label=_("Counting rule"), choices=rule_choices, required=False)
    # bounds a person can read (the columns would hold more on some databases, never usefully)
    seats = forms.IntegerField(label=_("Winners"), min_value=1, max_value=999, initial=1)
    min_choices = forms.IntegerField(
        label=_("Fewest choices on a ballot"), min_value=0, max_value=999, initial=1
    )
    max_choices = forms.IntegerField(
        label=_("Most choices on a ballot"), min_value=1, max_value=999, required=False
    )
    max_points = forms.IntegerField(
        label=_("Points each voter shares out (cumulative)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )
    budget = MoneyFormField(
        label=_("Budget (participatory budget)"), min_value=Decimal("0.01"), required=False
    )
    max_cost = MoneyFormField(
        label=_("Most a ballot may spend"), min_value=Decimal("0.01"), required=False
    )
    vote_type = forms.ChoiceField(
        label=_("Ballot of a participatory budget"),
        choices=[
            ("", _("Approval: tick every project you support")),
            ("choose-1", _("One project only")),
            ("cumulative", _("Points: share out points among the projects")),
            ("ordinal", _("Ranked: number the projects you support in order")),
        ],
        required=False,
    )
    allow_revote = forms.BooleanField(
        label=_("Voters may change their ballot until closing"), required=False, initial=True
    )
    opens_at = _when(_("Opens at"))
    closes_at = _when(_("Closes at"))
    options = forms.CharField(
        label=_("Options, one per line"),
        help_text=_("For a participatory budget write “project | cost” on each line."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_options(self) -> list[dict[str, Any]]:
        lines = [ln.strip() for ln in self.cleaned_data["options"].splitlines() if ln.strip()]
        out, errors = [], []
        for n, line in enumerate(lines, start=1):
            label, _sep, cost = line.partition("|")
            option: dict[str, Any] = {"label": label.strip()}
            if cost.strip():
                try:
                    option["cost"] = parse_amount(cost)
                except ValueError as exc:
                    errors.append(
                        forms.ValidationError(
                            _("Line %(n)s: %(problem)s"), params={"n": n, "problem": exc}
                        )
                    )
            out.append(option)
        if errors:
            raise forms.ValidationError(errors)
        return out

    def clean(self):
        data = super().clean()
        method, rule = data.get("method"), data.get("rule")
        allowed = RULES.get(method)
        if method == Method.BUDGET:
            allowed = BUDGET_RULES[data.get("vote_type") or "approval"]
        if allowed and rule and rule not in allowed:
            self.add_error(
                "rule",
                _("The rule %(rule)s does not count %(method)s ballots; choose one of: %(rules)s.")
                % {
                    "rule": rule_label(rule),
                    "method": Method(method).label,
                    "rules": ", ".join(rule_label(r) for r in allowed),
                },
            )
        return data

    def poll_settings(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_SETTINGS}


class PollEditForm(PollForm):
    """The poll form of a draft, with a description and an image for each of its options."""

    def __init__(self, *args, poll, **kwargs):
        self.poll = poll
        self.current = list(poll.options.all())
        initial = {
            name: getattr(poll, name) for name in ("title", "method", "rule", *EDITABLE_SETTINGS)
        }
        initial["options"] = "\n".join(
            o.label if o.cost is None else f"{o.label} | {o.cost}" for o in self.current
        )
        super().__init__(*args, initial=initial, **kwargs)
        for option in self.current:
            self.fields[f"description_{option.key}"] = forms.CharField(
                label=_("Description of “%(option)s”") % {"option": option.label},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=option.description,
            )
            self.fields[f"image_{option.key}"] = forms.FileField(
                label=_("Image of “%(option)s”") % {"option": option.label},
                required=False,
                validators=[validate_option_image],
                initial=option.image or None,
                help_text=Option._meta.get_field("image").help_text,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
            )

    def poll_fields(self):
        """The fields of the poll form itself, without each option's details."""
        return [self[name] for name in PollForm.base_fields]

    def option_fields(self):
        """(option, description field, image field) for each current option, for the page."""
        return [(o, self[f"description_{o.key}"], self[f"image_{o.key}"]) for o in self.current]

    def options_with_details(self) -> list[dict[str, Any]]:
        """The options typed in the form, each carrying the description and image of the
        current option it continues: the one with the same label, else the one on its line."""
        lines = self.cleaned_data["options"]
        matched: list[Option | None] = [None] * len(lines)
        free = list(self.current)
        for i, line in enumerate(lines):
            same = next((o for o in free if o.label == line["label"]), None)
            if same is not None:
                matched[i] = same
                free.remove(same)
        for i in range(len(lines)):
            if matched[i] is None and i < len(self.current) and self.current[i] in free:
                matched[i] = self.current[i]
                free.remove(self.current[i])
        out = []
        for line, old in zip(lines, matched, strict=True):
            option = dict(line)
            if old is not None:
                option["description"] = self.cleaned_data.get(f"description_{old.key}", "")
                upload = self.cleaned_data.get(f"image_{old.key}")
                if upload is False:  # "clear" ticked
                    option["image"] = None
                else:
                    option["image"] = upload or (old.image.name if old.image else None)
            out.append(option)
        return out


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
