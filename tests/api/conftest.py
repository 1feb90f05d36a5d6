"""Helpers of the API tests: tokens, and the ways a caller authenticates."""

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from comuna.api import tokens
from comuna.api.models import Scope
from tests.web.conftest import poll  # noqa: F401 (the open single-choice poll of council A)


def token_for(user, scope=Scope.READ_WRITE, **kwargs) -> str:
    """The secret of a new token of ``user``."""
    return tokens.issue(user, name="test", scope=scope, **kwargs)[1]


class Caller:
    """One way of calling the API: anonymous, a session (with CSRF checked as a browser's),
    or a token."""

    def __init__(self, user=None, *, how="anonymous", csrf=True):
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Accept-Language": "en"}
        if how == "session":
            self.client.force_login(user)
            if csrf:
                secret = _get_new_csrf_string()
                self.client.cookies["csrftoken"] = secret
                self.headers["X-CSRFToken"] = secret
        elif how in ("token-read", "token-read-write"):
            scope = Scope.READ if how == "token-read" else Scope.READ_WRITE
            self.headers["Authorization"] = f"Bearer {token_for(user, scope)}"

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, data=None):
        if data and any(hasattr(value, "read") for value in data.values()):
            # a file among the fields: a multipart form (an expense's receipt)
            return self.client.post(url, data, headers=self.headers)
        return self.client.post(
            url, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def caller():
    return Caller
