"""A recall's whole life in the demo, on a phone (390 px), in Spanish, without JavaScript: a
resident starts a petition to recall the comptroller unit's spokesperson (who, by her seat, is
also of the coordination collective); residents sign it in the app and the electoral commission
enters the rest from a paper sheet (a second signature of the same person and an unknown
document are not counted) until the threshold; another member of the comptroller unit files
its report; the electoral commission puts the recall on the agenda of the assembly in session
and records the hands; carried, the unit's substitute holds the seat: a page only the
comptroller unit may open (initiating a recall) now opens for her, and refuses the recalled
spokesperson at the same moment.

The walk runs on its own demo (its steps change who holds what): a setup script gives logins
to the substitute and to a second member of the unit, reads the documents of residents on the
register (the paper sheet's lines), and holds an assembly in session with quorum."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, log_in, page_width, serve_demo

pytestmark = pytest.mark.browser

COUNCIL = "/b/cc-las-veritas"

SETUP = r"""
import json
from datetime import timedelta

import django

django.setup()
from django.contrib.auth import get_user_model
from django.utils import timezone

from comuna.assemblies import attendance, convening
from comuna.assemblies.demo import at
from comuna.territory import census, services
from comuna.territory.actors import SystemActor
from comuna.territory.demo import PASSWORD
from comuna.territory.models import Body, Mandate, MandateKind, Organ, OrganKind

BY = SystemActor("browser-test")
users = get_user_model().objects
veritas = Body.objects.get(slug="cc-las-veritas")
unit = Organ.objects.get(body=veritas, kind=OrganKind.COMPTROLLER)
contralora = users.get(username="contralora").resident
target = Mandate.objects.active().get(resident=contralora, organ=unit)
in_office = Mandate.objects.active().filter(organ=unit)
substitute = in_office.filter(kind=MandateKind.SUBSTITUTE).order_by("starts_on", "pk").first()
colleague = in_office.filter(kind=MandateKind.SPOKESPERSON).exclude(pk=target.pk).first()
for username, mandate in (("suplente", substitute), ("contralor2", colleague)):
    user = users.create_user(username=username, password=PASSWORD)
    services.link_login(mandate.resident, user, by=BY)
register = census.register(veritas)
statute = veritas.current_statute()
documents = list(
    register.filter(user__isnull=True).exclude(document_id="").order_by("pk")
    .values_list("document_id", flat=True)
)
now = timezone.now()
with at(now - timedelta(days=statute.assembly_notice_days + 1)):
    assembly = convening.convene(
        veritas,
        title="Asamblea extraordinaria: la vocería de contraloría",
        starts_at=now - timedelta(minutes=30),
        place="Casa comunal Las Veritas, calle 3",
        items=[{"text": "Informe de la Unidad de Contraloría Social", "majority": "none"}],
        by=users.get(username="contralora"),
    )
commission = users.get(username="electoral")
attendance.open_session(assembly, by=commission)
present = register.filter(user__isnull=True).order_by("-pk")[: statute.quorum(register.count()) + 2]
for resident in present:
    attendance.record_presence(assembly, resident, by=commission)
