"""Sentences of the election rules (message ids ``election.*``).

A message about one candidate has its id in ``params["candidate"]``; one about several, in
``params["candidates"]`` or ``params["tied"]``. Votes may be exact fractions (STV transfers).
"""

from __future__ import annotations

from fractions import Fraction

from comuna.choice.messages import Words

from .common import Params, Sentence, names, plural, sentences


def summary(p: Params, w: Words) -> str:
    seats = p["seats"]
    return w.ngettext(
        "%(rule)s, %(n)s seat; elected: %(winners)s.",
        "%(rule)s, %(n)s seats; elected: %(winners)s.",
        seats,
    ) % {
        "rule": w.rule(p["rule"]),
        "n": w.number(seats),
        "winners": names(w, p["winners"]) or "-",
    }


def head_elected(p: Params, w: Words) -> str:
    return w.gettext("%(name)s was elected, in place %(place)s (rule: %(rule)s).") % {
        "name": w.name(p["candidate"]),
        "place": w.number(p["place"]),
        "rule": w.rule(p["rule"]),
    }


def head_not_elected(p: Params, w: Words) -> str:
    return w.gettext("%(name)s was not elected (rule: %(rule)s).") % {
        "name": w.name(p["candidate"]),
        "rule": w.rule(p["rule"]),
    }


def final(p: Params, w: Words) -> str:
    votes = p["votes"]
    return w.ngettext(
        "In the final count it had %(n)s vote.",
        "In the final count it had %(n)s votes.",
        plural(votes),
    ) % {"n": w.number(votes)}


def round_tallies(p: Params, w: Words) -> str:
    tallies = ", ".join(f"{w.name(c)} {w.number(v)}" for c, v in p["tallies"].items())
    return w.gettext("Round %(round)s: %(tallies)s.") % {
        "round": w.number(p["round"]),
        "tallies": tallies,
    }


def quota(p: Params, w: Words) -> str:
    q = p["quota"]
    return w.ngettext(
        "A candidate who reaches %(n)s vote, the quota, is elected.",
        "A candidate who reaches %(n)s votes, the quota, is elected.",
        plural(q),
    ) % {"n": w.number(q)}


def plurality_elected(p: Params, w: Words) -> str:
    v = {"name": w.name(p["candidate"]), "n": w.number(p["votes"]), "valid": w.number(p["valid"])}
    if p["seats"] == 1:
        text = w.ngettext(
            "%(name)s was elected with the most first choices: %(n)s of the %(valid)s valid "
            "ballot.",
            "%(name)s was elected with the most first choices: %(n)s of the %(valid)s valid "
            "ballots.",
            p["valid"],
        )
    else:
        text = w.ngettext(
            "%(name)s was elected, among those with the most first choices: %(n)s of the "
            "%(valid)s valid ballot.",
            "%(name)s was elected, among those with the most first choices: %(n)s of the "
            "%(valid)s valid ballots.",
            p["valid"],
        )
    return text % v


def approval_elected(p: Params, w: Words) -> str:
    v = {"name": w.name(p["candidate"]), "n": w.number(p["votes"])}
    v["ballots"] = w.number(p["ballots"])
    if p["seats"] == 1:
        text = w.ngettext(
            "%(name)s was elected, approved by the most voters: %(n)s of the %(ballots)s ballot.",
            "%(name)s was elected, approved by the most voters: %(n)s of the %(ballots)s ballots.",
            p["ballots"],
        )
    else:
        text = w.ngettext(
            "%(name)s was elected, among those approved by the most voters: %(n)s of the "
            "%(ballots)s ballot.",
            "%(name)s was elected, among those approved by the most voters: %(n)s of the "
            "%(ballots)s ballots.",
            p["ballots"],
        )
    return text % v


def no_valid(p: Params, w: Words) -> str:
    return w.gettext("There were no valid ballots, so no one was elected.")


def majority(p: Params, w: Words) -> str:
    return w.ngettext(
        "%(name)s had %(n)s of the %(active)s vote still in the count, a majority, and was "
        "elected.",
        "%(name)s had %(n)s of the %(active)s votes still in the count, a majority, and was "
        "elected.",
        p["active"],
    ) % {"name": w.name(p["candidate"]), "n": w.number(p["votes"]), "active": w.number(p["active"])}


