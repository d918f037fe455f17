"""Deep or huge rules are refused by validation with a clear message, never a RecursionError."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from salesnb.rules import RuleError, parse_rule, to_predicate
from salesnb.rules.parse import MAX_DEPTH, MAX_SIZE

LEAF = {"field": "status", "op": "eq", "value": "open"}


def nested(depth: int, key: str) -> dict:
    rule = LEAF
    for _ in range(depth):
        rule = {"not": rule} if key == "not" else {key: [rule]}
    return rule


@pytest.mark.parametrize("key", ["not", "all", "any"])
def test_a_rule_nested_900_levels_is_refused_clearly(key):
    with pytest.raises(RuleError) as info:
        parse_rule(nested(900, key), "leads")
    assert str(MAX_DEPTH) in str(info.value) and ("nested" in str(info.value) or "嵌套" in str(info.value))


def test_the_deepest_allowed_rule_still_works():
    rule = nested(MAX_DEPTH - 1, "not")  # MAX_DEPTH objects in all
    predicate = to_predicate(rule, "leads")
    assert predicate({"status": "open"}) is ((MAX_DEPTH - 1) % 2 == 0)
    with pytest.raises(RuleError):
        parse_rule(nested(MAX_DEPTH, "not"), "leads")


def test_a_huge_rule_is_refused_clearly():
    with pytest.raises(RuleError) as info:
        parse_rule({"any": [LEAF] * (MAX_SIZE + 1)}, "leads")
    assert f"{MAX_SIZE:,}" in str(info.value)
    with pytest.raises(RuleError):
        parse_rule({"field": "lead_id", "op": "in", "value": [str(i) for i in range(MAX_SIZE * 2)]}, "leads")


def test_the_cli_refuses_a_deep_rule_file_with_exit_2(db_url, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"table": "leads", "rule": ' + '{"all": [' * 900 + json.dumps(LEAF) + "]}" * 900 + "}",
                    encoding="utf-8")
    deeper = tmp_path / "deeper.json"
    deeper.write_text('{"table": "leads", "rule": ' + '{"not": ' * 100_000 + json.dumps(LEAF) + "}" * 100_001,
                      encoding="utf-8")
    for path in (deep, deeper):
        result = CliRunner().invoke(main, ["--db", db_url, "rules", "save", "deep", str(path), "--kind", "filter"])
        assert result.exit_code == 2, result.output
        assert str(MAX_DEPTH) in result.output and "嵌套" in result.output and "Recursion" not in result.output
