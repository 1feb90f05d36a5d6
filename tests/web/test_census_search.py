"""The census page: a search lists each household once with its own residents, and the
figures at the top describe the same selection as the list."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comuna.territory.census import sample_csv
from comuna.territory.models import Household, Resident
from tests.conftest import make_household, make_resident

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def census_url(cast, **kw):
    return reverse("census", kwargs={"slug": cast.council.slug, **kw})


def household_of_five(cast):
    household = make_household(cast.council, code="LAS-004", address="Calle Las Flores 4")
    for name in ["Ana", "Beto", "Carla", "Dario", "Elsa"]:
        make_resident(cast.council, name, household=household)
    return household


def figures(page: str) -> str:
    start = page.index('id="census-figures"')
    return page[start : page.index("</p>", start)]


def test_a_search_counts_each_households_residents_once(cast, login):
    household_of_five(cast)
    response = login(cast.electoral.user).get(census_url(cast), {"q": "LAS-004"}, **EN)
    rows = list(response.context["page"])
    assert [(h.code, h.n_residents) for h in rows] == [("LAS-004", 5)]
    said = figures(response.content.decode())
    assert "Matching “LAS-004”" in said and "1 household" in said and "5 residents" in said


def test_a_search_by_a_shared_family_name_lists_the_household_once(cast, login):
    household_of_five(cast)  # all five are "Prueba", as every resident of the cast
    response = login(cast.electoral.user).get(census_url(cast), {"q": "Prueba"}, **EN)
    codes = [h.code for h in response.context["page"]]
    assert codes.count("LAS-004") == 1
    said = figures(response.content.decode())
    assert f"{len(codes)} households" in said
    assert f"{Resident.objects.filter(body=cast.council).count()} residents" in said


def test_without_a_search_the_figures_are_the_whole_census(cast, login):
    household_of_five(cast)
    said = figures(login(cast.electoral.user).get(census_url(cast), **EN).content.decode())
    households = Household.objects.filter(body=cast.council).count()
    residents = Resident.objects.filter(body=cast.council).count()
    assert "Whole census" in said
    assert f"{households} households" in said and f"{residents} residents" in said


def test_the_import_page_lists_every_column_name_and_code(cast, login):
    url = reverse("census-import", kwargs={"slug": cast.council.slug})
    page = login(cast.electoral.user).get(url, **EN).content.decode()
    for name in ["household_code", "fecha_nacimiento", "data_nascimento", "cedula", "nome"]:
        assert f"<code>{name}</code>" in page
    assert "<code>owned</code></dt><dd>Owned</dd>" in page
    assert "<code>F</code></dt><dd>Female</dd>" in page
    spanish = login(cast.electoral.user).get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<code>owned</code></dt><dd>Propia</dd>" in spanish


def test_the_sample_file_downloads_and_imports_from_the_page(cast, login):
    client = login(cast.electoral.user)
    sample = client.get(reverse("census-import-sample", kwargs={"slug": cast.council.slug}))
    assert sample.status_code == 200 and sample["Content-Type"].startswith("text/csv")
    assert sample.content.decode() == sample_csv("es")  # pages speak Spanish by default
    imported = client.post(
        reverse("census-import", kwargs={"slug": cast.council.slug}),
        {"file": SimpleUploadedFile("census.csv", sample.content)},
    )
    assert imported.status_code == 302
    assert Household.objects.filter(code__in=["LAS-001", "LAS-002"]).count() == 2
