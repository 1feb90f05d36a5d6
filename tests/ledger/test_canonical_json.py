import math
from decimal import Decimal

import pytest

from comuna.ledger import canonical_json


def test_it_sorts_keys_and_leaves_no_whitespace():
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == '{"a":[true,null,"x"],"b":1}'


def test_it_sorts_nested_keys_by_code_point():
    assert canonical_json({"z": {"é": 1, "e": 2, "Z": 3}}) == '{"z":{"Z":3,"e":2,"é":1}}'


def test_it_writes_unicode_as_text_not_escapes():
    assert canonical_json({"nombre": "Señora Peña 日本"}) == '{"nombre":"Señora Peña 日本"}'


def test_it_escapes_only_what_json_requires():
    assert canonical_json('a"b\\c\nd\x01') == '"a\\"b\\\\c\\nd\\u0001"'


def test_it_keeps_big_integers_exact_and_tuples_as_arrays():
    assert (
        canonical_json({"n": 10**30, "t": (1, 2)})
        == '{"n":1000000000000000000000000000000,"t":[1,2]}'
    )


@pytest.mark.parametrize("value", [1.5, 2.0, math.nan, math.inf])
def test_it_refuses_every_float(value):
    with pytest.raises(TypeError, match=r"payload\.tally\[2\] is a float.*int or a decimal string"):
        canonical_json({"tally": [1, 2, value]}, root="payload")


@pytest.mark.parametrize(
    ("value", "type_name"),
    [({1, 2}, "set"), (b"x", "bytes"), (Decimal("1.5"), "Decimal"), (object(), "object")],
)
def test_it_refuses_non_json_types_naming_the_path(value, type_name):
    with pytest.raises(TypeError, match=rf"value\.a\.b is a {type_name}, which is not a JSON type"):
        canonical_json({"a": {"b": value}})


def test_it_names_keys_that_are_not_identifiers_with_brackets():
    with pytest.raises(TypeError, match=r'payload\["votos por opción"\]\[0\] is a float'):
        canonical_json({"votos por opción": [0.5]}, root="payload")


def test_it_refuses_non_string_keys():
    with pytest.raises(TypeError, match=r"value\.counts has a key of type int \(3\)"):
        canonical_json({"counts": {3: 1}})


def test_it_refuses_lone_surrogates():
    with pytest.raises(TypeError, match=r"value\[0\] is not valid Unicode text"):
        canonical_json(["\ud800"])


def test_it_refuses_a_value_that_contains_itself():
    loop = []
    loop.append(loop)
    with pytest.raises(TypeError, match=r"value\[0\] contains itself"):
        canonical_json(loop)


def test_the_same_object_twice_is_not_a_loop():
    shared = [1]
    assert canonical_json({"a": shared, "b": shared}) == '{"a":[1],"b":[1]}'
