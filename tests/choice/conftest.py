import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PABULIB = Path(os.environ.get("COMUNA_PABULIB", ROOT.parent / "shared" / "pabulib"))


@pytest.fixture(scope="session")
def pabulib_dir() -> Path:
    """The shared Pabulib corpus (read-only); tests that need it skip when it is absent."""
    if not PABULIB.is_dir():
        pytest.skip(f"Pabulib corpus not found at {PABULIB} (set COMUNA_PABULIB to its folder)")
    return PABULIB
