"""Explanations are data: a message id and JSON parameters, put into words by a renderer."""

import ast
import json
from pathlib import Path

from comuna.choice.messages import Msg
from comuna.choice.pb import run
from comuna.choice.sentences import SENTENCES, render
from tests.choice.corpus import messages
from tests.choice.oracle import make_instance

CHOICE = Path(__file__).resolve().parents[2] / "comuna" / "choice"
# a branch no election reaches: the last candidate standing always holds a majority
UNREACHED = {"election.last_standing"}


def _ids_in_the_source() -> set[str]:
    """Every literal message id the engine builds a ``Msg`` with."""
    ids = set()
    for path in CHOICE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Msg":
                for arg in node.args[:1]:
                    if isinstance(arg, ast.Constant):
                        ids.add(arg.value)
                    elif isinstance(arg, ast.IfExp):  # Msg("a" if x else "b", ...)
                        ids |= {
                            a.value for a in (arg.body, arg.orelse) if isinstance(a, ast.Constant)
                        }
            elif isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "said" for t in node.targets
            ):  # said = "pb.x" if ... else "pb.y"; Msg(said, ...)
                ids |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
    return {i for i in ids if isinstance(i, str) and "." in i}


def test_every_message_id_in_the_engine_has_a_renderer_and_every_renderer_is_used():
    in_source = _ids_in_the_source()
    assert in_source - set(SENTENCES) == set()
    spoken = {m.id for m in messages()}
    assert spoken - set(SENTENCES) == set()
    # the corpus makes the engine say every message it has words for
    assert set(SENTENCES) - spoken == UNREACHED


def test_every_message_renders_in_english_and_its_parameters_are_exact_json():
    for msg in messages():
        said = render(msg)
        assert said and "%(" not in said and said[-1] in ".)", msg
        dumped = json.dumps(msg.to_dict())
        assert not list(_numbers(msg.params)), msg  # exact numbers: ints or "p/q" strings
        assert Msg.from_dict(json.loads(dumped)) == msg
    last = Msg("election.last_standing", {"candidate": "A"})
    assert render(last) == "A was the last one left in the count and was elected."


def _numbers(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)


def test_steps_name_projects_by_id_and_carry_exact_amounts():
    # 3 voters, budget 10: each gets 10/3. X (5) by voters 1, 2 pays 5/2 each.
    inst = make_instance({"X": 5, "Y": 7}, [["X"], ["X", "Y"], ["Y"]], budget=10)
    out = run("mes-cost", inst)
    share, *steps = [s.msg for s in out.steps]
    assert share == Msg("pb.mes.share", {"voters": 3, "budget": 10, "share": "10/3"})
    x = next(m for m in steps if m.params["project"] == "X")
    assert x.id == "pb.mes.funded" and (x.params["price"], x.params["payers"]) == ("5/2", 2)
    assert out.says("Y")[0] == Msg("pb.head.not_selected", {"project": "Y", "rule": "mes-cost"})


def test_equal_shares_says_what_each_supporter_paid_in_plain_words_not_rho():
    inst = make_instance({"X": 5, "Y": 7}, [["X"], ["X", "Y"], ["Y"]], budget=10)
    said = run("mes-cost", inst).explain("X")
    assert "2 supporters paid 2.50 each." in said
    assert "Together they could afford its cost of 5, so it was funded." in said
    assert "rho" not in said and "=" not in said
    said = run("mes-cost", inst).explain("Y")
    assert "Its supporters could not afford it" in said


def test_english_labels_replace_ids_when_given():
    from comuna.choice.messages import English

    inst = make_instance({"1": 5, "2": 7}, [["1"], ["1", "2"], ["2"]], budget=10)
    said = run("greedy-cost", inst).explain("2", English({"1": "Roof", "2": "Clinic"}))
    assert said.startswith("Clinic was not funded (rule: Greedy by votes).")
