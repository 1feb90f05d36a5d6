"""Census import benchmark: how long the hostile files of issue 9 and the largest good file take.

Run: .venv/bin/python bench/census_import.py

Uses a throwaway SQLite database (migrated here) with one council. Prints seconds for:
a header of 40,000 columns (took 120 s before the header checks were made linear and capped),
5 MB of ragged rows (made a 96 MB error page), and checking ``CENSUS_IMPORT_MAX_ROWS`` good
rows (``prepare_import``: every row through the census forms; nothing saved).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.pop("DATABASE_URL", None)
os.environ["COMUNA_DATA_DIR"] = tempfile.mkdtemp(prefix="comuna-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comuna.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from comuna.territory import services  # noqa: E402
from comuna.territory.actors import SystemActor  # noqa: E402
from comuna.territory.census import CensusImportError, prepare_import  # noqa: E402
from comuna.territory.models import BodyKind  # noqa: E402


def timed(label: str, body, data: bytes) -> None:
    started = time.perf_counter()
    try:
        prepared = prepare_import(body, data)
        outcome = f"{len(prepared.pending)} rows ready"
    except CensusImportError as exc:
        outcome = f"refused: {exc.total} problem(s), {len(exc.errors)} listed"
    seconds = time.perf_counter() - started
    print(f"{label:<44} {len(data) / 1e6:6.2f} MB {seconds:8.3f} s   {outcome}")


def main() -> None:
    call_command("migrate", verbosity=0)
    council = services.create_body(
        name="Bench", slug="bench", kind=BodyKind.COUNCIL, by=SystemActor("bench")
    )
    header = "household_code,address,given_name,family_name,birth_date,sex,resident_since"
    wide = ",".join(f"c{i}" for i in range(40_000)) + "\n"
    timed("header of 40,000 columns", council, wide.encode())
    ragged = ",".join(["a" * 24] * 10) + "\n"
    n = settings.CENSUS_IMPORT_MAX_ROWS
    timed(f"{n:,} ragged rows", council, (header + "\n" + ragged * n).encode())
    good = "".join(
        f"H-{i // 4},Calle {i // 4},Ana,Pérez {i},1980-01-02,F,2000-01-01\n" for i in range(n)
    )
    timed(f"{n:,} good rows (checked, not saved)", council, (header + "\n" + good).encode())


if __name__ == "__main__":
    main()
