"""The communal cycle in the demo, on a phone (390 px), in Spanish: a resident of Las Veritas
(``vecina``) finds what she can do in the 2027 cycle's diagnosis, reports a need (without
JavaScript), supports a neighbour's, and reads, in the 2026 cycle's counted budget, why the
school roof was not funded; a resident of Brisas del Turbio (``vecino``), whose budget vote is
open, fills his ballot with the running total against the budget — without JavaScript through
"Actualizar el total", with it as he ticks — and casts it, receiving his receipt code."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width

pytestmark = pytest.mark.browser

VERITAS = "/b/cc-las-veritas"
BRISAS = "/b/cc-brisas-del-turbio"


def follow(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def fits(page) -> None:
    assert page_width(page) <= 390, f"{page.url} scrolls sideways at 390 px"
    text = page.locator("main").inner_text()
    for english in ("Phase now", "In figures", "Needs ·", "Priorities of the", "supports"):
        assert english not in text, f"{page.url} shows English ({english!r}) on a Spanish page"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        locale="es-VE", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def test_a_resident_reports_and_supports_needs_and_reads_why_a_project_was_not_funded(
    demo_server, no_js_page
):
    page = no_js_page
    log_in(page, demo_server, "vecina")
    page.goto(f"{demo_server}{VERITAS}/cycles/")
    fits(page)
    follow(page, page.get_by_role("link", name="Ciclo comunal 2027"))
    expect(page.locator("main")).to_contain_text("Diagnóstico de necesidades")
    expect(page.locator("main")).to_contain_text("Lo que puede hacer ahora")
    fits(page)

    # report a need, from the cycle's "what you can do now"
    follow(page, page.locator("main a[href$='/needs/new/']").first)
    page.select_option("select[name=category]", "water")
    page.fill("input[name=title]", "Fuga de agua en la esquina de La Cruz")
    page.fill("textarea[name=description]", "Una tubería rota bota agua desde hace un mes.")
    page.fill("input[name=place]", "Esquina de La Cruz")
    follow(page, page.locator("main form button[type=submit]"))
    expect(page.locator("h1")).to_contain_text("Fuga de agua en la esquina de La Cruz")
    fits(page)

    # support a neighbour's need
    page.goto(f"{demo_server}{VERITAS}/cycles/")
    follow(page, page.get_by_role("link", name="Ciclo comunal 2027"))
    follow(page, page.get_by_role("link", name="Huecos en la entrada de Los Mangos").first)
    supports = int(re.search(r"(\d+) apoyos?", page.locator("main").inner_text()).group(1))
    follow(page, page.locator("main form[action$='/support/'] button"))
    expect(page.locator("main")).to_contain_text(f"{supports + 1} apoyo")
    expect(page.locator("main")).to_contain_text("Usted apoya esta necesidad")
    fits(page)

    # why the school roof was not funded in 2026
    page.goto(f"{demo_server}{VERITAS}/cycles/")
    follow(page, page.get_by_role("link", name="Ciclo comunal 2026"))
    follow(page, page.get_by_role("link", name="Presupuesto del ciclo comunal 2026"))
    fits(page)
    roof = (
        page.locator("main li, main section, main article")
        .filter(has_text="Impermeabilización del techo de la escuela")
        .filter(has_text="No financiado")
        .first
    )
    expect(roof).to_contain_text("No financiado")
    expect(roof).to_contain_text(re.compile(r"no (alcanz|cab)"))


def test_a_resident_votes_in_the_budget_with_the_running_total(demo_server, browser, no_js_page):
    page = no_js_page
    log_in(page, demo_server, "vecino")
    page.goto(f"{demo_server}{BRISAS}/budgets/")
    follow(page, page.get_by_role("link", name="Presupuesto del ciclo comunal 2027"))
    follow(page, page.locator("main a[href$='/vote/']").first)
    fits(page)
    spent = page.locator(".spent")
    expect(spent).to_contain_text("0,00")
    # without JavaScript: tick two projects, ask for the total
    page.get_by_label(re.compile("Escaleras de la vereda 1")).check()
    page.get_by_label(re.compile("Dotación de la casa comunal")).check()
    follow(page, page.get_by_role("button", name="Actualizar el total"))
    expect(page.locator(".spent")).to_contain_text("12.500,00")  # 8.600 + 3.900
    expect(page.get_by_label(re.compile("Escaleras de la vereda 1"))).to_be_checked()
    fits(page)

    # with JavaScript the total follows the ticks
    context = browser.new_context(locale="es-VE", viewport={"width": 390, "height": 844})
    live = context.new_page()
    log_in(live, demo_server, "vecino")
    live.goto(page.url)
    live.get_by_label(re.compile("Bombillos para las veredas")).check()  # 12 × 520
    expect(live.locator(".spent")).to_contain_text("6.240,00")
    live.get_by_label(re.compile("Escaleras de la vereda 1")).check()
    expect(live.locator(".spent")).to_contain_text("14.840,00")
    context.close()

    follow(page, page.get_by_role("button", name="Emitir mi voto"))
    expect(page.locator("main")).to_contain_text(re.compile("código", re.I))
    fits(page)
