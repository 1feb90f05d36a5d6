"""Sentences of the participatory-budgeting rules (message ids ``pb.*``).

Plain words for a voter: what a project got, what it cost, what was left, who paid what;
never a formula. Every message about one project has its id in ``params["project"]``.
"""

from __future__ import annotations

from comuna.choice.messages import Words

from .common import Params, Sentence, names, sentences


def head_selected(p: Params, w: Words) -> str:
    return w.gettext("%(project)s was funded (rule: %(rule)s).") % {
        "project": w.name(p["project"]),
        "rule": w.rule(p["rule"]),
    }


def head_not_selected(p: Params, w: Words) -> str:
    return w.gettext("%(project)s was not funded (rule: %(rule)s).") % {
        "project": w.name(p["project"]),
        "rule": w.rule(p["rule"]),
    }


def _ranked(p: Params, w: Words) -> str:
    """Where the project came in the greedy order, and why."""
    n, by = p["support"], p["by"]
    v = {"n": w.number(n), "cost": w.number(p["cost"]), "position": w.number(p["position"])}
    if by == "supporters-per-cost":
        text = w.ngettext(
            "It had %(n)s supporter for a cost of %(cost)s; projects were taken in order of "
            "supporters per unit of cost, and it came number %(position)s.",
            "It had %(n)s supporters for a cost of %(cost)s; projects were taken in order of "
            "supporters per unit of cost, and it came number %(position)s.",
            n,
        )
    elif by == "points-per-cost":
        text = w.ngettext(
            "It received %(n)s point for a cost of %(cost)s; projects were taken in order of "
            "points per unit of cost, and it came number %(position)s.",
            "It received %(n)s points for a cost of %(cost)s; projects were taken in order of "
            "points per unit of cost, and it came number %(position)s.",
            n,
        )
    elif by == "points":
        text = w.ngettext(
            "It received %(n)s point; projects were taken in order of points, and it came "
            "number %(position)s.",
            "It received %(n)s points; projects were taken in order of points, and it came "
            "number %(position)s.",
            n,
        )
    else:  # "votes"
        text = w.ngettext(
            "It had %(n)s vote; projects were taken in order of votes, and it came number "
            "%(position)s.",
            "It had %(n)s votes; projects were taken in order of votes, and it came number "
            "%(position)s.",
            n,
        )
    return text % v


def _tied(p: Params, w: Words) -> str:
    before, after = p.get("tied_before") or [], p.get("tied_after") or []
    if not before and not after:
        return ""
    v = {"tied": names(w, before + after), "before": names(w, before), "after": names(w, after)}
    if before and after:
        text = w.gettext(
            "It was tied with %(tied)s; the tie-breaking order put it after %(before)s and "
            "before %(after)s."
        )
    elif before:
        text = w.gettext("It was tied with %(tied)s; the tie-breaking order put it after them.")
    else:
        text = w.gettext("It was tied with %(tied)s; the tie-breaking order put it before them.")
    return text % v


def _fits(p: Params, w: Words) -> str:
    return w.gettext(
        "Its cost of %(cost)s fit in the %(left)s still available, so it was funded."
    ) % {"cost": w.number(p["cost"]), "left": w.number(p["left"])}


def _does_not_fit(p: Params, w: Words) -> str:
    return w.gettext(
        "Its cost of %(cost)s did not fit in the %(left)s still available, so it was not funded."
    ) % {"cost": w.number(p["cost"]), "left": w.number(p["left"])}


def greedy_selected(p: Params, w: Words) -> str:
    return sentences(_ranked(p, w), _tied(p, w), _fits(p, w))


def greedy_skipped(p: Params, w: Words) -> str:
    return sentences(_ranked(p, w), _tied(p, w), _does_not_fit(p, w))


def greedy_dropped(p: Params, w: Words) -> str:
    n = p["support"]
    v = {"n": w.number(n), "threshold": w.number(p["threshold"])}
    if p["by"] == "points":
        text = w.ngettext(
            "It received %(n)s point, fewer than the %(threshold)s a project needs to take part.",
            "It received %(n)s points, fewer than the %(threshold)s a project needs to take part.",
            n,
        )
    else:
        text = w.ngettext(
            "It had %(n)s vote, fewer than the %(threshold)s a project needs to take part.",
            "It had %(n)s votes, fewer than the %(threshold)s a project needs to take part.",
            n,
        )
    return text % v


