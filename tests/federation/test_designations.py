"""The seats no member's assembly fills (issue 15, point 2): the administrator declares the
parliament's seats from the members, the organisations the statute names and the bank; the
electoral commission records whom an organisation (the bank) designated, by identity document
and family names, never by browsing a council's census."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from comuna.federation import designations, parliament
from comuna.federation.errors import FederationError
from comuna.ledger import verify
from comuna.territory import services
from comuna.territory.models import Mandate, MandateKind, OrganKind
from tests.conftest import SETUP, make_resident
from tests.federation.parliament_fixtures import problems, session


def _documented(body, name, document, family="Pérez Núñez"):
    return make_resident(body, name, document_id=document, family_name=family)


@pytest.fixture
def commune_roles(cast):
    """The commune's electoral commission and administrator, each a resident of council A."""
    commission = services.create_organ(
        cast.commune, kind=OrganKind.ELECTORAL, name="Comisión Electoral Comunal", by=SETUP
    )
    electoral = make_resident(cast.council, "Electoral Comunal", username="electoral-comunal")
    services.confer_mandate(
        cast.commune, electoral, kind=MandateKind.SPOKESPERSON, organ=commission, by=SETUP
    )
    admin = make_resident(cast.council, "Admin Comunal", username="admin-comunal")
    services.confer_mandate(cast.commune, admin, kind=MandateKind.ADMINISTRATOR, by=SETUP)
    return {"electoral": electoral.user, "admin": admin.user}


def test_an_organisation_designates_by_document_and_family_names_however_written(cast, federation):
    person = _documented(cast.other, "Designada", "V-11.222.333")
    found = designations.find_person(federation.seat_org, "v11222333", "PEREZ nuñez", field="p")
    assert found == person
    made = designations.designate(
        federation.seat_org, principal=found, reference="Asamblea de la EPS, 20/11", by=SETUP
    )
    assert [m.resident for m in made] == [person]
    holding = {s["number"]: s for s in parliament.composition(federation.organ)}
    assert holding[federation.seat_org.number]["principal"].resident == person
    assert verify().ok, problems()


def test_a_wrong_pair_finds_nobody_and_says_which(cast, federation):
    _documented(cast.other, "Designada", "V-11222333")
    for document, family in [("V-11222334", "Pérez Núñez"), ("V-11222333", "Pérez"), ("", "x")]:
        with pytest.raises(FederationError) as refused:
            designations.find_person(federation.seat_org, document, family, field="principal")
        assert refused.value.field == "principal_document"
    # a resident of another commune's council is not found either
    elsewhere = services.create_body(
        name="Consejo Lejano", slug="consejo-lejano", kind="council", by=SETUP
    )
    _documented(elsewhere, "Lejana", "V-99888777")
    with pytest.raises(FederationError):
        designations.find_person(federation.seat_org, "V-99888777", "Pérez Núñez", field="p")


def test_a_new_designation_ends_the_previous_one_and_a_member_seat_is_refused(cast, federation):
    first = _documented(cast.other, "Primera", "V-1000001")
    second = _documented(cast.council, "Segunda", "V-1000002")
    designations.designate(federation.seat_bank, principal=first, reference="Acta 1", by=SETUP)
    # the same day: the first mandate ends as the second starts
    designations.designate(
        federation.seat_bank, principal=second, substitute=first, reference="Acta 2", by=SETUP
    )
    live = Mandate.objects.active().filter(seat=federation.seat_bank)
    assert {(m.resident, m.kind) for m in live} == {
        (second, MandateKind.SPOKESPERSON),
        (first, MandateKind.SUBSTITUTE),
    }
    with pytest.raises(FederationError, match="asamblea|assembly"):
        designations.designate(federation.seat_a, principal=second, reference="Acta", by=SETUP)
    with pytest.raises(FederationError) as refused:
        designations.designate(federation.seat_org, principal=second, reference="x", by=SETUP)
    assert refused.value.field == "principal_document"  # holds the bank's seat already
    with pytest.raises(FederationError) as refused:
        designations.designate(federation.seat_org, principal=first, reference=" ", by=SETUP)
    assert refused.value.field == "reference"
    assert verify().ok, problems()


