"""``comuna pb``: count, check and explain Pabulib .pb files from the command line.

    comuna pb run FILE.pb --rule RULE [--json] [--tiebreak ORDER] [--strict]
    comuna pb rules
    comuna pb check FILE.pb
    comuna pb explain FILE.pb --rule RULE --project ID [--tiebreak ORDER] [--strict]

``run`` prints the selected project ids (as written in the file), one per line, in the order
the rule selected them. With ``--json`` it prints one object
``{"rule", "selected", "cost", "seconds"}``: ``cost`` is the exact total cost as a string
(``"850.25"``, or ``"1/3"`` if no finite decimal exists) so that no reader rounds it through a
float; ``seconds`` is the time the rule itself took, reading the file not included.

``explain`` speaks English; run as ``comuna pb explain`` it speaks Spanish or Portuguese when
``LANG`` (or ``LC_ALL``, ``LC_MESSAGES``) starts with ``es`` or ``pt``.

``--tiebreak`` names the order that decides ties (``comuna.choice.ties``): ``id`` (the
default, as pabutools), ``listed``, ``supporters`` (as Katowice breaks ties), ``cost-min``,
``cost-max``.

A real file is counted as the city published it: ballots that break the file's own META limits
(``max_length``, ``max_sum_cost``, a project listed twice, ...; see
``comuna.choice.pb.pabulib.constraints``) are counted as cast, as pabutools does, with one
warning per broken limit on stderr, ``warning: file:line: field: message``. ``--strict``
refuses such a file instead; ``check`` lists those problems and exits 1.

Exit status: 0 done; 1 ``check`` found ballots breaking the file's constraints; 2 bad input
(unreadable or malformed file, unknown rule or project, a rule that does not take the file's
vote type, with ``--strict`` a ballot breaking the file's limits), reported on stderr as
``error: file:line: field: message``, never a traceback.

Also runnable as ``python -m comuna.choice.cli ...``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from comuna.choice import elections, pb, ties
from comuna.choice.messages import Words
from comuna.choice.pb import pabulib
from comuna.choice.pb.instance import PBError, PBInstance
from comuna.choice.pb.outcome import Outcome
from comuna.choice.pb.pabulib.constraints import LIMITS
from comuna.choice.registry import Rule

BAD_INPUT = 2
CONSTRAINTS = (*LIMITS, "min_project_score_threshold")  # the META keys `check` shows


class UsageError(Exception):
    """Bad arguments that argparse cannot see (an unknown rule or project id)."""


def main(argv: Sequence[str] | None = None, words: Words | None = None) -> int:
    """Run the command; ``explain`` speaks ``words`` (English by default: the ``comuna``
    command passes the Django catalogue of the language ``LANG`` names)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    args.words = words
    try:
        status: int = args.command(args)
    except (PBError, UsageError) as e:
        print(f"error: {e}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:  # `comuna pb run ... | head`
        return 0
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="comuna pb", description="Count, check and explain Pabulib .pb elections."
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def file_and_rule(p: argparse.ArgumentParser) -> None:
        p.add_argument("file", metavar="FILE.pb")
        p.add_argument("--rule", required=True, help="a rule id (see `comuna pb rules`)")
        p.add_argument(
            "--tiebreak",
            default="id",
            metavar="ORDER",
            help="the order that decides ties: "
            + "; ".join(f"{name}: {ties.TIE_ORDERS[name]}" for name in ties.PB_TIE_ORDERS)
            + ' (default "id")',
        )
        p.add_argument(
            "--strict",
            action="store_true",
            help="refuse a file whose ballots break its own limits (default: count them as "
            "cast, with a warning)",
        )

    p = sub.add_parser("run", help="print the projects a rule selects")
    file_and_rule(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(command=cmd_run)

    p = sub.add_parser("rules", help="list the rules with the vote types they take")
    p.set_defaults(command=cmd_rules)

    p = sub.add_parser("check", help="validate a .pb file and summarise it")
    p.add_argument("file", metavar="FILE.pb")
    p.set_defaults(command=cmd_check)

    p = sub.add_parser("explain", help="say why a project was or was not funded")
    file_and_rule(p)
    p.add_argument("--project", required=True, help="a project id as written in the file")
    p.set_defaults(command=cmd_explain)
    return parser


# ----------------------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace) -> int:
    inst = _load(args.file, strict=args.strict)
    started = time.perf_counter()
    outcome = _count(args, inst)
    seconds = time.perf_counter() - started
    if args.json:
        print(
            json.dumps(
                {
                    "rule": args.rule,
                    "selected": outcome.selected,
                    "cost": pabulib.format_number(Fraction(outcome.cost)),
                    "seconds": round(seconds, 6),
                },
                ensure_ascii=False,
            )
        )
    else:
        for pid in outcome.selected:
            print(pid)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    inst = _load(args.file, strict=args.strict)
    if args.project not in inst.project_index:
        raise UsageError(f"{args.file}: --project: no project {args.project!r} in this file")
    print(_count(args, inst).explain(args.project, args.words))
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    print("Participatory-budgeting rules (comuna pb run FILE.pb --rule ID):")
    _print_rules(pb.RULES, "vote types")
    print()
    print("Election rules (comuna.choice.elections; they count candidate ballots, not .pb files):")
    _print_rules(elections.RULES, "ballots")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    inst, problems = pabulib.read_checked(args.file)
    for line in summary(inst):
        print(line)
    if not problems:
        print("ok: the file is well formed and every ballot keeps its constraints")
        return 0
    print(
        f"{len(problems)} problem(s) (`run` counts such ballots as cast, `run --strict` refuses):"
    )
    for p in problems:
        print(f"  {p}")
    return 1


def summary(inst: PBInstance) -> list[str]:
    """A few lines describing the election, for ``check``."""
    counts = np.diff(inst.indptr)
    total = sum((p.cost for p in inst.projects), Fraction(0))
    lines = [
        f"vote type:   {inst.vote_type}",
        f"projects:    {inst.n_projects} costing {_amount(total)} in all",
        f"budget:      {_amount(inst.budget)}"
        + (f" {inst.meta['currency']}" if inst.meta.get("currency") else ""),
        f"voters:      {inst.n_voters}",
    ]
    if inst.n_voters:
        lines.append(
            f"ballots:     {int(counts.min())} to {int(counts.max())} projects each, "
            f"{len(inst.indices)} choices in all, {int((counts == 0).sum())} empty"
        )
    limits = [f"{k} {inst.meta[k]}" for k in CONSTRAINTS if inst.meta.get(k)]
    lines.append(f"constraints: {', '.join(limits) if limits else 'none'}")
    if "rule" in inst.meta:
        lines.append(f"rule (META): {inst.meta['rule']}")
    chosen = [p for p in inst.projects if p.fields.get("selected", "").strip() in {"1", "1.0"}]
    if chosen:
        cost = sum((p.cost for p in chosen), Fraction(0))
        lines.append(f"selected:    {len(chosen)} projects costing {_amount(cost)} (by the file)")
    return lines


# ----------------------------------------------------------------------------- helpers


def _load(path: str, *, strict: bool) -> PBInstance:
    """The election in ``path``; ballots breaking its limits are refused or counted with a warning."""
    inst, problems = pabulib.read_checked(path)
    if problems and strict:
        first = problems[0]
        raise PBError(
            f"{first.message} (--strict refuses such a file; without it they count as cast)",
            path=first.path,
            line=first.line,
            field=first.field,
        )
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if problems:
        print("warning: such ballots are counted as cast (--strict refuses them)", file=sys.stderr)
    return inst


def _count(args: argparse.Namespace, inst: PBInstance) -> Outcome:
    """``pb.run`` with the rule and tie order of ``args``, bad ones reported as usage errors."""
    rule = pb.RULES.get(args.rule)
    if rule is None:
        raise UsageError(f"--rule: unknown rule {args.rule!r} (known: {', '.join(pb.RULES)})")
    if inst.vote_type not in rule.accepts:
        raise UsageError(
            f"{args.file}: vote_type: rule {args.rule} does not count {inst.vote_type} ballots "
            f"(it takes: {', '.join(rule.accepts)})"
        )
    if args.tiebreak not in ties.PB_TIE_ORDERS:
        raise UsageError(
            f"--tiebreak: unknown order {args.tiebreak!r} (known: {', '.join(ties.PB_TIE_ORDERS)})"
        )
    return pb.run(args.rule, inst, tiebreak=args.tiebreak)


def _print_rules(rules: dict[str, Rule], takes: str) -> None:
    width = max(map(len, rules))
    for rid, rule in rules.items():
        seats = "" if rule.multi_seat else "; one seat"
        print(f"  {rid:<{width}}  {rule.description}")
        print(f"  {'':<{width}}  {takes}: {', '.join(rule.accepts)}{seats}")


def _amount(x: Fraction) -> str:
    return pabulib.format_number(x)


if __name__ == "__main__":
    sys.exit(main())
