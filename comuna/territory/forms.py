"""Census forms, shared by the web pages and the CSV import so both validate alike."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from comuna.territory.models import CensusQuestion, Household, QuestionKind, Resident
from comuna.units import megabytes

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


def question_field(question: CensusQuestion) -> forms.Field:
    common = {"label": question.label, "required": question.required}
    if question.kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=4, **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
            **common,
        )
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—")] + [(c, c) for c in question.choice_list()], **common
        )
    return forms.CharField(max_length=300, **common)


class QuestionsMixin:
    """Adds the body's own census questions to a household or resident form."""

    target: str

    def add_questions(self, body, questions: list[CensusQuestion] | None = None) -> None:
        """``questions``: the body's questions, when the caller has them (the CSV import
        builds a form per row and reads them once)."""
        if questions is None:
            questions = list(CensusQuestion.objects.filter(body=body))
        self.questions = [q for q in questions if q.target == self.target]
        for q in self.questions:
            field = question_field(q)
            self.fields[f"q_{q.key}"] = field
            answer = (self.instance.extra or {}).get(q.key)
            if answer is not None:
                if q.kind == QuestionKind.YES_NO:
                    answer = "yes" if answer else "no"
                self.initial[f"q_{q.key}"] = answer

    def store_answers(self) -> None:
        extra = dict(self.instance.extra or {})
        for q in self.questions:
            value = self.cleaned_data.get(f"q_{q.key}")
            if value in (None, ""):
                extra.pop(q.key, None)
            else:
                extra[q.key] = str(value) if q.kind == QuestionKind.NUMBER else value
        self.instance.extra = extra


class HouseholdForm(QuestionsMixin, forms.ModelForm):
    target = CensusQuestion.Target.HOUSEHOLD

    class Meta:
        model = Household
        fields = [
            "code",
            "address",
            "sector",
            "tenure",
            "dwelling",
            "monthly_income",
            "has_running_water",
            "has_electricity",
            "has_gas",
        ]

    def __init__(self, *args, body=None, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body or getattr(self.instance, "body", None)
        self.add_questions(self.body, questions)
        income = self.fields["monthly_income"]
        income.min_value = 0
        income.validators.append(MinValueValidator(0))
        income.widget.attrs["min"] = "0"

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Household.objects.filter(body=self.body, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another household of this body has this code."))
        return code

    def save(self, commit=True):
        self.instance.body = self.body
        self.store_answers()
        return super().save(commit)


class ResidentForm(QuestionsMixin, forms.ModelForm):
    target = CensusQuestion.Target.RESIDENT

    birth_date = forms.DateField(
        label=_("date of birth"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    resident_since = forms.DateField(
        label=_("living in the community since"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Resident
        fields = [
            "given_name",
            "family_name",
            "document_id",
            "birth_date",
            "sex",
            "resident_since",
            "is_household_head",
            "occupation",
            "education",
            "has_disability",
            "public_office",
            "phone",
            "email",
        ]

    def __init__(self, *args, household=None, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None:
            self.instance.household = household
            self.instance.body = household.body
        self.add_questions(self.instance.body, questions)

    def save(self, commit=True):
        self.store_answers()
        return super().save(commit)

    def clean_document_id(self):
        doc = self.cleaned_data["document_id"].strip()
        if doc:
            clash = Resident.objects.filter(body=self.instance.body, document_id=doc).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                raise forms.ValidationError(
                    _("Another resident of this body has this identity document.")
                )
        return doc


class ProfileForm(forms.ModelForm):
    """What members may change about themselves; the rest is the electoral commission's."""

    class Meta:
        model = Resident
        fields = ["phone", "email"]


class CensusImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma or semicolon separated, one row per resident."),
    )

    def clean_file(self):
        """A file over ``UPLOAD_MAX_BYTES`` is refused by its size, unread."""
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the largest accepted is %(largest)s MB.")
                % {
                    "size": megabytes(file.size),
                    "largest": megabytes(settings.UPLOAD_MAX_BYTES),
                },
                code="file_size",
            )
        return file


class CensusQuestionForm(forms.ModelForm):
    class Meta:
        model = CensusQuestion
        fields = ["target", "key", "label", "kind", "choices", "required", "position"]

    def __init__(self, *args, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body or self.instance.body

    def clean_key(self):
        from comuna.territory.census import HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS

        key = self.cleaned_data["key"]
        if key in HOUSEHOLD_COLUMNS or key in RESIDENT_COLUMNS:
            raise forms.ValidationError(_("This is already a standard census column."))
        clash = CensusQuestion.objects.filter(body=self.instance.body, key=key)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This body already has a question with this key."))
        return key

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == QuestionKind.CHOICE
            and not self.instance.choice_list()
            and not [c for c in data.get("choices", "").splitlines() if c.strip()]
        ):
            self.add_error("choices", _("List the possible answers, one per line."))
        return data
