"""The profile page's personal access tokens: make one (its secret shown once) and revoke
one. The list is on the profile page (``views.profile``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comuna.api import tokens
from comuna.api.models import PersonalToken, Scope
from comuna.territory.forms import DATE_FORMATS
from comuna.web.access import personal
from comuna.web.limits import limited


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, so you recognise it in your list."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A read-only token cannot vote or change anything."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Optional: the last day it works. Empty: until you revoke it."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("This day has passed."), code="past")
        return day


def user_tokens(user):
    """The tokens of ``user`` for their list, newest first."""
    return PersonalToken.objects.filter(user=user)


@personal
@limited("token-user")
def token_new(request):
    """GET: the form; POST: make the token and show its secret, this once."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, secret = tokens.issue(
            request.user, name=data["name"], scope=data["scope"], expires_on=data["expires_on"]
        )
        # The secret is shown in this response only and kept nowhere on the server in clear.
        response = render(request, "web/token_created.html", {"token": token, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "web/token_new.html", {"form": form}, status=400 if form.errors else 200)


@personal
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(PersonalToken, pk=pk, user=request.user)
    tokens.revoke(token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("profile")
