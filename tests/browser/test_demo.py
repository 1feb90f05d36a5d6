import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_resident_logs_in_and_sees_their_council(demo_server, page):
    log_in(page, demo_server, "vecina")
    expect(page.get_by_role("link", name="Consejo Comunal Las Veritas", exact=True)).to_be_visible()
    page.get_by_role("link", name="Consejo Comunal Las Veritas", exact=True).click()
    expect(page.locator("h1")).to_have_text("Consejo Comunal Las Veritas")
    expect(page.get_by_role("heading", name="Comité de Salud")).to_be_visible()
    # a resident has no census link
    assert page.get_by_role("link", name="Censo").count() == 0


def test_an_outsider_is_refused_the_census(demo_server, page):
    log_in(page, demo_server, "foraneo")
    response = page.goto(f"{demo_server}/b/cc-las-veritas/census/")
    assert response.status == 403
    assert "Las Veritas" not in page.content()


def test_the_electoral_commission_adds_a_household_without_javascript(demo_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="es-VE")
    page = context.new_page()
    log_in(page, demo_server, "electoral")
    page.goto(f"{demo_server}/b/cc-las-veritas/census/")
    page.get_by_role("link", name="Añadir un hogar").click()
    page.fill("#id_code", "LAS-999")
    page.fill("#id_address", "Calle 9, casa 99")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("LAS-999")
    context.close()


def test_the_language_switcher_works_without_javascript(demo_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="es-VE")
    page = context.new_page()
    log_in(page, demo_server, "vecina")
    page.select_option("#language", "en")
    page.get_by_role("button", name="Cambiar").click()
    expect(page.get_by_role("heading", name="Your bodies")).to_be_visible()
    page.select_option("#language", "pt")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Suas instâncias")).to_be_visible()
    context.close()


def test_pages_are_small(demo_server, page):
    log_in(page, demo_server, "electoral")
    total = 0

    def count(response):
        nonlocal total
        body = response.body()
        total += len(body)

    page.on("response", count)
    page.goto(f"{demo_server}/b/cc-las-veritas/")
    assert total < 100_000


def test_a_voter_casts_a_ballot_keeps_the_receipt_and_finds_it_after_closing(demo_server, browser):
    import json

    voter = browser.new_context(java_script_enabled=False, locale="es-VE")
    page = voter.new_page()
    log_in(page, demo_server, "vecina")
    page.goto(f"{demo_server}/b/cc-las-veritas/polls/")
    page.get_by_role("link", name="¿Hacemos la jornada de limpieza el 5 de diciembre?").click()
    page.get_by_label("Sí").check()
    page.locator("form.ballot button[type=submit]").click()
    code = page.locator("#receipt-code strong").inner_text().strip()
    assert len(code) == 19
    poll_url = page.url.rsplit("/vote/", 1)[0]
    voter.close()

    commission = browser.new_context(locale="es-VE")
    page = commission.new_page()
    log_in(page, demo_server, "electoral")
    page.goto(poll_url + "/")
    page.get_by_role("link", name="Cerrar la votación y escrutar…").click()  # asks first
    page.locator("form[action$='/close/'] button").click()
    commission.close()

    public = browser.new_context(locale="es-VE")  # anyone, not logged in
    page = public.new_page()
    page.goto(poll_url + "/check/")
    page.fill("#code", code)
    page.locator("main button[type=submit]").click()
    expect(page.locator("#receipt-found")).to_be_visible()
    receipt_hash = page.locator("main code").inner_text().strip()
    published = json.loads(page.request.get(poll_url + "/ballots.json").text())
    assert [b["choices"] for b in published["ballots"] if b["receipt_hash"] == receipt_hash] == [
        ["1"]
    ]
    public.close()
