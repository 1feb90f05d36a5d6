"""Parliaments' pages (issue 15, points 2-3): a commune's (a city's) parliament page (every
seat with whom it speaks for, its principal and substitute and since when; the members'
instructions; the sessions and the matters the members raised, with their progress and
deadline; each decided motion's votes by name beside the member's instruction, flagged when
against it, and whether it binds each member), and a member's own page of its seat with the
forms its electoral commission or coordination collective uses: elect or recall its
spokesperson, raise or support a matter, require a decision's ratification, instruct its
spokesperson on an item of a coming session. Each of those forms puts a motion to the
member's citizens' assembly. Thin views over comuna.federation; every form works without
JavaScript.

A parliament's page is public: spokespersons vote in the open."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna import rows
from comuna.assemblies import convening
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import AgendaItem, Assembly, Majority, Method, Motion, Outcome
from comuna.assemblies.rules import AssemblyAction
from comuna.federation import delegations, designations, initiatives, parliament, ratifications
from comuna.federation.errors import FederationError
from comuna.federation.models import (
    Decision,
    Delegation,
    Initiative,
    InitiativeStatus,
    Support,
)
from comuna.federation.parliament_rules import ParliamentAction
from comuna.mandates import accounting
from comuna.mandates.errors import MandateError
from comuna.mandates.models import Position
from comuna.mandates.rules import MandateAction
from comuna.territory.models import Body, Resident
from comuna.territory.permissions import can
from comuna.web.access import body_view, public
from comuna.web.refusals import form_status, put_refusal

MEMBER_ACTIONS = {
    "elect": ParliamentAction.ELECT,
    "recall": ParliamentAction.RECALL,
    "raise": ParliamentAction.RAISE,
    "support": ParliamentAction.SUPPORT,
    "ratify": ParliamentAction.RATIFY,
    "instruct": MandateAction.INSTRUCT,
}


def _above(member: Body) -> tuple[Body, Any]:
    """The body ``member`` holds a seat in the parliament of, and that parliament; 404 when
    there is none."""
    above = parliament.above_of(member)
    if above is None:
        raise Http404
    return above, parliament.parliament_of(above)


def _initiatives(body: Body) -> list[dict[str, Any]]:
    return [
        {"initiative": i, **initiatives.progress(i)}
        for i in Initiative.objects.filter(body=body).select_related("started_by", "item__assembly")
    ]


# --- the parliament's page -------------------------------------------------------------------


@public
def parliament_page(request, slug):
    """A commune's (city's) parliament, or, for a council, its seat in the parliament above."""
    body = get_object_or_404(Body, slug=slug)
    organ = parliament.parliament_of(body)
    if organ is not None:
        context = _overview(body, organ)
        context["seat_above"] = parliament.above_of(body)
        context["can_convene"] = can(request.user, AssemblyAction.CONVENE, body)
        context["can_declare"] = can(request.user, MandateAction.DECLARE_SEATS, body)
        context["can_designate"] = can(request.user, ParliamentAction.DESIGNATE, body)
        context["deciding"] = {
            a.pk for a in context["sessions"] if can(request.user, AssemblyAction.DECIDE, a)
        }
        reached = any(
            m["initiative"].status == InitiativeStatus.REACHED for m in context["initiatives"]
        )
        context["scheduling"] = {
            a.pk
            for a in context["sessions"]
            if reached and can(request.user, AssemblyAction.AMEND_AGENDA, a)
        }
        return render(request, "web/federation/parliament.html", context)
    return member_page(request, slug)


@public
def member_page(request, slug):
    """A member's seat in the parliament it federates into (a council's in its commune's, a
    commune's in its city's), with the forms of its own organs."""
    body = get_object_or_404(Body, slug=slug)
    above, _organ = _above(body)
    return render(
        request, "web/federation/parliament_member.html", _member_view(request, body, above)
    )


def _overview(body: Body, organ) -> dict[str, Any]:
    statute = body.current_statute()
    return {
        "body": body,
        "organ": organ,
        "statute": statute,
        "seats": parliament.composition(organ),
        "instructions": parliament.instructions_of(organ),
        "sessions": list(parliament.sessions_of(body).order_by("-starts_at")[:20]),
        "initiatives": _initiatives(body),
        "decided": parliament.decided_motions(organ),
    }


def _member_view(request, member: Body, above: Body) -> dict[str, Any]:
    organ = parliament.parliament_of(above)
    seat = parliament.member_seat(above, member)
    holding = next((s for s in parliament.composition(organ) if s["seat"] == seat), None)
    user = request.user
    allowed = {name: can(user, action, member) for name, action in MEMBER_ACTIONS.items()}
    decided = [
        d for d in parliament.decided_motions(organ) if d["motion"].outcome == Outcome.CARRIED
    ]
    for d in decided:
        mine = [r for r in d["ratifications"] if r["member"] == member]
        d["mine"] = mine[0] if mine else None
        ours = [v for v in d["votes"] if seat is not None and v.mandate.seat_id == seat.pk]
        d["ours"] = ours[0] if ours else None
    return {
        "body": member,
        "above": above,
        "organ": organ,
        "seat": seat,
        "holding": holding,
        "delegations": list(
            Delegation.objects.filter(member=member).select_related(
                "principal", "substitute", "mandate__resident", "motion__item__assembly"
            )[:20]
        ),
        "initiatives": _initiatives(above),
        "supported": set(
            Support.objects.filter(
                member=member, status__in=[Decision.PROPOSED, Decision.CARRIED]
            ).values_list("initiative_id", flat=True)
        ),
        "decided": decided,
        "items": parliament.coming_items(organ),
        "allowed": allowed,
        "Collecting": InitiativeStatus.COLLECTING,
    }


# --- the member's forms ------------------------------------------------------------------------


class AssemblyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Assembly) -> str:
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        return f"{obj.title} · {date_format(localtime(obj.starts_at), 'DATETIME_FORMAT')}"


def _assembly_field(member: Body) -> AssemblyChoice:
    chosen = [a.pk for a in parliament.member_assemblies(member)]
    return AssemblyChoice(
        label=gettext_lazy("Assembly"),
        queryset=Assembly.objects.filter(pk__in=chosen).order_by("starts_at"),
        help_text=gettext_lazy("The assembly in session, or a coming one whose agenda is open."),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the assemblies listed.")},
    )


class ResidentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resident) -> str:
        return f"{obj.family_name}, {obj.given_name}"


class ElectForm(forms.Form):
    def __init__(self, member: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        voters = delegations.eligible(member).order_by("family_name", "given_name", "pk")
        invalid = {"invalid_choice": gettext_lazy("Choose one of those listed.")}
        self.fields["principal"] = ResidentChoice(
            label=gettext_lazy("Spokesperson"), queryset=voters, error_messages=invalid
        )
        self.fields["substitute"] = ResidentChoice(
            label=gettext_lazy("Substitute"), queryset=voters, error_messages=invalid
        )
        self.fields["assembly"] = _assembly_field(member)


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the assembly recalls its spokesperson"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=delegations.REASON_MAX,
    )

    def __init__(self, member: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"] = _assembly_field(member)


class RaiseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Matter"), max_length=initiatives.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=initiatives.TEXT_MAX,
    )

    def __init__(self, member: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"] = _assembly_field(member)


class AssemblyForm(forms.Form):
    def __init__(self, member: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"] = _assembly_field(member)


class InstructForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Instruction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    position = forms.ChoiceField(label=gettext_lazy("How to vote"), choices=Position.choices)

    def __init__(self, member: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = [a.pk for a in parliament.member_assemblies(member) if a.status == "in_session"]
        self.fields["assembly"] = AssemblyChoice(
            label=gettext_lazy("Assembly"),
            queryset=Assembly.objects.filter(pk__in=chosen),
            help_text=gettext_lazy("Instructions are decided by the assembly in session."),
            error_messages={"invalid_choice": gettext_lazy("Choose one of the assemblies listed.")},
        )


def _member_form(
    request, member: Body, form, call, *, done: str, title: str, lead: str = "", submit: str = ""
):
    """A member's form (most put a motion to its assembly): on a valid POST, ``call(data)``
    (a refusal goes on the form) and back to the member's seat page saying ``done``."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except (FederationError, MandateError) as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, done)
            return redirect("parliament-seat", slug=member.slug)
    above, _organ = _above(member)
    return render(
        request,
        "web/federation/parliament_form.html",
        {
            "body": member,
            "above": above,
            "form": form,
            "title": title,
            "submit": submit or _("Put it to the assembly"),
            "lead": lead,
        },
        status=form_status(request),
    )


