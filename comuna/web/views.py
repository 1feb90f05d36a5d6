"""Pages: thin functions that check access, call the domain and render."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comuna import opendata
from comuna.assemblies import notices as assembly_notices
from comuna.federation import parliament
from comuna.ledger import head as ledger_head
from comuna.mandates import deadlines
from comuna.territory import census as census_service
from comuna.territory import services as territory_services
from comuna.territory import statutes
from comuna.territory.forms import (
    CensusImportForm,
    CensusQuestionForm,
    HouseholdForm,
    ProfileForm,
    ResidentForm,
)
from comuna.territory.models import (
    Body,
    CensusQuestion,
    Household,
    Resident,
    StatuteVersion,
)
from comuna.territory.permissions import bodies_of, can
from comuna.territory.rules import Action
from comuna.territory.tree import federation
from comuna.voting.queries import published, waiting_ballots
from comuna.web import tokens
from comuna.web.access import body_view, personal, public
from comuna.web.maps import outline
from comuna.web.search import search_query

PUBLIC_RESULTS = 10  # closed polls listed on a body's page, the latest first


FAVICON = (Path(__file__).parent / "static" / "web" / "favicon.svg").read_bytes()


@public
def favicon(request):
    """The icon at the address browsers ask for by themselves (base.html links the same one)."""
    response = HttpResponse(FAVICON, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public
def home(request):
    """A member's polls waiting for their vote and their bodies; the federation for anyone
    else (a visitor, or a login not yet in any census)."""
    bodies = bodies_of(request.user)
    context = {
        "bodies": bodies,
        "waiting": waiting_ballots(request.user),
        "assembly_notices": assembly_notices.coming_for(bodies),
    }
    if not bodies:
        context["federation"] = federation()
    return render(request, "web/home.html", context)


@public
def body_detail(request, slug):
    """A body's public page: its place in the federation, territory, statute, spokespersons,
    closed polls' results and ledger head. Its members also see its figures and their pages."""
    body = get_object_or_404(Body, slug=slug)
    statute = statutes.current(body)
    organs = census_service.organs_with_spokespersons(body)
    context = {
        "body": body,
        "ledger_head": ledger_head(body.ledger_chain),
        "organs": organs,
        "statute": statute,
        "overrides": _in_words(statutes.overrides(statute)),
        "profile_label": statutes.PROFILES.get(statute.profile, {}).get("label", statute.profile),
        "children": body.children.annotate(n_children=Count("children")),
        "ancestors": list(reversed(body.ancestors())),
        "outline": outline(body.boundary),
        "results": published(body, PUBLIC_RESULTS),
        "member": can(request.user, Action.VIEW_BODY, body),
        # recalls' reports and votes, questions' answers past their deadline (public, in red)
        "overdue": deadlines.overdue_lines(body),
    }
    # its own parliament, and the one it holds a seat in (a council's commune, a commune's city)
    context["has_parliament"], context["seat_above"] = parliament.parliaments_around(body)
    if context["member"]:
        context["members"] = Resident.objects.filter(body_id__in=body.descendant_ids()).count()
        context["voters"] = census_service.register(body).count()
        context["can_census"] = can(request.user, Action.VIEW_CENSUS, body)
    return render(request, "web/body.html", context)


def _in_words(overrides: dict) -> list[tuple[str, object, object]]:
    """Each setting a statute changed from its profile, by its label: (label, was, is)."""

    def value(v):
        return (_("yes") if v else _("no")) if isinstance(v, bool) else v

    field = StatuteVersion._meta.get_field
    return [(field(k).verbose_name, value(a), value(b)) for k, (a, b) in overrides.items()]


