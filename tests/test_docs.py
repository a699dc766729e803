"""docs/rules.md is the rule packs as they are."""

from linter.rulepack.devtool import DOCS_COMMAND, RULES_DOC, documented_rules, rules_markdown


def test_rules_doc_is_current():
    expected = rules_markdown(documented_rules())
    assert RULES_DOC.read_text(encoding="utf-8") == expected, f"docs/rules.md is stale: run `{DOCS_COMMAND}`"


def test_rules_doc_lists_every_rule_once():
    text = RULES_DOC.read_text(encoding="utf-8")
    for rule in documented_rules():
        assert text.count(f"\n### {rule.code}\n") == 1, rule.code
        assert f"[`{rule.code}`](#{rule.code.lower()})" in text, rule.code
