"""Territory services: each change names its actor, writes one ledger entry in its own
transaction, and never puts personal data in the (public) ledger."""

from datetime import date

import pytest

from comuna.ledger import entries
from comuna.territory import services, statutes
from comuna.territory.actors import DEMO, MissingActor
from comuna.territory.forms import HouseholdForm, ResidentForm
from comuna.territory.models import Body, BodyKind, Household, Mandate, MandateKind, Resident
from tests.conftest import SETUP, make_resident


def last_entry(body):
    return entries(body.ledger_chain).last()


def test_a_new_body_is_created_with_version_1_of_its_statute_in_its_chain(db):
    body = services.create_body(name="Consejo", slug="nuevo", kind=BodyKind.COUNCIL, by=DEMO)
    assert statutes.current(body).number == 1
    kinds = list(entries(body.ledger_chain).values_list("kind", "actor"))
    assert kinds == [("body.created", "system:demo"), ("statute.version", "system:demo")]


def test_reading_the_statute_of_a_body_without_one_writes_nothing(db):
    bare = Body.objects.create(name="Sin estatuto", slug="sin", kind=BodyKind.COUNCIL)
    with pytest.raises(statutes.NoStatute):
        statutes.current(bare)
    assert not bare.statutes.exists() and not entries(bare.ledger_chain).exists()


def test_a_change_without_an_actor_is_refused_and_changes_nothing(cast):
    before = entries(cast.council.ledger_chain).count()
    form = HouseholdForm(
        {"code": "X-1", "address": "Calle 1", "tenure": "owned", "dwelling": "house"},
        body=cast.council,
    )
    assert form.is_valid()
    with pytest.raises(MissingActor):
        services.save_household(form, by=None)
    with pytest.raises(MissingActor):
        services.create_body(name="B", slug="b", kind=BodyKind.COUNCIL, by=None)
    assert not Household.objects.filter(code="X-1").exists()
    assert not Body.objects.filter(slug="b").exists()
    assert entries(cast.council.ledger_chain).count() == before


def test_a_census_edit_is_recorded_by_id_and_keyed_digest_without_personal_data(cast):
    resident = cast.resident
    form = ResidentForm(
        {
            "given_name": "Petronila",
            "family_name": "Sarmiento",
            "document_id": "V-12345678",
            "birth_date": "1980-05-17",
            "sex": "F",
            "resident_since": "2010-01-01",
            "phone": "0414-5550000",
        },
        instance=resident,
        household=resident.household,
    )
    assert form.is_valid(), form.errors
    services.save_resident(form, by=cast.electoral.user)
    entry = last_entry(cast.council)
    assert entry.kind == "census.resident" and entry.actor == f"user:{cast.electoral.user.pk}"
    assert entry.data["created"] is False
    [[table, pk, digest]] = entry.data["rows"]
    assert (table, pk, len(digest)) == ("resident", resident.pk, 64)
    for secret in ("Petronila", "Sarmiento", "V-12345678", "0414", "1980-05-17"):
        assert secret not in entry.payload


def test_digests_are_keyed_per_body_so_a_guess_cannot_be_confirmed(cast):
    """Equal data gives unrelated digests in two bodies, and neither is the plain hash a
    reader of the public ledger could compute from a guess."""
    import hashlib

    from comuna.ledger import canonical_json
    from comuna.territory import records

    values = {"given_name": "Ana", "family_name": "Pérez", "birth_date": date(1990, 1, 1)}
    one = records.digest(cast.council, "resident", values)
    two = records.digest(cast.other, "resident", values)
    plain = canonical_json({"table": "resident", **{**values, "birth_date": "1990-01-01"}})
    assert one != two
    assert hashlib.sha256(plain.encode()).hexdigest() not in (one, two)


def test_a_negative_zero_income_verifies_whether_typed_or_imported(cast):
    """The database keeps -0 as 0; the digest taken on saving must agree with it."""
    from comuna.ledger import verify

    form = HouseholdForm(
        {
            "code": "CERO",
            "address": "Calle 0",
            "tenure": "owned",
            "dwelling": "house",
            "monthly_income": "-0",
        },
        body=cast.council,
    )
    assert form.is_valid(), form.errors
    services.save_household(form, by=cast.electoral.user)
    data = (
        b"household_code,address,monthly_income,given_name,family_name,birth_date,sex,"
        b"resident_since\nCERO-2,Calle 2,-0.00,Ana,Cero,1970-01-01,F,2000-01-01\n"
    )
    services.import_census(cast.council, data, by=cast.electoral.user)
    assert verify([cast.council.ledger_chain]).ok


