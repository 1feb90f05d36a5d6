"""Casting benchmark: ballots POSTed to the real web server on PostgreSQL.

Run: .venv/bin/python bench/cast.py [--voters N] [--clients C] [--rate R] [--pairs N]
                                    [--db NAME]

1. Drops and re-creates the database ``--db`` (default ``comuna_bench``) on PostgreSQL at
   127.0.0.1:5432 (user postgres, trust auth), migrates it with ``comuna migrate``, and sets up
   through the project's own models and services one council, N voters (default 2000) plus the
   voters of the double-submit phase and of the warm-up, each a Resident with a User (unusable
   password, bulk-created), a logged-in session per user written with Django's SessionStore
   (no password hashing), and an open single-choice poll (``create_poll`` then ``open_poll``).
2. Starts ``comuna serve`` as production does (DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, gunicorn)
   on a free port, with SECURE_SSL_REDIRECT=0 so plain http can be used on the loopback. The
   session and CSRF cookies are sent in the Cookie header (the server does not check the Secure
   flag of incoming cookies); the CSRF cookie is a secret generated here and the form sends the
   same 32-character secret as ``csrfmiddlewaretoken``, which Django accepts unmasked.
3. Times C concurrent clients (default 16 threads, one keep-alive http.client connection
   each), each POSTing ballots for its share of the N voters back to back (or, with ``--rate``,
   on a fixed schedule of R ballots per second, latency counted from when each was due), and
   prints ballots per second, p50/p95/p99/max latency, errors, and the CPU seconds the server,
   the PostgreSQL backends of the bench database and the clients used meanwhile. Then the double-submit phase: for each of
   ``--pairs`` voters (default 200) who have not voted, two threads send the same ballot at
   the same moment; the database must then hold exactly one ballot per voter who voted, and
   closing the poll through ``services.close_poll`` must count exactly that many ballots.
4. Stops the server and drops the database, also on Ctrl-C, SIGTERM and errors. Exits 1 when
   a ballot failed or the exactly-once check did not hold.

Target (MISSION.md): hundreds of ballots per second on 2 cores with p99 under 100 ms, and
exactly one counted ballot per voter under concurrent double-submits. The clients run on the
same 2 cores as the server and PostgreSQL, so the figures are for the whole machine; the load
average and a fixed Python loop's CPU time are printed first, because other work on a shared
machine changes them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from comuna.territory.actors import SystemActor  # noqa: E402 (Django-free)

BENCH = SystemActor("bench")  # the actor of the bench's own set-up and closing

PG = "postgres://postgres@127.0.0.1:5432"
WARM = 24  # extra voters whose ballots warm the server up, untimed
PROBE = 3  # extra voters whose ballots are cast in this process to count SQL statements
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- database ------------------------------------------------------------------------------


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def recreate_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- set-up through the project's own code -------------------------------------------------


def set_up(n_users: int):
    """One council, ``n_users`` residents with users and sessions, an open single-choice poll.
    Returns (poll, [(user_id, session_key)])."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from comuna.territory.models import BodyKind, Household, Resident
    from comuna.territory.services import create_body
    from comuna.voting import services

    User = get_user_model()
    # The bench's census is bulk-inserted (a benchmark's data, not a census anyone audits).
    council = create_body(name="Consejo Banco", slug="banco", kind=BodyKind.COUNCIL, by=BENCH)
    users = User.objects.bulk_create(
        (User(username=f"votante{i}", password=make_password(None)) for i in range(n_users)),
        batch_size=1000,
    )
    households = Household.objects.bulk_create(
        Household(body=council, code=f"H-{h}", address=f"Calle {h}")
        for h in range((n_users + 3) // 4)
    )
    Resident.objects.bulk_create(
        (
            Resident(
                household=households[i // 4],
                body=council,
                user=u,
                given_name=f"V{i}",
                family_name="Banco",
                birth_date=date(1980, 1, 1),
                sex="X",
                resident_since=date(2010, 1, 1),
            )
            for i, u in enumerate(users)
        ),
        batch_size=1000,
    )
    poll = services.create_poll(
        council,
        title="Banco de votación",
        method="single",
        options=[{"label": "Sí"}, {"label": "No"}],
        by=BENCH,
    )
    eligible = services.open_poll(poll, by=BENCH)
    assert eligible == n_users, (eligible, n_users)

    backend = "django.contrib.auth.backends.ModelBackend"
    expire = timezone.now() + timedelta(days=1)
    store = SessionStore()
    sessions, out = [], []
    for u in users:
        key = get_random_string(32, VALID_KEY_CHARS)
        data = {
            SESSION_KEY: u._meta.pk.value_to_string(u),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: u.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expire)
        )
        out.append((u.pk, key))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return poll, out


# --- server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and of its live descendants (a server may fork workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(cpu_seconds(p) for p in tree)


def backend_cpu(db: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to ``db`` (by process title)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {db} " in title:
            out[int(entry.name)] = cpu_seconds(int(entry.name))
    return out


class BackendMeter:
    """CPU seconds used by the PostgreSQL backends of ``db`` between start() and stop(),
    polled twice a second so that backends which end meanwhile (Django closes a connection
    older than CONN_MAX_AGE) still count."""

    def __init__(self, db: str):
        self.db = db
        self.base: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self.done.wait(0.5):
            self.last.update(backend_cpu(self.db))

    def start(self) -> None:
        self.base = backend_cpu(self.db)
        self.last = dict(self.base)
        self.thread.start()

    def stop(self) -> tuple[float, int]:
        self.done.set()
        self.thread.join()
        self.last.update(backend_cpu(self.db))
        return sum(v - self.base.get(pid, 0.0) for pid, v in self.last.items()), len(self.last)


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    comuna = Path(sys.executable).with_name("comuna")
    proc = subprocess.Popen(
        [str(comuna), "serve", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches the bench only; the bench stops the server
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"comuna serve exited with {proc.returncode}:\n{log.read_text()}")
        if "Comuna serving" in log.read_text(errors="replace"):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return proc
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError(f"comuna serve did not start in 180 s:\n{log.read_text()}")


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    # the server leads its own process group (start_new_session): stop it with any workers
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break  # the group is gone
        try:
            proc.wait(10)
            time.sleep(0.2)  # let forked workers go too
        except subprocess.TimeoutExpired:
            continue


# --- clients -------------------------------------------------------------------------------


class Client:
    """One keep-alive connection; reconnects after a connection error."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self.close()
                return resp.status, data
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def connect(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.conn.connect()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def vote_request(session_key: str, choice: str) -> tuple[bytes, dict]:
    token = secrets.token_hex(16)  # 32 characters from [0-9a-f], a valid CSRF secret
    body = urlencode({"csrfmiddlewaretoken": token, "choice": choice}).encode()
    headers = {
        "Cookie": f"sessionid={session_key}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return body, headers


def cast_one(client: Client, path: str, session_key: str, choice: str) -> tuple[float, int, str]:
    """POST one ballot: (seconds, status, receipt code or "")."""
    body, headers = vote_request(session_key, choice)
    t0 = time.perf_counter()
    try:
        status, data = client.request("POST", path, body, headers)
    except (OSError, http.client.HTTPException):
        return time.perf_counter() - t0, 0, ""
    elapsed = time.perf_counter() - t0
    code = ""
    if status == 200:
        m = re.search(rb'id="receipt-code"><strong>([0-9A-Z-]+)</strong>', data)
        code = m.group(1).decode() if m else ""
    return elapsed, status, code


def count_statements(path: str, voters: list[tuple[int, str]]) -> tuple[str, int]:
    """Cast the ballots of ``voters`` through Django's test client in this process (the same
    settings, database, middleware and view as the server, CSRF enforced), counting the SQL
    statements of each request: (the counts, as text, and the receipts given)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    counts, receipts = [], 0
    for _, key in voters:
        body, headers = vote_request(key, "1")
        client.cookies.load(headers["Cookie"])
        with CaptureQueriesContext(connection) as statements:
            response = client.post(path, body, content_type=headers["Content-Type"])
        if response.status_code != 200 or b'id="receipt-code"' not in response.content:
            raise RuntimeError(f"an in-process ballot answered {response.status_code}")
        receipts += 1
        counts.append(len(statements))
    connection.close()
    return ", ".join(map(str, counts)), receipts


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


def timed_phase(
    port: int, path: str, voters: list[tuple[int, str]], clients: int, rate: float = 0.0
):
    """Each client casts its share back to back, or, with ``rate``, the clients together send
    ``rate`` ballots per second on a fixed schedule, and a latency counts from the moment its
    request was due (so a server that falls behind is not excused by the clients waiting)."""
    results: list[list[tuple[float, int, str]]] = [[] for _ in range(clients)]
    t0 = [0.0]
    # the clock starts when the last thread reaches the barrier, before any is released
    start = threading.Barrier(clients + 1, action=lambda: t0.__setitem__(0, time.perf_counter()))

    def run(i: int) -> None:
        client = Client(port)
        share = voters[i::clients]
        client.connect()  # before the clock starts, as a browser's connection is already open
        start.wait()
        for n, (_, key) in enumerate(share):
            choice = "1" if (i + n) % 3 else "2"
            if rate:
                due = t0[0] + (n * clients + i + 1) / rate
                time.sleep(max(0.0, due - time.perf_counter()))
                late = time.perf_counter() - due
                elapsed, status, code = cast_one(client, path, key, choice)
                results[i].append((elapsed + late, status, code))
            else:
                results[i].append(cast_one(client, path, key, choice))
        client.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join()
    return time.perf_counter() - t0[0], [r for rs in results for r in rs]


def double_phase(port: int, path: str, voters: list[tuple[int, str]], pairs_at_once: int):
    """Two threads per voter, released together by a barrier: the same ballot twice at once."""
    outcomes: dict[int, list[tuple[float, int, str]]] = {uid: [] for uid, _ in voters}
    spans: dict[int, list[tuple[float, float]]] = {uid: [] for uid, _ in voters}
    lock = threading.Lock()

    def run(pair: int, side: int, barrier: threading.Barrier) -> None:
        client = Client(port)
        client.connect()
        for uid, key in voters[pair::pairs_at_once]:
            barrier.wait()
            began = time.perf_counter()
            outcome = cast_one(client, path, key, "2")
            with lock:
                outcomes[uid].append(outcome)
                spans[uid].append((began, time.perf_counter()))
        client.close()

    threads = []
    for pair in range(pairs_at_once):
        barrier = threading.Barrier(2)
        for side in (0, 1):
            threads.append(threading.Thread(target=run, args=(pair, side, barrier), daemon=True))
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    overlapped = sum(
        1 for (a, b) in spans.values() if max(a[0], b[0]) < min(a[1], b[1])
    )  # both requests of the voter were in flight at the same time
    return time.perf_counter() - t0, outcomes, overlapped


def report_latencies(label: str, wall: float, results: list[tuple[float, int, str]]) -> int:
    ok = sorted(r[0] for r in results if r[1] == 200 and r[2])
    errors = Counter(r[1] for r in results if not (r[1] == 200 and r[2]))
    print(f"{label}: {len(results)} POSTs in {wall:.2f} s")
    print(f"  ballots per second   {len(ok) / wall:8.1f}")
    for name, p in (("p50", 50), ("p95", 95), ("p99", 99)):
        print(f"  {name} latency (ms)   {percentile(ok, p) * 1000:8.1f}")
    if ok:
        print(f"  max latency (ms)   {ok[-1] * 1000:8.1f}   mean {sum(ok) / len(ok) * 1000:.1f}")
    status_text = ", ".join(f"{n}× status {s or 'connection error'}" for s, n in errors.items())
    print(f"  errors               {sum(errors.values()):8d}   {status_text}")
    return sum(errors.values())


def calibrate() -> float:
    """CPU seconds of a fixed pure-Python loop, to compare runs and machines (about 0.4 s on
    an idle 3 GHz core; more when the machine's other work shares the core)."""
    t = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - t


# --- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=2000, help="voters in the timed phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="offered ballots per second, on a fixed schedule (default: as fast as answered)",
    )
    parser.add_argument("--pairs", type=int, default=200, help="voters who double-submit")
    parser.add_argument("--db", default="comuna_bench", help="database dropped and re-created")
    opts = parser.parse_args()
    if opts.voters < 1 or opts.clients < 1 or opts.pairs < 0:
        parser.error("--voters and --clients must be positive, --pairs not negative")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)

    workdir = Path(tempfile.mkdtemp(prefix="comuna-bench-cast-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{opts.db}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # every client is 127.0.0.1: the address's rate limit still counts each ballot (its
        # cost is measured) but never refuses one
        "RATE_LIMIT_CAST_IP": os.environ.get("RATE_LIMIT_CAST_IP", "1000000/m"),
        "COMUNA_DATA_DIR": str(workdir),  # collectstatic writes here, not into var/
        "DJANGO_SETTINGS_MODULE": "comuna.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)  # the same settings (and SECRET_KEY, which signs sessions) here
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
        subprocess.run(
            [str(Path(sys.executable).with_name("comuna")), "migrate", "-v", "0"],
            env=env,
            check=True,
        )
        import django

        django.setup()
        from django.db import connection

        from comuna.voting import services
        from comuna.voting.models import Ballot, Poll, Voter

        n_users = PROBE + WARM + opts.voters + opts.pairs
        poll, voters = set_up(n_users)
        connection.close()
        path = f"/b/{poll.body.slug}/polls/{poll.pk}/vote/"
        print(
            f"set-up: database {opts.db}, {n_users} residents with users and sessions, "
            f"open poll {poll.pk} ({time.perf_counter() - t:.1f} s)"
        )

        port = free_port()
        t = time.perf_counter()
        log = workdir / "server.log"
        server = start_server(env, port, log)
        print(
            f"server: comuna serve (gunicorn, DEBUG=0) pid {server.pid} on port {port} "
            f"({time.perf_counter() - t:.1f} s to start)"
        )

        probe, voters = voters[:PROBE], voters[PROBE:]
        warm, timed, double = (
            voters[:WARM],
            voters[WARM : WARM + opts.voters],
            voters[WARM + opts.voters :],
        )
        statements, probe_receipts = count_statements(path, probe)
        print(
            f"statements per cast request: {statements} (the same view and settings run in "
            f"this process with Django's query log; a kept "
            f"connection is checked by looking at its socket, with no statement)"
        )
        # warm-up, untimed: one page view and a few ballots through every server thread
        client = Client(port)
        status, page = client.request(
            "GET",
            f"/b/{poll.body.slug}/polls/{poll.pk}/",
            None,
            {"Cookie": f"sessionid={warm[0][1]}"},
        )
        if status != 200 or b'name="choice"' not in page:
            raise RuntimeError(f"the poll page answered {status} without a ballot form")
        client.close()
        _, warm_results = timed_phase(port, path, warm, min(8, len(warm)))
        bad = [r for r in warm_results if r[1] != 200 or not r[2]]
        if bad:
            raise RuntimeError(
                f"warm-up ballots failed: {Counter(r[1] for r in bad)}; "
                f"server log:\n{(workdir / 'server.log').read_text()[-3000:]}"
            )

        meter = BackendMeter(opts.db)
        meter.start()
        cpu0, busy0, mine0 = tree_cpu(server.pid), machine_busy(), time.process_time()
        wall, results = timed_phase(port, path, timed, opts.clients, opts.rate)
        cpu1, busy1, mine1 = tree_cpu(server.pid), machine_busy(), time.process_time()
        db_cpu, n_backends = meter.stop()
        print()
        offered = f", {opts.rate:g} offered per second" if opts.rate else ""
        errors = report_latencies(f"cast ({opts.clients} clients{offered})", wall, results)
        machine = (busy1[0] - busy0[0]) / CLK_TCK
        print(
            f"  server CPU (s)       {cpu1 - cpu0:8.2f}   "
            f"{(cpu1 - cpu0) / max(1, len(results)) * 1000:.2f} ms per ballot"
        )
        print(
            f"  PostgreSQL CPU (s)   {db_cpu:8.2f}   "
            f"{db_cpu / max(1, len(results)) * 1000:.2f} ms per ballot ({n_backends} backends)"
        )
        print(f"  clients' CPU (s)     {mine1 - mine0:8.2f}   (this process)")
        depths = [int(d) for d in re.findall(r"Task queue depth is (\d+)", log.read_text())]
        if depths:
            print(
                f"  server queue         {max(depths):8d}   requests at most waiting for a "
                f"server thread ({len(depths)} warnings in its log)"
            )
        print(
            f"  whole machine (s)    {machine:8.2f}   busy of {wall * (os.cpu_count() or 1):.2f} "
            f"core-seconds (includes the clients and any other work on the machine)"
        )

        pairs_at_once = max(1, opts.clients // 2)
        dwall, outcomes, overlapped = double_phase(port, path, double, pairs_at_once)
        print()
        print(
            f"double submit: {len(double)} voters, each POSTed twice at once "
            f"({pairs_at_once} pairs at a time, {dwall:.2f} s); the two requests overlapped "
            f"in time for {overlapped} of them"
        )
        kinds = Counter(
            tuple(sorted("receipt" if s == 200 and c else str(s) for _, s, c in pair))
            for pair in outcomes.values()
        )
        for kind, n in sorted(kinds.items()):
            print(f"  {n:5d} voters answered {' + '.join(kind)}")
        receipts = sum(1 for pair in outcomes.values() for _, s, c in pair if s == 200 and c)

        acknowledged = (
            receipts
            + probe_receipts
            + sum(1 for r in results + warm_results if r[1] == 200 and r[2])
        )
        poll = Poll.objects.get(pk=poll.pk)
        voted = Voter.objects.filter(poll=poll, has_voted=True).count()
        double_ids = list(outcomes)
        double_voted = Voter.objects.filter(
            poll=poll, user_id__in=double_ids, has_voted=True
        ).count()
        result = services.close_poll(poll, by=BENCH)
        # counted after closing: a ballot box is emptied into the counted ballots by then
        ballots = Ballot.objects.filter(poll=poll).count()
        counted = result["ballots"]
        print(
            f"  receipts given: {acknowledged}; ballots stored: {ballots}; voters marked as "
            f"voted: {voted} ({double_voted} of the {len(double)} double-submitters); "
            f"counted on closing: {counted} (tally {result['tally']})"
        )
        once = (
            ballots == voted == counted == acknowledged
            and double_voted == len(double)
            and all(sum(1 for _, s, c in pair if s == 200 and c) == 1 for pair in outcomes.values())
        )
        print(f"  exactly one counted ballot per voter: {'yes' if once else 'NO'}")
        failed = errors > 0 or not once
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
    finally:
        clean_up(server, opts.db, workdir, failed)
    return 1 if failed else 0


def clean_up(server, db: str, workdir: Path, failed: bool) -> None:
    """Stop the server, drop the bench database, show the server's log if the run failed,
    and remove the working folder (the end of every bench run, also on Ctrl-C and errors)."""
    stop_server(server)
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 - Django may not be set up yet
        pass
    drop_database(db)
    log = workdir / "server.log"
    if failed and log.exists() and log.stat().st_size:
        print(f"server log (last lines):\n{log.read_text(errors='replace')[-2000:]}")
    for p in sorted(workdir.rglob("*"), reverse=True):
        p.unlink() if p.is_file() or p.is_symlink() else p.rmdir()
    workdir.rmdir()


if __name__ == "__main__":
    sys.exit(main())
