"""Pabulib import benchmark: the largest approval files imported AND counted in the app
(``comuna cycle import-pb``'s code: ``comuna.cycles.pbfiles.import_file``), against
``comuna pb run`` on the same file with the same rule (the engine alone, no database).

Run: .venv/bin/python bench/import_pb.py [FILE.pb ...] [--rule RULE] [--database-url URL]

Without ``--database-url`` it uses a throwaway SQLite database (migrated here); with one (an
empty PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/comuna_bench) it migrates
that. Prints, per file, seconds to parse, write, count (and record), the total, ``pb run``'s
wall time, and the ratio of the two. The issue asks for under 60 s end to end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "pabulib"
LARGEST = ["Poland_Wroclaw_2020.pb", "Poland_Lodz_2020.pb", "Poland_Wroclaw_2021.pb"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", metavar="FILE.pb")
    parser.add_argument("--rule", default="mes-cost-complete")
    parser.add_argument("--database-url", default=None)
    opts = parser.parse_args()
    files = [Path(f) for f in opts.files] or [CORPUS / n for n in LARGEST]
    files = [f for f in files if f.exists()]
    if not files:
        print(f"no file to import (looked in {CORPUS})", file=sys.stderr)
        return 1

    sys.path.insert(0, str(ROOT))
    os.environ["COMUNA_DATA_DIR"] = tempfile.mkdtemp(prefix="comuna-bench-")
    if opts.database_url:
        os.environ["DATABASE_URL"] = opts.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comuna.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from comuna.cycles.pbfiles import import_file
    from comuna.territory import services
    from comuna.territory.actors import SystemActor
    from comuna.territory.models import Body, BodyKind

    call_command("migrate", verbosity=0)
    slug = f"bench-{int(time.time())}"
    if not Body.objects.filter(slug=slug).exists():
        services.create_body(
            name="Bench", slug=slug, kind=BodyKind.COUNCIL, by=SystemActor("bench")
        )
    print(f"database: {connection.vendor}; rule {opts.rule}")
    print(
        f"{'file':<34} {'voters':>7} {'parse':>7} {'write':>7} {'count':>7} {'compare':>7}"
        f" {'total':>7}"
        f" {'pb run':>7} {'ratio':>6}  same outcome"
    )
    for path in files:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        budget = import_file(path, body=slug, rule=opts.rule, timings=timings)
        total = time.perf_counter() - started
        poll = budget.districts.get().poll
        started = time.perf_counter()
        run = subprocess.run(
            [str(ROOT / ".venv/bin/comuna"), "pb", "run", str(path), "--rule", opts.rule],
            capture_output=True,
            text=True,
            check=True,
        )
        engine = time.perf_counter() - started
        same = run.stdout.split() == poll.result["winners"]
        print(
            f"{path.name:<34} {poll.result['ballots']:>7} {timings['parse']:>7.2f}"
            f" {timings['write']:>7.2f} {timings['count']:>7.2f} {timings['compare']:>7.2f}"
            f" {total:>7.2f} {engine:>7.2f}"
            f" {total / engine:>6.2f}  {'yes' if same else 'NO'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
