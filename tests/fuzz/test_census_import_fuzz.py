"""Fuzzing the census CSV import: the only outcomes are rows ready to save or a
``CensusImportError`` listing located problems in words (never more than 100 listed).

Files are built from hostile parts: headers of known names in any language and case,
unknown and repeated names, ragged rows, quotes, NUL bytes, huge fields, and encodings that
are not UTF-8. Nothing is saved (``prepare_import`` only checks). Every crash found is kept
below as an ``@example``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comuna.territory.census import (
    HOUSEHOLD_COLUMNS,
    MAX_LISTED_ERRORS,
    REQUIRED_COLUMNS,
    RESIDENT_COLUMNS,
    CensusImportError,
    PreparedImport,
    column_names,
    prepare_import,
)
from tests.fuzz.conftest import FUZZ_EXAMPLES

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

NAMES = [n for c in [*HOUSEHOLD_COLUMNS, *RESIDENT_COLUMNS] for n in column_names(c)]
header_name = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(str.upper),
    st.sampled_from(["", "zz", "Fecha de Nacimiento", "SEXO", '"a,b"', "x\x00"]),
)
value = st.one_of(
    st.sampled_from(
        [
            "LV-1",
            "Calle 1",
            "1980-01-02",
            "02/01/1980",
            "F",
            "M",
            "sí",
            "no",
            "owned",
            "",
            "0",
            "-1",
            "9" * 30,
            "NaN",
            "1e999",
            "a\x00b",
            '"',
            '""',
        ]
    ),
    st.text(max_size=10),
    st.sampled_from(["x" * 1001, '"' + "y" * 140_000 + '"']),
)


@st.composite
def census_files(draw) -> bytes:
    header = draw(st.lists(header_name, min_size=0, max_size=25))
    if draw(st.booleans()):
        header = [*REQUIRED_COLUMNS, *header]
    sep = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(value, max_size=len(header) + 2), max_size=6))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = end.join(sep.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace") + draw(st.binary(max_size=4))


@settings(
    max_examples=max(FUZZ_EXAMPLES // 2, 10),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=census_files())
@example(data=(",".join(f"c{i}" for i in range(40_000)) + "\n").encode())
@example(data=b"household_code,address\n" + b"a,b,c\n" * 300)
def test_the_import_returns_rows_or_located_problems(cast, data):
    try:
        prepared = prepare_import(cast.council, data)
    except CensusImportError as exc:
        assert exc.errors and len(exc.errors) <= MAX_LISTED_ERRORS
        assert exc.total >= len(exc.errors)
        for e in exc.errors:
            assert e.line >= 0 and str(e)
        return
    assert isinstance(prepared, PreparedImport) and prepared.pending
