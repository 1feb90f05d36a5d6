"""The API answers every error as JSON {"detail", "errors": [{"field", "message"}]} with its
status, never an HTML page or a traceback, in the reader's language."""

import pytest


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No encontrado.", "errors": []}


@pytest.mark.django_db
def test_a_request_too_large_is_a_json_413(client, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = client.post("/api/v1/anything", data="x" * 200_000, content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == {"detail", "errors"}


def test_the_openapi_document_is_3_1_and_served_with_its_docs(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_a_bad_parameter_is_named_and_explained_in_the_readers_language(client):
    response = client.get("/api/v1/bodies/?limit=0", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "La solicitud no es válida.",
        "errors": [{"field": "limit", "message": "Escribe un número de al menos 1."}],
    }


def test_a_request_django_refuses_before_any_view_is_a_json_400(client):
    response = client.get("/api/v1/bodies/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