def _holder(member: Body):
    """The spokesperson in office on the member's seat in the parliament above; 404 if none."""
    above, organ = _above(member)
    seat = parliament.member_seat(above, member)
    found = next(
        (m for m in parliament.principals(organ) if seat is not None and m.seat_id == seat.pk),
        None,
    )
    if found is None:
        raise Http404
    return found


@body_view(ParliamentAction.ELECT)
def elect(request, body):
    """The member's electoral commission puts the election of its spokesperson and
    substitute in the parliament above to the member's assembly."""
    above, _organ = _above(body)
    seat = parliament.member_seat(above, body)
    if seat is None:
        raise Http404
    form = ElectForm(body, request.POST or None)
    return _member_form(
        request,
        body,
        form,
        lambda data: delegations.propose_election(seat, **data, by=request.user),
        done=_("The election is put to the assembly."),
        title=_("Elect the spokesperson in the parliament of %(body)s") % {"body": above.name},
    )


@body_view(ParliamentAction.RECALL)
def recall(request, body):
    """The member's electoral commission puts the recall of its spokesperson to the member's
    assembly (``?reason=`` fills the reason, e.g. from a vote against the instruction)."""
    above, _organ = _above(body)
    holder = _holder(body)
    initial = {"reason": request.GET.get("reason", "")[: delegations.REASON_MAX]}
    form = RecallForm(body, request.POST or None, initial=initial)
    return _member_form(
        request,
        body,
        form,
        lambda data: delegations.propose_recall(holder, **data, by=request.user),
        done=_("The recall is put to the assembly."),
        title=_("Recall %(name)s") % {"name": holder.resident},
        lead=_("Carried, the substitute takes the seat in the parliament of %(body)s.")
        % {"body": above.name},
    )


