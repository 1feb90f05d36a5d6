"""Poll pages: convene, edit, delete, open, vote, receipt, close, options, paper entry, results
and downloads."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comuna import opendata, rows
from comuna.territory import census
from comuna.territory.models import Body
from comuna.territory.permissions import can
from comuna.voting import checks, names, services, tally, turnout
from comuna.voting.ballots import BallotError, chosen_keys, from_form, normalise
from comuna.voting.explain import explain
from comuna.voting.forms import PaperForm, PollEditForm, PollForm
from comuna.voting.images import image_format
from comuna.voting.models import (
    BatchState,
    Method,
    Option,
    PaperSheet,
    Poll,
    SheetState,
    Status,
    Voter,
)
from comuna.voting.names import rule_description, rule_name
from comuna.voting.rules import PollAction
from comuna.web import charts
from comuna.web.access import body_view, public
from comuna.web.limits import limited


def _is_manager(request, poll: Poll) -> bool:
    """Whether the commission's controls for this poll's phase are shown to the user."""
    managing = (PollAction.OPEN, PollAction.CLOSE, PollAction.ENTER_PAPER)
    return any(can(request.user, action, poll) for action in managing)


@body_view(PollAction.VIEW)
def poll_list(request, body):
    polls = body.polls.all()
    return render(
        request,
        "web/polls.html",
        {"body": body, "polls": polls, "can_manage": can(request.user, PollAction.CONVENE, body)},
    )


def _form_errors(form, exc: services.VotingError) -> None:
    """Put a refused poll's reasons on the form: each field's under that field."""
    for field, errors in getattr(exc, "message_dict", {"__all__": [str(exc)]}).items():
        form.add_error(field if field in form.fields else None, errors)


@body_view(PollAction.CONVENE)
def poll_new(request, body):
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = services.create_poll(
                body,
                title=data["title"],
                method=data["method"],
                rule=data["rule"] or None,
                options=data["options"],
                by=request.user,
                **form.poll_settings(),
            )
        except services.VotingError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Poll created as a draft. Open it when ready."))
            return redirect("poll", slug=body.slug, pk=poll.pk)
    return render(
        request, "web/poll_new.html", {"body": body, "form": form, "methods": names.guide()}
    )


@body_view(PollAction.EDIT, Poll)
def poll_edit(request, body, poll):
    form = PollEditForm(request.POST or None, request.FILES or None, poll=poll)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_poll(
                poll,
                title=data["title"],
                method=data["method"],
                rule=data["rule"] or None,
                options=form.options_with_details(),
                by=request.user,
                **form.poll_settings(),
            )
        except services.VotingError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The draft poll was saved."))
            return redirect("poll", slug=body.slug, pk=poll.pk)
    return render(request, "web/poll_edit.html", {"body": body, "poll": poll, "form": form})


@body_view(PollAction.DELETE, Poll)
def poll_delete(request, body, poll):
    if request.method == "POST":
        try:
            services.delete_poll(poll, by=request.user)
        except services.VotingError as exc:
            messages.error(request, str(exc))
            return redirect("poll", slug=body.slug, pk=poll.pk)
        messages.success(request, _("The draft poll “%(title)s” was deleted.") % {"title": poll})
        return redirect("polls", slug=body.slug)
    return render(request, "web/poll_confirm.html", {"body": body, "poll": poll, "step": "delete"})


@body_view(PollAction.VIEW, Poll)
def poll_detail(request, body, poll):
    voter = Voter.objects.filter(poll=poll, user=request.user).first()
    return render(request, "web/poll.html", _vote_context(request, body, poll, voter))


def _vote_context(request, body, poll, voter, submitted=None, **extra):
    options = list(poll.options.all())
    holder, run_here = services.holding(poll)
    return {
        "body": body,
        "poll": poll,
        "voter": voter,
        "options": options,
        "rows": ballot_rows(poll, options, submitted),
        "spent": spent(poll, options, submitted) if poll.method == Method.BUDGET else None,
        "can_manage": _is_manager(request, poll),
        "run_here": run_here,
        "can_edit": can(request.user, PollAction.EDIT, poll) and holder is None,
        "Method": Method,
        **extra,
        "eligible": poll.voters.count() if poll.status != Status.DRAFT else None,
        "voted": poll.voters.filter(has_voted=True).count()
        if poll.status != Status.DRAFT
        else None,
    }


def ballot_rows(poll, options, submitted) -> list[dict]:
    """Each option with what the voter had filled in for it (a refused or checked ballot is
    shown again as the voter left it)."""
    data = submitted if submitted is not None else {}
    chosen = set(data.getlist("choice")) if hasattr(data, "getlist") else set()
    field = {"ranked": "rank_", "points": "points_"}.get(poll.ballot_form)
    return [
        {
            "option": o,
            "checked": o.key in chosen,
            "value": str(data.get(f"{field}{o.key}", "")).strip() if field else "",
        }
        for o in options
    ]


def spent(poll, options, submitted) -> Decimal:
    """What the ticked projects of a budget ballot cost."""
    chosen = set(chosen_keys(poll, options, submitted))
    return sum((o.cost or Decimal(0) for o in options if o.key in chosen), Decimal(0))


def _closed_meanwhile(request, body, poll):
    """A ballot sent after the poll closed: the poll page says so (the ballot was not
    counted), instead of a bare refusal."""
    if poll.status != Status.CLOSED:
        return None
    voter = Voter.objects.filter(poll=poll, user=request.user).first()
    context = _vote_context(request, body, poll, voter, closed_meanwhile=True)
    return render(request, "web/poll.html", context, status=403)


def _options_for_casting(poll) -> list[Option]:
    """The poll's options in their order, read with one plain statement: casting is the
    busiest request, and the ORM would spend three times the CPU building this query (and,
    ordering by poll first, join the poll table for nothing)."""
    return rows.every(Option, "poll_id = %s ORDER BY id", [poll.pk])


@body_view(PollAction.VOTE, Poll, refused=_closed_meanwhile)
@require_POST
@limited("cast-user", "cast-ip")
def poll_vote(request, body, poll):
    options = _options_for_casting(poll)
    checking = "check" in request.POST  # "check my ballot": count the cost, cast nothing
    try:
        raw = from_form(poll, options, request.POST)
        if checking:
            normalise(poll, options, raw)
        else:
            receipt = services.cast(
                poll,
                request.user,
                raw,
                receipt_code=request.POST.get("receipt_code") or None,
                options=options,
            )
    except services.PollClosedError:
        poll.refresh_from_db()
        return _closed_meanwhile(request, body, poll)
    except (BallotError, services.VotingError) as exc:
        voter = Voter.objects.filter(poll=poll, user=request.user).first()
        context = _vote_context(request, body, poll, voter, request.POST, error=str(exc))
        return render(request, "web/poll.html", context, status=400)
    if checking:
        voter = Voter.objects.filter(poll=poll, user=request.user).first()
        context = _vote_context(request, body, poll, voter, request.POST, checked=True)
        return render(request, "web/poll.html", context)
    # The receipt is shown once, in this response, and kept nowhere on the server in clear.
    return render(request, "web/receipt.html", {"body": body, "poll": poll, "receipt": receipt})


@body_view(PollAction.OPEN, Poll)
def poll_open(request, body, poll):
    return _transition(request, body, poll, "open")


@body_view(PollAction.CLOSE, Poll)
def poll_close(request, body, poll):
    return _transition(request, body, poll, "close")


def _transition(request, body, poll, action):
    """GET: what opening or closing will do, and a button; POST: do it. A poll another
    capability runs (a budget district's, an assembly's ballot) is opened and closed there."""
    holder = services.run_elsewhere(poll)
    if holder is not None:
        messages.error(
            request,
            _("This poll belongs to %(holder)s: it is opened and closed there, not here.")
            % {"holder": holder},
        )
        return redirect("poll", slug=body.slug, pk=poll.pk)
    if request.method != "POST":
        context = {"body": body, "poll": poll, "step": action}
        if action == "open":
            context["register"] = census.register(body, on=timezone.localdate()).count()
        else:
            context["online"] = poll.voters.filter(has_voted=True).count()
            context["eligible"] = poll.voters.count()
            context["paper"] = poll.paper_batches.filter(state=BatchState.ACTIVE).count()
        return render(request, "web/poll_confirm.html", context)
    try:
        if action == "open":
            n = services.open_poll(poll, by=request.user)
            messages.success(
                request,
                ngettext(
                    "The poll is open; %(n)s voter is on its register.",
                    "The poll is open; %(n)s voters are on its register.",
                    n,
                )
                % {"n": n},
            )
        else:
            services.close_poll(poll, by=request.user)
            messages.success(request, _("The poll is closed and its result recorded."))
    except services.VotingError as exc:
        messages.error(request, str(exc))
    return redirect("poll", slug=body.slug, pk=poll.pk)


def _option(poll, key) -> Option:
    return get_object_or_404(Option, poll=poll, key=key)


@body_view(PollAction.VIEW, Poll)
def poll_option(request, body, poll, key):
    option = _option(poll, key)
    return render(request, "web/poll_option.html", {"body": body, "poll": poll, "option": option})


@body_view(PollAction.VIEW, Poll)
def poll_option_image(request, body, poll, key):
    """An option's image, to those who may see the poll (a draft's pictures stay private)."""
    option = _option(poll, key)
    if not option.image:
        raise Http404
    kind = image_format(option.image) or ""
    response = FileResponse(option.image.open("rb"), content_type=f"image/{kind.lower()}")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@body_view(PollAction.ENTER_PAPER, Poll)
def poll_paper(request, body, poll):
    options = list(poll.options.all())
    form = PaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = data["polling_place"]
        totals = {o.key: request.POST.get(f"total_{o.key}", "").strip() for o in options}
        has_totals = any(totals.values())
        has_lines = bool(data["ballots"].strip())
        try:
            if has_totals and has_lines:
                raise services.VotingError(_("Enter either totals or individual ballots."))
            if data["n_ballots"] is not None and has_lines:
                raise services.VotingError(
                    _("The number of ballots goes with the totals; individual ballots are counted.")
                )
            if data["n_ballots"] is not None and not has_totals:
                raise services.VotingError(
                    _("Enter the votes of each option with the number of ballots cast.")
                )
            content = (
                {"totals": {k: v or "0" for k, v in totals.items()}, "n_ballots": data["n_ballots"]}
                if has_totals
                else {"ballots": (_paper_line(poll, ln) for ln in _lines(data["ballots"]))}
            )
            outcome = services.enter_sheet(
                poll,
                place,
                by=request.user,
                correct=bool(request.POST.get("correct")),
                reason=data["reason"],
                **content,
            )
        except services.VotingError as exc:
            form.add_error(None, str(exc))
        else:
            _say_outcome(request, outcome, place.strip())
            return redirect("poll-paper", slug=body.slug, pk=poll.pk)
    return render(
        request,
        "web/poll_paper.html",
        {
            "body": body,
            "poll": poll,
            "form": form,
            "options": options,
            "batches": poll.paper_batches.all(),
            "held": _held(poll, options),
            "totals_allowed": poll.method in (Method.SINGLE, Method.APPROVAL),
        },
        status=400 if form.errors else 200,
    )


def _say_outcome(request, outcome: services.SheetOutcome, place: str) -> None:
    if outcome.batch is not None and outcome.sheet is None:
        messages.success(request, _("Paper vote of %(place)s entered.") % {"place": place})
    elif outcome.batch is not None:
        messages.success(
            request,
            _("Your entry of %(place)s agrees with the other member's entry: it is counted.")
            % {"place": place},
        )
    elif outcome.disagrees:
        messages.warning(
            request,
            _(
                "Your entry of %(place)s differs from the other entry of that place. Nothing "
                "is counted yet: compare them below with the paper tally sheet and enter it "
                "again."
            )
            % {"place": place},
        )
    else:
        messages.success(
            request,
            _(
                "Tally sheet of %(place)s entered. It counts when another member of the "
                "electoral commission enters it too and both entries agree."
            )
            % {"place": place},
        )


def _lines(text: str):
    """The non-blank lines of ``text``, one at a time (a pasted list may be very long)."""
    for line in io.StringIO(text):
        if line.strip():
            yield line.strip()


def _held(poll: Poll, options) -> list[dict]:
    """Each place whose tally sheets wait for an agreeing entry. A sheet entered once shows
    only who entered it (the second member enters blind); sheets that disagree are shown side
    by side, line by line, with the differing lines marked."""
    by_place: dict[str, list[PaperSheet]] = {}
    sheets = PaperSheet.objects.filter(poll=poll, state=SheetState.PENDING).select_related(
        "entered_by"
    )
    for sheet in sheets:
        by_place.setdefault(sheet.polling_place, []).append(sheet)
    return [
        {
            "place": place,
            "sheets": held,
            "rows": _comparison(held, options) if len(held) > 1 else [],
        }
        for place, held in sorted(by_place.items())
    ]


def _comparison(sheets: list[PaperSheet], options) -> list[dict]:
    """Rows of the side-by-side view: the ballots cast, then each option's total, then each
    distinct ballot with how many times each sheet holds it."""
    rows = [{"label": _("Ballots cast"), "values": [s.n_ballots for s in sheets]}]
    if any(s.totals is not None for s in sheets):
        rows += [
            {
                "label": f"{o.key}. {o.label}",
                "values": [None if s.totals is None else s.totals.get(o.key, 0) for s in sheets],
            }
            for o in options
        ]
    counts = [Counter(map(_ballot_text, s.ballots or [])) for s in sheets]
    for text in sorted(set().union(*counts)):
        rows.append({"label": text, "values": [c.get(text, 0) for c in counts]})
    for row in rows:
        row["differs"] = len(set(row["values"])) > 1
    return rows


def _ballot_text(choices) -> str:
    if isinstance(choices, dict):
        return ", ".join(f"{k}:{v}" for k, v in choices.items())
    if isinstance(choices, list):
        return ", ".join(choices)
    return str(choices)


def _paper_line(poll: Poll, line: str):
    parts = [p.strip() for p in line.split(",") if p.strip()]
    if poll.ballot_form == "points":
        out = {}
        for part in parts:
            key, _sep, points = part.partition(":")
            out[key.strip()] = points.strip() or "1"
        return out
    if poll.ballot_form == "single":
        return parts[0] if len(parts) == 1 else parts
    return parts


# --- public pages of a closed poll: anyone may check and recount ---------------------------


def _closed_poll(slug, pk) -> Poll:
    body = get_object_or_404(Body, slug=slug)
    poll = get_object_or_404(Poll, pk=pk, body=body)
    if poll.status != Status.CLOSED:
        raise Http404(_("The results are published when the poll closes."))
    return poll


@public
def poll_results(request, slug, pk):
    """The result as the ledger records it: winners, tally, ballots, turnout and quorum come
    from the poll's ``poll.closed`` entry (the rounds and explanation from the stored result,
    which `comuna ledger verify` re-counts). A stored result that disagrees with its entry, or
    a poll whose entry is gone, shows no result at all, only why."""
    poll = _closed_poll(slug, pk)
    result, entry = checks.recorded_result(poll)
    if result is None:
        return render(
            request,
            "web/poll_results.html",
            {"body": poll.body, "poll": poll, "entry": entry, "refused": True},
            status=409,
        )
    options = {o.key: o for o in poll.options.all()}
    rule = result.get("rule", poll.rule)
    rows = sorted(
        (
            {"option": options[k], "votes": v, "won": k in result["winners"]}
            for k, v in result["tally"].items()
        ),
        key=lambda r: (-r["votes"], int(r["option"].key)),
    )
    winners = [options[k] for k in result["winners"]]
    # polls closed before turnout was recorded: the same figures, read from the database
    figures = result.get("turnout") or turnout.turnout(poll, tally.load(poll))
    quorum = result.get("quorum")
    return render(
        request,
        "web/poll_results.html",
        {
            "body": poll.body,
            "poll": poll,
            "result": result,
            "rows": rows,
            "entry": entry,
            "winners": winners,
            "formats": _formats(poll),
            "rule_name": rule_name(rule),
            "rule_description": rule_description(rule),
            "explained": explain(poll, list(options.values())),
            "turnout": figures,
            "turnout_pct": turnout.share(figures),
            "quorum": quorum if quorum and Decimal(quorum["pct"]) > 0 else None,
            "quorum_pct": _without_trailing_zeros(Decimal(quorum["pct"])) if quorum else None,
            "charts": _charts(poll, rows, result, options, winners),
        },
    )


def _without_trailing_zeros(value: Decimal) -> Decimal:
    """12.50 as 12.5 (12,5 in Spanish), 30.00 as 30."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _charts(poll: Poll, rows, result, options, winners) -> dict:
    rounds = result.get("rounds") or []
    labels = {key: o.label for key, o in options.items()}
    drawn = {"tally": charts.tally_chart(rows)}
    if poll.method == Method.RANKED and len(rounds) > 1:
        drawn["flow"] = charts.flow_chart(rounds, labels)
    if poll.method == Method.BUDGET and poll.budget:
        drawn["budget"] = charts.budget_chart(poll.budget, winners)
    return drawn


