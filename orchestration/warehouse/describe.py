"""dbt tests in words, for the Dagster UI's checks: what each asserts, from its arguments or its comments.

Pure (no Dagster, no dbt): the translator in assets.py calls it on manifest nodes.
"""

from collections.abc import Mapping
from typing import Any


def describe_dbt_test(test: Mapping[str, Any]) -> str:
    """What a dbt test asserts, for the Dagster UI: generic tests from their arguments, singular tests
    from the comment lines that open their SQL file."""
    generic = test.get("test_metadata") or {}
    kwargs = generic.get("kwargs", {})
    column = kwargs.get("column_name")
    phrases = {
        "unique": f"{column} is unique",
        "not_null": f"{column} is never NULL",
        "accepted_values": f"{column} is one of: {', '.join(map(str, kwargs.get('values', [])))}",
        "span_traces_to_text": f"{column} equals the bulletin's characters at [char_start, char_end)",
        "relationships": f"every {column} is a key of {kwargs.get('to')} ({kwargs.get('field')})",
        "row_rules": describe_row_rules(kwargs),
    }
    if generic:
        return "dbt test: " + phrases.get(generic.get("name"), f"{generic.get('name')} on {column or 'the model'}")
    comments = []
    for line in test.get("raw_code", "").splitlines():
        if not line.startswith("--"):
            break
        comments.append(line.removeprefix("--").strip())
    return "dbt test: " + (" ".join(comments) or test.get("name", "singular test"))


def describe_row_rules(rules: Mapping[str, Any]) -> str:
    """The rules of a ``row_rules`` test (dbt_project/tests/generic/row_rules.sql) in words."""
    phrases = []
    if rules.get("not_null"):
        phrases.append(f"{', '.join(rules['not_null'])} never NULL")
    for key in rules.get("unique", []):
        phrases.append(f"{key} unique" if isinstance(key, str) else f"one row per {', '.join(key)}")
    phrases += [f"{c} one of: {', '.join(map(str, v))}" for c, v in rules.get("accepted_values", {}).items()]
    phrases += [f"{c} a 6-digit administrative division code" for c in rules.get("six_digit_code", [])]
    phrases += [f"{c} a key of {key}" for c, key in rules.get("relationships", {}).items()]
    phrases += rules.get("expressions", [])
    return "every row: " + "; ".join(phrases)
