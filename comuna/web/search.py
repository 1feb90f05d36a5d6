"""The search box of the census and register pages: ``?q=`` cleaned like any form field.

A query with a NUL character (which PostgreSQL refuses in text) or longer than a name could
be is refused with a message in the reader's language, and the page lists everything.
"""

from __future__ import annotations

from django import forms

MAX_QUERY_CHARS = 200


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_CHARS)


def search_query(request) -> tuple[str, list[str]]:
    """The page's search text (``""`` for none), and why it was refused, if it was."""
    form = SearchForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["q"], []
    return "", [str(message) for message in form.errors["q"]]
