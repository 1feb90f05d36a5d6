"""The counting engine's shape: modules of one job, none too long, and no Django in it."""

import ast
from pathlib import Path

CHOICE = Path(__file__).resolve().parents[2] / "comuna" / "choice"
MAX_LINES = 600


def modules() -> list[Path]:
    return sorted(CHOICE.rglob("*.py"))


def test_no_module_of_the_engine_is_over_600_lines():
    long = {
        str(p.relative_to(CHOICE)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def test_the_engine_imports_nothing_of_django_or_the_rest_of_comuna():
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith("django"), (path, name)
                if name.startswith("comuna."):
                    assert name.startswith("comuna.choice"), (path, name)
