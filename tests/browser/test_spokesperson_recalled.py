"""A council recalls its commune spokesperson in its own assembly, and the substitute votes in
the parliament's next session.

On the demo: El Carabalí's spokesperson voted for the transport route against the mandate of
El Carabalí's assembly (flagged on El Cardonal's parliament page). El Carabalí's electoral
commission follows the flag to the recall form (the reason filled in), puts the recall to the
council's assembly in session and records its show of hands: carried, the substitute holds
the seat. El Cardonal's coordination convenes the next session; on the same data served four
days later (``faketime``), the commune's electoral commission opens it, records the members
present at the door, puts a motion and records the votes by name: the substitute's vote is on
the parliament's page."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in, page_width, serve_demo

pytestmark = pytest.mark.browser

LATER = ("faketime", "+4 days")  # past the statute's three days' notice of the session
PARLIAMENT = "/b/comuna-el-cardonal/parliament/"


def _figure(text: str) -> int:
    return int(re.search(r"\d+", text).group())


def test_a_council_recalls_its_spokesperson_and_the_substitute_votes_next(
    tmp_path_factory, browser
):
    if shutil.which("faketime") is None:
        pytest.fail("Debian's faketime is missing: `make browser` installs it")
    server = serve_demo(tmp_path_factory)
    base, env = next(server)
    context = browser.new_context(locale="es-VE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        # the flag on the parliament's page, and the recall it starts
        log_in(page, base, "electoral-carabali")
        page.goto(base + PARLIAMENT)
        assert page_width(page) <= 390
        flagged = page.locator("li", has=page.locator("strong.late"))
        recalled = flagged.locator("strong").first.inner_text()
        seat = page.locator("li[id^=seat-]", has_text="Consejo Comunal El Carabalí")
        substitute = seat.inner_text().split(":")[-1].strip()
        flagged.locator('a[href*="/cc-el-carabali/parliament/delegations/recall/"]').click()
        page.wait_for_load_state()
        assert "Aprobar la ruta" in page.locator("#id_reason").input_value()
        page.locator("#id_assembly").select_option(index=1)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url.endswith("/b/cc-el-carabali/parliament/seat/")

        # the council's assembly decides it by show of hands
        page.locator('main a[href*="/b/cc-el-carabali/assemblies/"]').first.click()
        page.wait_for_load_state()
        present = _figure(page.locator("#decisions .figures span").first.inner_text())
        hands = page.locator('form[action$="/hands/"]').last
        hands.locator('input[name="votes_for"]').fill(str(present))
        hands.locator('input[name="votes_against"]').fill("0")
        hands.locator('input[name="abstentions"]').fill("0")
        with page.expect_navigation():
            hands.locator("button[type=submit]").click()
        page.goto(base + "/b/cc-el-carabali/parliament/")
        seat = page.locator("main section.organ").first.inner_text()
        assert substitute in seat and recalled not in seat

        # the commune's coordination convenes the next session
        context.clear_cookies()
        log_in(page, base, "coordinacion-cardonal")
        page.goto(base + PARLIAMENT)
        page.locator('a[href$="/parliament/sessions/new/"]').click()
        page.wait_for_load_state()
        starts = timezone.localtime(timezone.now() + timedelta(days=3, hours=3))
        page.fill("#id_title", "Sesión extraordinaria")
        page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_place", "Casa de la comuna El Cardonal")
        page.fill("#id_items", "Ruta de transporte comunal: nueva votación")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        session_url = page.url
    finally:
        context.close()
        server.close()

    # four days later: the session meets and the substitute votes by name
    later = serve_demo(tmp_path_factory, data_dir=env["COMUNA_DATA_DIR"], prefix=LATER)
    base, _env = next(later)
    context = browser.new_context(locale="es-VE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        session = session_url.split("/b/", 1)[1]
        log_in(page, base, "electoral-cardonal")
        page.goto(f"{base}/b/{session}open/")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        for _member in range(5):  # the three members seated, each found and tapped present
            page.goto(f"{base}/b/{session}door/?q=a")
            if not page.locator('ul.door button[type="submit"]').count():
                break
            with page.expect_navigation():
                page.locator('ul.door button[type="submit"]').first.click()
        page.goto(f"{base}/b/{session}motions/new/")
        page.fill("#id_text", "Aprobar la ruta por la vía del sector La Cancha.")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.goto(base + PARLIAMENT)
        page.locator('a[href$="/by-name/"]').first.click()
        page.wait_for_load_state()
        page.locator("#id_motion").select_option(index=1)
        for choice in page.locator('select[name^="vote-"]').all():
            choice.select_option("for")
        assert substitute in page.locator("main").inner_text()
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.goto(base + PARLIAMENT)
        assert page_width(page) <= 390
        votes = page.locator("section[id^=motion-]").first.inner_text()
        assert "Aprobar la ruta por la vía del sector La Cancha" in votes
        assert substitute in votes and recalled not in votes
    finally:
        context.close()
        later.close()
