"""The results page of a poll: turnout, the statute's poll quorum, and the result drawn as SVG charts
(server-rendered, no JavaScript) beside the tables."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from comuna.ledger import record
from comuna.territory import statutes
from comuna.voting import services, tally
from comuna.voting.models import Status
from comuna.web import charts
from tests.conftest import COUNCIL_A_VOTERS, SETUP

SVG = "{http://www.w3.org/2000/svg}"


def results(client, poll):
    response = client.get(reverse("poll-results", kwargs={"slug": poll.body.slug, "pk": poll.pk}))
    assert response.status_code == 200
    return response.content.decode()


def figures(page) -> dict[str, ET.Element]:
    """Every chart of the page, parsed as XML (a chart that is not well-formed fails here),
    by the id of its figure."""
    found = re.findall(
        r'<figure class="chart" id="([\w-]+)">\s*(<svg.*?</svg>)\s*</figure>', page, re.S
    )
    return {name: ET.fromstring(svg) for name, svg in found}


def vote(cast, poll, ballots):
    for persona, choices in ballots.items():
        services.cast(poll, getattr(cast, persona).user, choices)


def test_the_tally_is_drawn_with_bars_exactly_proportional_to_the_votes(cast, client, make_poll):
    poll = make_poll("single", options=("Sí", "No", "Abstención"))
    vote(cast, poll, {"resident": "1", "spokesperson": "1", "electoral": "2"})
    services.enter_paper(poll, "Escuela", totals={"1": 4, "2": 1, "3": 0}, n_ballots=5, by=SETUP)
    services.close_poll(poll, by=SETUP)
    chart = figures(results(client, poll))["chart-tally"]
    assert chart.get("role") == "img" and chart.find(f"{SVG}title").text
    box = chart.find(f"{SVG}svg")
    _, _, span, _ = box.get("viewBox").split()
    drawn_width = Fraction(box.get("width"))
    bars = box.findall(f"{SVG}rect")
    lengths = [Fraction(bar.get("width")) * drawn_width / Fraction(span) for bar in bars]
    # 6, 2 and 0 votes: the longest bar fills the box, the others in exact proportion
    assert lengths == [drawn_width, drawn_width * Fraction(2, 6), 0]
    assert [b.get("fill") for b in bars] == [charts.WON, charts.LOST, charts.LOST]


def test_an_option_labelled_as_markup_is_drawn_escaped(cast, client, make_poll):
    label = '<script>alert("x")</script> & co'
    poll = make_poll("single", options=(label, "No"))
    vote(cast, poll, {"resident": "1"})
    services.close_poll(poll, by=SETUP)
    page = results(client, poll)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    chart = figures(page)["chart-tally"]
    assert [t.text for t in chart.iter(f"{SVG}text")][0] == f"✓ {label}"


def test_a_ranked_count_is_drawn_as_a_flow_of_transfers_between_rounds(cast, client, make_poll):
    poll = make_poll("ranked", options=("Ana", "Beto", "Carla"), rule="irv")
    ballots = {"resident": ["1"], "spokesperson": ["1", "2"], "parliamentarian": ["1"]}
    ballots |= {"comptroller": ["2"], "admin": ["2"], "substitute": ["2"]}
    ballots |= {"electoral": ["3"], "financial": ["3", "1"]}
    vote(cast, poll, ballots)
    result = services.close_poll(poll, by=SETUP)
    # first choices 3-3-2: Carla is out; one of her ballots goes to Ana, the other has no
    # further choice; Ana then has 4 of the 7 votes still in the count
    assert result["rounds"] == [
        {
            "number": 1,
            "tallies": {"1": 3, "2": 3, "3": 2},
            "elected": [],
            "eliminated": ["3"],
            "transferred_from": "3",
            "transfers": {"exhausted": 1, "1": 1},
            "exhausted": 1,
        },
        {
            "number": 2,
            "tallies": {"1": 4, "2": 3},
            "elected": ["1"],
            "eliminated": [],
            "transferred_from": None,
            "transfers": {},
            "exhausted": 1,
        },
    ]
    page = results(client, poll)
    chart = figures(page)["chart-rounds"]
    assert chart.get("role") == "img"
    columns = [r for r in chart.findall(f"{SVG}rect") if r.get("width") == "16"]
    heights = {r.find(f"{SVG}title").text: Fraction(r.get("height")) for r in columns}
    assert set(heights) == {"Ana: 3", "Beto: 3", "Carla: 2", "Ana: 4", "Agotados: 1"}
    # segment heights in proportion to the votes (to the drawing's two decimals)
    assert heights["Ana: 4"] / heights["Carla: 2"] == pytest.approx(2, abs=0.01)
    assert heights["Ana: 3"] == heights["Beto: 3"]
    bands = {p.find(f"{SVG}title").text for p in chart.findall(f"{SVG}path")}
    assert bands == {"De Carla a Ana: 1", "De Carla, agotados: 1"}
    marks = [t.text for t in chart.iter(f"{SVG}text")]
    assert marks.count("✕") == 1 and marks.count("✓") == 1
    # the rounds are tabled once, with the explanation, for reading
    assert page.count('<table id="rounds">') == 1


def test_a_count_of_one_round_draws_no_flow():
    assert charts.flow_chart([{"number": 1}], {"1": "Sí", "2": "No"}) is None


def test_a_budget_is_drawn_as_the_funded_projects_against_the_whole_budget(
    cast, client, budget_poll
):
    approvals = {"resident": ["2", "3"], "admin": ["2"], "financial": ["3", "4"]}
    vote(cast, budget_poll, approvals)
    result = services.close_poll(budget_poll, by=SETUP)
    costs = {o.key: o.cost for o in budget_poll.options.all()}
    funded = [costs[k] for k in result["winners"]]
    chart = figures(results(client, budget_poll))["chart-budget"]
    bar = chart.find(f"{SVG}svg")
    assert bar.get("viewBox").split()[2] == "1000.00"  # the box stands for the whole budget
    *parts, left = bar.findall(f"{SVG}rect")
    assert [Decimal(p.get("width")) for p in parts] == funded
    assert [Decimal(p.get("x")) for p in parts] == [sum(funded[:i]) for i in range(len(funded))]
    assert Decimal(left.get("x")) == sum(funded)
    assert Decimal(left.get("width")) == Decimal("1000") - sum(funded)


def test_the_results_say_the_turnout_over_the_frozen_register(cast, client, make_poll):
    poll = make_poll()
    vote(cast, poll, {"resident": "1"})
    services.enter_paper(poll, "Escuela", totals={"1": 1, "2": 1}, n_ballots=2, by=SETUP)
    services.close_poll(poll, by=SETUP)
    page = results(client, poll)
    turnout = re.search(r'<p id="turnout">(.*?)</p>', page, re.S).group(1)
    assert turnout == (
        f"3 de {COUNCIL_A_VOTERS} electores votaron (37,5%): 1 boleta en línea, 2 boletas en papel."
    )


def test_a_poll_closed_before_turnout_was_recorded_still_shows_it(cast, client, make_poll):
    poll = make_poll()
    vote(cast, poll, {"resident": "1", "admin": "2"})
    services.mix(poll)  # closing mixes the box before it counts
    poll.refresh_from_db()
    counted = tally.load(poll)
    result = tally.count_poll(poll, counted)  # what closing stored before: no turnout
    recorded = {k: result[k] for k in ("winners", "tally", "ballots")}  # as closings recorded
    entry = record(
        poll.body.ledger_chain,
        "poll.closed",
        {"poll": poll.pk, "result": recorded},
        actor="system:old",
    )
    poll.status, poll.closed_on, poll.result = Status.CLOSED, timezone.localdate(), result
    poll.result_entry = entry.seq
    poll.save()
    page = results(client, poll)
    assert f"2 de {COUNCIL_A_VOTERS} electores votaron" in page
    assert 'id="quorum"' not in page


def test_without_a_poll_quorum_the_page_says_nothing_of_one(cast, client, make_poll):
    poll = make_poll()
    vote(cast, poll, {"resident": "1"})
    services.close_poll(poll, by=SETUP)
    assert "quórum" not in results(client, poll)


def test_a_poll_short_of_the_quorum_says_the_result_does_not_bind(cast, client, make_poll):
    statutes.amend(cast.council, {"poll_quorum_pct": Decimal("30")}, by=SETUP)
    poll = make_poll()
    vote(cast, poll, {"resident": "1", "admin": "2"})
    services.close_poll(poll, by=SETUP)
    quorum = re.search(r'<p id="quorum" class="error">(.*?)</p>', results(client, poll)).group(1)
    assert quorum == (
        "El estatuto (versión 2) pide que vote el 30% del registro electoral: 3 boletas. "
        "No se alcanzó el quórum: el resultado se publica pero no es vinculante, y la "
        "comisión electoral puede convocar la votación de nuevo."
    )


def test_a_poll_that_reaches_the_quorum_says_the_result_binds(cast, client, make_poll):
    statutes.amend(cast.council, {"poll_quorum_pct": Decimal("12.5")}, by=SETUP)
    poll = make_poll()
    vote(cast, poll, {"resident": "1"})
    services.close_poll(poll, by=SETUP)
    page = results(client, poll)
    assert "pide que vote el 12,5% del registro electoral: 1 boleta." in page
    assert "Se alcanzó el quórum: el resultado es vinculante." in page
