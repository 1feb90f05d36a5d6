"""An assembly's whole life in the demo, on a phone (390 px), in Spanish, without JavaScript:
the coordination collective convenes one (its notice reaches the members' home page, with its
calendar file); the electoral commission runs the session convened a week ago for today: opens
it, records people at the door until quorum is met, puts a motion and enters the hands, drafts
the minutes, and the session approves them: sealed, their PDF downloads, and hashing the HTML
download gives the hash the API and the ledger publish."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width

pytestmark = pytest.mark.browser

COUNCIL = "/b/cc-las-veritas"
TODAY = "Asamblea extraordinaria: la bodega comunal"


def _shot(page, name):
    """Screenshots for a person to look at, when COMUNA_SHOTS names a folder."""
    folder = os.environ.get("COMUNA_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _fits(page):
    assert page_width(page) <= 390, page.url


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        java_script_enabled=False, locale="es-VE", viewport={"width": 390, "height": 844}
    )
    yield context.new_page()
    context.close()


def test_the_coordination_collective_convenes_and_the_members_are_notified(demo_server, phone):
    page = phone
    log_in(page, demo_server, "contralora")
    page.goto(f"{demo_server}{COUNCIL}/")
    page.get_by_role("link", name="Asambleas", exact=True).first.click()
    page.get_by_role("link", name="Convocar una asamblea").click()
    _fits(page)
    too_soon = timezone.localdate() + timedelta(days=1)
    page.fill("#id_title", "Asamblea sobre el agua")
    page.fill("#id_date", too_soon.isoformat())
    page.fill("#id_time", "18:00")
    page.fill("#id_place", "Cancha de Los Mangos")
    page.fill("#id_items-0-text", "Plan de distribución del agua por sectores")
    page.get_by_role("button", name="Convocar y avisar a los miembros").click()
    # inside the statute's notice period: refused, with the earliest date, nothing made
    expect(page.locator("main")).to_contain_text("días de aviso: la asamblea puede reunirse")
    _shot(page, "convene-refused")
    page.fill("#id_date", (timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Convocar y avisar a los miembros").click()
    expect(page.locator("h1")).to_contain_text("Asamblea sobre el agua")
    expect(page.locator("main")).to_contain_text("Plan de distribución del agua por sectores")
    _fits(page)
    _shot(page, "convened")
    ics = page.get_by_role("link", name="Agregar a mi calendario (.ics)").get_attribute("href")
    calendar = page.request.get(f"{demo_server}{ics}")
    assert calendar.ok and b"BEGIN:VCALENDAR" in calendar.body()
    assert "Asamblea sobre el agua" in calendar.text()
    # a resident's home page carries the notice
    page.context.clear_cookies()
    log_in(page, demo_server, "vecina")
    expect(page.locator("main")).to_contain_text("Asamblea sobre el agua")
    _shot(page, "home-notice")


def test_the_commission_runs_the_session_to_sealed_minutes(demo_server, phone):
    page = phone
    log_in(page, demo_server, "electoral")
    page.goto(f"{demo_server}{COUNCIL}/assemblies/")
    page.get_by_role("link", name=TODAY).click()
    assembly_url = page.url
    expect(page.locator("main")).to_contain_text("Convocada")
    page.get_by_role("link", name="Abrir la sesión…").click()
    page.get_by_role("button", name="Abrir la sesión").click()
    expect(page.locator("main")).to_contain_text("En sesión")
    # without quorum the page says why no binding decision can be taken
    expect(page.locator("main")).to_contain_text("no puede tomar decisiones vinculantes")
    _shot(page, "session-open")
    page.get_by_role("link", name="La puerta: registrar quién está presente").click()
    _fits(page)
    recorded = 0
    for letter in "aeiou":
        page.fill("#q", letter)
        page.get_by_role("button", name="Buscar").click()
        while recorded < 18 and page.get_by_role("button", name="Presente").count():
            page.get_by_role("button", name="Presente").first.click()
            recorded += 1
            expect(page.locator("main")).to_contain_text(f"{recorded} presentes de")
        if recorded == 18:
            break
    expect(page.locator("main")).to_contain_text("Hay quórum.")
    _fits(page)
    _shot(page, "door")
    page.goto(assembly_url)
    page.get_by_role("link", name="Presentar una moción").click()
    page.fill("#id_text", "Publicar cada mes las cuentas de la bodega comunal en la cartelera.")
    page.get_by_role("button", name="Presentar la moción").click()
    page.fill("input[name=votes_for]", "15")
    page.fill("input[name=votes_against]", "2")
    page.fill("input[name=abstentions]", "1")
    page.get_by_role("button", name="Registrar la decisión").first.click()
    expect(page.locator("#decisions")).to_contain_text("Aprobada")
    _shot(page, "decided")
    page.get_by_role("link", name="Redactar el acta").click()
    page.fill("#id_text", "Se instaló la asamblea con quórum y se aprobó publicar las cuentas.")
    page.get_by_role("button", name="Guardar el acta").click()
    page.goto(assembly_url)
    page.get_by_role("link", name="Aprobar actas…").click()
    own = page.locator("#id_minutes option", has_text=TODAY).get_attribute("value")
    page.select_option("#id_minutes", value=own)
    page.fill("#id_votes_for", "16")
    page.fill("#id_votes_against", "0")
    page.fill("#id_abstentions", "2")
    page.get_by_role("button", name="Registrar la votación").click()
    expect(page.locator("main")).to_contain_text("Aprobada y sellada")
    _shot(page, "sealed")
    _fits(page)
    pdf_link = page.get_by_role("link", name="Descargar (PDF)").first.get_attribute("href")
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar (PDF)").first.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    html = page.request.get(f"{demo_server}{pdf_link.replace('.pdf', '.html')}").body()
    pk = assembly_url.rstrip("/").rsplit("/", 1)[1]
    api = page.request.get(f"{demo_server}/api/v1/bodies/cc-las-veritas/assemblies/{pk}/")
    assert api.json()["minutes_sha256"] == hashlib.sha256(html).hexdigest()