def last_standing(p: Params, w: Words) -> str:
    return w.gettext("%(name)s was the last one left in the count and was elected.") % {
        "name": w.name(p["candidate"])
    }


def irv_eliminated(p: Params, w: Words) -> str:
    v = {"name": w.name(p["candidate"]), "n": w.number(p["votes"])}
    v["active"] = w.number(p["active"])
    return (
        w.ngettext(
            "No one had a majority of the %(active)s votes still in the count; %(name)s had the "
            "fewest, %(n)s vote, and was eliminated.",
            "No one had a majority of the %(active)s votes still in the count; %(name)s had the "
            "fewest, %(n)s votes, and was eliminated.",
            plural(p["votes"]),
        )
        % v
    )


def transferred(p: Params, w: Words) -> str:
    moved = [
        w.gettext("%(n)s to %(name)s") % {"n": w.number(v), "name": w.name(c)} for c, v in p["to"]
    ]
    gone = p["exhausted"]
    went = ""
    if moved:
        went = w.gettext("Their ballots went on to the next choice on each: %(moves)s.") % {
            "moves": ", ".join(moved)
        }
    left = ""
    if gone and gone != "0":
        left = w.ngettext(
            "%(n)s vote had no further choice and left the count.",
            "%(n)s votes had no further choice and left the count.",
            plural(gone),
        ) % {"n": w.number(gone)}
    if not went and not left:
        return w.gettext("There were no ballots to move on.")
    return sentences(went, left)


def stv_elected(p: Params, w: Words) -> str:
    return w.gettext("%(name)s reached the quota with %(n)s votes and was elected.") % {
        "name": w.name(p["candidate"]),
        "n": w.number(p["votes"]),
    }


def stv_filled(p: Params, w: Words) -> str:
    return w.gettext("All seats are filled.")


def stv_rest_elected(p: Params, w: Words) -> str:
    who = p["candidates"]
    if len(who) == 1:
        return w.gettext("%(name)s was the only one left in the count and was elected.") % {
            "name": w.name(who[0])
        }
    return w.ngettext(
        "%(names)s were the only ones left for the %(n)s seat still open, and were elected.",
        "%(names)s were the only ones left for the %(n)s seats still open, and were elected.",
        p["seats"],
    ) % {"names": names(w, who), "n": w.number(p["seats"])}


def stv_surplus(p: Params, w: Words) -> str:
    return w.gettext(
        "%(name)s had %(surplus)s votes more than the quota: so that those extra votes count "
        "for someone else, every ballot for them moved on to its next choice, keeping "
        "%(percent)s%% of its value."
    ) % {
        "name": w.name(p["candidate"]),
        "surplus": w.number(p["surplus"]),
        "percent": w.number(str(Fraction(p["value"]) * 100)),
    }


def stv_eliminated(p: Params, w: Words) -> str:
    v = {"name": w.name(p["candidate"]), "n": w.number(p["votes"])}
    if p["other"]:
        text = w.gettext(
            "No other candidate reached the quota and no surplus was left to move; %(name)s "
            "had the fewest votes, %(n)s, and was eliminated."
        )
    else:
        text = w.gettext(
            "No candidate reached the quota and no surplus was left to move; %(name)s had the "
            "fewest votes, %(n)s, and was eliminated."
        )
    return text % v


def schulze_placed(p: Params, w: Words) -> str:
    v = {"name": w.name(p["candidate"]), "place": w.number(p["place"])}
    if not p["paths"]:
        return w.gettext("%(name)s took place %(place)s, the last one left.") % v
    v["paths"] = "; ".join(
        w.gettext("%(rival)s %(win)s to %(lose)s")
        % {"rival": w.name(rival), "win": w.number(a), "lose": w.number(b)}
        for rival, a, b in p["paths"]
    )
    return (
        w.gettext(
            "%(name)s took place %(place)s: comparing head to head, directly or through a chain "
            "of other candidates, it beat or tied every candidate still unplaced (%(paths)s)."
        )
        % v
    )


