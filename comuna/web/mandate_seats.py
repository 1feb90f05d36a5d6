"""Seats pages of issue 12's mandates: every organ's seats and their holders (public), and the
administrator's declaration of an organ's seats. Thin views over comuna.mandates.seats."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.mandates import seats as service
from comuna.mandates.errors import MandateError
from comuna.mandates.rules import MandateAction
from comuna.territory import statutes
from comuna.territory.models import Body, Counting, Organ, OrganKind
from comuna.territory.permissions import can
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status


def _has_spokesperson_page() -> bool:
    """The accounting part's spokesperson page, once it exists."""
    try:
        reverse("spokesperson", kwargs={"slug": "x", "pk": 1})
    except NoReverseMatch:
        return False
    return True


@public
def seat_list(request, slug):
    body = get_object_or_404(Body, slug=slug)
    today = timezone.localdate()
    return render(
        request,
        "web/mandates/seats.html",
        {
            "body": body,
            "organs": service.seat_holders(body, today),
            "today": today,
            "statute": statutes.current(body),
            "can_declare": can(request.user, MandateAction.DECLARE_SEATS, body),
            "spokesperson_pages": _has_spokesperson_page(),
        },
    )


class SeatsForm(forms.Form):
    seats = forms.IntegerField(
        label=gettext_lazy("Number of seats"), min_value=1, max_value=service.MAX_SEATS
    )
    counting = forms.ChoiceField(
        label=gettext_lazy("How they are elected"),
        choices=Counting.choices,
        widget=forms.RadioSelect,
    )


@body_view(MandateAction.DECLARE_SEATS)
def seats_declare(request, body, pk):
    organ = get_object_or_404(Organ, pk=pk, body=body)
    if organ.kind == OrganKind.PARLIAMENT and body.children.exists():
        # a parliament's seats speak for its members: declared from them on its own page
        return redirect("parliament-seats", slug=body.slug)
    form = SeatsForm(
        request.POST or None, initial={"seats": organ.seats, "counting": organ.counting}
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.declare_seats(
                organ,
                seats=form.cleaned_data["seats"],
                counting=form.cleaned_data["counting"],
                by=request.user,
            )
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The seats are declared."))
            return redirect("seats", slug=body.slug)
    return render(
        request,
        "web/mandates/seats_declare.html",
        {"body": body, "organ": organ, "form": form},
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/seats/", seat_list, name="seats"),
    path("b/<slug:slug>/seats/<int:pk>/", seats_declare, name="seats-declare"),
]
