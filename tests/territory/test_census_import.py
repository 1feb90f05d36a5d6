from pathlib import Path

import pytest
from django.utils import translation

from comuna.territory.census import CensusImportError
from comuna.territory.models import Household, Resident
from comuna.territory.services import import_census
from tests.conftest import SETUP


def import_csv(body, data: bytes):
    return import_census(body, data, by=SETUP)


DATA = Path(__file__).parent / "data"
GOOD = (DATA / "census_good.csv").read_bytes()


def snapshot():
    return (
        sorted(Household.objects.values_list("body_id", "code", "address")),
        sorted(Resident.objects.values_list("body_id", "given_name", "family_name", "document_id")),
    )


def errors_of(body, data: bytes):
    before = snapshot()
    with pytest.raises(CensusImportError) as info:
        import_csv(body, data)
    assert snapshot() == before, "a refused import must change nothing"
    return [(e.line, e.column) for e in info.value.errors], info.value.errors


def test_a_good_file_imports_households_and_residents(cast):
    result = import_csv(cast.council, GOOD)
    assert (result.households, result.residents) == (2, 3)
    carmen = Resident.objects.get(document_id="V-11111111")
    assert carmen.household.address == "Calle 5, casa 12"
    assert carmen.is_household_head and not carmen.household.has_running_water
    assert Resident.objects.get(document_id="V-22222222").birth_date.isoformat() == "2004-08-12"
    assert Household.objects.get(code="LV-901").residents.count() == 1


def test_semicolons_and_a_byte_order_mark_are_accepted(cast):
    data = "\ufeff" + GOOD.decode().replace(",", ";").replace('"Calle 5; casa 12"', "Calle 5")
    assert import_csv(cast.council, data.encode()).residents == 3


def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_imported(cast):
    bad = GOOD.decode().replace("1990-11-30", "1990-13-45").encode()
    where, errors = errors_of(cast.council, bad)
    assert where == [(4, "birth_date")]
    with translation.override("en"):
        assert str(errors[0]).startswith("line 4, column “birth_date”: ")
    with translation.override("es"):
        assert str(errors[0]).startswith("línea 4, columna “birth_date”: ")


def test_every_bad_row_is_reported_at_once(cast):
    lines = GOOD.decode().splitlines()
    lines[1] = lines[1].replace(",F,", ",Q,")  # unknown sex
    lines[2] = lines[2].replace("Colmenárez Pérez,V-22222222", ",V-22222222")  # no family name
    lines[3] = lines[3].replace(",yes,yes,", ",yes,quizás,")  # not a yes/no
    where, _ = errors_of(cast.council, "\n".join(lines).encode())
    assert where == [(2, "sex"), (3, "family_name"), (4, "has_running_water")]


def test_a_missing_required_column_is_reported_on_the_header(cast):
    data = GOOD.decode().replace("birth_date", "born").encode()
    where, _ = errors_of(cast.council, data)
    assert (1, "birth_date") in where and (1, "born") in where


def test_a_row_with_too_many_fields_is_reported(cast):
    data = GOOD.decode().rstrip("\n") + ",extra\n"
    where, _ = errors_of(cast.council, data.encode())
    assert where == [(4, "")]


def test_a_document_twice_in_the_file_or_already_in_the_census_is_refused(cast):
    twice = GOOD.decode().replace("V-22222222", "V-11111111").encode()
    assert errors_of(cast.council, twice)[0] == [(3, "document_id")]
    cast.resident.document_id = "V-11111111"
    cast.resident.save()
    assert errors_of(cast.council, GOOD)[0] == [(2, "document_id")]


def test_the_same_document_may_live_in_another_body(cast):
    cast.outsider.document_id = "V-11111111"
    cast.outsider.save()
    assert import_csv(cast.council, GOOD).residents == 3


def test_one_household_code_with_two_addresses_is_refused(cast):
    data = (
        GOOD.decode()
        .replace(
            'LV-900,"Calle 5, casa 12",La Cruz,owned,José', "LV-900,Otra calle,La Cruz,owned,José"
        )
        .encode()
    )
    assert errors_of(cast.council, data)[0] == [(3, "address")]


def test_a_row_may_join_an_existing_household(cast):
    data = GOOD.decode().replace("LV-901", cast.household.code).encode()
    import_csv(cast.council, data)
    assert Resident.objects.get(given_name="Ana").household == cast.household


def test_a_file_that_is_not_utf8_is_refused(cast):
    where, errors = errors_of(cast.council, GOOD.decode().encode("latin-1"))
    assert where[0][0] == 2 and "UTF-8" in str(errors[0])


def test_an_empty_file_and_a_header_alone_are_refused(cast):
    assert errors_of(cast.council, b"")[0] == [(1, "")]
    assert errors_of(cast.council, GOOD.decode().splitlines()[0].encode())[0] == [(2, "")]


def test_a_future_birth_date_is_refused(cast):
    data = GOOD.decode().replace("1990-11-30", "2999-01-01").encode()
    assert errors_of(cast.council, data)[0] == [(4, "birth_date")]


def test_the_import_page_shows_every_error_and_imports_nothing(cast, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = GOOD.decode().replace(",F,2001", ",Z,2001").encode()
    client = login(cast.electoral.user)
    before = snapshot()
    response = client.post(
        f"/b/{cast.council.slug}/census/import/",
        {"file": SimpleUploadedFile("censo.csv", bad, "text/csv")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "line 2" in page or "línea 2" in page
    assert "sex" in page
    assert snapshot() == before


def test_the_import_page_imports_a_good_file(cast, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(cast.electoral.user)
    response = client.post(
        f"/b/{cast.council.slug}/census/import/",
        {"file": SimpleUploadedFile("censo.csv", GOOD, "text/csv")},
    )
    assert response.status_code == 302
    assert Resident.objects.filter(body=cast.council, given_name="Carmen").exists()


def test_the_bodys_own_questions_are_columns_of_the_import(cast):
    from comuna.territory.models import CensusQuestion

    CensusQuestion.objects.create(
        body=cast.council,
        target="household",
        key="food_bag",
        label="¿Recibe la bolsa de alimentos?",
        kind="yes_no",
    )
    CensusQuestion.objects.create(
        body=cast.council,
        target="resident",
        key="blood_type",
        label="Grupo sanguíneo",
        kind="choice",
        choices="O+\nO-\nA+\nA-\nB+\nAB+",
    )
    lines = GOOD.decode().splitlines()
    lines[0] += ",food_bag,blood_type"
    lines[1] += ",sí,O+"
    lines[2] += ",sí,A-"
    lines[3] += ",no,"
    import_csv(cast.council, "\n".join(lines).encode())
    carmen = Resident.objects.get(document_id="V-11111111")
    assert carmen.extra == {"blood_type": "O+"}
    assert carmen.household.extra == {"food_bag": True}
    assert Household.objects.get(code="LV-901").extra == {"food_bag": False}

    lines[3] = lines[3].rstrip(",") + ",Z+"
    lines = [ln.replace("V-", "W-") for ln in lines]
    lines = [ln.replace("LV-9", "LV-8") for ln in lines]
    assert errors_of(cast.council, "\n".join(lines).encode())[0] == [(4, "blood_type")]


def test_a_column_that_is_no_question_of_this_body_is_unknown(cast):
    lines = GOOD.decode().splitlines()
    lines = [lines[0] + ",food_bag"] + [ln + ",sí" for ln in lines[1:]]
    assert errors_of(cast.council, "\n".join(lines).encode())[0] == [(1, "food_bag")]
