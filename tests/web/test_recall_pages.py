"""The recall pages: public list and page (progress against the threshold, deadlines, overdue
ones in red), the forms (refusals shown on the form, nothing changed), the paper sheet's line
by line outcome, and the panel of the spokesperson's page."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comuna.mandates import recall
from comuna.mandates.models import Recall, RecallStatus
from comuna.territory.models import Mandate, Resident
from comuna.web.mandate_recalls import spokesperson_panel
from tests.mandates.factories import recall_in

pytestmark = pytest.mark.django_db


def _mandate(cast):
    return Mandate.objects.active().get(resident=cast.spokesperson, organ=cast.health)


def test_the_recall_page_is_public_and_shows_the_count_against_the_threshold(cast, client):
    made = recall_in(cast, RecallStatus.COLLECTING)
    page = client.get(reverse("recall", kwargs={"slug": "consejo-a", "pk": made.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'max="1"' in html and "<progress" in html  # 10% of 8, rounded up
    assert "Sign this recall petition" not in html and "Firmar" not in html  # anonymous
    listed = client.get(reverse("recalls", kwargs={"slug": "consejo-a"})).content.decode()
    assert f"/b/consejo-a/recalls/{made.pk}/" in listed


def test_a_resident_signs_from_the_page_and_is_told_the_second_time(cast, login):
    made = recall_in(cast, RecallStatus.COLLECTING)
    Recall.objects.filter(pk=made.pk).update(threshold=5)
    client = login(cast.resident.user)
    url = reverse("recall", kwargs={"slug": "consejo-a", "pk": made.pk})
    assert 'action="/b/consejo-a/recalls/' in client.get(url).content.decode()
    sign = reverse("recall-sign", kwargs={"slug": "consejo-a", "pk": made.pk})
    client.post(sign)
    again = client.post(sign, follow=True).content.decode()
    assert made.signatures.count() == 1
    assert "ya firmó" in again or "already signed" in again


def test_overdue_deadlines_are_red_on_the_recall_page_and_the_body_page(cast, client):
    made = recall_in(cast, RecallStatus.REPORT)
    Recall.objects.filter(pk=made.pk).update(report_due=timezone.localdate() - timedelta(days=2))
    html = client.get(reverse("recall", kwargs={"slug": "consejo-a", "pk": made.pk})).content
    assert 'class="late"' in html.decode()
    body = client.get(reverse("body", kwargs={"slug": "consejo-a"})).content.decode()
    assert 'class="overdue"' in body and f"/recalls/{made.pk}/" in body


def test_a_refused_start_is_said_on_the_form_and_nothing_changes(cast, login):
    recall.start(_mandate(cast), grounds="No rinde cuentas.", by=cast.resident.user)
    client = login(cast.admin.user)
    url = reverse("recall-new", kwargs={"slug": "consejo-a"})
    page = client.get(url + f"?mandate={_mandate(cast).pk}")
    assert page.status_code == 200 and "selected" in page.content.decode()
    refused = client.post(url, {"mandate": _mandate(cast).pk, "grounds": "Otra vez"})
    assert refused.status_code == 400
    assert "errorlist" in refused.content.decode()
    assert Recall.objects.count() == 1


def test_the_paper_page_says_the_outcome_of_each_line(cast, login):
    made = recall_in(cast, RecallStatus.COLLECTING)
    Recall.objects.filter(pk=made.pk).update(threshold=5)
    Resident.objects.filter(pk=cast.resident.pk).update(document_id="V-1")
    url = reverse("recall-paper", kwargs={"slug": "consejo-a", "pk": made.pk})
    page = login(cast.electoral.user).post(url, {"documents": "V-1\nV-404\nV-1"})
    assert page.status_code == 200
    rows = page.content.decode().split("<tr>")[2:]
    assert len(rows) == 3
    assert made.signatures.count() == 1


def test_the_spokesperson_panel_shows_the_open_recall_and_its_deadlines(cast):
    made = recall_in(cast, RecallStatus.REPORT)
    Recall.objects.filter(pk=made.pk).update(report_due=timezone.localdate() - timedelta(days=1))
    request = RequestFactory().get("/")
    request.user = cast.resident.user
    context = spokesperson_panel(request, cast.council, _mandate(cast))
    html = render_to_string("web/mandates/_recall_panel.html", context, request=request)
    assert f"/b/consejo-a/recalls/{made.pk}/" in html and 'class="late"' in html
    Recall.objects.filter(pk=made.pk).update(status=RecallStatus.REJECTED)
    context = spokesperson_panel(request, cast.council, _mandate(cast))
    html = render_to_string("web/mandates/_recall_panel.html", context, request=request)
    assert f"/b/consejo-a/recalls/new/?mandate={_mandate(cast).pk}" in html
