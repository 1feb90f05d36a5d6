"""`comuna ledger verify` for voting: every poll entry is re-derived from the database."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from comuna.ledger import entries
from comuna.territory import records
from comuna.voting import tally, turnout
from comuna.voting.models import (
    Ballot,
    BatchState,
    PaperBatch,
    PaperSheet,
    Poll,
    SheetState,
    Status,
)
from comuna.voting.services import (
    counting_settings,
    frozen_register,
    options_payload,
    paper_digest,
    sheet_digest,
)


def _poll_of(entry) -> tuple[Poll | None, str | None]:
    poll_id = entry.data.get("poll")
    poll = Poll.objects.select_related("body").filter(pk=poll_id).first()
    if poll is None:
        return None, _("poll %(poll)s is missing from the database") % {"poll": poll_id}
    if poll.body.ledger_chain != entry.chain:
        return None, _("poll %(poll)s belongs to another body") % {"poll": poll_id}
    return poll, None


def _superseded(entry) -> bool:
    """Whether a later entry of the chain edits or deletes the poll of ``entry``: the draft as
    it stands is then checked against that later entry, and this one only by its hash."""
    later = entries(entry.chain).filter(
        seq__gt=entry.seq, kind__in=("poll.updated", "poll.deleted")
    )
    return any(e.data.get("poll") == entry.data.get("poll") for e in later)


def check_created(entry) -> str | None:
    """The poll's title, method, rule and options are still those recorded at creation, or at
    its last edit (``poll.updated`` entries are checked the same way)."""
    if _superseded(entry):
        return None
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    now = {"title": poll.title, **counting_settings(poll), "options": options_payload(poll)}
    return _differences(poll, entry.data, now)


def check_deleted(entry) -> str | None:
    """A deleted draft is gone, and left nothing behind that a count could read."""
    poll_id = entry.data.get("poll")
    if Poll.objects.filter(pk=poll_id).exists():
        return _("poll %(poll)s was recorded as deleted but is still in the database") % {
            "poll": poll_id
        }
    return None


def _differences(poll: Poll, data: dict, now: dict) -> str | None:
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
    if name == "statute_version":
        return _("statute version")
    return str(Poll._meta.get_field(name).verbose_name)


def check_opened(entry) -> str | None:
    """The register frozen when the poll opened is still the one recorded, voter for voter."""
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    data = entry.data
    frozen = frozen_register(poll)
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
    if data.get("options") != options_payload(poll):
        return _("the options of poll %(poll)s changed after it opened") % {"poll": poll.pk}
    statute = poll.statute.number if poll.statute_id else None
    now = {"title": poll.title, **counting_settings(poll), "statute_version": statute}
    return _differences(poll, data, now)


def check_paper(entry) -> str | None:
    """A paper entry's place, number of ballots and content are still those recorded."""
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    data = entry.data
    batch = PaperBatch.objects.filter(pk=data.get("batch"), poll=poll).first()
    if batch is None:
        return _("paper entry %(batch)s is missing from the database") % {
            "batch": data.get("batch")
        }
    if batch.polling_place != data.get("polling_place") or batch.n_ballots != data.get("ballots"):
        return _("paper entry %(batch)s has another place or number of ballots than recorded") % {
            "batch": batch.pk
        }
    replaced_by = PaperBatch.objects.filter(corrects=batch).values_list("pk", flat=True).first()
    if (batch.state == BatchState.CORRECTED) != (replaced_by is not None):
        return _("paper entry %(batch)s is marked counted or replaced against the record") % {
            "batch": batch.pk
        }
    if entry.kind == "paper.corrected" and batch.corrects_id != data.get("replaces"):
        return _("paper entry %(batch)s no longer names the entry it corrected") % {
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
    return _check_agreeing_sheets(batch, data)


def _check_agreeing_sheets(batch: PaperBatch, data: dict) -> str | None:
    """A double-entered batch is made of the two agreeing sheets recorded, by the two
    enterers recorded, each holding what was counted; the sheets set aside stay aside."""
    sheets = {s.pk: s for s in PaperSheet.objects.filter(batch=batch)}
    recorded = data.get("sheets", [])
    if sorted(sheets) != sorted(recorded):
        return _("paper entry %(batch)s is not made of the tally sheets recorded") % {
            "batch": batch.pk
        }
    for pk, actor in zip(recorded, data.get("enterers", []), strict=False):
        sheet = sheets[pk]
        if (
            sheet.state != SheetState.AGREED
            or sheet.actor != actor
            or sheet.n_ballots != batch.n_ballots
            or paper_digest(sheet.totals, sheet.ballots) != data.get("content_digest")
        ):
            return _("tally sheet %(sheet)s no longer agrees with paper entry %(batch)s") % {
                "sheet": pk,
                "batch": batch.pk,
            }
    aside = PaperSheet.objects.filter(pk__in=data.get("set_aside", []))
    if aside.exclude(state=SheetState.SET_ASIDE).exists() or aside.count() != len(
        data.get("set_aside", [])
    ):
        return _("a tally sheet set aside by paper entry %(batch)s changed") % {"batch": batch.pk}
    return None


def check_sheet(entry) -> str | None:
    """A held tally sheet is still the one entered: its place, enterer and (keyed) content;
    the entries it replaced stay withdrawn."""
    poll, problem = _poll_of(entry)
    if poll is None:
        return problem
    data = entry.data
    sheet = PaperSheet.objects.filter(pk=data.get("sheet"), poll=poll).first()
    if sheet is None:
        return _("tally sheet %(sheet)s is missing from the database") % {
            "sheet": data.get("sheet")
        }
    if (
        sheet.polling_place != data.get("polling_place")
        or sheet.actor != entry.actor
        or sheet.corrects_id != data.get("corrects")
        or sheet_digest(poll, sheet) != data.get("sheet_digest")
    ):
        return _("tally sheet %(sheet)s of poll %(poll)s changed after it was entered") % {
            "sheet": sheet.pk,
            "poll": poll.pk,
        }
    if (sheet.state == SheetState.AGREED) != (sheet.batch_id is not None):
        return _("tally sheet %(sheet)s is marked counted against the record") % {"sheet": sheet.pk}
    withdrawn = PaperSheet.objects.filter(pk__in=data.get("withdraws", []))
    if withdrawn.exclude(state=SheetState.WITHDRAWN).exists():
        return _("a tally sheet withdrawn by tally sheet %(sheet)s counts again") % {
            "sheet": sheet.pk
        }
    return None


# --- closed polls: the result pages show is the one the ledger records --------------------

# What a ``poll.closed`` entry records of the result, and where in ``Poll.result``.
RECORDED_RESULT = ("winners", "tally", "ballots")
RECORDED_FIGURES = ("turnout", "quorum")


def closing_entry(poll: Poll):
    """The ``poll.closed`` entry a closed poll points at, or None if there is no such entry
    of its body's chain for this poll."""
    if not poll.result_entry:
        return None
    entry = entries(poll.body.ledger_chain).filter(seq=poll.result_entry).first()
    if entry is None or entry.kind != "poll.closed":
        return None
    data = entry.data
    return entry if isinstance(data, dict) and data.get("poll") == poll.pk else None


def result_disagreement(poll: Poll, entry) -> list[str]:
    """The parts of the stored ``Poll.result`` that differ from what ``entry`` recorded
    (names of the fields; empty when they agree)."""
    stored, data = poll.result or {}, entry.data
    recorded = data.get("result") or {}
    changed = [k for k in RECORDED_RESULT if stored.get(k) != recorded.get(k)]
    changed += [k for k in RECORDED_FIGURES if k in data and stored.get(k) != data[k]]
    return changed


def recorded_result(poll: Poll) -> tuple[dict | None, object]:
    """What the results page shows: the stored result with every field the ledger records
    taken from the ledger entry, and that entry. ``(None, entry)`` when the stored result
    disagrees with the entry or the entry is missing: the page then shows no result at all."""
    entry = closing_entry(poll)
    if entry is None or result_disagreement(poll, entry):
        return None, entry
    data = entry.data
    shown = dict(poll.result or {})
    shown.update({k: data["result"][k] for k in RECORDED_RESULT})
    shown.update({k: data[k] for k in RECORDED_FIGURES if k in data})
    return shown, entry


def check_closed(entry) -> str | None:
    """``poll.closed``: the ballots re-count to the recorded outcome (``tally.recheck``), the
    poll points at this entry, and its stored result (what the pages show) is what this entry
    recorded and, in every other part (rounds, explanation), what a re-count gives."""
    problem = tally.recheck(entry)
    if problem:
        return problem
    poll = Poll.objects.select_related("body", "statute").get(pk=entry.data["poll"])
    if poll.status != Status.CLOSED or poll.result_entry != entry.seq:
        return _("poll %(poll)s is not marked closed by this entry") % {"poll": poll.pk}
    changed = result_disagreement(poll, entry)
    if changed:
        return _(
            "the stored result of poll %(poll)s (shown on its results page) differs from this "
            "entry in: %(fields)s"
        ) % {"poll": poll.pk, "fields": ", ".join(changed)}
    counted = tally.load(poll)
    stored = poll.result or {}
    recount = tally.count_poll(poll, counted)
    if any(k in stored or k in entry.data for k in RECORDED_FIGURES):
        recount |= turnout.recorded(poll, counted)  # not kept by closings of older code
    recount = json.loads(json.dumps(recount))  # as the stored result went: tuples as lists
    if all(isinstance(line, str) for line in stored.get("explanation") or [None]):
        # sentences written by older code, before explanations were message ids: they cannot
        # be derived again, and are shown as they are (docs/security.md says so)
        recount["explanation"] = stored["explanation"]
    changed = sorted(k for k in recount.keys() | stored.keys() if stored.get(k) != recount.get(k))
    if changed:
        return _(
            "the stored result of poll %(poll)s (shown on its results page) differs from a "
            "re-count of its ballots in: %(fields)s"
        ) % {"poll": poll.pk, "fields": ", ".join(changed)}
    return None


def check_closed_polls_recorded(chain: str) -> list[tuple[int, str, str]]:
    """Every closed poll of the chain's body points at the ``poll.closed`` entry of its
    chain that records it (a ledger emptied or cut short leaves polls pointing at nothing)."""
    body = records.body_of_chain(chain)
    if body is None:
        return []
    problems = []
    closed = Poll.objects.filter(body=body, status=Status.CLOSED).order_by("pk")
    for poll in closed.select_related("body"):
        if closing_entry(poll) is None:
            problems.append(
                (
                    poll.result_entry or 0,
                    "",
                    _(
                        "closed poll %(poll)s points at entry %(seq)s, which is not the "
                        "poll.closed entry of this poll"
                    )
                    % {"poll": poll.pk, "seq": poll.result_entry},
                )
            )
    return problems