def mes_share(p: Params, w: Words) -> str:
    n = p["voters"]
    return w.ngettext(
        "The budget of %(budget)s was shared equally among the %(n)s voter: %(share)s each.",
        "The budget of %(budget)s was shared equally among the %(n)s voters: %(share)s each.",
        n,
    ) % {"budget": w.number(p["budget"]), "n": w.number(n), "share": w.number(p["share"])}


def _raised(p: Params, w: Words) -> str:
    n = p["raises"]
    if not n:
        return w.gettext("Each voter's share stayed at %(share)s.") % {
            "share": w.number(p["share"])
        }
    return w.ngettext(
        "To use more of the budget, each voter's share was raised by one unit, %(n)s time, "
        "to %(share)s.",
        "To use more of the budget, each voter's share was raised by one unit at a time, "
        "%(n)s times, to %(share)s.",
        n,
    ) % {"n": w.number(n), "share": w.number(p["share"])}


def mes_raised(p: Params, w: Words) -> str:
    stop = w.gettext(
        "With %(over)s each, Equal Shares would have spent more than the whole budget."
    ) % {"over": w.number(p["over"])}
    return sentences(_raised(p, w), stop)


def mes_raised_exhaustive(p: Params, w: Words) -> str:
    stop = w.gettext(
        "At that share, no unfunded project that someone voted for fits in the money left."
    )
    return sentences(_raised(p, w), stop)


def mes_free(p: Params, w: Words) -> str:
    n = p["voters"]
    return w.ngettext(
        "It costs nothing and %(n)s voter wanted it, so it was funded first.",
        "It costs nothing and %(n)s voters wanted it, so it was funded first.",
        n,
    ) % {"n": w.number(n)}


def mes_funded(p: Params, w: Words) -> str:
    v = {
        "round": w.number(p["round"]),
        "price": w.number(p["price"]),
        "cost": w.number(p["cost"]),
        "n": w.number(p["payers"]),
        "all_in": w.number(p["all_in"]),
        "all_in_paid": w.number(p["all_in_paid"]),
    }
    sat = p["sat"]
    if sat == "cost":
        why = w.gettext(
            "In round %(round)s it was the project whose supporters each had to pay the "
            "smallest part of its cost."
        )
    elif sat == "points":
        why = w.gettext(
            "In round %(round)s it was the project whose supporters had to pay the least for "
            "each point they gave it."
        )
    else:
        why = w.gettext(
            "In round %(round)s it was the project whose supporters each had to pay the least."
        )
    paid = ""
    if p["payers"]:
        if sat == "points":
            paid = w.ngettext(
                "%(n)s supporter paid %(price)s for each point they gave it.",
                "%(n)s supporters paid %(price)s for each point they gave it.",
                p["payers"],
            )
        else:
            paid = w.ngettext(
                "%(n)s supporter paid %(price)s.",
                "%(n)s supporters paid %(price)s each.",
                p["payers"],
            )
    all_in = ""
    if p["all_in"]:
        all_in = w.ngettext(
            "%(all_in)s supporter with less money left paid all they had: %(all_in_paid)s.",
            "%(all_in)s supporters with less money left paid all they had: %(all_in_paid)s "
            "in total.",
            p["all_in"],
        )
    covered = w.gettext("Together they could afford its cost of %(cost)s, so it was funded.")
    return sentences(why % v, paid % v, all_in % v, covered % v)


def mes_unaffordable(p: Params, w: Words) -> str:
    v = {"round": w.number(p["round"] or 0), "money": w.number(p["money"])}
    v["cost"] = w.number(p["cost"])
    if p.get("round") is None:
        text = w.gettext(
            "Its supporters could not afford it: in the end they had %(money)s left in total, "
            "less than its cost of %(cost)s."
        )
    else:
        text = w.gettext(
            "Its supporters could not afford it: by round %(round)s they had %(money)s left in "
            "total, less than its cost of %(cost)s."
        )
    return text % v


def mes_free_satisfies_nobody(p: Params, w: Words) -> str:
    return w.gettext(
        "It costs nothing, and this rule measures what a project gives its supporters by its "
        "cost, so it counted as giving them nothing."
    )


def no_points(p: Params, w: Words) -> str:
    return w.gettext("Nobody gave it any points.")


def unsupported(p: Params, w: Words) -> str:
    return w.gettext("No ballot chose it.")


def no_ballots(p: Params, w: Words) -> str:
    return w.gettext("No ballots were cast.")


def no_ballots_completion(p: Params, w: Words) -> str:
    return w.gettext(
        "No ballots were cast, so the budget went to the projects in order of votes only."
    )


