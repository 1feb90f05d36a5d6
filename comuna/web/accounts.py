"""Accounts: the electoral commission invites residents from the census, residents redeem an
invitation to make their login (there is no sign-up page), reset or change their password; and
the pages django-axes needs (the lockout page, the client's address)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comuna.territory import invitations
from comuna.territory import services as territory_services
from comuna.territory.models import Delivery, Invitation, Resident
from comuna.territory.rules import Action
from comuna.territory.services import TerritoryError
from comuna.web.access import body_view, personal, public
from comuna.web.backends import BACKEND

# Failed invitation codes are counted by django-axes as failed logins of this name, so one
# address gets as many tries at codes as at one username's password.
CODE_ATTEMPTS = "invitation-code"


# --- forms -----------------------------------------------------------------------------------


class InviteForm(forms.Form):
    delivery = forms.ChoiceField(
        label=gettext_lazy("Send the invitation"),
        choices=[
            (Delivery.CODE, gettext_lazy("As a code to print and hand over")),
            (Delivery.EMAIL, gettext_lazy("By e-mail")),
        ],
        widget=forms.RadioSelect,
        initial=Delivery.CODE,
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"), choices=settings.LANGUAGES
    )

    def clean(self):
        data = super().clean()
        if data.get("delivery") == Delivery.EMAIL and not data.get("email"):
            self.add_error("email", _("Give the address to send the invitation to."))
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Invitation code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class AccountForm(UserCreationForm):
    """The username and password an invited resident chooses (Django's validators apply)."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


def contact_email(user) -> str:
    """Where a user's mail goes: their census e-mail, else the e-mail of the login itself."""
    resident = Resident.objects.filter(user=user).only("email").first()
    return (resident.email if resident and resident.email else "") or user.email


def _same_email(a: str, b: str) -> bool:
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


class ResidentPasswordResetForm(PasswordResetForm):
    """Finds the login by the e-mail in its census row (or of the login itself, for an
    operator's account) and writes to that address, in the language of the page."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(
            Q(email__iexact=email) | Q(resident__email__iexact=email), is_active=True
        )
        return (
            u for u in users if u.has_usable_password() and _same_email(email, contact_email(u))
        )

    def send_mail(self, subject_template, email_template, context, from_email, to_email, **kw):
        address = contact_email(context["user"])
        super().send_mail(subject_template, email_template, context, from_email, address, **kw)


# --- the electoral commission's side ---------------------------------------------------------


def _resident(body, pk) -> Resident:
    return get_object_or_404(Resident.objects.select_related("household", "user"), pk=pk, body=body)


@body_view(Action.MANAGE_CENSUS)
def resident_login(request, body, pk):
    """A resident's login: who it is, or their pending invitation, and a form to invite them."""
    resident = _resident(body, pk)
    form = InviteForm(
        request.POST or None,
        initial={"email": resident.email, "language": translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            secret = territory_services.invite_resident(
                resident,
                by=request.user,
                delivery=form.cleaned_data["delivery"],
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                invite_url=request.build_absolute_uri(reverse("invite")),
            )
        except TerritoryError as exc:
            messages.error(request, str(exc))
            return redirect("resident-login", slug=body.slug, pk=resident.pk)
        invitation = Invitation.objects.get(resident=resident)
        if form.cleaned_data["delivery"] == Delivery.CODE:
            # the code is shown this once, to print: only its hash is kept
            context = {
                "body": body,
                "resident": resident,
                "code": secret,
                "invitation": invitation,
                "invite_url": request.build_absolute_uri(reverse("invite")),
            }
            return render(request, "web/accounts/invitation_code.html", context)
        messages.success(
            request,
            _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("resident-login", slug=body.slug, pk=resident.pk)
    context = {
        "body": body,
        "resident": resident,
        "household": resident.household,
        "invitation": Invitation.objects.filter(resident=resident).first(),
        "form": form,
    }
    return render(request, "web/accounts/resident_login.html", context)


def _on_resident(request, body, pk, change, done: str):
    """Make ``change`` to the resident's login or invitation, then back to their login page."""
    resident = _resident(body, pk)
    try:
        change(resident, by=request.user)
    except TerritoryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("resident-login", slug=body.slug, pk=resident.pk)


@require_POST
@body_view(Action.MANAGE_CENSUS)
def revoke_invitation(request, body, pk):
    return _on_resident(
        request,
        body,
        pk,
        territory_services.revoke_invitation,
        _("The invitation was revoked."),
    )


@require_POST
@body_view(Action.MANAGE_CENSUS)
def unlink_login(request, body, pk):
    return _on_resident(
        request,
        body,
        pk,
        territory_services.unlink_login,
        _("The login was unlinked from this resident."),
    )


# --- the resident's side ---------------------------------------------------------------------


@public
def invite(request):
    """Redeem a printed code: the code, then a username and a password."""
    code_form = CodeForm(request.POST or None)
    account_form = AccountForm(request.POST or None)
    if request.method == "POST" and code_form.is_valid():
        credentials = {"username": CODE_ATTEMPTS}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        invitation = invitations.find_by_code(code_form.cleaned_data["code"])
        if invitation is None:
            user_login_failed.send(__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            code_form.add_error(
                "code", _("This code is not valid: it is mistyped, used, revoked or expired.")
            )
        else:
            done = _accept(request, invitation, account_form)
            if done:
                return done
    status = 400 if code_form.errors or account_form.errors else 200
    context = {"code_form": code_form, "form": account_form}
    return render(request, "registration/invite.html", context, status=status)


@public
def invite_link(request, token):
    """Redeem an e-mailed link: a username and a password."""
    invitation = invitations.find_by_token(token)
    if invitation is None:
        return render(request, "registration/invite_invalid.html", status=404)
    form = AccountForm(request.POST or None)
    if request.method == "POST":
        done = _accept(request, invitation, form)
        if done:
            return done
    context = {"form": form, "resident": invitation.resident}
    return render(request, "registration/invite.html", context, status=400 if form.errors else 200)


def _accept(request, invitation: Invitation, form):
    if not form.is_valid():
        return None
    try:
        user = territory_services.accept_invitation(invitation, form)
    except TerritoryError as exc:
        form.add_error(None, str(exc))
        return None
    auth_login(request, user, backend=BACKEND)
    messages.success(
        request,
        _("Welcome! Your login is tied to your census entry in %(body)s.")
        % {"body": invitation.resident.body},
    )
    return redirect("profile")


# --- password reset and change (Django's views, our templates and form) ---------------------

password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=ResidentPasswordResetForm,
        subject_template_name="web/accounts/password_reset_subject.txt",
        email_template_name="web/accounts/password_reset_email.txt",
    )
)
password_reset_done = public(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = public(auth_views.PasswordResetConfirmView.as_view())
password_reset_complete = public(auth_views.PasswordResetCompleteView.as_view())
password_change = personal(
    auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done"))
)
password_change_done = personal(auth_views.PasswordChangeDoneView.as_view())


# --- django-axes -----------------------------------------------------------------------------


def locked_out(request, response=None, credentials=None):
    """Too many failed attempts from this address: say until when, in the site's layout."""
    until = timezone.now() + (settings.AXES_COOLOFF_TIME or timedelta(0))
    context = {"until": until, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    return render(request, "registration/locked_out.html", context, status=429)


def client_address(request) -> str | None:
    """The client's address for counting failed attempts (see ``TRUST_X_FORWARDED_FOR``)."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
