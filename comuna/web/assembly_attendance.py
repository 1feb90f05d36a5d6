"""Assembly pages: the attendance part. Thin views over comuna.assemblies.attendance; their URLs
are in ``urlpatterns`` (included by comuna/web/urls.py).

Every action is a POST with a confirmation page behind its GET, so all of it works without
JavaScript; the door redirects back to the same search after each tap, so the next person is
one tap away.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.assemblies import attendance
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import Assembly, Attendance, Call, Status
from comuna.assemblies.rules import AssemblyAction
from comuna.territory.models import Resident
from comuna.territory.permissions import can
from comuna.web.access import body_view
from comuna.web.search import search_query


def assembly_page(body, assembly) -> str:
    """The assembly's page (the convening part's ``assembly``); the body's page while that
    page is not there."""
    try:
        return reverse("assembly", kwargs={"slug": body.slug, "pk": assembly.pk})
    except NoReverseMatch:
        return reverse("body", kwargs={"slug": body.slug})


def _refused(request, exc: AssemblyError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def panel(request, body, assembly) -> dict:
    """What web/assemblies/_attendance.html needs on the assembly's page (the detail view of
    assembly_convening merges every part's panel into its context)."""
    user = request.user
    quorum = attendance.quorum(assembly)
    now = timezone.now()
    mine = None
    resident = getattr(user, "resident", None) if user.is_authenticated else None
    if resident is not None:
        mine = Attendance.objects.filter(assembly=assembly, resident=resident).first()
    may_check_in = (
        assembly.status == Status.IN_SESSION
        and bool(assembly.online_url)
        and mine is None
        and resident is not None
        and assembly.registered.filter(resident=resident).exists()
        and can(user, AssemblyAction.CHECK_IN, assembly)
    )
    second_call_open = (
        assembly.status == Status.IN_SESSION and assembly.call == Call.FIRST and not quorum.met
    )
    return {
        "quorum": quorum,
        "register_frozen_on": assembly.created_at,
        "my_attendance": mine,
        "second_call_open": second_call_open,
        "second_call_required": assembly.statute.quorum(assembly.register_size, second_call=True),
        "second_call_due": second_call_open and now >= quorum.second_call_at,
        "attendance_actions": {
            "open": can(user, AssemblyAction.OPEN_SESSION, assembly),
            "door": can(user, AssemblyAction.RECORD_ATTENDANCE, assembly),
            "second_call": second_call_open and can(user, AssemblyAction.SECOND_CALL, assembly),
            "end": can(user, AssemblyAction.END_SESSION, assembly),
            "sheet": can(user, AssemblyAction.PRINT_SHEET, assembly),
            "sheet_count": can(user, AssemblyAction.ENTER_SHEET_COUNT, assembly),
            "check_in": may_check_in,
        },
    }


def _confirm(request, body, assembly, step: str, service, done: str):
    """GET: what the step will do, and a button; POST: do it, and go back to the assembly."""
    if request.method == "POST":
        try:
            service(assembly, by=request.user)
        except AssemblyError as exc:
            _refused(request, exc)
            return redirect(request.path)
        messages.success(request, done)
        return redirect(assembly_page(body, assembly))
    context = {
        "body": body,
        "assembly": assembly,
        "step": step,
        "back": assembly_page(body, assembly),
        **panel(request, body, assembly),
    }
    if step == "open":
        context["opens_from"] = assembly.starts_at - attendance.OPENING_MARGIN
    return render(request, "web/assemblies/attendance_confirm.html", context)


@body_view(AssemblyAction.OPEN_SESSION, Assembly)
def assembly_open(request, body, assembly):
    return _confirm(
        request, body, assembly, "open", attendance.open_session, _("The session is open.")
    )


@body_view(AssemblyAction.SECOND_CALL, Assembly)
def assembly_second_call(request, body, assembly):
    return _confirm(
        request,
        body,
        assembly,
        "second_call",
        attendance.second_call,
        _("Second call made: quorum is now counted with the second call's share."),
    )


@body_view(AssemblyAction.END_SESSION, Assembly)
def assembly_end(request, body, assembly):
    return _confirm(request, body, assembly, "end", attendance.end_session, _("Session ended."))


@body_view(AssemblyAction.CHECK_IN, Assembly)
def assembly_check_in(request, body, assembly):
    return _confirm(
        request,
        body,
        assembly,
        "check_in",
        attendance.check_in,
        _("You are checked in: you count as present, online."),
    )


