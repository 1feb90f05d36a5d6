"""The accountability pages and downloads: public when the statute says the cycle is (members
only otherwise), charts drawn as SVG with one bar per project and no inline style, a table of
the exact figures beside each chart; the expenses CSV formula-safe (text cells starting with
``=``, ``+``, ``-``, ``@`` open as text, amounts stay numbers), UTF-8 with a byte-order mark, an
attachment; the receipts' SHA-256 list matching the files on disk; the ``.pb`` of each vote."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from comuna.cycles import accountability
from comuna.cycles.files import stored_sha256
from comuna.cycles.models import Expense
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.accountability_factories import FORMULA_SUPPLIER, funded_cycle
from tests.cycles.factories import cycle_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(cast):
    return funded_cycle(cast)


def _urls(funded) -> dict[str, str]:
    slug = funded.budget.body.slug
    return {
        "body": reverse("accountability", kwargs={"slug": slug}),
        "cycle": reverse("cycle-accountability", kwargs={"slug": slug, "pk": funded.cycle.pk}),
        "csv": reverse("accountability-expenses", kwargs={"slug": slug}),
        "receipts": reverse("accountability-receipts", kwargs={"slug": slug}),
    }


def _svgs(page: str, kind: str) -> list[str]:
    return re.findall(rf'<figure class="chart {kind}".*?</figure>', page, re.S)


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["body", "cycle"])
def test_a_visitor_reads_the_page_with_one_bar_per_project_and_no_inline_style(
    client, funded, page
):
    client.cookies["django_language"] = "en"
    response = client.get(_urls(funded)[page])
    text = response.content.decode()
    assert response.status_code == 200
    (spending,) = _svgs(text, "spending")
    assert spending.count('<g class="project">') == 2
    assert spending.count('<rect class="allocation"') == 2
    assert 'viewBox="0 0 360 ' in spending
    assert "style=" not in text
    # Cancha's bar runs past its allocation's mark, in the colour of overspending
    assert re.search(r'<rect class="over" x="2000.00" y="\d+" width="300.00"', spending)
    assert "115%" in spending  # 2,300 of 2,000


def test_the_table_beside_the_chart_carries_the_exact_figures(client, funded):
    client.cookies["django_language"] = "en"
    text = client.get(_urls(funded)["cycle"]).content.decode()
    table = re.search(r'<table class="accountability-projects[^"]*".*?</table>', text, re.S).group(
        0
    )
    for figure in ("3,000.00", "1,000.00", "2,000.00", "2,300.00", "500.00", "300.00"):
        assert figure in table, figure
    assert "beyond the allocation" in table and "1 reversal subtracted" in table
    totals = re.search(r'<table class="accountability-totals".*?</table>', text, re.S).group(0)
    for figure in ("6,000.00", "5,000.00", "3,300.00", "2,200.00"):
        assert figure in totals, figure


def test_the_timeline_shows_due_done_late_and_overdue_milestones(client, funded):
    client.cookies["django_language"] = "en"
    text = client.get(_urls(funded)["cycle"]).content.decode()
    (timeline,) = _svgs(text, "timeline")
    assert timeline.count('<circle class="due"') == 4
    assert timeline.count('<circle class="done"') == 2
    assert '<g class="milestone overdue">' in timeline and '<g class="milestone late">' in timeline
    table = re.search(
        r'<table class="accountability-milestones[^"]*".*?</table>', text, re.S
    ).group(0)
    assert table.count("<tr class=") == 4
    assert "<strong>Overdue</strong>" in table and "Done late" in table


def test_each_project_links_to_its_execution_page(client, funded):
    text = client.get(_urls(funded)["cycle"]).content.decode()
    for execution in (funded.tanque, funded.cancha):
        kwargs = {"slug": "consejo-a", "pk": execution.project_id}
        try:
            url = reverse("execution", kwargs=kwargs)
        except NoReverseMatch:  # the execution part's page is not there yet
            url = reverse("project", kwargs=kwargs)
        assert f'href="{url}"' in text


def test_the_pages_link_the_downloads_and_each_counted_vote(client, funded):
    urls = _urls(funded)
    pb = reverse("budget-export", kwargs={"slug": "consejo-a", "pk": funded.budget.pk})
    body = client.get(urls["body"]).content.decode()
    assert f'href="{urls["csv"]}"' in body and f'href="{urls["receipts"]}"' in body
    assert f'href="{pb}"' in body
    cycle = client.get(urls["cycle"]).content.decode()
    assert f'href="{urls["csv"]}?cycle={funded.cycle.pk}"' in cycle
    assert f'href="{pb}"' in cycle
    assert client.get(pb).status_code == 200


def test_the_body_and_cycle_pages_link_to_the_accountability(client, funded):
    urls = _urls(funded)
    assert (
        urls["body"] in client.get(reverse("body", kwargs={"slug": "consejo-a"})).content.decode()
    )
    cycle_page = reverse("cycle", kwargs={"slug": "consejo-a", "pk": funded.cycle.pk})
    assert urls["cycle"] in client.get(cycle_page).content.decode()


def test_a_body_with_nothing_funded_says_so(client, cast):
    cycle = cycle_in(cast)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("accountability", kwargs={"slug": "consejo-b"}))
    assert body.status_code == 200 and "No money received" in body.content.decode()
    page = client.get(reverse("cycle-accountability", kwargs={"slug": "consejo-a", "pk": cycle.pk}))
    assert page.status_code == 200 and "No funded project" in page.content.decode()
    assert "<svg" not in page.content.decode().split("<main", 1)[1]


def test_a_cycle_of_another_body_is_not_found(client, cast, funded):
    url = reverse("cycle-accountability", kwargs={"slug": "consejo-b", "pk": funded.cycle.pk})
    assert client.get(url).status_code == 404
    csv_url = reverse("accountability-expenses", kwargs={"slug": "consejo-b"})
    assert client.get(f"{csv_url}?cycle={funded.cycle.pk}").status_code == 404
    assert client.get(f"{csv_url}?cycle=nonsense").status_code == 404
    assert client.get(f"{csv_url}?cycle={10**30}").status_code == 404


@pytest.mark.parametrize("page", ["body", "cycle", "csv", "receipts"])
def test_everything_is_for_members_when_the_statute_keeps_the_cycle_to_them(
    cast, client, login, funded, page
):
    statutes.amend(cast.council, {"cycle_public": False}, by=SETUP)
    url = _urls(funded)[page]
    visitor = client.get(url)
    assert visitor.status_code == 302 and "/login/" in visitor["Location"]
    assert login(cast.outsider.user).get(url).status_code == 403
    assert login(cast.resident.user).get(url).status_code == 200


# --- the expenses as CSV ----------------------------------------------------------------------


def _csv_rows(response) -> list[dict[str, str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # the byte-order mark: a spreadsheet reads UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_csv_is_an_attachment_of_every_expense_reversals_linked(client, funded):
    response = client.get(_urls(funded)["csv"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="consejo-a-expenses.csv"'
    rows = _csv_rows(response)
    assert list(rows[0]) == accountability.EXPENSE_COLUMNS
    assert len(rows) == Expense.objects.count() == 5
    reversal = next(r for r in rows if r["id"] == str(funded.reversal.pk))
    assert reversal["reverses"] == str(funded.reversed.pk)
    assert reversal["reason"] == "Se cargó dos veces."
    assert reversal["receipt_sha256"] == ""
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("3300.00")
    first = next(r for r in rows if r["id"] == str(funded.first.pk))
    assert first["receipt_sha256"] == funded.first.receipt_sha256
    assert first["project"] == "Tanque" and first["currency"] == funded.tanque.currency


def test_a_csv_cell_starting_like_a_formula_opens_as_text(client, funded):
    rows = _csv_rows(client.get(_urls(funded)["csv"]))
    first = next(r for r in rows if r["id"] == str(funded.first.pk))
    assert first["supplier"] == "'" + FORMULA_SUPPLIER  # =HYPERLINK(...) comes out as text
    assert first["supplier_tax_id"] == "'+58-J-1"
    assert "'@Deportes C.A." in [r["supplier"] for r in rows]
    wrong = next(r for r in rows if r["id"] == str(funded.reversed.pk))
    assert wrong["description"] == "'-Cemento (error de digitación)"  # accents intact
    # amounts are our own plain numbers: a reversal's stays a negative number, not text
    reversal = next(r for r in rows if r["id"] == str(funded.reversal.pk))
    assert reversal["amount"] == "-500.00"
    # nothing a spreadsheet would take for a formula is left in any cell but an amount
    for row in rows:
        for column, cell in row.items():
            if column != "amount":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)


@pytest.mark.parametrize(
    "text, cell",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ferretería", "Ferretería"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell_escapes_only_what_starts_like_a_formula(text, cell):
    assert accountability.safe_cell(text) == cell


def test_the_csv_of_one_cycle_holds_only_its_expenses(cast, client, funded):
    other = cycle_in(cast)
    url = _urls(funded)["csv"]
    response = client.get(f"{url}?cycle={funded.cycle.pk}")
    assert response["Content-Disposition"] == (
        f'attachment; filename="consejo-a-expenses-cycle-{funded.cycle.pk}.csv"'
    )
    assert len(_csv_rows(response)) == 5
    assert _csv_rows(client.get(f"{url}?cycle={other.pk}")) == []


# --- the receipts' hashes ---------------------------------------------------------------------


def test_the_receipts_list_holds_each_receipts_hash_matching_the_stored_file(client, funded):
    response = client.get(_urls(funded)["receipts"])
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="consejo-a-receipts.sha256"'
    text = response.content.decode()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments[0] == "# Consejo A (consejo-a)"
    listed = dict(
        reversed(line.split("  ", 1)) for line in text.splitlines() if not line.startswith("#")
    )
    with_receipts = Expense.objects.exclude(receipt="")
    assert len(listed) == with_receipts.count() == 4  # the reversal has no receipt of its own
    for expense in with_receipts:
        name = Path(expense.receipt.name).name
        assert listed[name] == expense.receipt_sha256 == stored_sha256(expense.receipt)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum on this machine")
def test_sha256sum_checks_the_receipts_against_the_list(client, funded, settings, tmp_path):
    listing = tmp_path / "receipts.sha256"
    listing.write_bytes(client.get(_urls(funded)["receipts"]).content)
    folder = Path(settings.MEDIA_ROOT) / "receipts"
    checked = subprocess.run(
        ["sha256sum", "-c", str(listing)], cwd=folder, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 4


# --- reading never writes ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "resident", "outsider"])
def test_no_accountability_page_writes(cast, client, persona):
    from tests.cycles.pages_accountability import urls
    from tests.web.test_reads_never_write import WRITE, _database_state, _statements

    found = urls(cast)
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    before = _database_state()
    for name, addresses in found.items():
        for url in addresses:
            with _statements() as seen:
                assert client.get(url).status_code == 200, (name, url)
            assert [sql for sql in seen if WRITE.match(sql)] == [], (name, url)
    assert _database_state() == before
