"""Poll screens in a phone-sized browser: the budget ballot's running total (with and without
JavaScript), the poll form's rule list, and no page wider than the phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width

pytestmark = pytest.mark.browser

BUDGET_POLL = "Presupuesto participativo 2027 (consulta abierta)"


def open_budget_poll(page, base_url):
    log_in(page, base_url, "vecina")
    page.goto(f"{base_url}/b/cc-las-veritas/polls/")
    page.get_by_role("link", name=BUDGET_POLL).click()


def fits_the_phone(page) -> bool:
    return page_width(page) <= 390


def test_the_running_total_follows_the_ticks(demo_server, page):
    open_budget_poll(page, demo_server)
    total = page.locator("#spent .spent-amount")
    assert total.inner_text() in ("0,00", "0")
    page.get_by_label(re.compile("Alumbrado de la calle 3")).check()
    page.get_by_label(re.compile("Huerto escolar")).check()
    expect(total).to_have_text("13.700,00")
    page.get_by_label(re.compile("Huerto escolar")).uncheck()
    expect(total).to_have_text("9.500,00")
    assert fits_the_phone(page)


def test_without_javascript_check_my_ballot_gives_the_total(demo_server, browser):
    context = browser.new_context(
        java_script_enabled=False, locale="es-VE", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    open_budget_poll(page, demo_server)
    page.get_by_label(re.compile("Alumbrado de la calle 3")).check()
    page.get_by_label(re.compile("Huerto escolar")).check()
    page.get_by_role("button", name="Revisar mi boleta").click()
    expect(page.locator("#spent .spent-amount")).to_contain_text("13.700,00")
    # the ticks are still there, and nothing was cast
    assert page.get_by_label(re.compile("Huerto escolar")).is_checked()
    assert page.get_by_role("button", name="Emitir mi voto").count() == 1
    assert fits_the_phone(page)
    context.close()


def test_the_rule_list_offers_only_the_rules_of_the_method(demo_server, page):
    log_in(page, demo_server, "electoral")
    page.goto(f"{demo_server}/b/cc-las-veritas/polls/new/")
    page.select_option("#id_method", "ranked")
    enabled = page.eval_on_selector_all(
        "#id_rule optgroup:not([disabled]) option", "els => els.map(e => e.value)"
    )
    assert enabled == ["irv", "schulze", "stv"]
    assert fits_the_phone(page)
