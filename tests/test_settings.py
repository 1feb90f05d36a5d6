"""Production safety of the settings module, checked in fresh interpreters."""

import os
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
    assert out.stdout.strip() == "('django.db.backends.postgresql', 5433)"


def test_a_bad_yes_no_value_is_named():
    out = settings_in({"DEBUG": "perhaps"}, "s.DEBUG")
    assert out.returncode != 0 and "DEBUG='perhaps'" in out.stderr


def test_passwords_are_hashed_with_argon2():
    out = settings_in({}, "s.PASSWORD_HASHERS[0]")
    assert out.stdout.strip() == "'django.contrib.auth.hashers.Argon2PasswordHasher'"


def test_spanish_is_the_default_language_with_english_and_portuguese():
    out = settings_in({}, "s.LANGUAGE_CODE, [c for c, _ in s.LANGUAGES], s.USE_TZ")
    assert out.stdout.strip() == "('es', ['es', 'en', 'pt'], True)"
