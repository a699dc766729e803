"""Every rule's own examples: each `flag` example gets the rule, each `pass` example does not."""

import functools

import pytest

from conftest import codes_of, rule_linter
from linter.rulepack import load_rules

RULES = load_rules()
CASES = [
    pytest.param(rule.code, kind, text, id=f"{rule.code}-{kind}-{i}")
    for rule in RULES
    for kind in ("flag", "pass")
    for i, text in enumerate(rule.examples.get(kind, []))
]


@pytest.mark.parametrize("code,kind,text", CASES)
def test_rule_example(code, kind, text):
    ext = ".j2" if rule_is_template(code) else ".txt"
    linter = model_linter(code) if BY_CODE[code].kind == "model" else rule_linter(code)
    found = codes_of(linter.lint_text(text, path="example" + ext))
    if kind == "flag":
        assert code in found, f"{code} should flag:\n{text}"
    else:
        assert code not in found, f"{code} should not flag:\n{text}"


#: Rules whose examples are plain text (a .txt), and templated-family rules about merge fields (a .j2).
PLAIN_TEXT_M = {"M101"}
TEMPLATE_T = {"T201", "T202"}


BY_CODE = {rule.code: rule for rule in RULES}


@functools.cache
def model_linter(code: str):
    """The model makes a `model` rule's finding: that rule's examples run with the model on."""
    from linter import Linter, Options

    return Linter(Options(select=[code], use_model=True))


def rule_is_template(code: str) -> bool:
    return (code.startswith("M") and code not in PLAIN_TEXT_M) or code in TEMPLATE_T


def test_every_rule_has_enough_examples():
    for rule in RULES:
        assert len(rule.examples.get("flag", [])) >= 3, rule.code
        assert len(rule.examples.get("pass", [])) >= 2, rule.code


def test_rule_counts():
    by_family = {}
    for rule in RULES:
        by_family[rule.code[0]] = by_family.get(rule.code[0], 0) + 1
    assert len(RULES) >= 60
    for letter in "TSGQ":
        assert by_family.get(letter, 0) >= 10, letter


def test_every_rule_is_documented():
    for rule in RULES:
        assert rule.message and rule.why and rule.instead and rule.name, rule.code
        assert not rule.message.endswith("."), rule.code


def test_builtin_regexes_pass_the_team_pack_checks():
    """Built-in packs skip the regex safety checks at start-up; they must pass them here."""
    from linter.rulepack import RuleError, _check_regex

    for rule in RULES:
        for pattern in (rule.regex, rule.unless):
            if pattern is not None:
                try:
                    _check_regex(pattern, rule.code)
                except RuleError as exc:  # pragma: no cover - the message is the failure
                    pytest.fail(str(exc))


def test_regex_needles_are_in_every_match():
    """The engine skips a regex rule when none of its needles is in the email; every
    match of every built-in regex on its own flag examples must contain a needle."""
    import re

    from linter.engine import required_literals
    from linter.rulepack import needle_share

    assert required_literals(r"\b(?:many|most)\s+(?:firms|teams)\b") == frozenset({"firms", "teams"})
    assert required_literals(r"\bact\s+now\b|\bhurry\b") == frozenset({"act", "hurry"})
    assert required_literals(r"\b(?:a|an)?\s*x") is None  # nothing it can name
    share = needle_share(["We know this is new.", "It is what we do.", "Unbeatable #1!"])
    assert share(frozenset({"we", "is"})) == 2 / 3 and share(frozenset({"#"})) == 1 / 3
    assert required_literals(r"\b(?:we|is)\s+#\s?1\b|\bunbeatable\b", rank=share) == frozenset({"#", "unbeatable"})
    assert required_literals(r"\bwe\s+#\s?1\b") is None  # "we" and "#" are too short to trust unranked
    for rule in RULES:
        for needles in (required_literals(rule.regex) if rule.regex else None, rule.needles):  # plain; the index's
            if not needles:
                continue
            for text in rule.examples.get("flag", []) + rule.examples.get("pass", []):
                for m in re.finditer(rule.regex, text.lower(), re.M):
                    assert any(n in m.group() for n in needles), (rule.code, m.group(), sorted(needles))


def test_needle_prefilter_changes_no_finding():
    """The engine turns the needle prefilter on after a few emails; with it on, every
    example email gets exactly the findings it gets with it off."""
    from conftest import EXAMPLES
    from linter.engine import Engine
    from linter.readers import read_path

    rules = [r for r in RULES if r.kind != "model"]
    plain, sieved = Engine(rules), Engine(rules)
    plain.NEEDLES_AFTER = 0  # never reached: the count starts at 1
    for entry in plain.regexes:
        entry.needles = None  # run every regex on every email
    plain._index_needles()
    assert plain.needle_finder is None
    assert sum(bool(entry.needles) for entry in sieved.regexes) > 30  # from the rule index
    paths = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".txt", ".md", ".j2", ".html"))
    for path in paths:
        for email in read_path(str(path)):
            got = [(f.code, f.line, f.column) for f in sieved.analyze(email).findings]
            assert got == [(f.code, f.line, f.column) for f in plain.analyze(email).findings], path


def test_rule_index_is_current():
    """rules/index.json is the YAML packs as they are: rebuild it with `python -m linter.rulepack`."""
    from conftest import ROOT
    from linter.rulepack import INDEX_NAME, build_index

    shipped = (ROOT / "rules" / INDEX_NAME).read_text(encoding="utf-8")
    assert shipped == build_index(ROOT), "rules/index.json is stale: run `python -m linter.rulepack`"


def test_rules_from_the_index_equal_rules_from_the_yaml(monkeypatch):
    from linter import rulepack

    from_index = rulepack.load_rules()
    assert all(r.needles_known for r in from_index if r.regex)
    rulepack._builtin_raws.cache_clear()
    monkeypatch.setattr(rulepack, "INDEX_NAME", "missing.json")
    try:
        from_yaml = rulepack.load_rules()
    finally:
        rulepack._builtin_raws.cache_clear()
    assert not any(r.needles_known for r in from_yaml)
    for r in from_index:
        r.needles, r.needles_known = None, False
    assert from_yaml == from_index


def test_stale_index_is_ignored(tmp_path, monkeypatch):
    """An index built from other YAML is not used: the packs themselves are read."""
    import json

    from linter import rulepack

    from conftest import ROOT

    index = json.loads(rulepack.build_index(ROOT))
    index["packs_sha256"] = "0" * 64
    index["rules"] = index["rules"][:3]
    folder = tmp_path / "rules"
    folder.mkdir()
    for name, text in rulepack.builtin_pack_files():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (folder / rulepack.INDEX_NAME).write_text(json.dumps(index), encoding="utf-8")
    monkeypatch.setattr(rulepack, "data_dir", lambda name: tmp_path / name)
    rulepack._builtin_raws.cache_clear()
    try:
        assert len(rulepack.load_rules()) == len(RULES)
    finally:
        rulepack._builtin_raws.cache_clear()