@body_view(ParliamentAction.RAISE)
def raise_matter(request, body):
    above, _organ = _above(body)
    form = RaiseForm(body, request.POST or None)
    return _member_form(
        request,
        body,
        form,
        lambda data: initiatives.raise_matter(above, member=body, **data, by=request.user),
        done=_("The matter is put to the assembly."),
        title=_("Raise a matter to the parliament of %(body)s") % {"body": above.name},
    )


@body_view(ParliamentAction.SUPPORT)
def support(request, body, initiative: int):
    above, _organ = _above(body)
    if not 0 <= initiative <= rows.MAX_ID:
        raise Http404
    found = get_object_or_404(Initiative, pk=initiative, body=above)
    form = AssemblyForm(body, request.POST or None)
    return _member_form(
        request,
        body,
        form,
        lambda data: initiatives.support(found, body, data["assembly"], by=request.user),
        done=_("The matter is put to the assembly."),
        title=_("Raise “%(title)s” too") % {"title": found.title},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the matter is withdrawn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=initiatives.REASON_MAX,
    )


@body_view(ParliamentAction.RAISE)
def withdraw_matter(request, body, initiative: int):
    """The member that raised a matter withdraws it while no other member has raised it too."""
    above, _organ = _above(body)
    if not 0 <= initiative <= rows.MAX_ID:
        raise Http404
    found = get_object_or_404(Initiative, pk=initiative, body=above, started_by=body)
    return _member_form(
        request,
        body,
        WithdrawForm(request.POST or None),
        lambda data: initiatives.withdraw(found, body, reason=data["reason"], by=request.user),
        done=_("The matter is withdrawn."),
        title=_("Withdraw “%(title)s”") % {"title": found.title},
        submit=_("Withdraw the matter"),
    )


