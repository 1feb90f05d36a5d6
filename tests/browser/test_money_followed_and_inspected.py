"""Issue 14 in the demo, on a phone (390 px), in Spanish: a resident of Las Veritas follows a
funded project from the counted budget to its expenses and opens a receipt, whose SHA-256 is
the one the page shows (without JavaScript); the comptroller unit (``contralora``) opens an
inspection, has a fake evidence file refused, files a finding with its evidence, and, with the
same data served sixteen days later, sees it flagged in red on the council's page."""

import hashlib
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width, serve_demo

pytestmark = pytest.mark.browser

VERITAS = "/b/cc-las-veritas"
FUTURE = ("faketime", "+16 days")  # past the statute's 15 days to answer a finding


def follow(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def fits(page) -> None:
    assert page_width(page) <= 390, f"{page.url} scrolls sideways at 390 px"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        locale="es-VE", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def test_a_resident_follows_a_funded_project_to_its_expenses_and_opens_a_receipt(
    demo_server, no_js_page
):
    page = no_js_page
    log_in(page, demo_server, "vecina")
    page.goto(f"{demo_server}{VERITAS}/cycles/")
    follow(page, page.get_by_role("link", name="Ciclo comunal 2026"))
    follow(page, page.get_by_role("link", name="Presupuesto del ciclo comunal 2026"))
    fits(page)
    tank = page.locator("#funded li").filter(has_text="Tanque de agua comunitario")
    follow(page, tank.locator("a[href$='/execution/']"))
    expect(page.locator("h1")).to_contain_text("Tanque de agua comunitario")
    main = page.locator("main")
    # the money against its allocation, beyond it only by the assembly's decision
    expect(main).to_contain_text("15.200,00")
    expect(main).to_contain_text("16.750,00")
    expect(main).to_contain_text("Asamblea extraordinaria: ejecución del presupuesto 2026")
    fits(page)
    expense = page.locator("ul.expenses li").filter(has_text="Ferretería El Tornillo")
    expect(expense).to_contain_text("6.950,00")
    link = expense.locator("a[href*='/execution/receipts/']")
    shown = expense.locator(".hash").inner_text()
    receipt = page.request.get(demo_server + link.get_attribute("href"))
    assert receipt.status == 200
    assert receipt.headers["content-type"] in ("image/png", "application/pdf")
    assert receipt.headers["x-content-type-options"] == "nosniff"
    digest = hashlib.sha256(receipt.body()).hexdigest()
    prefix = re.search(r"[0-9a-f]{8,}", shown).group(0)
    assert digest.startswith(prefix), (digest, shown)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_the_comptroller_files_a_finding_and_sees_it_flagged_once_overdue(
    tmp_path_factory, browser
):
    """On its own demo: the finding is filed today, due in the statute's 15 days; the same
    data served sixteen days later (``faketime``) flags it in red on the council's page."""
    if shutil.which("faketime") is None:
        pytest.fail("Debian's faketime is missing: `make browser` installs it")
    server = serve_demo(tmp_path_factory)
    url, env = next(server)
    context = browser.new_context(locale="es-VE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, url, "contralora")
        page.goto(f"{url}{VERITAS}/comptroller/")
        fits(page)
        follow(page, page.locator("main a[href$='/comptroller/inspections/new/']"))
        page.fill("input[name=title]", "Inspección del ambulatorio")
        page.fill("textarea[name=scope]", "La nevera comprada contra la nevera instalada.")
        follow(page, page.locator("main form button[type=submit]"))
        expect(page.locator("h1")).to_contain_text("Inspección del ambulatorio")
        follow(page, page.locator("main a[href$='/findings/new/']"))
        # bad input first: a file that is not a PDF nor a picture is refused, nothing filed
        page.fill("input[name=title]", "La nevera no enfría")
        page.fill("textarea[name=text]", "La nevera para vacunas marca 14 °C.")
        page.select_option("select[name=organ]", label="Comité de Salud")
        page.set_input_files(
            "input[name=evidence]",
            files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"MZ not a picture"}],
        )
        follow(page, page.locator("main form button[type=submit]"))
        expect(page.locator("main .errorlist")).to_be_visible()
        fits(page)
        page.set_input_files(
            "input[name=evidence]",
            files=[{"name": "termometro.png", "mimeType": "image/png", "buffer": PNG}],
        )
        follow(page, page.locator("main form button[type=submit]"))
        expect(page.locator("h1")).to_contain_text("La nevera no enfría")
        expect(page.locator("main a[href*='/evidence/']")).to_have_count(1)
        fits(page)
        page.goto(f"{url}{VERITAS}/")
        overdue = page.locator("section.overdue")
        expect(overdue).to_contain_text("Falta el acta de entrega de la tubería")  # the demo's
        expect(overdue).not_to_contain_text("La nevera no enfría")  # due in 15 days
    finally:
        server.close()
    later = serve_demo(tmp_path_factory, data_dir=env["COMUNA_DATA_DIR"], prefix=FUTURE)
    later_url, _env = next(later)
    try:
        log_in(page, later_url, "contralora")
        page.goto(f"{later_url}{VERITAS}/")
        overdue = page.locator("section.overdue")
        expect(overdue).to_contain_text("La nevera no enfría")
        fits(page)
        follow(page, overdue.get_by_role("link", name=re.compile("La nevera no enfría")))
        expect(page.locator("main")).to_contain_text("vencid")
    finally:
        later.close()
        context.close()
