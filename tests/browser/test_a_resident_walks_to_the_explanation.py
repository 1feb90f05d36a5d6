"""A resident's walk on a phone, in Spanish and in Portuguese: from the public home page to a
council's closed results and the explanation of the count, then logging in, finding the poll
that waits for them, voting and keeping the receipt. No page is wider than the phone, and the
explanation holds no English word."""

import re

import pytest

from tests.browser.conftest import page_width

pytestmark = pytest.mark.browser

WIDTH = 390
RESULTS = "Presupuesto participativo 2026"
# English words the engine's explanations used; none may appear in a translated explanation
ENGLISH = re.compile(
    r"\b(the|was|were|because|funded|selected|project|projects|voters|supporters|round|"
    r"budget|could|afford|each|paid|left|quota|elected|seats?|skipped|rule|and|not)\b",
    re.IGNORECASE,
)
WALKS = {
    # language: (browser locale, login, words the page must say, in that language)
    "es": ("es-VE", "vocero", ["Resultados", "Por qué se financió o no cada proyecto"]),
    "pt": ("pt-BR", "admin", ["Resultados", "Por que cada projeto foi ou não financiado"]),
}


def follow(page, target) -> None:
    """Click ``target`` and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


def fits(page) -> None:
    width = page_width(page)
    assert width <= WIDTH, f"{page.url} is {width} px wide on a {WIDTH} px phone"


@pytest.mark.parametrize("language", sorted(WALKS))
def test_a_resident_walks_from_the_public_home_to_voting_and_the_explanation(
    demo_server, browser, language
):
    locale, login, words = WALKS[language]
    context = browser.new_context(locale=locale, viewport={"width": WIDTH, "height": 844})
    page = context.new_page()

    page.goto(f"{demo_server}/")
    assert page.locator("html").get_attribute("lang") == language
    fits(page)
    follow(page, page.locator("main a[href='/b/cc-las-veritas/']").first)
    assert page.locator("h1").inner_text() == "Consejo Comunal Las Veritas"
    fits(page)

    follow(page, page.locator("ul.results").get_by_role("link", name=RESULTS))
    fits(page)
    text = page.locator("main").inner_text()
    for word in words:
        assert word in text
    why = page.locator("#why").inner_text()
    assert "Impermeabilización del techo de la escuela" in why
    english = sorted({m.group(0).lower() for m in ENGLISH.finditer(why)})
    assert not english, f"English words in the {language} explanation: {english}"
    assert "mes-cost-complete" not in text

    follow(page, page.locator("header a[href^='/login/']"))
    fits(page)
    page.fill("#id_username", login)
    page.fill("#id_password", "comuna-demo")
    follow(page, page.locator("main button[type=submit]"))
    fits(page)
    waiting = page.locator("ul.waiting")
    follow(page, waiting.get_by_role("link", name=re.compile("Presupuesto participativo 2027")))
    fits(page)
    page.get_by_label(re.compile("Alumbrado de la calle 3")).check()
    page.get_by_label(re.compile("Huerto escolar")).check()
    follow(page, page.locator("main p.actions button[type=submit]:not([name=check])"))
    fits(page)
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert len(receipt) >= 8, "the receipt code is shown once the ballot is cast"
    page.goto(f"{demo_server}/")
    assert page.locator("ul.waiting").get_by_text("Presupuesto participativo 2027").count() == 0
    context.close()
