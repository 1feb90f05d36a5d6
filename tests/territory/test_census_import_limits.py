"""A census file cannot make the import slow, the page huge or the server read without end.

Each limit refuses with a message saying what and where, and changes nothing: the header's
width (``MAX_COLUMNS``), a field's length (``MAX_FIELD_CHARS``), the rows
(``CENSUS_IMPORT_MAX_ROWS``, counting bad rows too), the problems listed (the first
``MAX_LISTED_ERRORS``, then how many more), the upload's size (``UPLOAD_MAX_BYTES``, refused
from the request's declared length before its body is read).
"""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from comuna.territory.census import (
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_LISTED_ERRORS,
    CensusImportError,
)
from comuna.territory.services import import_census
from tests.conftest import SETUP
from tests.territory.test_census_import import GOOD, errors_of, snapshot

HEADER, FIRST_ROW = GOOD.decode().splitlines()[:2]


def url(body):
    return f"/b/{body.slug}/census/import/"


def post_file(client, body, data: bytes, **extra):
    return client.post(
        url(body), {"file": SimpleUploadedFile("censo.csv", data, "text/csv")}, **extra
    )


def test_a_header_of_40000_columns_is_refused_as_too_wide(cast):
    header = ",".join(f"c{i}" for i in range(40_000))
    where, errors = errors_of(cast.council, f"{header}\n{FIRST_ROW}\n".encode())
    assert where == [(1, "")]
    assert "40000 columns" in str(errors[0]) and f"at most {MAX_COLUMNS}" in str(errors[0])


def test_a_header_at_the_width_limit_lists_100_problems_and_counts_the_rest(cast):
    # every column known once, then the same unknown column again and again
    header = HEADER + "," + ",".join(["zz"] * (MAX_COLUMNS - HEADER.count(",") - 1))
    data = f"{header}\n{FIRST_ROW}\n".encode()
    assert data.split(b"\n")[0].count(b",") + 1 == MAX_COLUMNS
    with pytest.raises(CensusImportError) as info:
        import_census(cast.council, data, by=SETUP)
    exc = info.value
    unknown = MAX_COLUMNS - HEADER.count(",") - 1
    assert exc.total == unknown + 1  # each unknown column, and "zz" appearing twice
    assert len(exc.errors) == MAX_LISTED_ERRORS and exc.unlisted == exc.total - MAX_LISTED_ERRORS


def test_a_field_over_the_length_limit_is_refused_on_its_line(cast):
    long_row = FIRST_ROW.replace("docente", "d" * (MAX_FIELD_CHARS + 1))
    where, errors = errors_of(cast.council, f"{HEADER}\n{FIRST_ROW}\n{long_row}\n".encode())
    assert where == [(3, "")]
    assert f"{MAX_FIELD_CHARS + 1} characters" in str(errors[0])


def test_a_quoted_field_over_csvs_own_limit_is_a_located_error_in_words(cast):
    huge = '"' + "x" * 140_000 + '"'
    data = f"{HEADER}\n{FIRST_ROW}\n{FIRST_ROW.replace('docente', huge)}\n".encode()
    where, errors = errors_of(cast.council, data)
    assert where == [(3, "")]
    assert "cannot be read as CSV" in str(errors[0])


def test_bad_rows_count_toward_the_row_limit(cast, settings):
    settings.CENSUS_IMPORT_MAX_ROWS = 50
    data = HEADER + "\n" + "x,y\n" * 51
    where, errors = errors_of(cast.council, data.encode())
    assert where == [(52, "")]  # the header, then 51 rows
    assert "more than 50 rows" in str(errors[0])


def test_ragged_rows_of_a_5_mb_file_make_a_small_page(cast, login):
    """The issue's file: 5 MB of ragged rows made a 96 MB error page."""
    row = ",".join(["a" * 24] * 10) + "\n"  # 10 fields where the header has 13
    n = django_settings.CENSUS_IMPORT_MAX_ROWS  # every row ragged, none over the limit
    data = (HEADER + "\n" + row * n).encode()
    assert len(data) > 5_000_000
    client = login(cast.electoral.user)
    before = snapshot()
    response = post_file(client, cast.council, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert len(page) < 100_000
    assert page.count("<li>") - page.count("<li><a") == MAX_LISTED_ERRORS
    assert (response.context["total"], response.context["unlisted"]) == (n, n - 100)
    assert f"{n - MAX_LISTED_ERRORS:,}".replace(",", ".") in page  # "…y 19.900 problemas más"
    assert snapshot() == before


def test_a_file_over_the_upload_limit_is_refused_by_the_form(cast, login, settings):
    settings.UPLOAD_MAX_BYTES = len(GOOD) - 1
    client = login(cast.electoral.user)
    before = snapshot()
    response = post_file(client, cast.council, GOOD)
    assert response.status_code == 200  # the form again, with its error
    assert "MB" in response.content.decode()
    assert response.context["form"].errors["file"]
    assert snapshot() == before


def test_a_request_declaring_more_than_the_limit_is_refused_unread(cast, login, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client = login(cast.electoral.user)
    before = snapshot()
    # the body is a good file; only its declared length is too big: the refusal reads nothing
    response = post_file(client, cast.council, GOOD, CONTENT_LENGTH=str(20 * 1024 * 1024))
    assert response.status_code == 413
    page = response.content.decode()
    assert "20" in page and 'id="refusal"' in page
    assert snapshot() == before


def test_djangos_request_size_settings_agree_with_the_upload_limit():
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == django_settings.UPLOAD_MAX_BYTES
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= django_settings.UPLOAD_MAX_BYTES
    assert django_settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024  # the default


def test_sizes_are_written_with_the_readers_decimal_mark(cast, login, settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    client = login(cast.electoral.user)
    declared = str(int(10.5 * 1024 * 1024) + 128 * 1024)  # 10,6 MB, beyond the form allowance
    spanish = post_file(
        client, cast.council, GOOD, CONTENT_LENGTH=declared, HTTP_ACCEPT_LANGUAGE="es"
    )
    english = post_file(
        client, cast.council, GOOD, CONTENT_LENGTH=declared, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "10,6 MB" in spanish.content.decode() and "10 MB" in spanish.content.decode()
    assert "10.6 MB" in english.content.decode()
