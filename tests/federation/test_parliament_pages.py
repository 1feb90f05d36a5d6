"""The parliament's page (composition, instructions, matters, votes by name flagged against the
mandate, binding per member) and the member's forms: a good one puts a motion to the member's
assembly, a bad one says what and where and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from comuna.assemblies import attendance, decisions
from comuna.assemblies.models import AgendaItem, Motion
from comuna.federation import initiatives, parliament, ratifications
from comuna.federation.models import Delegation, Initiative, Ratification
from comuna.mandates import accounting
from comuna.mandates.models import Instruction
from tests.conftest import SETUP
from tests.federation.parliament_fixtures import decide, in_session, session


@pytest.fixture
def voted(cast, federation):
    """A session whose motion council A's spokesperson voted against A's instruction."""
    assembly = session(cast.commune)
    for resident in (cast.parliamentarian, federation.b_principal_resident):
        attendance.record_presence(assembly, resident, by=SETUP)
    item = assembly.items.get()
    instruction = accounting.propose_instruction(
        None,
        federation.a_principal,
        matter="El camión",
        text="Votar en contra.",
        position="against",
        by=SETUP,
        assembly=in_session(cast.council),
        about=item,
    )
    decide(instruction.motion)
    motion = decisions.propose_motion(item, text="Comprar un camión", by=SETUP)
    parliament.vote_by_name(
        motion, {federation.a_principal.pk: "for", federation.b_principal.pk: "for"}, by=SETUP
    )
    return motion


def test_the_parliament_page_shows_seats_votes_and_the_vote_against_the_mandate(
    cast, federation, voted, client
):
    page = client.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    assert "Parlamentaria Prueba" in page and "Vocera B Prueba" in page
    assert "Cooperativa El Maizal" in page
    assert "Comprar un camión" in page
    assert "votó en contra del mandato" in page
    recall = reverse("parliament-recall", kwargs={"slug": "consejo-a"})
    assert f'href="{recall}?reason=' in page


def test_the_member_page_shows_its_seat_and_its_forms_to_its_electoral_commission(
    cast, federation, voted, login
):
    url = reverse("parliament", kwargs={"slug": "consejo-a"})
    page = login(cast.electoral.user).get(url).content.decode()
    assert reverse("parliament-elect", kwargs={"slug": "consejo-a"}) in page
    assert reverse("parliament-ratify", kwargs={"slug": "consejo-a", "motion": voted.pk}) in page
    resident_page = login(cast.resident.user).get(url).content.decode()
    assert reverse("parliament-elect", kwargs={"slug": "consejo-a"}) not in resident_page


def test_a_body_with_no_parliament_above_has_no_parliament_page(cast, client):
    assert client.get(reverse("parliament", kwargs={"slug": "ciudad"})).status_code == 404


def test_the_election_form_puts_it_to_the_assembly(cast, federation, login):
    assembly = in_session(cast.council)
    response = login(cast.electoral.user).post(
        reverse("parliament-elect", kwargs={"slug": "consejo-a"}),
        {
            "principal": cast.resident.pk,
            "substitute": cast.spokesperson.pk,
            "assembly": assembly.pk,
        },
    )
    assert response.status_code == 302
    assert Delegation.objects.get().motion.item.assembly == assembly


@pytest.mark.parametrize(
    "data, error",
    [
        ({"principal": "", "substitute": "s", "assembly": "a"}, "This field is required"),
        (
            {"principal": "outsider", "substitute": "s", "assembly": "a"},
            "Choose one of those listed",
        ),
        ({"principal": "r", "substitute": "r", "assembly": "a"}, "two different people"),
        (
            {"principal": "r", "substitute": "s", "assembly": "9999999"},
            "Choose one of the assemblies",
        ),
        (
            {"principal": "r' OR 1=1", "substitute": "s", "assembly": "a"},
            "Choose one of those listed",
        ),
    ],
)
def test_a_bad_election_form_says_what_and_changes_nothing(cast, federation, login, data, error):
    assembly = in_session(cast.council)
    values = {
        "r": cast.resident.pk,
        "s": cast.spokesperson.pk,
        "a": assembly.pk,
        "outsider": cast.outsider.pk,
    }
    items = AgendaItem.objects.count()
    response = login(cast.electoral.user).post(
        reverse("parliament-elect", kwargs={"slug": "consejo-a"}),
        {k: values.get(v, v) for k, v in data.items()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Delegation.objects.exists()
    assert AgendaItem.objects.count() == items


def test_the_recall_form_is_filled_with_the_reason_it_was_given(cast, federation, login):
    url = reverse("parliament-recall", kwargs={"slug": "consejo-a"})
    page = login(cast.electoral.user).get(url + "?reason=Vot%C3%B3+en+contra").content.decode()
    assert "Votó en contra" in page
    response = login(cast.electoral.user).post(
        url, {"reason": "", "assembly": in_session(cast.council).pk}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert not Delegation.objects.exists()


def test_raise_support_and_ratify_forms(cast, federation, voted, login):
    client = login(cast.comptroller.user)  # coordination collective of council A
    assembly = in_session(cast.council)
    response = client.post(
        reverse("parliament-raise", kwargs={"slug": "consejo-a"}),
        {"title": "Agua para el sector", "description": "", "assembly": assembly.pk},
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    outsider = Client()
    outsider.force_login(cast.outsider.user)
    response = outsider.get(
        reverse("parliament-support", kwargs={"slug": "consejo-b", "initiative": initiative.pk})
    )
    assert response.status_code == 403  # council B's resident, not its electoral commission
    response = client.post(
        reverse("parliament-ratify", kwargs={"slug": "consejo-a", "motion": voted.pk}),
        {"assembly": assembly.pk},
    )
    assert response.status_code == 302
    ratification = Ratification.objects.get()
    assert ratifications.binding(ratification) == ratifications.Binding.PENDING
    page = client.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    assert "Consejo A" in page


def test_a_decision_of_another_parliament_is_not_found_through_this_member(cast, federation, login):
    motion = decisions.propose_motion(in_session(cast.council).items.get(), text="x", by=SETUP)
    response = login(cast.electoral.user).get(
        reverse("parliament-ratify", kwargs={"slug": "consejo-a", "motion": motion.pk})
    )
    assert response.status_code == 404


def test_the_instruct_form_ties_the_instruction_to_the_sessions_item(cast, federation, login):
    item = session(cast.commune, open_it=False).items.get()
    assembly = in_session(cast.council)
    response = login(cast.electoral.user).post(
        reverse("parliament-instruct", kwargs={"slug": "consejo-a", "item": item.pk}),
        {"text": "Votar a favor.", "position": "for", "assembly": assembly.pk},
    )
    assert response.status_code == 302
    assert Instruction.objects.get().item == item
    assert Motion.objects.filter(item__assembly=assembly).count() == 1


def test_matters_show_their_progress(cast, federation, client):
    initiatives.raise_matter(
        cast.commune,
        title="Vialidad",
        member=cast.council,
        assembly=in_session(cast.council),
        by=SETUP,
    )
    page = client.get(reverse("parliament", kwargs={"slug": "comuna"}), HTTP_ACCEPT_LANGUAGE="es")
    assert "Vialidad" in page.content.decode()


def test_the_communes_coordination_convenes_a_session(cast, federation, login):
    from datetime import timedelta

    from django.utils import timezone

    from comuna.assemblies.models import Assembly
    from comuna.territory import services
    from comuna.territory.models import MandateKind, OrganKind
    from tests.conftest import make_resident

    executive = services.create_organ(
        cast.commune, kind=OrganKind.EXECUTIVE, name="Consejo Ejecutivo", by=SETUP
    )
    coordinator = make_resident(cast.other, "Coordinadora", username="coordinadora")
    services.confer_mandate(
        cast.commune, coordinator, kind=MandateKind.SPOKESPERSON, organ=executive, by=SETUP
    )
    url = reverse("parliament-session-new", kwargs={"slug": "comuna"})
    client = login(coordinator.user)
    soon = timezone.localtime(timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        url,
        {"title": "Sesión", "starts_at": soon, "place": "Casa", "items": "Ruta"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and "can meet on" in bad.content.decode()
    assert not Assembly.objects.filter(organ=cast.parliament).exists()
    later = timezone.localtime(timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    good = client.post(
        url, {"title": "Sesión", "starts_at": later, "place": "Casa", "items": "Ruta"}
    )
    assert good.status_code == 302
    held = Assembly.objects.get(organ=cast.parliament)
    assert held.register_size == 2


def test_the_vote_by_name_page_refuses_a_missing_vote_and_records_the_rest(cast, federation, login):
    from comuna.assemblies.models import Outcome
    from comuna.territory import services
    from comuna.territory.models import MandateKind, OrganKind
    from tests.conftest import make_resident

    commission = services.create_organ(
        cast.commune, kind=OrganKind.ELECTORAL, name="Comisión Electoral", by=SETUP
    )
    clerk = make_resident(cast.other, "Secretaria", username="secretaria")
    services.confer_mandate(
        cast.commune, clerk, kind=MandateKind.SPOKESPERSON, organ=commission, by=SETUP
    )
    held = session(cast.commune)
    for resident in (cast.parliamentarian, federation.b_principal_resident):
        attendance.record_presence(held, resident, by=SETUP)
    motion = decisions.propose_motion(held.items.get(), text="Comprar un camión", by=SETUP)
    url = reverse("parliament-vote-by-name", kwargs={"slug": "comuna", "pk": held.pk})
    client = login(clerk.user)
    assert "Parlamentaria Prueba" in client.get(url).content.decode()
    a, b = federation.a_principal.pk, federation.b_principal.pk
    bad = client.post(url, {"motion": motion.pk, f"vote-{a}": "for", f"vote-{b}": ""})
    assert bad.status_code == 400
    motion.refresh_from_db()
    assert motion.outcome == Outcome.PENDING
    good = client.post(url, {"motion": motion.pk, f"vote-{a}": "for", f"vote-{b}": "against"})
    assert good.status_code == 302
    motion.refresh_from_db()
    assert (motion.votes_for, motion.votes_against, motion.outcome) == (1, 1, Outcome.REJECTED)


def test_the_assembly_pages_serve_a_session(cast, federation, voted, login):
    """A session is an assembly of the commune: its page, door, decisions and minutes open
    for the commune's electoral commission."""
    from comuna.territory import services
    from comuna.territory.models import MandateKind, OrganKind
    from tests.conftest import make_resident

    commission = services.create_organ(
        cast.commune, kind=OrganKind.ELECTORAL, name="Comisión Electoral", by=SETUP
    )
    clerk = make_resident(cast.other, "Secretaria", username="secretaria")
    services.confer_mandate(
        cast.commune, clerk, kind=MandateKind.SPOKESPERSON, organ=commission, by=SETUP
    )
    held = voted.item.assembly
    client = login(clerk.user)
    for name in ("assembly", "assembly-door", "assembly-minutes"):
        url = reverse(name, kwargs={"slug": "comuna", "pk": held.pk})
        assert client.get(url).status_code == 200, name
    page = client.get(reverse("assembly", kwargs={"slug": "comuna", "pk": held.pk}))
    assert "Comprar un camión" in page.content.decode()
    public = client.get(reverse("assembly-decisions", kwargs={"slug": "comuna"}))
    assert public.status_code == 200