def test_an_edit_keeps_a_login_linked_meanwhile(cast):
    """The form was loaded before the login was linked; saving it writes only its fields."""
    from django.contrib.auth import get_user_model

    late = make_resident(cast.council, "Tardía")
    form = ResidentForm(
        {
            "given_name": "Tardía",
            "family_name": "Corregida",
            "birth_date": "1980-05-17",
            "sex": "F",
            "resident_since": "2010-01-01",
        },
        instance=Resident.objects.get(pk=late.pk),
        household=late.household,
    )
    assert form.is_valid(), form.errors
    user = get_user_model().objects.create_user("tardia")
    services.link_login(late, user, by=SETUP)
    services.save_resident(form, by=cast.electoral.user)
    late.refresh_from_db()
    assert (late.family_name, late.user_id) == ("Corregida", user.pk)


def last_digest(body, table, pk):
    for entry in reversed(list(entries(body.ledger_chain))):
        for t, p, digest in entry.data.get("rows", []):
            if (t, p) == (table, pk):
                return digest
    raise AssertionError(f"no entry for {table} {pk}")


def test_an_import_is_one_entry_with_counts_and_each_new_row(cast):
    data = (
        "household_code,address,given_name,family_name,birth_date,sex,resident_since\n"
        "IMP-1,Calle 9,Ana,Pérez,1970-01-01,F,2000-01-01\n"
        "IMP-1,Calle 9,Juan,Pérez,1972-01-01,M,2000-01-01\n"
    ).encode()
    result = services.import_census(cast.council, data, by=cast.electoral.user)
    entry = last_entry(cast.council)
    assert (result.households, result.residents) == (1, 2)
    assert entry.kind == "census.imported"
    assert (entry.data["households"], entry.data["residents"]) == (1, 2)
    assert [row[0] for row in entry.data["rows"]] == ["household", "resident", "resident"]
    assert "Pérez" not in entry.payload and "Calle 9" not in entry.payload


def test_a_mandate_is_conferred_for_the_statutes_term(cast):
    newcomer = make_resident(cast.council, "Nueva")
    mandate = services.confer_mandate(
        cast.council,
        newcomer,
        organ=cast.health,
        kind=MandateKind.SPOKESPERSON,
        starts_on=date(2026, 3, 1),
        by=cast.admin.user,
    )
    assert mandate.ends_on == date(2028, 3, 1)  # two years under the 2009 law
    assert mandate.statute == statutes.current(cast.council)
    entry = last_entry(cast.council)
    assert entry.kind == "mandate.conferred"
    assert entry.data["mandates"][0]["resident"] == newcomer.pk


def test_ending_a_mandate_needs_a_reason_and_records_it(cast):
    mandate = Mandate.objects.get(resident=cast.spokesperson, organ=cast.health)
    with pytest.raises(services.TerritoryError):
        services.end_mandate(mandate, on=date(2026, 6, 1), reason=" ", by=cast.admin.user)
    mandate.refresh_from_db()
    assert mandate.ends_on == date(2099, 1, 1)
    services.end_mandate(mandate, on=date(2026, 6, 1), reason="renuncia", by=cast.admin.user)
    mandate.refresh_from_db()
    assert (mandate.ends_on, mandate.end_reason) == (date(2026, 6, 1), "renuncia")
    assert last_entry(cast.council).data["reason"] == "renuncia"


def test_a_substitute_takes_the_seat_for_the_rest_of_the_term(cast):
    mandate = Mandate.objects.get(resident=cast.spokesperson, organ=cast.health)
    seated = services.replace_by_substitute(
        mandate, on=date(2026, 6, 1), reason="revocada", by=cast.admin.user
    )
    assert seated.resident == cast.substitute
    assert seated.kind == MandateKind.SPOKESPERSON
    assert (seated.starts_on, seated.ends_on) == (date(2026, 6, 1), date(2099, 1, 1))
    substitute_mandate = Mandate.objects.get(resident=cast.substitute, kind="substitute")
    assert substitute_mandate.ends_on == date(2026, 6, 1)
    entry = last_entry(cast.council)
    assert entry.kind == "mandate.replaced" and len(entry.data["rows"]) == 3


def test_a_seat_without_a_substitute_is_not_filled_and_nothing_changes(cast):
    mandate = Mandate.objects.get(resident=cast.electoral)
    before = entries(cast.council.ledger_chain).count()
    with pytest.raises(services.TerritoryError, match="election"):
        services.replace_by_substitute(
            mandate, on=date(2026, 6, 1), reason="revocada", by=cast.admin.user
        )
    mandate.refresh_from_db()
    assert mandate.ends_on == date(2099, 1, 1)
    assert entries(cast.council.ledger_chain).count() == before


def test_members_change_only_their_own_details(cast):
    from comuna.territory.forms import ProfileForm

    form = ProfileForm({"phone": "0412", "email": ""}, instance=cast.resident)
    assert form.is_valid()
    with pytest.raises(services.TerritoryError):
        services.update_own_details(form, by=cast.electoral.user)
    assert Resident.objects.get(pk=cast.resident.pk).phone == ""
    services.update_own_details(form, by=cast.resident.user)
    assert Resident.objects.get(pk=cast.resident.pk).phone == "0412"