def _tied(p: Params, w: Words) -> dict[str, str]:
    return {"tied": names(w, p["tied"]), "name": w.name(p["picked"])}


def tie_votes(p: Params, w: Words) -> str:
    v = {"tied": names(w, p["tied"]), "n": w.number(p["votes"])}
    v.update(won=names(w, p["won"]), lost=names(w, p["lost"]))
    return (
        w.ngettext(
            "%(tied)s tied with %(n)s vote; the tie-breaking order put %(won)s ahead of %(lost)s.",
            "%(tied)s tied with %(n)s votes; the tie-breaking order put %(won)s ahead of %(lost)s.",
            p["votes"],
        )
        % v
    )


def tie_fewest_before(p: Params, w: Words) -> str:
    return w.gettext(
        "In round %(round)s, %(tied)s were tied for the fewest votes; %(name)s was eliminated "
        "because it had fewer in round %(earlier)s, the first round where their votes differed."
    ) % {**_tied(p, w), "round": p["round"], "earlier": p["earlier"]}


def tie_most_before(p: Params, w: Words) -> str:
    return w.gettext(
        "In round %(round)s, %(tied)s were tied; %(name)s went first because it had more votes "
        "in round %(earlier)s, the first round where their votes differed."
    ) % {**_tied(p, w), "round": p["round"], "earlier": p["earlier"]}


def tie_order_last(p: Params, w: Words) -> str:
    if set(p["still"]) == set(p["tied"]):
        return w.gettext(
            "In round %(round)s, %(tied)s were tied for the fewest votes, as in every round "
            "before; %(name)s was eliminated because it comes last among them in the "
            "tie-breaking order."
        ) % {**_tied(p, w), "round": p["round"]}
    return w.gettext(
        "In round %(round)s, %(tied)s were tied for the fewest votes, and %(still)s had had "
        "equal votes in every round; %(name)s was eliminated because it comes last among them "
        "in the tie-breaking order."
    ) % {**_tied(p, w), "round": p["round"], "still": names(w, p["still"])}


def tie_order_first(p: Params, w: Words) -> str:
    if set(p["still"]) == set(p["tied"]):
        return w.gettext(
            "In round %(round)s, %(tied)s were tied, as in every round before; %(name)s went "
            "first because it comes first among them in the tie-breaking order."
        ) % {**_tied(p, w), "round": p["round"]}
    return w.gettext(
        "In round %(round)s, %(tied)s were tied, and %(still)s had had equal votes in every "
        "round; %(name)s went first because it comes first among them in the tie-breaking "
        "order."
    ) % {**_tied(p, w), "round": p["round"], "still": names(w, p["still"])}


def tie_schulze(p: Params, w: Words) -> str:
    return w.gettext(
        "For place %(place)s, %(tied)s were all unbeaten; %(name)s took it because it comes "
        "first among them in the tie-breaking order."
    ) % {**_tied(p, w), "place": p["place"]}


SENTENCES: dict[str, Sentence] = {
    "election.summary": summary,
    "election.head.elected": head_elected,
    "election.head.not_elected": head_not_elected,
    "election.final": final,
    "election.round": round_tallies,
    "election.quota": quota,
    "election.plurality.elected": plurality_elected,
    "election.approval.elected": approval_elected,
    "election.no_valid": no_valid,
    "election.majority": majority,
    "election.last_standing": last_standing,
    "election.irv.eliminated": irv_eliminated,
    "election.transferred": transferred,
    "election.stv.elected": stv_elected,
    "election.stv.filled": stv_filled,
    "election.stv.rest_elected": stv_rest_elected,
    "election.stv.surplus": stv_surplus,
    "election.stv.eliminated": stv_eliminated,
    "election.schulze.placed": schulze_placed,
    "election.tie.votes": tie_votes,
    "election.tie.fewest_before": tie_fewest_before,
    "election.tie.most_before": tie_most_before,
    "election.tie.order_last": tie_order_last,
    "election.tie.order_first": tie_order_first,
    "election.tie.schulze": tie_schulze,
}
