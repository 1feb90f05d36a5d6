"""The engine's messages, rule names and descriptions in the reader's language."""

import pytest
from django.utils import translation

from comuna.choice import elections, pb
from comuna.choice.sentences import render
from comuna.voting.explain import Reader
from comuna.voting.models import RULES, Method
from comuna.voting.names import method_description, rule_description, rule_name
from tests.choice.corpus import messages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["es", "pt"])
def test_every_message_of_the_engine_is_translated(language):
    english = {}
    for msg in messages():
        english.setdefault(msg.id, render(msg))
    with translation.override(language):
        for msg in messages():
            said = render(msg, Reader())
            assert said and "%(" not in said, msg
            assert said != render(msg), (language, msg)


def test_numbers_are_formatted_for_the_locale():
    with translation.override("es"):
        assert Reader().number("2469/2") == "1.234,50"
        assert Reader().number(1500) == "1.500"
    with translation.override("pt"):
        assert Reader().number("2469/2") == "1.234,50"
    with translation.override("en"):
        assert Reader().number("2469/2") == "1,234.50"


def test_every_rule_has_a_name_and_a_one_line_description_in_each_language():
    offered = {r for rules in RULES.values() for r in rules}
    engine = set(pb.RULES) | set(elections.RULES)
    assert offered <= engine
    for language in ("en", "es", "pt"):
        with translation.override(language):
            for rule in engine:
                name, description = rule_name(rule), rule_description(rule)
                assert name and name != rule, rule
                assert description.endswith(".") and "\n" not in description, rule
            for method in Method:
                assert method_description(method).endswith(".")
    with translation.override("es"):
        assert rule_name("mes-cost-complete") == "Partes Iguales (completado por costo)"
