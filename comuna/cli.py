"""The ``comuna`` command.

``comuna serve`` and ``comuna demo`` start the web app, ``comuna pb ...`` counts Pabulib files
with the counting engine (no database needed), ``comuna cycle import-pb FILE.pb --body SLUG
[--rule RULE]`` imports a Pabulib file as a counted budget of a body (it prints the budget's id;
a refused file is reported on stderr as ``file:line: field: message``, exit status 1, nothing
created), and every other word is a Django management
command (``comuna migrate``, ``comuna createsuperuser``, ``comuna load_demo`` ...).
"""

from __future__ import annotations

import io
import os
import secrets
import sys
from collections.abc import Mapping


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "pb":
        from comuna.choice.cli import main as pb_main

        # only `explain` speaks sentences: the others need no Django
        return pb_main(argv[1:], words=_words() if argv[1:2] == ["explain"] else None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comuna.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        print(
            "\nusage: comuna serve [--port N] | comuna demo [--port N] | comuna pb ... | "
            "comuna <django command>"
        )
        return 0
    if argv[0] in {"serve", "demo"}:
        return _serve(demo=argv[0] == "demo", args=argv[1:])
    if argv[0] == "cycle":
        return _cycle(argv[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comuna", *argv])
    return 0


def _cycle(args: list[str]) -> int:
    """``comuna cycle import-pb FILE.pb --body SLUG [--rule RULE]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="comuna cycle", description="The communal cycle.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    p = sub.add_parser("import-pb", help="import a Pabulib .pb file as a counted budget")
    p.add_argument("file", metavar="FILE.pb")
    p.add_argument("--body", required=True, metavar="SLUG", help="the body it belongs to")
    p.add_argument(
        "--rule", default=None, help="a counting rule (default: the file's, or mes-cost-complete)"
    )
    options = parser.parse_args(args)
    import django

    django.setup()
    from comuna.choice.pb.instance import PBError
    from comuna.cycles.errors import CycleError
    from comuna.cycles.pbfiles import import_file

    try:
        budget = import_file(options.file, body=options.body, rule=options.rule)
    except (PBError, CycleError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(budget.pk)
    return 0


def _language() -> str | None:
    """The language of the environment's locale, if Comuna speaks it other than English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value[:2].lower()
            return code if code in {"es", "pt"} else None
    return None


def _words():
    """The Django catalogue of the locale's language for ``comuna pb explain``, or None
    (the engine's English). Django starts only when needed: no database is touched."""
    language = _language()
    if language is None:
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comuna.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(language)
    from comuna.voting.explain import Reader

    return Reader()


def _serve(*, demo: bool, args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=f"comuna {'demo' if demo else 'serve'}")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--no-serve", action="store_true", help="prepare only, do not serve")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1))),
        help="worker processes in production mode (default: two per core)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "2")),
        help="threads per worker process in production mode",
    )
    opts = parser.parse_args(args)
    os.environ.update(serve_environment(os.environ, demo=demo, host=opts.host))

    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    if demo:
        call_command("load_demo")
    call_command("ledger", "keys", stdout=io.StringIO())  # bodies made before keys existed
    if opts.no_serve:
        return 0
    _start_scheduler()
    if settings.DEBUG:
        call_command("runserver", f"{opts.host}:{opts.port}", use_reloader=False)
        return 0
    call_command("collectstatic", interactive=False, verbosity=0)
    # the workers are forked from this process: none may inherit its database connection
    connections.close_all()
    _gunicorn(opts.host, opts.port, opts.workers, opts.threads)
    return 0


def serve_environment(env: Mapping[str, str], *, demo: bool, host: str) -> dict[str, str]:
    """The settings `comuna serve` and `comuna demo` add to ``env`` before Django starts.

    Both serve with DEBUG off unless ``DEBUG=1`` is asked for, so no visitor ever sees Django's
    debug pages (a 404 that lists every address). The demo runs on this machine over plain
    HTTP: no HTTPS redirect or secure cookies, the loopback host names, and a fresh secret key
    per run when none is given (its logins are printed anyway).
    """
    added = {}
    if env.get("DEBUG", "") == "":
        added["DEBUG"] = "0"
        if demo:
            hosts = ["127.0.0.1", "localhost", "[::1]"]
            added["HTTPS"] = env.get("HTTPS") or "0"
            added["ALLOWED_HOSTS"] = env.get("ALLOWED_HOSTS") or ",".join(
                hosts + ([host] if host not in hosts else [])
            )
            added["SECRET_KEY"] = env.get("SECRET_KEY") or secrets.token_urlsafe(50)
    return {k: v for k, v in added.items() if env.get(k) != v}


def _start_scheduler(every: float = 60.0) -> None:
    """Run ``comuna polls tick`` every minute in a background thread of the serving process
    (gunicorn's master: the workers it forks do not inherit the thread)."""
    import logging
    import threading

    from django.db import connection

    from comuna.voting.services import run_schedule

    log = logging.getLogger("comuna.scheduler")

    def loop() -> None:
        while True:
            try:
                tick = run_schedule()
                for poll, reason in tick.refused:
                    log.warning("poll %s was left as it is: %s", poll.pk, reason)
            except Exception:  # keep ticking; the next minute may succeed
                log.exception("the poll scheduler failed")
            finally:
                connection.close()
            stop.wait(every)

    stop = threading.Event()
    threading.Thread(target=loop, name="comuna-scheduler", daemon=True).start()


def _gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Serve with gunicorn: two processes per core, each with two threads, so that ballots are
    cast on every core (a single Python process uses one). Fewer threads per process wait less
    for Python's lock, and more processes share the kept-alive connections more evenly: on two
    cores, 4 x 2 cast about a fifth more ballots per second than 2 x 4, with a lower p99."""
    from gunicorn.app.base import BaseApplication

    from comuna.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)

        def load(self):
            return application

    print(f"Comuna serving at http://{host}:{port}/ with {workers} worker processes")
    Server().run()


if __name__ == "__main__":
    sys.exit(main())