print(json.dumps({
    "mandate": target.pk,
    "substitute": str(substitute.resident),
    "threshold": statute.recall_signatures(register.count()),
    "documents": documents,
    "present": len(present),
}))
"""


@pytest.fixture(scope="module")
def recall_demo(tmp_path_factory):
    """Its own `comuna demo`, set up for the walk: (address, what the setup found)."""
    server = serve_demo(tmp_path_factory)
    url, env = next(server)
    done = subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "comuna.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    yield url, json.loads(done.stdout.strip().splitlines()[-1])
    server.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        java_script_enabled=False, locale="es-VE", viewport={"width": 390, "height": 844}
    )
    yield context.new_page()
    context.close()


def _shot(page, name):
    folder = os.environ.get("COMUNA_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"recall-{name}.png"), full_page=True)


def _fits(page):
    assert page_width(page) <= 390, page.url


def _as(page, base, username):
    page.context.clear_cookies()
    log_in(page, base, username)


def test_a_recall_from_petition_to_seated_substitute(recall_demo, phone):
    base, found = recall_demo
    page = phone
    threshold = found["threshold"]
    # a resident starts the petition: she signs it first
    _as(page, base, "vecina")
    page.goto(f"{base}{COUNCIL}/recalls/")
    page.get_by_role("link", name="Iniciar una solicitud de revocatoria").click()
    page.select_option("#id_mandate", value=str(found["mandate"]))
    page.fill("#id_grounds", "No ha presentado el informe de gastos del semestre.")
    page.get_by_role("button", name="Iniciar y firmar").click()
    expect(page.locator("h1")).to_contain_text("Revocatoria de")
    expect(page.locator("main")).to_contain_text("1 firma")
    recall_url = page.url
    _fits(page)
    _shot(page, "started")
    # a second resident signs in the app
    _as(page, base, "vocero")
    page.goto(recall_url)
    page.get_by_role("button", name="Firmar esta solicitud de revocatoria").click()
    expect(page.locator("main")).to_contain_text("2 firmas")
    # the electoral commission enters the paper sheet: the rest, one twice, one unknown
    _as(page, base, "electoral")
    page.goto(recall_url)
    page.get_by_role("link", name="Cargar firmas de una planilla en papel").click()
    missing = threshold - 2
    sheet = [*found["documents"][:missing], found["documents"][0], "V-0"]
    page.fill("#id_documents", "\n".join(sheet))
    page.get_by_role("button", name="Contar estas firmas").click()
    table = page.locator("main table")
    expect(table).to_contain_text("no se cuenta de nuevo")
    expect(table).to_contain_text("Documento desconocido")
    expect(page.locator("main")).to_contain_text("Esperando el informe de la contraloría")
    _fits(page)
    _shot(page, "paper")
    # another member of the comptroller unit files the report
    _as(page, base, "contralor2")
    page.goto(recall_url)
    page.get_by_role("link", name="Presentar el informe").click()
    page.fill("#id_text", "Se constató que el informe de gastos no fue presentado.")
    page.get_by_role("button", name="Presentar el informe").click()
    expect(page.locator("main")).to_contain_text("Esperando la votación revocatoria en asamblea")
    _shot(page, "reported")
    # the recalled spokesperson still opens the comptroller unit's page; the substitute not
    initiate = f"{base}{COUNCIL}/recalls/initiate/"
    _as(page, base, "contralora")
    assert page.goto(initiate).status == 200
    _as(page, base, "suplente")
    assert page.goto(initiate).status == 403
    # the electoral commission puts it to the assembly in session and records the hands
    _as(page, base, "electoral")
    page.goto(recall_url)
    page.get_by_role("link", name="Llevarla a votación en asamblea").click()
    page.select_option("#id_assembly", index=0)
    page.get_by_role("button", name="Ponerla en el orden del día").click()
    expect(page.locator("main")).to_contain_text("Revocatoria de")
    page.get_by_role("link", name="Presentar una moción").click()
    page.fill("#id_text", "Revocar el mandato de la vocera de la Unidad de Contraloría Social.")
    page.get_by_role("button", name="Presentar la moción").click()
    present = found["present"]
    page.fill("input[name=votes_for]", str(present - 2))
    page.fill("input[name=votes_against]", "1")
    page.fill("input[name=abstentions]", "1")
    page.get_by_role("button", name="Registrar la decisión").first.click()
    expect(page.locator("#decisions")).to_contain_text("Aprobada")
    _shot(page, "decided")
    page.goto(recall_url)
    expect(page.locator("main")).to_contain_text("queda revocado")
    expect(page.locator("main")).to_contain_text(found["substitute"])
    _fits(page)
    _shot(page, "carried")
    # the same moment: the substitute holds the seat and its permissions, the recalled not
    _as(page, base, "suplente")
    assert page.goto(initiate).status == 200
    _as(page, base, "contralora")
    assert page.goto(initiate).status == 403
