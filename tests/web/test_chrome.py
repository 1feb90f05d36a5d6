"""The frame of every page: titles, the skip link, and the focus ring."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from comuna.territory.models import Body
from comuna.voting import services as voting

CSS = Path(__file__).parents[2] / "comuna" / "web" / "static" / "web" / "comuna.css"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# /api/: the API's documentation is Swagger UI's own page, titled by the OpenAPI document
SKIP = ("/logout/", "/i18n/", ".jsonl", "/ballots.", "/vote/", "/open/", "/close/", "/api/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.found.append(dict(attrs)["href"])


def _crawl(client, start="/", limit=80):
    """Every page reachable by links from ``start`` (GET only), with its title."""
    seen, todo, titles = set(), [start], {}
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        titles[url] = TITLE.search(html)[1].strip()
        parser = Links()
        parser.feed(html)
        for href in parser.found:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or any(s in target for s in SKIP):
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return titles


@pytest.fixture
def polls(cast):
    # the cast's commune is called "Comuna": a name, not the doubled site name looked for here
    Body.objects.filter(pk=cast.commune.pk).update(name="Comuna El Cardonal")
    by = cast.electoral.user
    closed = voting.create_poll(
        cast.council,
        title="Cerrada",
        method="single",
        options=[{"label": "A"}, {"label": "B"}],
        by=by,
    )
    voting.open_poll(closed, by=by)
    voting.cast(closed, cast.resident.user, ["1"])
    voting.close_poll(closed, by=by)
    open_ = voting.create_poll(
        cast.council,
        title="Abierta",
        method="single",
        options=[{"label": "A"}, {"label": "B"}],
        by=by,
    )
    voting.open_poll(open_, by=by)


@pytest.mark.parametrize("persona", ["anonymous", "resident", "electoral"])
def test_no_page_of_a_crawl_has_a_doubled_or_empty_title(cast, polls, login, persona):
    titles = _crawl(login(cast.user(persona)))
    assert len(titles) > 5
    for url, title in titles.items():
        assert not title.endswith("Comuna · Comuna"), (url, title)
        assert title == "Comuna" or (title.endswith(" · Comuna") and not title.startswith("·")), (
            url,
            title,
        )
    assert titles["/"] == "Comuna"


def test_the_skip_link_is_the_first_thing_to_focus(cast, client):
    html = client.get("/").content.decode()
    body = html[html.index("<body>") :]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)[0]
    assert first == '<a class="skip" href="#content">'
    assert "Saltar al contenido" in body[: body.index("</a>")]
    assert '<main id="content"' in html


def test_focus_is_shown_by_a_ring_of_our_own():
    css = CSS.read_text()
    assert re.search(r":focus-visible\{outline:3px solid #[0-9a-f]{6}", css)
    assert ".skip:focus{" in css
