"""No page of the demo, for any role, asks the catalogues for a string they do not hold.

Every demo login (and an anonymous visitor) crawls the demo in Spanish and in Portuguese by
following the links of each page. While a page renders, every translation lookup in the active
language is watched: a message id that neither our catalogue nor Django's holds for that language
is a string the reader would meet in English (or, for Portuguese, in the Spanish fallback).
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils.translation.trans_real import DjangoTranslation

from tests.api.demo import _media_in_tmp, demo, demo_dirs  # noqa: F401 (fixtures)

LOGINS = [None, "vecina", "vocero", "electoral", "contralora", "admin", "parlamentaria", "foraneo"]
PER_VIEW = 2  # pages visited per view and login: enough to meet every template branch
SKIP = re.compile(r"^/(static|media)/|^/logout/|^/i18n/|\.(jsonl|pb|soi|csv|ics|ico|svg|png)$")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.hrefs.append(urldefrag(href).url)


class Misses:
    """Wraps the translation lookups, recording the message ids missing in one language."""

    def __init__(self, monkeypatch, language: str) -> None:
        self.language = language
        self.found: dict[str, set[str]] = defaultdict(set)
        self.page = ""
        gettext, ngettext = DjangoTranslation.gettext, DjangoTranslation.ngettext
        misses = self

        def watched_gettext(self, message):
            misses.check(self, message)
            return gettext(self, message)

        def watched_ngettext(self, singular, plural, n):
            misses.check(self, (singular, 0))
            return ngettext(self, singular, plural, n)

        monkeypatch.setattr(DjangoTranslation, "gettext", watched_gettext)
        monkeypatch.setattr(DjangoTranslation, "ngettext", watched_ngettext)

    def translated(self, translation) -> set[str]:
        """The catalogue's translations: Django looks some up again (the language names)."""
        if not hasattr(self, "_translated"):
            catalogues = translation._catalog._catalogs
            self._translated = {v for c in catalogues for v in c.values() if isinstance(v, str)}
        return self._translated

    def check(self, translation, key) -> None:
        if translation.language() != self.language or not key or not self.page:
            return
        if key not in translation._catalog and key not in self.translated(translation):
            message = key[0] if isinstance(key, tuple) else key
            self.found[message.replace("\x04", " | ")].add(self.page)


def crawl(client: Client, misses: Misses, login: str | None) -> int:
    queue = ["/", "/me/"] if login else ["/"]
    seen: set[str] = set()
    per_view: dict[str, int] = defaultdict(int)
    visited = 0
    while queue:
        url = queue.pop(0)
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        seen.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view[view] >= PER_VIEW:
            continue
        per_view[view] += 1
        misses.page = f"{login or 'anonymous'} {url}"
        response = client.get(url)
        misses.page = ""
        visited += 1
        assert response.status_code < 500, f"{url} as {login}: {response.status_code}"
        if "html" in response.get("Content-Type", "") and response.status_code == 200:
            parser = Links()
            parser.feed(response.content.decode())
            queue.extend(parser.hrefs)
    return visited


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("language", ["es", "pt"])
def test_no_demo_page_has_a_string_missing_from_the_catalogue(db, monkeypatch, language):
    misses = Misses(monkeypatch, language)
    visited = 0
    for login in LOGINS:
        client = Client()
        client.cookies["django_language"] = language
        if login:  # the demo's users, loaded once for the module (with the site's hasher)
            client.force_login(get_user_model().objects.get(username=login))
        visited += crawl(client, misses, login)
    assert visited > 40, "the crawl must reach the demo's pages"
    report = "\n".join(
        f"{message!r} on {sorted(pages)[0]}" for message, pages in sorted(misses.found.items())
    )
    assert not misses.found, f"strings missing from the {language} catalogue:\n{report}"


@pytest.mark.parametrize("language", ["es", "pt"])
def test_every_plural_message_has_every_plural_form_of_its_language(language):
    """A plural message with a form missing falls back to English for the counts that form
    covers (Spanish has three forms: 57 took the third, which two entries lacked)."""
    import gettext
    from pathlib import Path

    import comuna

    mo = Path(comuna.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    header = catalogue._info.get("plural-forms", "")
    forms = int(header.split("nplurals=")[1].split(";")[0])
    plural = {key[0] for key in catalogue._catalog if isinstance(key, tuple)}
    missing = sorted(
        msgid for msgid in plural for i in range(forms) if not catalogue._catalog.get((msgid, i))
    )
    assert plural and missing == []
