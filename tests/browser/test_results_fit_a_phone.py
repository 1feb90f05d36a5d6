"""Defect 7: results pages were 638 px wide on a 390 px phone (the head hash did not wrap).
No results page, nor the ledger and receipt-check pages, is wider than the phone now."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, page_width

pytestmark = pytest.mark.browser

PHONE = 390


def closed_poll_urls(page, base_url):
    page.goto(f"{base_url}/b/cc-las-veritas/polls/")
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    return sorted({h for h in hrefs if re.search(r"/polls/\d+/results/$", h)})


def test_the_results_of_the_closed_demo_polls_fit_a_phone(demo_server, page):
    log_in(page, demo_server, "vecina")
    results = closed_poll_urls(page, demo_server)
    assert len(results) >= 2  # the demo's budget and its ranked election, at least
    charts = set()
    for url in results:
        page.goto(url)
        assert page.locator("main code").count() >= 1  # the long hash is on the page
        charts |= set(page.eval_on_selector_all("figure.chart", "fs => fs.map(f => f.id)"))
        assert page_width(page) <= PHONE, url
    assert {"chart-tally", "chart-rounds", "chart-budget"} <= charts


def test_the_ledger_and_receipt_check_pages_fit_a_phone(demo_server, page):
    page.goto(f"{demo_server}/b/cc-las-veritas/ledger/")
    assert page_width(page) <= PHONE
    log_in(page, demo_server, "contralora")  # no other browser test votes as her in 2027
    page.goto(f"{demo_server}/b/cc-las-veritas/polls/")
    page.get_by_role("link", name="Presupuesto participativo 2027 (consulta abierta)").click()
    page.locator("form.ballot input[type=checkbox]").first.check()
    page.get_by_role("button", name="Emitir mi voto").click()
    code = page.locator("#receipt-code strong").inner_text().strip()
    page.goto(page.url.rsplit("/vote/", 1)[0] + "/check/")
    page.fill("#code", code)
    page.locator("main button[type=submit]").click()
    expect(page.locator("#receipt-found")).to_be_visible()
    assert page_width(page) <= PHONE
