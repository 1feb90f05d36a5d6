"""Census files in the council's own words: localised column names, codes in any case or as
their meaning, a sample file that imports cleanly, and implausible dates refused."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from comuna.territory import census
from comuna.territory.census import CensusImportError
from comuna.territory.models import Household, Resident
from comuna.territory.services import import_census
from tests.conftest import SETUP


def errors_of(body, text: str):
    before = (Household.objects.count(), Resident.objects.count())
    with pytest.raises(CensusImportError) as info:
        import_census(body, text.encode(), by=SETUP)
    assert (Household.objects.count(), Resident.objects.count()) == before
    return [(e.line, e.column) for e in info.value.errors], info.value.errors


def test_it_accepts_spanish_column_names_in_any_case_and_with_accents(cast):
    text = (
        "Código Hogar;DIRECCIÓN;Nombres;Apellidos;Cédula;Fecha de nacimiento;Sexo;"
        "Reside desde;Tenencia;Vivienda;Educación\n"
        "LV-1;Calle 1;Carmen;Pérez;V-1;1975-03-02;f;2001-01-15;PROPIA;casa;Universitaria\n"
    )
    assert import_census(cast.council, text.encode(), by=SETUP).residents == 1
    carmen = Resident.objects.get(document_id="V-1")
    assert (carmen.sex, carmen.education) == ("F", "university")
    assert (carmen.household.tenure, carmen.household.dwelling) == ("owned", "house")


def test_it_accepts_portuguese_column_names_and_codes_as_their_meaning(cast):
    text = (
        "codigo_domicilio,endereço,nome,sobrenome,data_nascimento,sexo,mora_desde,posse,"
        "escolaridade,telefone\n"
        "BR-1,Rua 2,João,Silva,1980-01-01,Masculino,2010-01-01,Alugada,"
        "Ensino fundamental,555\n"
    )
    assert import_census(cast.council, text.encode(), by=SETUP).residents == 1
    joao = Resident.objects.get(given_name="João")
    assert (joao.sex, joao.education, joao.phone) == ("M", "primary", "555")
    assert joao.household.tenure == "rented"


def test_an_unknown_code_is_reported_with_the_column_as_the_file_names_it(cast):
    text = (
        "codigo_hogar,direccion,nombres,apellidos,fecha_nacimiento,sexo,reside_desde\n"
        "LV-1,Calle 1,Carmen,Pérez,1975-03-02,Q,2001-01-15\n"
    )
    where, _errors = errors_of(cast.council, text)
    assert where == [(2, "sexo")]


def test_no_column_name_is_given_to_two_columns():
    seen = {}
    for column in [*census.HOUSEHOLD_COLUMNS, *census.RESIDENT_COLUMNS]:
        for name in census.column_names(column):
            assert seen.setdefault(census.normal_name(name), column) == column, name


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_the_sample_file_imports_cleanly(cast, language):
    result = import_census(cast.council, census.sample_csv(language).encode(), by=SETUP)
    assert (result.households, result.residents) == (2, 3)


def test_the_sample_file_uses_every_column_and_every_coded_column():
    header = census.sample_csv("en").splitlines()[0].split(",")
    assert header == [*census.HOUSEHOLD_COLUMNS, *census.RESIDENT_COLUMNS]
    assert census.sample_csv("es").startswith("codigo_hogar,direccion,sector,tenencia")


def _resident_row(born, since):
    return (
        "household_code,address,given_name,family_name,birth_date,sex,resident_since\n"
        f"LV-1,Calle 1,Carmen,Pérez,{born},F,{since}\n"
    )


@pytest.mark.parametrize(
    ("born", "since", "column", "words"),
    [
        ("0001-05-01", "2001-01-15", "birth_date", "before 1900"),
        ("1899-12-31", "2001-01-15", "birth_date", "before 1900"),
        ("1975-03-02", "2090-01-01", "resident_since", "in the future"),
        ("1975-03-02", "1970-01-01", "resident_since", "before being born"),
        ("TOMORROW", "2001-01-15", "birth_date", "in the future"),
    ],
)
def test_it_refuses_implausible_dates_with_line_and_column(cast, born, since, column, words):
    tomorrow = timezone.localdate() + timedelta(days=1)
    born = tomorrow.isoformat() if born == "TOMORROW" else born
    where, errors = errors_of(cast.council, _resident_row(born, since))
    assert where == [(2, column)]
    with translation.override("en"):
        assert words in str(errors[0])


def test_it_accepts_living_here_since_today(cast):
    today = timezone.localdate().isoformat()
    assert import_census(cast.council, _resident_row("1900-01-01", today).encode(), by=SETUP)