def _formats(poll: Poll) -> list[str]:
    return opendata.ballot_formats(poll)


@public
def poll_ballots(request, slug, pk, fmt):
    poll = _closed_poll(slug, pk)
    if fmt not in _formats(poll):
        raise Http404
    kind = "application/json" if fmt == "json" else "text/plain; charset=utf-8"
    response = HttpResponse(opendata.ballot_file(poll, fmt), content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="{poll.body.slug}-poll-{poll.pk}.{fmt}"'
    )
    return response


@public
@limited("check-ip")
def poll_check(request, slug, pk):
    """Check my receipt: is my ballot in, and unchanged? Public once the poll closes; before,
    only to those who may see the poll (a draft's title is nobody else's business)."""
    body = get_object_or_404(Body, slug=slug)
    poll = get_object_or_404(Poll, pk=pk, body=body)
    if poll.status != Status.CLOSED and not can(request.user, PollAction.VIEW, poll):
        raise Http404
    code = request.POST.get("code", "").strip() if request.method == "POST" else ""
    ballot = services.find_ballot(poll, code) if code else None
    options = {o.key: o for o in poll.options.all()}
    if ballot is not None:
        if isinstance(ballot.choices, dict):
            chosen = [(options[k], v) for k, v in ballot.choices.items()]
        else:
            chosen = [(options[k], None) for k in ballot.choices]
    else:
        chosen = []
    return render(
        request,
        "web/poll_check.html",
        {
            "body": body,
            "poll": poll,
            "code": code,
            "ballot": ballot,
            "chosen": chosen,
            "receipt_hash": services.receipt_hash(poll.pk, code) if code else "",
        },
        status=404 if code and ballot is None else 200,
    )
