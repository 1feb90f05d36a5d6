"""A body's open data bundle: what the public downloads serve, recountable with independent
tools, its ledger checkable against its head, the same bytes for the same data."""

import io
import json
import re
import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comuna import opendata
from comuna.choice.elections import count
from comuna.choice.elections.preflib import from_preflib
from comuna.territory.models import Body
from comuna.voting import services
from comuna.voting.models import Poll, Status
from tests.conftest import SETUP

SLUG = "cc-las-veritas"  # the demo council, with a closed budget poll and a closed election


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    body = Body.objects.get(slug=SLUG)
    # a draft too, whose ballots (none) and title stay out of the bundle
    services.create_poll(
        body,
        title="Borrador secreto",
        method="single",
        options=[{"label": "a"}, {"label": "b"}],
        by=SETUP,
    )
    return body


def download(slug=SLUG, language=None):
    client = Client()
    if language:
        client.cookies["django_language"] = language
    response = client.get(reverse("open-data", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"{slug}-open-data.zip" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def unpack(data: bytes, into) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(into)
        return {name: archive.read(name) for name in archive.namelist()}


def python_blocks(readme: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme, re.S)


def test_the_bundle_holds_what_the_public_downloads_serve(demo, tmp_path):
    files = unpack(download(), tmp_path)
    client = Client()
    closed = Poll.objects.filter(body=demo, status=Status.CLOSED).order_by("pk")
    # the budget, the election, an assembly's secret ballot, the spokesperson election's two,
    # and the communal cycle's prioritisation of needs and budget vote
    assert closed.count() == 7
    for poll in closed:
        for fmt in opendata.ballot_formats(poll):
            served = client.get(
                reverse("poll-ballots", kwargs={"slug": SLUG, "pk": poll.pk, "fmt": fmt})
            )
            assert files[f"ballots/poll-{poll.pk}.{fmt}"] == served.content
        lines = files[f"ballots/poll-{poll.pk}.csv"].decode().splitlines()
        assert len(lines) - 1 == len(json.loads(files[f"ballots/poll-{poll.pk}.json"])["ballots"])
    ledger = client.get(reverse("ledger-export", kwargs={"slug": SLUG}))
    assert files["ledger.jsonl"] == b"".join(ledger.streaming_content)
    head = client.get(reverse("ledger-head", kwargs={"slug": SLUG}))
    assert files["head.json"] == head.content
    body = json.loads(files["body.json"])
    assert body["slug"] == SLUG and body["parent"] == demo.parent.slug
    assert body["members"] == sorted(demo.children.values_list("slug", flat=True))


def test_draft_and_open_polls_ballots_are_not_in_it(demo, tmp_path):
    files = unpack(download(), tmp_path)
    open_polls = Poll.objects.filter(body=demo, status=Status.OPEN)
    # the open consultation, the open poll, and the council's district of the commune-wide
    # budget (its poll is the council's: its register votes there)
    assert open_polls.count() == 3
    draft = Poll.objects.get(body=demo, status=Status.DRAFT)
    ballot_files = {n for n in files if n.startswith("ballots/")}
    for poll in [*open_polls, draft]:
        assert not any(n.startswith(f"ballots/poll-{poll.pk}.") for n in ballot_files)
        assert str(poll.pk) not in json.loads(files["results.json"])
    listed = {row["id"]: row for row in json.loads(files["polls.json"])}
    assert draft.pk not in listed
    assert all(listed[p.pk]["status"] == "open" for p in open_polls)
    assert b"Borrador secreto" not in files["polls.csv"]


def test_a_budget_poll_recounts_with_pabutools_from_its_pb(demo, tmp_path):
    files = unpack(download(), tmp_path)
    results = json.loads(files["results.json"])
    # the demo's budget poll and the communal cycle's budget vote
    budgets = Poll.objects.filter(body=demo, status=Status.CLOSED, method="budget").order_by("pk")
    assert budgets.count() == 2
    blocks = [b for b in python_blocks(files["README.md"].decode()) if "pabutools" in b]
    assert len(blocks) == 2
    for budget, block in zip(budgets, blocks, strict=True):
        assert f"poll-{budget.pk}.pb" in block
        # the README's own lines, run by a separate Python in the unpacked folder
        done = subprocess.run(
            [sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout.replace("'", '"')) == sorted(
            results[str(budget.pk)]["result"]["winners"]
        )


def test_a_ranked_poll_recounts_with_the_engine_from_its_soi(demo, tmp_path):
    files = unpack(download(), tmp_path)
    results = json.loads(files["results.json"])
    # the demo's ranked poll (the spokesperson election's STV ballot is another, counted alike)
    ranked = Poll.objects.filter(body=demo, status=Status.CLOSED, method="ranked")
    election = ranked.filter(contest__isnull=True).get()
    recorded = results[str(election.pk)]
    profile = from_preflib(files[f"ballots/poll-{election.pk}.soi"].decode())
    outcome = count(recorded["rule"], profile, seats=recorded["seats"])
    key_of = {o["label"]: o["key"] for o in recorded["options"]}
    assert sorted(key_of[w] for w in outcome.winners) == sorted(recorded["result"]["winners"])
    assert recorded["result"]["winners"]  # a real result, not an empty one
    rows = [
        r for r in files["results.csv"].decode().splitlines()[1:] if r.startswith(f"{election.pk},")
    ]
    assert len(rows) == len(recorded["options"])


def test_the_ledger_recomputes_to_the_head(demo, tmp_path):
    files = unpack(download(), tmp_path)
    [check] = [b for b in python_blocks(files["README.md"].decode()) if "ledger.jsonl" in b]
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    head = json.loads(files["head.json"])
    assert f"up to entry {head['seq']}" in done.stdout
    assert head["seq"] == len(files["ledger.jsonl"].splitlines()) > 0
    # and a changed line fails the check
    lines = files["ledger.jsonl"].decode().splitlines(keepends=True)
    entry = json.loads(lines[3])
    entry["actor"] += "x"
    lines[3] = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    (tmp_path / "ledger.jsonl").write_text("".join(lines), encoding="utf-8")
    tampered = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True
    )
    assert tampered.returncode != 0


def test_the_readme_names_every_file_present(demo, tmp_path):
    files = unpack(download(), tmp_path)
    readme = files["README.md"].decode()
    named = set(re.findall(r"^- `([^`]+)`: ", readme, re.M))
    assert named >= set(files) and set(files) - {"README.md"} <= named
    assert {"body.json", "polls.csv", "results.json", "ledger.csv", "head.json"} <= set(files)


def test_the_readme_is_in_the_readers_language(demo, tmp_path):
    spanish = unpack(download(), tmp_path / "es")["README.md"].decode()
    assert spanish.startswith("# Datos abiertos de Consejo Comunal Las Veritas")
    english = unpack(download(language="en"), tmp_path / "en")["README.md"].decode()
    assert english.startswith("# Open data of")
    portuguese = unpack(download(language="pt"), tmp_path / "pt")["README.md"].decode()
    assert portuguese.startswith("# Dados abertos de")


def test_the_same_data_gives_the_same_bytes(demo):
    first = download()
    assert download() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    poll = Poll.objects.get(body=demo, status=Status.OPEN, method="single")
    services.close_poll(poll, by=SETUP)
    assert download() != first


def test_the_body_page_links_it_and_an_unknown_body_is_404(demo):
    page = Client().get(reverse("body", kwargs={"slug": SLUG})).content.decode()
    assert reverse("open-data", kwargs={"slug": SLUG}) in page
    assert Client().get("/b/no-such-body/open-data.zip").status_code == 404


def test_a_body_without_polls_or_key_still_has_a_bundle(cast, tmp_path, settings):
    settings.COMUNA_KEYS_DIR = tmp_path / "no-keys"
    files = unpack(download(cast.other.slug), tmp_path)
    head = json.loads(files["head.json"])
    assert "signature" not in head
    assert head["seq"] == len(files["ledger.jsonl"].splitlines())
    assert json.loads(files["results.json"]) == {}
