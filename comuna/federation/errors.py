"""The federation's refusals."""

from __future__ import annotations


class FederationError(Exception):
    """A refused step of the federation (founding referendums, parliaments), said in the user's
    language: the message is what the page or the API shows (what was refused, and why).
    ``field`` names the form field the refusal belongs under, when it belongs to one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
