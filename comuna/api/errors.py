"""Every error of the API as JSON ``{"detail": ..., "errors": [{"field", "message"}]}`` with
its status, in the reader's language; never an HTML page or a traceback.

``problem()`` builds the response; ``install()`` registers the handlers on the NinjaAPI;
``is_api(request)`` tells the site-wide 403/404/413/500 and CSRF handlers to answer JSON for
addresses under ``/api/``.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("comuna.api")

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def problem(status: int, detail: str, errors: list[dict] | None = None, **headers) -> JsonResponse:
    """An error answer: ``detail`` says what went wrong, ``errors`` where (field and message)."""
    response = JsonResponse({"detail": detail, "errors": errors or []}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class Conflict(HttpError):
    """The request is well formed but the object's state refuses it (409)."""

    def __init__(self, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(409, message)
        self.errors = errors or []


class Invalid(HttpError):
    """Input the service refused, field by field (400)."""

    def __init__(self, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(400, message)
        self.errors = errors or []


def _field(loc) -> str:
    """A pydantic location (``("body", "payload", "choices", 0)``) as a dotted field name,
    without ninja's own wrappers."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "header")]
    return ".".join(parts) or "__all__"


def _message(error: dict) -> str:
    """A pydantic error in the reader's language (pydantic's own English for a kind of error
    the table below does not name)."""
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not known here.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Enter a number of at least %(limit)s.") % {"limit": context.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a number of at most %(limit)s.") % {"limit": context.get("le")}
    if kind in ("string_too_long", "too_long"):
        return _("This is too long.")
    if kind == "string_pattern_mismatch":
        return _("This value is not in the expected form.")
    if kind in ("string_type", "list_type", "dict_type", "bool_type", "bool_parsing"):
        return _("This value is not of the expected type.")
    if kind in ("json_invalid", "model_attributes_type"):
        return _("The request's body is not a JSON object.")
    return error.get("msg", "")


def _validation(request, exc: ValidationError):
    errors = [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
    return problem(400, _("The request is not valid."), errors)


def _http_error(request, exc: HttpError):
    errors = getattr(exc, "errors", None)
    headers = {"Retry_After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else {}
    return problem(exc.status_code, str(exc), errors, **headers)


def _authentication(request, exc: AuthenticationError):
    return problem(401, _("Log in or send a valid personal access token."))


def _denied(request, exc: PermissionDenied):
    return problem(403, str(exc) or _("You may not do this."))


def _not_found(request, exc: Http404):
    return problem(404, _("Not found."))


def _unexpected(request, exc: Exception):
    logger.exception("API error on %s", request.path, exc_info=exc)
    return problem(500, _("Something went wrong on our side; it has been logged."))


def install(api) -> None:
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(AuthenticationError, _authentication)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(PermissionDenied, _denied)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(Exception, _unexpected)
