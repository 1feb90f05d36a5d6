"""What a form page does with a refused step: the service's reason on the form, and the page's
status code.

A service refuses a step with an exception whose message is said in the user's language
(``CycleError``, ``MandateError``); one that names a ``field`` of the form has its reason shown
under that field, any other above the form. A form page answers 400 to a POST it shows again
(invalid or refused) and 200 to a GET.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest


def put_refusal(form: forms.BaseForm, exc: Exception) -> None:
    """Put the refusal ``exc`` on ``form``: under its ``field`` when the form has that field,
    among the form's own errors otherwise."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


def form_status(request: HttpRequest) -> int:
    """The status of a form page: 400 when it shows a POST again, 200 on a GET."""
    return 400 if request.method == "POST" else 200
