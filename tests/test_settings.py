"""Production safety of the settings module, checked in fresh interpreters."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_in(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    code = f"import comuna.settings as s; print(repr(({expr})))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_with_no_configuration_it_runs_on_sqlite_in_debug():
    out = settings_in({}, "s.DEBUG, s.DATABASES['default']['ENGINE']")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(True, 'django.db.backends.sqlite3')"


def test_production_refuses_to_start_without_a_secret_key():
    out = settings_in({"DEBUG": "0"}, "s.DEBUG")
    assert out.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in out.stderr


def test_production_sets_secure_cookies_and_https():
    out = settings_in(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50},
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, 'whitenoise.middleware.WhiteNoiseMiddleware' "
        "in s.MIDDLEWARE",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(True, True, True, True, True)"


def test_database_url_switches_to_postgresql():
    out = settings_in(
        {"DATABASE_URL": "postgres://u@db.example:5433/comuna"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['PORT']",
    )
    assert out.stdout.strip() == "('comuna.postgresql', 5433)"


def test_a_bad_yes_no_value_is_named():
    out = settings_in({"DEBUG": "perhaps"}, "s.DEBUG")
    assert out.returncode != 0 and "DEBUG='perhaps'" in out.stderr


def test_passwords_are_hashed_with_argon2():
    out = settings_in({}, "s.PASSWORD_HASHERS[0]")
    assert out.stdout.strip() == "'django.contrib.auth.hashers.Argon2PasswordHasher'"


def test_spanish_is_the_default_language_with_english_and_portuguese():
    out = settings_in({}, "s.LANGUAGE_CODE, [c for c, _ in s.LANGUAGES], s.USE_TZ")
    assert out.stdout.strip() == "('es', ['es', 'en', 'pt'], True)"


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver"}


def test_production_does_not_trust_the_proxy_header_unless_told():
    out = settings_in(PRODUCTION, "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None"
    out = settings_in({**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "1"}, "s.SECURE_PROXY_SSL_HEADER")
    assert out.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_production_page_carries_a_strict_content_security_policy(tmp_path):
    # plain static storage: no collectstatic manifest is needed to render the page
    code = (
        "import django; django.setup(); from django.test import Client, override_settings; "
        "plain = {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}; "
        "from django.conf import settings; "
        "stores = {**settings.STORAGES, 'staticfiles': plain}; "
        "r = override_settings(STORAGES=stores)(lambda: Client().get('/login/', secure=True))(); "
        "print(r.status_code); print(r['Content-Security-Policy'])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}},
        **PRODUCTION,
        "DJANGO_SETTINGS_MODULE": "comuna.settings",
        "COMUNA_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    status, policy = out.stdout.strip().splitlines()
    assert status == "200"
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "script-src" not in directives


# Documents kept offline, whose bytes are sealed in the ledger: their styles travel inside them.
# They are served only as attachments (downloaded, never rendered under the site's policy).
STANDALONE = {"comuna/web/templates/web/assemblies/minutes_document.html"}


def test_no_template_has_inline_scripts_styles_or_handlers():
    pattern = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.I)
    offending = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "comuna").rglob("templates/**/*.html"))
        if str(path.relative_to(ROOT)) not in STANDALONE
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offending == []


def test_a_standalone_document_has_no_script_and_is_served_as_an_attachment(cast, client):
    """The sealed minutes carry their own styles but never a script, and the site serves them
    as a file to keep, not as a page."""
    from django.urls import reverse

    from tests.assemblies.pages_minutes import sealed

    for name in STANDALONE:
        text = (ROOT / name).read_text()
        assert not re.search(r"<script|<[a-z][^>]*\son[a-z]+=", text, re.I), name
    minutes = sealed(cast)
    url = reverse("assembly-minutes-html", kwargs={"slug": "consejo-a", "pk": minutes.assembly_id})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
