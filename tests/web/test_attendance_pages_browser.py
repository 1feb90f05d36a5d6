"""The door on a 390 px phone with JavaScript off, in Debian's chromium: search the register,
one tap per person, back at the same search for the next one; nothing wider than the phone."""

from contextlib import contextmanager
from pathlib import Path

import pytest

from comuna.assemblies.models import Attendance
from tests.assemblies.sessions import opened
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def phone():
    """A phone's page (Playwright's loop runs only inside: Django's database calls refuse to
    run while it does, so the test reads the database before and after)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="es-VE", viewport={"width": 390, "height": 844}, java_script_enabled=False
        )
        yield context.new_page()
        context.close()
        browser.close()


def test_the_door_records_two_people_with_one_tap_each_on_a_phone_without_javascript(
    live_server, cast, monkeypatch
):
    # an event loop left by an earlier browser test of the same worker makes Django refuse
    # database calls from this (synchronous, single-threaded) test: allow them
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assembly = opened(cast)
    door = f"{live_server.url}/b/{cast.council.slug}/assemblies/{assembly.pk}/door/"
    with phone() as page:
        _walk(page, live_server.url, door)
    assert Attendance.objects.filter(assembly=assembly).count() == 2


def _walk(page, base, door):
    page.goto(f"{base}/login/")
    page.fill("#id_username", "electoral")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(door)
    for name in ("residente", "vocera"):
        page.fill("#q", name)
        with page.expect_navigation():
            page.press("#q", "Enter")
        with page.expect_navigation():
            page.click("ul.door button[type=submit]")
        assert page.url.endswith(f"/door/?q={name}")
        assert "está presente" in page.inner_text(".messages")
        assert "Presente desde" in page.inner_text("ul.door")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