@body_view(AssemblyAction.RECORD_ATTENDANCE, Assembly)
def assembly_door(request, body, assembly):
    """The door: search the frozen register, one tap per person, the last check-ins below."""
    if request.method == "POST":
        q = request.POST.get("q", "")[:200]
        again = request.path + ("?" + urlencode({"q": q}) if q else "")
        resident = _registered(assembly, request.POST.get("resident"))
        if resident is None:
            messages.error(request, _("Choose a person of the register from the search."))
            return redirect(again)
        try:
            attendance.record_presence(assembly, resident, by=request.user)
        except AssemblyError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(name)s is present.") % {"name": resident})
        return redirect(again)
    q, problems = search_query(request)
    return render(
        request,
        "web/assemblies/attendance_door.html",
        {
            "body": body,
            "assembly": assembly,
            "back": assembly_page(body, assembly),
            "q": q,
            "problems": problems,
            "matches": attendance.search_register(assembly, q) if q else [],
            "recent": attendance.recent(assembly),
            **panel(request, body, assembly),
        },
    )


def _registered(assembly: Assembly, value) -> Resident | None:
    """The resident named by a submitted id, if they are on this assembly's register."""
    pk = rows.parse_id(value)
    if pk is None:
        return None
    return Resident.objects.filter(pk=pk, pk__in=assembly.registered.values("resident_id")).first()


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this presence taken back?"),
        max_length=attendance.REASON_MAX_CHARS,
    )


@body_view(AssemblyAction.RECORD_ATTENDANCE, Assembly)
def assembly_presence_remove(request, body, assembly, attendance_pk: int):
    found = (
        Attendance.objects.filter(pk=attendance_pk, assembly=assembly)
        .select_related("resident")
        .first()
    )
    door = reverse("assembly-door", kwargs={"slug": body.slug, "pk": assembly.pk})
    if found is None:
        messages.error(request, _("This presence was already taken back."))
        return redirect(door)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendance.remove_presence(found, reason=form.cleaned_data["reason"], by=request.user)
        except AssemblyError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("The presence of %(name)s was taken back.") % {"name": found.resident}
            )
            return redirect(door)
    return render(
        request,
        "web/assemblies/attendance_remove.html",
        {"body": body, "assembly": assembly, "present": found, "form": form, "door": door},
    )


@body_view(AssemblyAction.PRINT_SHEET, Assembly)
def assembly_sheet(request, body, assembly):
    """The attendance sheet of the frozen register, to print and sign at the door."""
    registered = Resident.objects.filter(pk__in=assembly.registered.values("resident_id")).order_by(
        "family_name", "given_name", "pk"
    )
    statute = assembly.statute
    return render(
        request,
        "web/assemblies/sheet.html",
        {
            "body": body,
            "assembly": assembly,
            "back": assembly_page(body, assembly),
            "residents": registered.only("given_name", "family_name", "document_id"),
            "first_call": statute.quorum(assembly.register_size),
            "second_call": statute.quorum(assembly.register_size, second_call=True),
            "statute": statute,
            "second_call_at": attendance.second_call_at(assembly),
        },
    )


class SheetCountForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("People who signed the sheet"),
        min_value=0,
        max_value=10**6,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        required=False,
        max_length=attendance.REASON_MAX_CHARS,
        help_text=gettext_lazy("Needed only to correct a count entered before."),
    )


def _form_errors(form, exc: AssemblyError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@body_view(AssemblyAction.ENTER_SHEET_COUNT, Assembly)
def assembly_sheet_count(request, body, assembly):
    form = SheetCountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendance.enter_sheet_count(
                assembly,
                form.cleaned_data["count"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except AssemblyError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The sheet's count was entered."))
            return redirect(assembly_page(body, assembly))
    return render(
        request,
        "web/assemblies/sheet_count.html",
        {
            "body": body,
            "assembly": assembly,
            "form": form,
            "back": assembly_page(body, assembly),
            **panel(request, body, assembly),
        },
    )


urlpatterns = [
    path("b/<slug:slug>/assemblies/<int:pk>/open/", assembly_open, name="assembly-open"),
    path("b/<slug:slug>/assemblies/<int:pk>/door/", assembly_door, name="assembly-door"),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/door/<int:attendance_pk>/remove/",
        assembly_presence_remove,
        name="assembly-presence-remove",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/check-in/",
        assembly_check_in,
        name="assembly-check-in",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/second-call/",
        assembly_second_call,
        name="assembly-second-call",
    ),
    path("b/<slug:slug>/assemblies/<int:pk>/end/", assembly_end, name="assembly-end"),
    path("b/<slug:slug>/assemblies/<int:pk>/sheet/", assembly_sheet, name="assembly-sheet"),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/sheet/count/",
        assembly_sheet_count,
        name="assembly-sheet-count",
    ),
]
