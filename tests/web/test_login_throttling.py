"""django-axes: after the failure limit for one username from one address, that login is locked
for the cool-off time, even with the right password; a success starts the count afresh."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("throttled")


def attempt(client, password, username="resident"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_sixth_attempt_with_the_right_password_is_refused_after_five_failures(cast, client):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    assert attempt(client, "wrong").status_code == 429  # the 5th failure locks
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Demasiados intentos" in page and "15 minutos" in page
    assert '<header class="top">' in page  # in the site's layout


def test_the_lock_page_says_when_to_try_again_in_the_readers_language(cast, client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    client.cookies["django_language"] = "en"
    for _ in range(5):
        attempt(client, "wrong")
    page = attempt(client, PASSWORD).content.decode()
    assert "30 minutes" in page and "You can try again after" in page


def test_a_success_before_the_limit_starts_the_count_afresh(cast, client):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lock_is_for_that_username_from_that_address(cast, client):
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD, username="spokesperson").status_code == 302
    assert attempt(Client(REMOTE_ADDR="10.1.2.3"), PASSWORD).status_code == 302


def test_the_limit_is_configurable(cast, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429