@body_view(Action.VIEW_REGISTER)
def register_list(request, body):
    voters = (
        census_service.register(body).select_related("body").order_by("family_name", "given_name")
    )
    query, refused = search_query(request)
    if query:
        voters = voters.filter(Q(given_name__icontains=query) | Q(family_name__icontains=query))
    page = Paginator(voters.only("given_name", "family_name", "body__name"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/register.html",
        {"body": body, "page": page, "query": query, "refused": refused},
    )


@body_view(Action.VIEW_CENSUS)
def census(request, body):
    query, refused = search_query(request)
    households = census_service.households_matching(body, query)
    page = Paginator(households, 30).get_page(request.GET.get("page"))
    context = {
        "body": body,
        "page": page,
        "query": query,
        "refused": refused,
        # the households and residents of the same selection: the search's, or the whole census
        "residents": Resident.objects.filter(household__in=households.values("pk")).count(),
        "voters": census_service.register(body).filter(body=body).count(),
        "can_manage": can(request.user, Action.MANAGE_CENSUS, body),
    }
    return render(request, "web/census.html", context)


@body_view(Action.MANAGE_CENSUS)
def census_import(request, body):
    errors: list = []
    total = 0
    form = CensusImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = territory_services.import_census(
                body, form.cleaned_data["file"].read(), by=request.user
            )
        except census_service.CensusImportError as exc:
            errors, total = exc.errors, exc.total
        else:
            messages.success(
                request,
                _("Imported %(residents)s residents in %(households)s new households.")
                % {"residents": result.residents, "households": result.households},
            )
            return redirect("census", slug=body.slug)
    return render(
        request,
        "web/census_import.html",
        {
            "body": body,
            "form": form,
            "errors": errors,
            "total": total,
            "unlisted": total - len(errors),
            **census_service.import_guide(),
        },
        status=400 if errors else 200,
    )


@body_view(Action.MANAGE_CENSUS)
def census_import_sample(request, body):
    """A small census file that imports cleanly, its header in the reader's language."""
    response = HttpResponse(
        census_service.sample_csv(get_language() or "en"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="census-sample.csv"'
    return response


@body_view(Action.MANAGE_CENSUS)
def household_edit(request, body, pk=None):
    household = get_object_or_404(Household, pk=pk, body=body) if pk else Household(body=body)
    form = HouseholdForm(request.POST or None, instance=household, body=body)
    if request.method == "POST" and form.is_valid():
        household = territory_services.save_household(form, by=request.user)
        messages.success(request, _("Household saved."))
        return redirect("household", slug=body.slug, pk=household.pk)
    residents = household.residents.all() if household.pk else []
    return render(
        request,
        "web/household.html",
        {
            "body": body,
            "form": form,
            "household": household,
            "residents": residents,
        },
    )


@body_view(Action.MANAGE_CENSUS)
def resident_edit(request, body, pk=None, household=None):
    if pk:
        resident = get_object_or_404(Resident, pk=pk, body=body)
        home = resident.household
    else:
        home = get_object_or_404(Household, pk=household, body=body)
        resident = Resident(household=home, body=body)
    form = ResidentForm(request.POST or None, instance=resident, household=home)
    if request.method == "POST" and form.is_valid():
        territory_services.save_resident(form, by=request.user)
        messages.success(request, _("Resident saved."))
        return redirect("household", slug=body.slug, pk=home.pk)
    return render(
        request,
        "web/resident.html",
        {
            "body": body,
            "form": form,
            "resident": resident,
            "household": home,
        },
    )


@body_view(Action.MANAGE_CENSUS)
def census_questions(request, body, pk=None):
    question = get_object_or_404(CensusQuestion, pk=pk, body=body) if pk else None
    form = CensusQuestionForm(request.POST or None, instance=question, body=body)
    if request.method == "POST" and form.is_valid():
        territory_services.save_question(form, by=request.user)
        messages.success(request, _("Question saved."))
        return redirect("census-questions", slug=body.slug)
    return render(
        request,
        "web/census_questions.html",
        {
            "body": body,
            "form": form,
            "question": question,
            "questions": CensusQuestion.objects.filter(body=body),
        },
    )


@personal
def profile(request):
    resident = (
        Resident.objects.filter(user=request.user).select_related("body", "household").first()
    )
    form = ProfileForm(request.POST or None, instance=resident) if resident else None
    if request.method == "POST":
        if form is None:
            return HttpResponseNotAllowed(["GET"])
        if form.is_valid():
            territory_services.update_own_details(form, by=request.user)
            messages.success(request, _("Your details were saved."))
            return redirect("profile")
    context = {"resident": resident, "form": form, "bodies": bodies_of(request.user)}
    context |= {"tokens": tokens.user_tokens(request.user), "token_form": tokens.TokenForm()}
    if resident:
        context["mandates"] = resident.mandates.select_related("body", "organ")
        context["in_register"] = (
            census_service.register(resident.body).filter(pk=resident.pk).exists()
        )
        context["may_stand"] = census_service.may_stand(resident, resident.body)
    return render(request, "web/profile.html", context)


@public
def ledger(request, slug):
    """A body's ledger, public: anyone may read it, download it and recompute its hashes."""
    from django.core.paginator import Paginator

    from comuna.ledger import entries
    from comuna.ledger.checks import label_for

    body = get_object_or_404(Body, slug=slug)
    chain = body.ledger_chain
    page = Paginator(entries(chain).order_by("-seq"), 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.label = label_for(entry.kind)
    return render(
        request,
        "web/ledger.html",
        {
            "body": body,
            "page": page,
            "head": ledger_head(chain),
            "chain": chain,
            "key": _public_key(chain),
        },
    )


def _public_key(chain: str) -> dict | None:
    """The chain's public key and its fingerprint, or None before the key is made."""
    from comuna.ledger import signing

    try:
        public = signing.public_key_hex(signing.private_key(chain))
    except signing.KeyFileError:
        return None
    return {"hex": public, "fingerprint": signing.fingerprint(public)}


@public
def ledger_head_json(request, slug):
    """The body's chain head signed with the body's key: one JSON line, usable as it is as a
    witness line (``curl …/head.json >> heads.jsonl``; docs/security.md says what is signed)."""
    from django.http import HttpResponse

    from comuna.ledger import canonical_json
    from comuna.ledger.signing import KeyFileError, head_document

    body = get_object_or_404(Body, slug=slug)
    try:
        document = head_document(body.ledger_chain, body.slug)
    except KeyFileError:
        # made only by `comuna ledger keys` or when the body is created: a read never writes
        return HttpResponse(
            canonical_json({"error": _("This body's signing key has not been made yet.")}) + "\n",
            content_type="application/json",
            status=503,
        )
    response = HttpResponse(canonical_json(document) + "\n", content_type="application/json")
    response["Cache-Control"] = "no-cache"
    return response


@public
def ledger_export(request, slug):
    """The whole chain as JSON lines, each entry with every field its hash covers."""
    from django.http import StreamingHttpResponse

    from comuna.ledger import entries

    body = get_object_or_404(Body, slug=slug)

    def lines():
        # each line as opendata.ledger_line writes it: the object whose canonical JSON the
        # entry's hash covers, plus "hash"
        for e in entries(body.ledger_chain).iterator():
            yield opendata.ledger_line(e)

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="{body.slug}-ledger.jsonl"'
    return response


@public
def open_data(request, slug):
    """The body's open data in one ZIP file (comuna.opendata): the README inside is in the
    reader's language."""
    from django.http import FileResponse

    body = get_object_or_404(Body, slug=slug)
    return FileResponse(
        opendata.write(body),
        as_attachment=True,
        filename=f"{body.slug}-open-data.zip",
        content_type="application/zip",
    )