def _completion(w: Words) -> str:
    return w.gettext(
        "After Equal Shares, the money left went to the other projects in order of votes."
    )


def completion_selected(p: Params, w: Words) -> str:
    n = p["votes"]
    text = w.ngettext(
        "It had %(n)s vote, and its cost of %(cost)s fit in the %(left)s still available, so "
        "it was funded.",
        "It had %(n)s votes, and its cost of %(cost)s fit in the %(left)s still available, so "
        "it was funded.",
        n,
    ) % {"n": w.number(n), "cost": w.number(p["cost"]), "left": w.number(p["left"])}
    return sentences(_completion(w), text)


def completion_free(p: Params, w: Words) -> str:
    return sentences(_completion(w), w.gettext("It costs nothing, so it was funded."))


def completion_skipped(p: Params, w: Words) -> str:
    return sentences(_completion(w), _does_not_fit(p, w))


def phragmen_too_expensive(p: Params, w: Words) -> str:
    return w.gettext("Its cost of %(cost)s is more than the whole budget of %(budget)s.") % {
        "cost": w.number(p["cost"]),
        "budget": w.number(p["budget"]),
    }


def phragmen_selected(p: Params, w: Words) -> str:
    n = p["supporters"]
    shared = w.ngettext(
        "In round %(round)s its %(n)s supporter paid its cost of %(cost)s; they had then paid "
        "%(load)s in all for the funded projects, less than any other project left would have "
        "made its supporters pay.",
        "In round %(round)s its %(n)s supporters shared its cost of %(cost)s; each of them had "
        "then paid %(load)s in all for the funded projects, less than any other project left "
        "would have made its supporters pay.",
        n,
    ) % {
        "round": w.number(p["round"]),
        "n": w.number(n),
        "cost": w.number(p["cost"]),
        "load": w.number(p["load"]),
    }
    return sentences(shared, _fits(p, w))


def phragmen_selected_unsupported(p: Params, w: Words) -> str:
    return sentences(w.gettext("Nobody voted for it, nor for any project left."), _fits(p, w))


def phragmen_stopped(p: Params, w: Words) -> str:
    nxt = w.gettext(
        "It was next in line: each of its supporters would have paid %(load)s in all, the "
        "least of any project left."
    ) % {"load": w.number(p["load"])}
    return sentences(nxt, _stopped(p, w))


def phragmen_stopped_unsupported(p: Params, w: Words) -> str:
    nxt = w.gettext("It was next in line, though nobody voted for it.")
    return sentences(nxt, _stopped(p, w))


def _stopped(p: Params, w: Words) -> str:
    return w.gettext(
        "Its cost of %(cost)s did not fit in the %(left)s still available, so the count "
        "stopped there."
    ) % {"cost": w.number(p["cost"]), "left": w.number(p["left"])}


def phragmen_not_reached(p: Params, w: Words) -> str:
    return w.gettext(
        "Its turn never came: the count stopped when %(stopper)s did not fit in the %(left)s "
        "still available."
    ) % {"stopper": w.name(p["stopper"]), "left": w.number(p["left"])}


SENTENCES: dict[str, Sentence] = {
    "pb.head.selected": head_selected,
    "pb.head.not_selected": head_not_selected,
    "pb.greedy.selected": greedy_selected,
    "pb.greedy.skipped": greedy_skipped,
    "pb.greedy.dropped": greedy_dropped,
    "pb.mes.share": mes_share,
    "pb.mes.raised": mes_raised,
    "pb.mes.raised_exhaustive": mes_raised_exhaustive,
    "pb.mes.free": mes_free,
    "pb.mes.funded": mes_funded,
    "pb.mes.unaffordable": mes_unaffordable,
    "pb.mes.free_satisfies_nobody": mes_free_satisfies_nobody,
    "pb.no_points": no_points,
    "pb.unsupported": unsupported,
    "pb.no_ballots": no_ballots,
    "pb.no_ballots_completion": no_ballots_completion,
    "pb.completion.selected": completion_selected,
    "pb.completion.free": completion_free,
    "pb.completion.skipped": completion_skipped,
    "pb.phragmen.too_expensive": phragmen_too_expensive,
    "pb.phragmen.selected": phragmen_selected,
    "pb.phragmen.selected_unsupported": phragmen_selected_unsupported,
    "pb.phragmen.stopped": phragmen_stopped,
    "pb.phragmen.stopped_unsupported": phragmen_stopped_unsupported,
    "pb.phragmen.not_reached": phragmen_not_reached,
}