def test_the_members_page_flags_its_spokespersons_vote_and_offers_the_recall(
    cast, federation, voted, login
):
    page = login(cast.electoral.user).get(reverse("parliament", kwargs={"slug": "consejo-a"}))
    text = page.content.decode()
    assert "votó en contra del mandato" in text
    assert reverse("parliament-recall", kwargs={"slug": "consejo-a"}) + "?reason=" in text


def test_the_communes_coordination_puts_a_reached_matter_on_a_sessions_agenda(
    cast, federation, login
):
    """A matter both councils raised (2 of 2 reach 60 %) is offered on the parliament's page
    to the commune's coordination, beside each coming session; choosing none is refused in
    words and changes nothing; choosing it puts it on the agenda."""
    from comuna.federation.models import InitiativeStatus
    from comuna.territory import services
    from comuna.territory.models import MandateKind, OrganKind
    from tests.conftest import make_resident

    initiative = initiatives.raise_matter(
        cast.commune,
        title="Agua potable",
        member=cast.council,
        assembly=in_session(cast.council),
        by=SETUP,
    )
    initiatives.support(initiative, cast.other, in_session(cast.other), by=SETUP)
    for support in initiative.supports.all():
        decide(support.motion)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.REACHED
    coming = session(cast.commune, open_it=False)
    executive = services.create_organ(
        cast.commune, kind=OrganKind.EXECUTIVE, name="Consejo Ejecutivo", by=SETUP
    )
    coordinator = make_resident(cast.other, "Coordinadora", username="coordinadora")
    services.confer_mandate(
        cast.commune, coordinator, kind=MandateKind.SPOKESPERSON, organ=executive, by=SETUP
    )
    client = login(coordinator.user)
    url = reverse("parliament-session-matters", kwargs={"slug": "comuna", "pk": coming.pk})
    page = client.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    assert url in page
    items = coming.items.count()
    bad = client.post(url, {"initiative": "²"}, HTTP_ACCEPT_LANGUAGE="es")
    assert bad.status_code == 400 and "Elija uno de los asuntos" in bad.content.decode()
    assert coming.items.count() == items
    good = client.post(url, {"initiative": str(initiative.pk)})
    assert good.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.ON_AGENDA
    assert initiative.item.assembly == coming and coming.items.count() == items + 1
    # a resident of the commune with no role is not offered it, and is refused
    resident = login(cast.resident.user)
    assert (
        url not in resident.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    )
    assert resident.post(url, {"initiative": str(initiative.pk)}).status_code == 403
