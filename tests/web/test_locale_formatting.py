"""Numbers, money and dates in the reader's language."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from comuna.territory.models import Body

NBSP = "\N{NO-BREAK SPACE}"


def _render(source: str, lang: str, **context) -> str:
    with translation.override(lang):
        return Template("{% load comuna_format l10n %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("es", f"Bs.{NBSP}1.234,50"), ("en", f"VES{NBSP}1,234.50"), ("pt", f"VES{NBSP}1.234,50")],
)
def test_money_uses_the_body_currency_and_the_language_separators(lang, expected):
    body = Body(name="Consejo", slug="c", kind="council", currency="VES")
    assert _render("{{ amount|money:body }}", lang, amount=Decimal("1234.5"), body=body) == expected


def test_money_takes_a_currency_code_and_shows_unknown_ones_by_code():
    assert _render("{{ a|money:'USD' }}", "es", a=Decimal("50000")) == f"US${NBSP}50.000,00"
    assert _render("{{ a|money:'COP' }}", "en", a=7) == f"COP{NBSP}7.00"
    assert _render("{{ a|money }}", "es", a=None) == ""


def test_a_body_has_the_site_currency_unless_it_names_one(settings):
    settings.COMUNA_CURRENCY = "USD"
    assert Body(name="x", slug="x", kind="council").currency == "USD"


def test_a_currency_that_is_not_an_iso_code_is_refused(db):
    from django.core.exceptions import ValidationError

    body = Body(name="Consejo", slug="consejo", kind="council", currency="bs")
    with pytest.raises(ValidationError) as refused:
        body.full_clean()
    assert "currency" in refused.value.message_dict


@pytest.mark.parametrize(("lang", "expected"), [("es", "12.345"), ("en", "12,345")])
def test_numbers_are_grouped_in_the_language_of_the_reader(lang, expected):
    assert _render("{{ n }}", lang, n=12345) == expected


def test_dates_are_written_in_the_language_of_the_reader():
    assert _render("{{ d|date }}", "es", d=date(2026, 11, 1)) == "1 de noviembre de 2026"
    assert _render("{{ d|date }}", "pt", d=date(2026, 11, 1)) == "1 de Novembro de 2026"


def test_numbers_written_into_addresses_and_list_values_are_not_grouped():
    from types import SimpleNamespace

    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.utils import timezone

    entry = SimpleNamespace(
        seq=1234, label="x", kind="k", recorded_at=timezone.now(), hash="h", payload="{}"
    )
    page = Paginator([entry] * 60000, 50).get_page(1001)
    body = Body(name="Consejo", slug="consejo", kind="council")
    with translation.override("es"):
        html = render_to_string("web/ledger.html", {"body": body, "page": page, "head": None})
    assert 'href="?page=1000"' in html and 'href="?page=1002"' in html
    assert '<li value="1234">' in html
    assert "Página 1.001 de 1.200" in html  # the text a person reads is grouped
