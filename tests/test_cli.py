import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def comuna(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "comuna", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_help_names_the_sub_commands():
    out = comuna("--help")
    assert out.returncode == 0
    for word in ("serve", "demo", "pb"):
        assert word in out.stdout


def test_django_management_commands_pass_through():
    out = comuna("check")
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout


def test_demo_prepares_a_fresh_database_and_prints_every_login(tmp_path):
    env = {"COMUNA_DATA_DIR": str(tmp_path)}
    env_clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-m", "comuna", "demo", "--no-serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env_clean, **env},
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "comuna.sqlite3").exists()
    for username in ("vecina", "vocero", "electoral", "contralora", "admin", "foraneo"):
        assert username in out.stdout
    again = subprocess.run(
        [sys.executable, "-m", "comuna", "demo", "--no-serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env_clean, **env},
        timeout=300,
    )
    assert again.returncode == 0 and "vecina" in again.stdout


def _explain(lang):
    env = {"LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""}
    pb = ROOT / "tests" / "choice" / "data" / "mes_raise_many.pb"
    return comuna(
        "pb", "explain", str(pb), "--rule", "mes-cost-complete", "--project", "B", env=env
    )


def test_pb_explain_speaks_the_language_lang_names():
    spanish = _explain("es_ES.UTF-8")
    assert spanish.returncode == 0, spanish.stderr
    assert spanish.stdout.startswith("B no recibió financiamiento (regla: Partes Iguales")
    assert "Sus partidarios no pudieron pagarlo" in spanish.stdout
    portuguese = _explain("pt_BR.UTF-8")
    assert portuguese.stdout.startswith("B não recebeu financiamento (regra: Partes Iguais")
    english = _explain("C.UTF-8")
    assert english.stdout.startswith("B was not funded (rule: Equal Shares with completion).")
    assert "Its supporters could not afford it" in english.stdout


def test_serve_and_demo_run_with_debug_off_unless_it_is_asked_for():
    from comuna.cli import serve_environment

    assert serve_environment({}, demo=False, host="127.0.0.1") == {"DEBUG": "0"}
    demo = serve_environment({}, demo=True, host="127.0.0.1")
    assert demo["DEBUG"] == "0" and demo["HTTPS"] == "0" and len(demo["SECRET_KEY"]) > 40
    assert demo["ALLOWED_HOSTS"] == "127.0.0.1,localhost,[::1]"
    assert serve_environment({"DEBUG": "1"}, demo=True, host="127.0.0.1") == {}
    kept = serve_environment({"SECRET_KEY": "k" * 50, "HTTPS": "1"}, demo=True, host="demo.lan")
    assert "SECRET_KEY" not in kept and "HTTPS" not in kept
    assert kept["ALLOWED_HOSTS"].endswith(",demo.lan")
