"""Census forms, shared by the web pages and the CSV import so both validate alike."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comuna.territory.models import Household, Resident

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


class HouseholdForm(forms.ModelForm):
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

    def __init__(self, *args, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body or getattr(self.instance, "body", None)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Household.objects.filter(body=self.body, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another household of this body has this code."))
        return code

    def save(self, commit=True):
        self.instance.body = self.body
        return super().save(commit)


class ResidentForm(forms.ModelForm):
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
            "phone",
            "email",
        ]

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None:
            self.instance.household = household
            self.instance.body = household.body

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
