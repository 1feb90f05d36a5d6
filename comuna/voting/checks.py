"""`comuna ledger verify` for voting: every poll entry is re-derived from the database."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comuna.territory import records
from comuna.voting.models import Ballot, PaperBatch, Poll
from comuna.voting.services import _options_payload, paper_digest


def _poll_of(entry) -> tuple[Poll | None, str | None]:
    poll_id = entry.data.get("poll")
    poll = Poll.objects.select_related("body").filter(pk=poll_id).first()
    if poll is None:
        return None, _("poll %(poll)s is missing from the database") % {"poll": poll_id}
    if poll.body.ledger_chain != entry.chain:
        return None, _("poll %(poll)s belongs to another body") % {"poll": poll_id}
    return poll, None


def check_created(entry) -> str | None:
    """The poll's title, method, rule and options are still those recorded at creation."""
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    data = entry.data
    now = {
        "title": poll.title,
        "method": poll.method,
        "rule": poll.rule,
        "options": _options_payload(poll),
    }
    changed = sorted(k for k, v in now.items() if data.get(k) != v)
    if changed:
        return _("poll %(poll)s differs from what was recorded in: %(fields)s") % {
            "poll": poll.pk,
            "fields": "; ".join(_field_label(k) for k in changed),
        }
    return None


def _field_label(name: str) -> str:
    if name == "options":
        return _("options")
    return str(Poll._meta.get_field(name).verbose_name)


def check_opened(entry) -> str | None:
    """The register frozen when the poll opened is still the one recorded, voter for voter."""
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    data = entry.data
    frozen = list(poll.voters.values_list("resident_id", flat=True))
    if len(frozen) != data.get("eligible"):
        return _("poll %(poll)s has %(now)s voters on its register; %(then)s were recorded") % {
            "poll": poll.pk,
            "now": len(frozen),
            "then": data.get("eligible"),
        }
    if "register_digest" in data and records.register_digest(poll.body, frozen) != data.get(
        "register_digest"
    ):
        return _("the register of poll %(poll)s is not the one frozen when it opened") % {
            "poll": poll.pk
        }
    if data.get("options") != _options_payload(poll):
        return _("the options of poll %(poll)s changed after it opened") % {"poll": poll.pk}
    return None


def check_paper(entry) -> str | None:
    """A paper entry's place, number of ballots and content are still those recorded."""
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    data = entry.data
    batch = PaperBatch.objects.filter(pk=data.get("batch"), poll=poll).first()
    if batch is None:
        return _("paper entry %(batch)s is missing from the database") % {"batch": data.get("batch")}
    if batch.polling_place != data.get("polling_place") or batch.n_ballots != data.get("ballots"):
        return _("paper entry %(batch)s has another place or number of ballots than recorded") % {
            "batch": batch.pk
        }
    ballots = None
    if batch.totals is None:
        ballots = list(Ballot.objects.filter(batch=batch).values_list("choices", flat=True))
    if paper_digest(batch.totals, ballots) != data.get("content_digest"):
        return _("the ballots or totals of paper entry %(batch)s of poll %(poll)s changed") % {
            "batch": batch.pk,
            "poll": poll.pk,
        }
    return None