@body_view(ParliamentAction.RATIFY)
def ratify(request, body, motion: int):
    above, organ = _above(body)
    if not 0 <= motion <= rows.MAX_ID:
        raise Http404
    decision = get_object_or_404(Motion, pk=motion, item__assembly__organ=organ)
    form = AssemblyForm(body, request.POST or None)
    return _member_form(
        request,
        body,
        form,
        lambda data: ratifications.require_ratification(
            decision, body, data["assembly"], by=request.user
        ),
        done=_("The ratification is put to the assembly."),
        title=_("Require the assembly to ratify a decision"),
        lead=decision.text,
    )


@body_view(MandateAction.INSTRUCT)
def instruct(request, body, item: int):
    above, organ = _above(body)
    if not 0 <= item <= rows.MAX_ID:
        raise Http404
    found = get_object_or_404(AgendaItem, pk=item, assembly__organ=organ)
    holder = _holder(body)
    form = InstructForm(body, request.POST or None)
    return _member_form(
        request,
        body,
        form,
        lambda data: accounting.propose_instruction(
            None,
            holder,
            matter=found.text,
            text=data["text"],
            position=data["position"],
            by=request.user,
            assembly=data["assembly"],
            about=found,
        ),
        done=_("The instruction is put to the assembly."),
        title=_("Instruct %(name)s") % {"name": holder.resident},
        lead=_("On “%(item)s”, %(session)s") % {"item": found.text, "session": found.assembly},
    )


# --- the parliament body's own forms: convening a session, deciding by name -----------------


def _own_form(request, body: Body, form, *, title: str, submit: str, lead: str = ""):
    """A form of the parliament body's own organs, back to its parliament's page."""
    return render(
        request,
        "web/federation/parliament_form.html",
        {
            "body": body,
            "above": body,
            "own": True,
            "form": form,
            "title": title,
            "submit": submit,
            "lead": lead,
        },
        status=form_status(request),
    )


WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"), widget=WHEN, input_formats=["%Y-%m-%dT%H:%M"]
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    items = forms.CharField(
        label=gettext_lazy("Agenda, one item per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


@body_view(AssemblyAction.CONVENE)
def session_new(request, body):
    """The body's coordination collective convenes a session of its parliament: its register
    is the members seated that day."""
    organ = parliament.parliament_of(body)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [line.strip() for line in data["items"].splitlines() if line.strip()]
        try:
            if organ is None:
                raise FederationError(_("%(body)s has no parliament.") % {"body": body.name})
            made = convening.convene(
                body,
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                items=[{"text": line, "majority": Majority.SIMPLE} for line in lines],
                organ=organ,
                by=request.user,
            )
        except AssemblyError as exc:
            for field, problems in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
                form.add_error(field if field in form.fields else None, problems)
            if not hasattr(exc, "error_dict"):
                form.add_error(None, exc.messages)
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The session is convened."))
            return redirect("assembly", slug=body.slug, pk=made.pk)
    return _own_form(
        request,
        body,
        form,
        title=_("Convene a session of the parliament"),
        submit=_("Convene it"),
        lead=_("Its register is the members seated today; its quorum, the statute's."),
    )


# --- the parliament's seats: declared by the administrator; an organisation's and the bank's
# filled by the electoral commission from the organisation's own designation -----------------


class SeatsForm(forms.Form):
    organisations = forms.CharField(
        label=gettext_lazy("Socio-productive organisations with a seat, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("As the statute gives them; leave empty for none."),
    )
    bank = forms.BooleanField(label=gettext_lazy("A seat for the commune bank"), required=False)


def _own_organ(body: Body):
    organ = parliament.parliament_of(body)
    if organ is None:
        raise Http404
    return organ


@body_view(MandateAction.DECLARE_SEATS)
def seats_declare(request, body):
    """The administrator declares the parliament's seats: one per member body (by name), the
    organisations' the statute gives, and the bank's. Seats whose holders are in office keep
    them; a new member (a commune founded in the city) gets its seat."""
    organ = _own_organ(body)
    current = list(organ.seat_rows.filter(number__lte=organ.seats).order_by("number"))
    initial = {
        "organisations": "\n".join(s.label for s in current if s.sector == "organisation"),
        "bank": any(s.sector == "bank" for s in current) or not current,
    }
    form = SeatsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parliament.declare_member_seats(
                body,
                organisations=data["organisations"].splitlines(),
                bank=data["bank"],
                by=request.user,
            )
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The seats are declared."))
            return redirect(reverse("parliament", kwargs={"slug": body.slug}) + "#composition")
    return _own_form(
        request,
        body,
        form,
        title=_("Declare the seats of the %(organ)s") % {"organ": organ.name},
        submit=_("Declare the seats"),
        lead=_("One seat for each member: %(members)s.")
        % {"members": ", ".join(m.name for m in parliament.members_of(body).order_by("name"))},
    )


class DesignateForm(forms.Form):
    principal_document = forms.CharField(
        label=gettext_lazy("Spokesperson's identity document"),
        max_length=designations.DOCUMENT_MAX,
    )
    principal_family_name = forms.CharField(
        label=gettext_lazy("Spokesperson's family names"), max_length=designations.NAME_MAX
    )
    substitute_document = forms.CharField(
        label=gettext_lazy("Substitute's identity document"),
        max_length=designations.DOCUMENT_MAX,
        required=False,
    )
    substitute_family_name = forms.CharField(
        label=gettext_lazy("Substitute's family names"),
        max_length=designations.NAME_MAX,
        required=False,
    )
    reference = forms.CharField(
        label=gettext_lazy("Act of the organisation that designated them"),
        max_length=designations.REFERENCE_MAX,
        help_text=gettext_lazy("Its assembly and date, as its minutes say."),
    )

    def clean(self):
        data = super().clean()
        document, name = data.get("substitute_document"), data.get("substitute_family_name")
        if bool(document) != bool(name):
            self.add_error(
                "substitute_document" if not document else "substitute_family_name",
                _("Write both the substitute's document and family names, or neither."),
            )
        return data


@body_view(ParliamentAction.DESIGNATE)
def designate(request, body, number: int):
    """The parliament body's electoral commission records whom an organisation (the bank)
    designated to its seat, by identity document and family names."""
    organ = _own_organ(body)
    if not 0 <= number <= rows.MAX_ID:
        raise Http404
    seat = get_object_or_404(
        organ.seat_rows, number=number, number__lte=organ.seats, sector__in=designations.DESIGNATED
    )
    form = DesignateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            principal = designations.find_person(
                seat, data["principal_document"], data["principal_family_name"], field="principal"
            )
            substitute = (
                designations.find_person(
                    seat,
                    data["substitute_document"],
                    data["substitute_family_name"],
                    field="substitute",
                )
                if data["substitute_document"]
                else None
            )
            designations.designate(
                seat,
                principal=principal,
                substitute=substitute,
                reference=data["reference"],
                by=request.user,
            )
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            messages.success(
                request, _("%(name)s holds the seat from today.") % {"name": principal}
            )
            return redirect(
                reverse("parliament", kwargs={"slug": body.slug}) + f"#seat-{seat.number}"
            )
    return _own_form(
        request,
        body,
        form,
        title=_("Seat %(number)s: %(whom)s")
        % {"number": seat.number, "whom": seat.label or seat.get_sector_display()},
        submit=_("Record the designation"),
        lead=_(
            "The organisation designates its spokesperson and substitute in its own "
            "assembly; record them here as the census of their council writes them. Whoever "
            "holds the seat now leaves it today."
        ),
    )


class ScheduleForm(forms.Form):
    def __init__(self, body: Body, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"] = forms.ModelChoiceField(
            label=gettext_lazy("Matter raised by the members"),
            queryset=Initiative.objects.filter(body=body, status=InitiativeStatus.REACHED),
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": gettext_lazy("Choose one of the matters listed."),
                "required": gettext_lazy("Choose one of the matters listed."),
            },
        )


@body_view(AssemblyAction.AMEND_AGENDA, Assembly)
def session_matters(request, body, assembly):
    """The coordination puts a matter its members raised (once enough of them did) on the
    agenda of a coming session of the parliament, before its deadline."""
    if assembly.organ_id is None:
        raise Http404
    form = ScheduleForm(body, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            initiatives.schedule(form.cleaned_data["initiative"], assembly, by=request.user)
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The matter is on the session's agenda."))
            return redirect("assembly", slug=body.slug, pk=assembly.pk)
    return _own_form(
        request,
        body,
        form,
        title=_("Put a matter raised by the members on “%(session)s”")
        % {"session": assembly.title},
        submit=_("Put the matter on the agenda"),
        lead=_(
            "Once the statute's share of the members has raised a matter, each by a "
            "decision of its own assembly, the parliament must take it up before its "
            "deadline."
        ),
    )


class ByNameForm(forms.Form):
    """One choice per member present, beside the instruction they carry on the item."""

    def __init__(self, motions, members, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motion"] = forms.ModelChoiceField(
            label=gettext_lazy("Motion"),
            queryset=motions,
            error_messages={"invalid_choice": gettext_lazy("Choose one of the motions listed.")},
        )
        self.members = members
        for mandate in members:
            self.fields[f"vote-{mandate.pk}"] = forms.ChoiceField(
                label=str(mandate.resident),
                choices=[("", "—"), *[(v.value, v.label) for v in parliament.VOTES]],
            )


@body_view(AssemblyAction.DECIDE, Assembly)
def vote_by_name(request, body, assembly):
    """The body's electoral commission records how each member present voted on a motion of
    the session, beside the instruction their member's assembly gave on its item; the motion
    is decided from those votes."""
    motions = Motion.objects.filter(
        item__assembly=assembly, outcome=Outcome.PENDING, method=Method.HANDS
    ).order_by("item__position", "pk")
    members = []
    if assembly.organ_id is not None:
        present = set(assembly.attendances.values_list("resident_id", flat=True))
        members = [m for m in parliament.principals(assembly.organ) if m.resident_id in present]
    form = ByNameForm(motions, members, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parliament.vote_by_name(
                data["motion"],
                {m.pk: data[f"vote-{m.pk}"] for m in members},
                by=request.user,
            )
        except FederationError as exc:
            put_refusal(form, exc)
        else:
            messages.success(request, _("The votes are recorded and the motion decided."))
            return redirect("assembly", slug=body.slug, pk=assembly.pk)
    rows = []
    for mandate in members:
        carried = {m.pk: parliament.instruction_for(m.item, mandate.seat) for m in motions}
        rows.append({"mandate": mandate, "field": form[f"vote-{mandate.pk}"], "carried": carried})
    return render(
        request,
        "web/federation/parliament_by_name.html",
        {
            "body": body,
            "assembly": assembly,
            "form": form,
            "rows": rows,
            "motions": list(motions),
            "is_session": assembly.organ_id is not None,
        },
        status=form_status(request),
    )


urlpatterns: list[URLPattern] = [
    path("b/<slug:slug>/parliament/", parliament_page, name="parliament"),
    path("b/<slug:slug>/parliament/seat/", member_page, name="parliament-seat"),
    path("b/<slug:slug>/parliament/delegations/new/", elect, name="parliament-elect"),
    path("b/<slug:slug>/parliament/delegations/recall/", recall, name="parliament-recall"),
    path("b/<slug:slug>/parliament/matters/new/", raise_matter, name="parliament-raise"),
    path(
        "b/<slug:slug>/parliament/matters/<int:initiative>/support/",
        support,
        name="parliament-support",
    ),
    path(
        "b/<slug:slug>/parliament/matters/<int:initiative>/withdraw/",
        withdraw_matter,
        name="parliament-withdraw-matter",
    ),
    path(
        "b/<slug:slug>/parliament/decisions/<int:motion>/ratify/",
        ratify,
        name="parliament-ratify",
    ),
    path(
        "b/<slug:slug>/parliament/items/<int:item>/instruct/",
        instruct,
        name="parliament-instruct",
    ),
    path("b/<slug:slug>/parliament/seats/", seats_declare, name="parliament-seats"),
    path(
        "b/<slug:slug>/parliament/seats/<int:number>/designate/",
        designate,
        name="parliament-designate",
    ),
    path("b/<slug:slug>/parliament/sessions/new/", session_new, name="parliament-session-new"),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/matters/",
        session_matters,
        name="parliament-session-matters",
    ),
    path(
        "b/<slug:slug>/assemblies/<int:pk>/by-name/",
        vote_by_name,
        name="parliament-vote-by-name",
    ),
]
