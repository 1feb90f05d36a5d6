"""The paper-ballots and census-import pages on a phone (390 px), without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page_width(page) <= 390


def test_a_tally_sheet_is_entered_on_a_phone_without_javascript(demo_server, browser):
    context = browser.new_context(
        java_script_enabled=False, locale="es-VE", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    log_in(page, demo_server, "electoral")
    page.goto(f"{demo_server}/b/cc-las-veritas/polls/")
    # not the single-choice poll that test_demo closes: a held sheet would stop its closing
    page.get_by_role("link", name="Presupuesto participativo 2027 (consulta abierta)").click()
    page.get_by_role("link", name="Cargar boletas de papel").click()
    assert _fits(page)
    page.fill("#id_polling_place", "Casa comunal")
    page.fill("#id_ballots", "1, 2\n3\n2, 5, 6")
    page.get_by_role("button", name="Cargar", exact=True).click()
    expect(page.locator("main")).to_contain_text("Cargada una vez, por electoral")
    assert _fits(page)
    context.close()


def test_the_census_import_guide_fits_a_phone(demo_server, page):
    log_in(page, demo_server, "electoral")
    page.goto(f"{demo_server}/b/cc-las-veritas/census/import/")
    expect(page.get_by_text("fecha_nacimiento").first).to_be_visible()
    assert _fits(page)
    page.goto(f"{demo_server}/b/cc-las-veritas/census/?q=LAS")
    assert "Coinciden con “LAS”" in page.content()
    assert _fits(page)