def test_the_designated_spokesperson_joins_the_register_of_the_coming_session(cast, federation):
    coming = session(cast.commune, open_it=False)
    person = _documented(cast.other, "Designada", "V-2000002")
    designations.designate(federation.seat_org, principal=person, reference="Acta", by=SETUP)
    assert coming.registered.filter(resident=person).exists()


def test_rewriting_whom_a_designation_seated_is_caught(cast, federation):
    person = _documented(cast.other, "Designada", "V-3000003")
    other = _documented(cast.other, "Otra", "V-3000004")
    made = designations.designate(federation.seat_org, principal=person, reference="Acta", by=SETUP)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territory_mandate SET resident_id = %s WHERE id = %s", [other.pk, made[0].pk]
        )
        cursor.execute(
            "UPDATE territory_mandate SET seat_id = %s WHERE id = %s",
            [federation.seat_bank.pk, made[0].pk],
        )
    assert not verify().ok


def test_the_pages_declare_the_seats_and_record_a_designation(
    cast, federation, commune_roles, login, client
):
    person = _documented(cast.other, "Designada", "V-4.000.004")
    page = client.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    designate = reverse(
        "parliament-designate", kwargs={"slug": "comuna", "number": federation.seat_org.number}
    )
    assert designate not in page  # the public sees no form
    electoral = login(commune_roles["electoral"])
    assert (
        designate
        in electoral.get(reverse("parliament", kwargs={"slug": "comuna"})).content.decode()
    )
    # bad input: each field says what is wrong, nothing changes
    before = Mandate.objects.count()
    bad = electoral.post(
        designate,
        {
            "principal_document": "V-4000005",
            "principal_family_name": "Pérez Núñez",
            "substitute_document": "V-1",
            "reference": "",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Este campo es obligatorio" in text  # the reference
    assert "o ninguno" in text  # the substitute's document without family names
    assert Mandate.objects.count() == before
    nobody = electoral.post(
        designate,
        {
            "principal_document": "V-4000005",
            "principal_family_name": "Pérez Núñez",
            "reference": "Acta de la cooperativa",
        },
    )
    assert nobody.status_code == 400 and Mandate.objects.count() == before
    done = electoral.post(
        designate,
        {
            "principal_document": "V-4000004",
            "principal_family_name": "perez nuñez",
            "reference": "Acta de la cooperativa",
        },
    )
    assert done.status_code == 302
    assert Mandate.objects.active().filter(seat=federation.seat_org, resident=person).exists()
    # the administrator declares one more organisation's seat; the seats held stay held
    admin = login(commune_roles["admin"])
    seats = reverse("parliament-seats", kwargs={"slug": "comuna"})
    form = admin.get(seats).content.decode()
    assert "Cooperativa El Maizal" in form  # the current organisations fill the form
    declared = admin.post(
        seats, {"organisations": "Cooperativa El Maizal\nPanadería Comunal", "bank": "on"}
    )
    assert declared.status_code == 302
    declared_now = parliament.composition(federation.organ)
    assert [(s["sector"], s["label"]) for s in declared_now] == [
        ("member", ""),
        ("member", ""),
        ("organisation", "Cooperativa El Maizal"),
        ("organisation", "Panadería Comunal"),
        ("bank", ""),
    ]
    assert (
        Mandate.objects.active()
        .filter(seat__label="Cooperativa El Maizal", resident=person)
        .exists()
    )
    twice = admin.post(seats, {"organisations": "Panadería\npanadería", "bank": ""})
    assert twice.status_code == 400 and "dos veces" in twice.content.decode()
    assert login(commune_roles["electoral"]).get(seats).status_code == 403
