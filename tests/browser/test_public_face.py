"""The demo as an anonymous visitor sees it, at phone width: the federation, a body's page,
the not-found page, the icon, and the skip link with its focus ring."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_width

pytestmark = pytest.mark.browser

PHONE = 390


def _fits(page) -> bool:
    return page_width(page) <= PHONE


def test_the_public_home_shows_the_federation_and_fits_a_phone(demo_server, page):
    page.goto(demo_server + "/")
    expect(page.get_by_role("link", name="Ciudad Comunal Valle del Turbio")).to_be_visible()
    expect(page.get_by_role("link", name="Consejo Comunal Las Veritas")).to_be_visible()
    assert _fits(page)


@pytest.mark.parametrize("slug", ["cc-las-veritas", "ciudad-valle-del-turbio"])
def test_a_body_public_page_draws_its_territory_and_fits_a_phone(demo_server, page, slug):
    page.goto(f"{demo_server}/b/{slug}/")
    expect(page.locator("figure.territory svg path")).to_be_visible()
    expect(page.get_by_role("link", name="Leer el registro público")).to_be_visible()
    assert _fits(page)


def test_the_results_of_a_closed_poll_are_reached_from_the_council_page(demo_server, page):
    page.goto(f"{demo_server}/b/cc-las-veritas/")
    assert "Presupuesto: Bs.\u00a050.000,00" in page.locator(".results").inner_text()
    page.get_by_role("link", name="Presupuesto participativo 2026").click()
    assert page.url.endswith("/results/")


def test_the_demo_answers_a_missing_page_in_its_layout_without_listing_addresses(demo_server, page):
    response = page.goto(f"{demo_server}/b/cc-las-veritas/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Página no encontrada"
    assert "URLconf" not in page.content() and "census/households" not in page.content()
    page.get_by_role("link", name="Volver a la página de la instancia").click()
    expect(page.locator("h1")).to_have_text("Consejo Comunal Las Veritas")


def test_no_page_load_asks_for_something_missing(demo_server, page):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(demo_server + "/")
    page.goto(demo_server + "/b/cc-las-veritas/")
    assert page.request.get(demo_server + "/favicon.ico").ok
    assert failed == []


def test_the_skip_link_comes_first_and_the_focus_is_visible(demo_server, page):
    page.goto(demo_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["Saltar al contenido", "solid"]
    expect(page.locator(".skip")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
