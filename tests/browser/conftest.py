"""Browser tests: the demo served by `comuna demo` in a subprocess, driven by Playwright in
Debian's chromium (no browser download is possible here).

The demo is loaded once per test session (``comuna demo --no-serve`` into a template folder,
shared by the xdist workers under a file lock); each server gets its own copy of that folder,
so every walk starts from the demo as a new user gets it, without loading it again.
``tests/test_cli.py`` runs ``comuna demo`` on an empty folder itself."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """`comuna demo` on SQLite in a fresh data folder, as a new user runs it."""
    for url, _env in serve_demo(tmp_path_factory):
        yield url


def _stop(proc, sig) -> None:
    """Signal the server's whole process group (the server and anything wrapping it)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _demo_env(data_dir, **more) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(COMUNA_DATA_DIR=str(data_dir), **more)
    return env


def _demo_template(tmp_path_factory) -> Path:
    """A data folder with the demo loaded, made once per test session: the xdist workers'
    temporary folders share their parent, a single run's is its own."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    template = shared / "demo-template"
    with FileLock(str(shared / "demo-template.lock")):
        if not (template / ".loaded").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            done = subprocess.run(
                [sys.executable, "-m", "comuna", "demo", "--no-serve"],
                cwd=ROOT,
                env=_demo_env(template),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                pytest.fail(f"comuna demo --no-serve failed:\n{done.stdout}\n{done.stderr}")
            (template / ".loaded").write_text("")
    return template


def serve_demo(tmp_path_factory, *, data_dir: str | None = None, prefix: tuple = ()):
    """Run `comuna demo` until the generator is closed: yields its address and the environment
    it runs in (a test may run a script on the same data with it). ``data_dir``: serve that
    data folder (a demo already loaded) instead of a fresh one; ``prefix``: a command the
    server runs under (``("faketime", "+16 days")`` serves it sixteen days later)."""
    port = _free_port()
    if data_dir is None:  # a fresh copy of the loaded demo
        data_dir = str(tmp_path_factory.mktemp("demo") / "data")
        shutil.copytree(_demo_template(tmp_path_factory), data_dir)
    env = _demo_env(data_dir, PORT=str(port))
    # every test logs in from one address, as a handful of demo users, within a few minutes
    env.update(RATE_LIMIT_LOGIN_IP="1000/m", RATE_LIMIT_LOGIN_USERNAME="1000/m")
    log = open(tmp_path_factory.mktemp("log") / "demo.log", "w+")
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "comuna", "demo"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # its own process group: a wrapper (faketime) forks the server, and stopping the
        # wrapper alone would leave the server running
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                _stop(proc, signal.SIGKILL)
                pytest.fail(f"comuna demo did not start:\n{log.read()}")
            time.sleep(0.3)
    try:
        yield f"http://127.0.0.1:{port}", env
    finally:  # also when the generator is closed (``server.close()``): never leave it running
        _stop(proc, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: stop it the hard way
            _stop(proc, signal.SIGKILL)
            proc.wait()
    log.seek(0)
    output = log.read()
    assert "vecina" in output, "comuna demo must print the demo logins"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="es-VE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "comuna-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def page_width(page) -> int:
    """The page's scroll width, once the page a click led to has loaded (a click that starts a
    navigation returns before the new document exists)."""
    from playwright.sync_api import Error

    page.wait_for_load_state()
    for _ in range(50):
        try:
            return page.evaluate("document.documentElement.scrollWidth")
        except Error:  # the document was being replaced: read the new one
            page.wait_for_load_state()
            page.wait_for_timeout(100)
    raise AssertionError(f"{page.url} never finished loading")
