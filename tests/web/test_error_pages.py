"""The refusal, not-found and server-error pages: the site's layout, the reader's language,
and a way back (home, the body's page when the address names one, log in when anonymous)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

NOT_FOUND = {"es": "Página no encontrada", "pt": "Página não encontrada"}
NOT_ALLOWED = {"es": "No permitido", "pt": "Não permitido"}
HOME = {"es": "Ir a la página de inicio", "pt": "Ir para a página inicial"}
BODY = {"es": "Volver a la página de la instancia", "pt": "Voltar à página da instância"}


def _layout(page: str, lang: str) -> None:
    assert f'<html lang="{lang}">' in page
    assert 'href="#content"' in page  # the skip link of every page
    assert 'href="/static/web/comuna.css"' in page


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_missing_page_has_the_layout_the_language_and_a_way_home(db, client, lang):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=lang)
    page = response.content.decode()
    assert response.status_code == 404
    _layout(page, lang)
    assert NOT_FOUND[lang] in page
    assert f'<a href="/">{HOME[lang]}</a>' in page
    assert 'href="/login/?next=/no-such-page/"' in page


def test_a_missing_page_under_a_body_links_back_to_the_body(cast, client):
    response = client.get(f"/b/{cast.council.slug}/polls/999999/results/")
    page = response.content.decode()
    assert response.status_code == 404
    assert f'<a href="/b/{cast.council.slug}/">{BODY["es"]}</a>' in page


def test_a_missing_page_lists_no_address_of_the_site(db, client):
    page = client.get("/b/").content.decode()
    assert "URLconf" not in page and "census/households" not in page


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_refusal_has_the_layout_the_language_and_ways_back(cast, login, lang):
    client = login(cast.outsider.user)
    response = client.get(f"/b/{cast.council.slug}/census/", HTTP_ACCEPT_LANGUAGE=lang)
    page = response.content.decode()
    assert response.status_code == 403
    _layout(page, lang)
    assert NOT_ALLOWED[lang] in page
    assert f'<a href="/b/{cast.council.slug}/">{BODY[lang]}</a>' in page
    assert f'<a href="/">{HOME[lang]}</a>' in page
    assert "/login/" not in page.split("<main")[1]  # logged in: no way back through logging in


def test_the_server_error_page_renders_without_a_request_context(db):
    request = RequestFactory().get("/")
    with translation.override("es"):  # what LocaleMiddleware left active
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert 'href="/static/web/comuna.css"' in page
    assert "Algo salió mal" in page and 'href="/"' in page


def test_the_favicon_is_served_where_browsers_look_for_it(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert b"<svg" in response.content


def test_every_page_links_the_icon(db, client):
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/web/favicon.svg" type="image/svg+xml">' in page
