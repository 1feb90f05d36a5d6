"""Public API benchmark: GETs of a poll, its ballots and a ledger page from `comuna serve` on
PostgreSQL.

Run: .venv/bin/python bench/api.py [--voters N] [--online N] [--clients C] [--seconds S]
                                   [--db NAME]

1. Drops and re-creates the database ``--db`` (default ``comuna_bench_api``) on PostgreSQL at
   127.0.0.1:5432 and sets up, with ``bench/cast.py``'s helpers and the project's services, one
   council with N residents (default 3000), and a ranked poll (instant runoff, five options)
   in which ``--online`` of them (default 300) vote online through ``services.cast`` and the
   rest on paper, entered ten ballots per polling place through ``services.enter_paper`` (one
   ledger entry each: the chain gets some hundreds of entries); then the poll is closed.
2. Starts ``comuna serve`` as production does (gunicorn, DEBUG=0), as ``bench/cast.py`` does.
3. For each endpoint in turn (the poll with its result and explanation, the first page of
   its ballots, a page of 100 ledger entries), C keep-alive clients (default 8 threads) GET it
   back to back for S seconds (default 10), anonymously, after an untimed warm-up; prints
   requests per second, p50/p95/p99 latency, errors, and the CPU the server and the
   PostgreSQL backends used per request.
   Then the web pages that publish the same (the results page, the whole ``ballots.json``
   download, the public ledger page) the same way, and the ratio of each endpoint's requests
   per second to its page's: the API against the reference of the same run.
4. Stops the server and drops the database, also on Ctrl-C and errors. Exits 1 on any error.

The clients run on the same cores as the server and PostgreSQL, so the figures are for the
whole machine (the load average and the calibration loop are printed first).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from cast import (  # bench/cast.py: the database, server and client helpers
    BENCH,
    PG,
    BackendMeter,
    Client,
    calibrate,
    clean_up,
    free_port,
    machine_busy,
    percentile,
    recreate_database,
    set_up,
    start_server,
    tree_cpu,
)

PER_PLACE = 10  # paper ballots per polling place: one ledger entry each
CANDIDATES = ["Ana", "Beto", "Carmen", "Daniel", "Elena"]


def closed_poll(n_voters: int, n_online: int) -> tuple[str, int]:
    """The council of ``set_up`` with a closed ranked poll of ``n_voters`` ballots; returns
    (body slug, poll id)."""
    import random

    from django.contrib.auth import get_user_model

    from comuna.voting import services

    council_poll, sessions = set_up(n_voters)  # its open single-choice poll stays open
    council = council_poll.body
    poll = services.create_poll(
        council,
        title="Elección del banco",
        method="ranked",
        options=[{"label": name} for name in CANDIDATES],
        by=BENCH,
    )
    services.open_poll(poll, by=BENCH)
    rng = random.Random(2026)
    weights = [1.0, 1.3, 0.8, 1.6, 1.1]

    def ranking() -> list[str]:
        order = sorted(range(5), key=lambda i: rng.random() * weights[i])
        return [str(i + 1) for i in order[: rng.randint(1, 5)]]

    users = get_user_model().objects.in_bulk([uid for uid, _ in sessions[:n_online]])
    for uid, _ in sessions[:n_online]:
        services.cast(poll, users[uid], ranking())
    paper = [ranking() for _ in range(n_voters - n_online)]
    for start in range(0, len(paper), PER_PLACE):
        place = f"Mesa {start // PER_PLACE + 1}"
        services.enter_paper(poll, place, ballots=paper[start : start + PER_PLACE], by=BENCH)
    services.close_poll(poll, by=BENCH)
    return council.slug, poll.pk


def hammer(port: int, path: str, clients: int, seconds: float) -> tuple[float, list]:
    """C clients GET ``path`` back to back for ``seconds``: (wall time, [(latency, status)])."""
    results: list[list[tuple[float, int]]] = [[] for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def run(i: int) -> None:
        client = Client(port)
        client.connect()
        start.wait()
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path, None, {})
            except (OSError, http.client.HTTPException):
                status = 0
            results[i].append((time.perf_counter() - t0, status))
        client.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, [r for rs in results for r in rs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=3000, help="ballots of the closed poll")
    parser.add_argument("--online", type=int, default=300, help="of them cast online")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per endpoint")
    parser.add_argument("--db", default="comuna_bench_api", help="database dropped and re-created")
    opts = parser.parse_args()
    if not 0 <= opts.online <= opts.voters or opts.voters < 1 or opts.clients < 1:
        parser.error("--voters and --clients must be positive, --online at most --voters")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="comuna-bench-api-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{opts.db}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "COMUNA_DATA_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "comuna.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    server = None
    failed = True
    try:
        print(
            f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
            f"on {os.cpu_count()} cores (clients, server and PostgreSQL share them)"
        )
        print(f"CPU speed: a 10-million-step Python loop takes {calibrate():.2f} s of CPU here")
        t = time.perf_counter()
        recreate_database(opts.db)
        comuna = str(Path(sys.executable).with_name("comuna"))
        subprocess.run([comuna, "migrate", "-v", "0"], env=env, check=True)
        import django

        django.setup()
        from django.db import connection

        from comuna.ledger import head

        slug, poll = closed_poll(opts.voters, opts.online)
        from comuna.territory.models import Body

        chain = Body.objects.get(slug=slug).ledger_chain
        entries = head(chain).seq
        connection.close()
        print(
            f"set-up: database {opts.db}, council {slug} with {opts.voters} residents, ranked "
            f"poll {poll} closed with {opts.voters} ballots ({opts.online} online), "
            f"{entries} ledger entries ({time.perf_counter() - t:.1f} s)"
        )
        port = free_port()
        server = start_server(env, port, workdir / "server.log")
        print(f"server: comuna serve (gunicorn, DEBUG=0) pid {server.pid} on port {port}")

        api = f"/api/v1/bodies/{slug}"
        middle = max(0, entries // 2 - 50)
        web = f"/b/{slug}"
        endpoints = [
            ("poll (result, explanation)", f"{api}/polls/{poll}/"),
            ("ballots (first 1000)", f"{api}/polls/{poll}/ballots"),
            ("ledger (100 entries)", f"{api}/ledger/?after={middle}&limit=100"),
        ]
        # the reference: the web pages that publish the same (the results page, the whole
        # ballots.json download, a page of the public ledger), in the same run
        pages = [
            ("page: results", f"{web}/polls/{poll}/results/"),
            ("page: ballots.json (all)", f"{web}/polls/{poll}/ballots.json"),
            ("page: ledger", f"{web}/ledger/"),
        ]
        client = Client(port)
        for _, path in endpoints + pages:
            status, data = client.request("GET", path, None, {})
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}: {data[:300]!r}")
            print(f"  GET {path}: {len(data)} bytes")
        client.close()

        errors = 0
        print(f"\n{opts.clients} keep-alive clients, {opts.seconds:g} s per endpoint")
        header = "  endpoint                      req/s    p50 ms   p95 ms   p99 ms  errors"
        print(f"{header}   server ms/req  PostgreSQL ms/req  machine busy")
        rates = []
        for label, path in endpoints + pages:
            hammer(port, path, opts.clients, min(2.0, opts.seconds))  # warm-up, untimed
            meter = BackendMeter(opts.db)
            meter.start()
            cpu0, busy0 = tree_cpu(server.pid), machine_busy()
            wall, results = hammer(port, path, opts.clients, opts.seconds)
            cpu1, busy1 = tree_cpu(server.pid), machine_busy()
            db_cpu, _ = meter.stop()
            ok = sorted(r[0] for r in results if r[1] == 200)
            bad = Counter(r[1] for r in results if r[1] != 200)
            errors += sum(bad.values())
            n = max(1, len(results))
            busy = (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1])
            rates.append(len(ok) / wall)
            print(
                f"  {label:28s} {len(ok) / wall:7.1f}  "
                + "  ".join(f"{percentile(ok, p) * 1000:7.1f}" for p in (50, 95, 99))
                + f"  {sum(bad.values()):6d}   {(cpu1 - cpu0) / n * 1000:13.2f}"
                f"  {db_cpu / n * 1000:17.2f}  {busy:11.0%}" + (f"  ({dict(bad)})" if bad else "")
            )
        print("\nthe API against the web page publishing the same, requests per second:")
        for (label, _), (page, _), api_rate, page_rate in zip(
            endpoints, pages, rates[: len(endpoints)], rates[len(endpoints) :], strict=True
        ):
            print(f"  {label:28s} {api_rate / max(page_rate, 1e-9):5.2f} x  {page}")
        failed = errors > 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
    finally:
        clean_up(server, opts.db, workdir, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
