"""Issue 15, point 1, in the demo, on a phone (390 px), in Spanish: three councils of the demo
city in no commune found one by referendum. La Ceiba's coordinator proposes the commune with
El Manantial and Los Samanes (a short name already taken is refused first), each council's
coordinator joins, La Ceiba opens the vote, each council's electoral commission opens its own
poll, two residents of each vote online, each commission closes and counts its poll, La
Ceiba's commission counts the referendum, and the page shows the commune founded with its
three councils. Screenshots of the proposal refused and of the counted referendum are kept in
the test's folder (``SCREENSHOTS`` to keep them elsewhere)."""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width

pytestmark = pytest.mark.browser

COUNCILS = {
    "ceiba": "/b/cc-la-ceiba",
    "manantial": "/b/cc-el-manantial",
    "samanes": "/b/cc-los-samanes",
}
CHARTER = (
    "Carta fundacional de la Comuna La Ceiba.\n\n"
    "Artículo 1. La comuna es de sus consejos comunales, que le delegan lo que ella hace."
)


def follow(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def fits(page) -> None:
    assert page_width(page) <= 390, f"{page.url} scrolls sideways at 390 px"


def _as(browser, url, username):
    context = browser.new_context(locale="es-VE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, url, username)
    return context, page


def _when(days: int) -> str:
    day = datetime.now(ZoneInfo("America/Caracas")) + timedelta(days=days)
    return day.strftime("%Y-%m-%dT%H:%M")


def test_three_councils_found_a_commune_by_referendum(demo_server, browser, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS", tmp_path))
    url = demo_server
    # the host's coordinator proposes; a short name already taken is refused first
    context, page = _as(browser, url, "coord-ceiba")
    page.goto(f"{url}{COUNCILS['ceiba']}/")
    follow(page, page.locator("main a[href$='/referendums/']"))
    follow(page, page.locator("main a[href$='/referendums/new/']"))
    fits(page)
    page.fill("input[name=name]", "Comuna La Ceiba")
    page.fill("input[name=slug]", "comuna-el-cardonal")  # the demo's commune has it
    page.fill("input[name=territory]", "Sectores La Ceiba, El Manantial y Los Samanes")
    page.get_by_label("Consejo Comunal El Manantial").check()
    page.get_by_label("Consejo Comunal Los Samanes").check()
    page.fill("input[name=question]", "¿Aprueba fundar la Comuna La Ceiba con esta carta?")
    page.fill("textarea[name=charter]", CHARTER)
    follow(page, page.locator("main form button[type=submit]"))
    expect(page.locator("main .errorlist")).to_contain_text("comuna-el-cardonal")
    fits(page)
    page.screenshot(path=str(shots / "referendum_proposal_refused.png"), full_page=True)
    page.fill("input[name=slug]", "comuna-la-ceiba")
    follow(page, page.locator("main form button[type=submit]"))
    expect(page.locator("h1")).to_contain_text("Comuna La Ceiba")
    address = page.url.removeprefix(url)
    number = re.search(r"/referendums/(\d+)/", address).group(1)
    context.close()

    # each other council's coordinator joins from its own pages
    for short in ("manantial", "samanes"):
        context, page = _as(browser, url, f"coord-{short}")
        page.goto(f"{url}{COUNCILS[short]}/referendums/")
        follow(page, page.locator(f"main a[href$='/referendums/{number}/']"))
        follow(page, page.locator("main form[action*='/referendums/places/'] button"))
        expect(page.locator("main form[action*='/referendums/places/']")).to_have_count(0)
        fits(page)
        context.close()

    # the host opens the vote: each council gets its own poll
    context, page = _as(browser, url, "coord-ceiba")
    page.goto(f"{url}{address}")
    follow(page, page.locator("main a[href$='/open/']"))
    page.fill("input[name=opens_at]", _when(1))
    page.fill("input[name=closes_at]", _when(3))
    follow(page, page.locator("main form button[type=submit]"))
    expect(page.locator("main a[href*='/polls/']")).to_have_count(3)
    context.close()

    # each council's electoral commission opens its own poll; two of its residents vote yes
    for short, slug in COUNCILS.items():
        context, page = _as(browser, url, f"electoral-{short}")
        page.goto(f"{url}{address}")
        follow(page, page.locator(f"main a[href^='{slug}/polls/']"))
        poll = page.url
        follow(page, page.locator("main a[href$='/open/']"))
        follow(page, page.locator("main form button[type=submit]"))
        context.close()
        for resident in (f"vecina-{short}", f"vecino-{short}"):
            context, page = _as(browser, url, resident)
            page.goto(poll)
            page.check("main input[name=choice][value=yes]")
            follow(page, page.locator("main form.ballot button[type=submit]"))
            expect(page.locator("#receipt-code")).to_be_visible()
            context.close()
        context, page = _as(browser, url, f"electoral-{short}")
        page.goto(poll)
        follow(page, page.locator("main a[href$='/close/']"))
        follow(page, page.locator("main form button[type=submit]"))
        context.close()

    # the host's electoral commission merges the counts: the commune is founded
    context, page = _as(browser, url, "electoral-ceiba")
    page.goto(f"{url}{address}")
    follow(page, page.locator("main a[href$='/count/']"))
    follow(page, page.locator("main form button[type=submit]"))
    main = page.locator("main")
    expect(main.locator("a[href='/b/comuna-la-ceiba/']").first).to_be_visible()
    expect(main.locator("p.explanation")).to_be_visible()
    fits(page)
    page.screenshot(path=str(shots / "referendum_founded.png"), full_page=True)
    follow(page, main.locator("p.founded a[href='/b/comuna-la-ceiba/']"))
    expect(page.locator("h1")).to_contain_text("Comuna La Ceiba")
    for name in ("La Ceiba", "El Manantial", "Los Samanes"):
        expect(page.locator("main ul.cards").first).to_contain_text(name)
    fits(page)
    context.close()
