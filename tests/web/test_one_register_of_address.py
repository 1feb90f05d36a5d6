"""Spanish speaks "tú" everywhere, Django's own messages included (our catalogue overrides
Django's "usted" ones); Portuguese speaks "você"."""

import re

from django.urls import reverse

USTED = re.compile(r"\b(introduzca|su contraseña|usted|asegúrese|vuelva a|observe)\b", re.I)


def test_the_login_error_speaks_tu(cast, client):
    page = client.post(reverse("login"), {"username": "resident", "password": "x"})
    text = page.content.decode()
    assert "Introduce un nombre de usuario y una contraseña correctos" in text
    assert not USTED.search(text)


def test_the_password_reset_page_speaks_tu(db, client):
    text = client.get(reverse("password_reset")).content.decode()
    assert "¿Olvidaste tu contraseña?" in text and "Escribe" in text
    text = client.post(reverse("password_reset"), {"email": "no-es-correo"}).content.decode()
    assert "Introduce una dirección de correo electrónico válida" in text
    assert not USTED.search(text)


def test_the_password_validators_speak_tu(cast, login):
    client = login(cast.resident.user)
    page = client.post(
        reverse("password_change"),
        {"old_password": "x", "new_password1": "123", "new_password2": "123"},
    ).content.decode()
    assert "Tu contraseña no puede ser completamente numérica" in page  # the help text
    assert "La contraseña es demasiado corta" in page
    assert not USTED.search(page)


def test_portuguese_speaks_voce(cast, client):
    client.cookies["django_language"] = "pt"
    text = client.post(reverse("login"), {"username": "resident", "password": "x"}).content.decode()
    assert "Digite um nome de usuário e uma senha corretos" in text
    assert "Introduza" not in text
