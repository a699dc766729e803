"""Every rule's own examples: each `flag` example gets the rule, each `pass` example does not."""

import functools

import pytest

from conftest import codes_of, rule_linter
from linter.rulepack import load_rules
from linter.rulepack.devtool import ExampleFailure

RULES = load_rules()
CASES = [
    pytest.param(rule.code, kind, i, text, id=f"{rule.code}-{kind}-{i}")
    for rule in RULES
    if not (rule.check or "").startswith("library_")  # run as one library in test_library.py
    for kind in ("flag", "pass")
    for i, text in enumerate(rule.examples.get(kind, []), start=1)
]


@pytest.mark.parametrize("code,kind,index,text", CASES)
def test_rule_example(code, kind, index, text):
    ext = ".j2" if rule_is_template(code) else ".txt"
    linter = model_linter(code) if BY_CODE[code].kind == "model" else rule_linter(code)
    found = codes_of(linter.lint_text(text, path="example" + ext))
    failure = ExampleFailure(BY_CODE[code], kind, index, text)
    assert (code in found) == (kind == "flag"), f"{failure}\n{text}"


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
        for kind, least in (("flag", 3), ("pass", 2)):
            got = len(rule.examples.get(kind, []))
            assert got >= least, f"{rule.origin}: rule {rule.code} has {got} {kind} examples; give at least {least}"


def test_rule_counts():
    by_family = {}
    for rule in RULES:
        by_family[rule.code[0]] = by_family.get(rule.code[0], 0) + 1
    assert len(RULES) >= 60, f"only {len(RULES)} built-in rules"
    for letter in "TSGQ":
        assert by_family.get(letter, 0) >= 10, f"only {by_family.get(letter, 0)} {letter} rules"


def test_every_rule_is_documented():
    for rule in RULES:
        assert rule.message and rule.why and rule.instead and rule.name, f"{rule.origin}: rule {rule.code} lacks a field"
        assert not rule.message.endswith("."), f"{rule.origin}: rule {rule.code}: no full stop after the message"


def test_builtin_regexes_pass_the_team_pack_checks():
    """Built-in packs skip the regex safety checks at start-up; they must pass them here."""
    from linter.rulepack.schema import RuleError, _check_regex

    for rule in RULES:
        for pattern in (rule.regex, rule.unless):
            if pattern is not None:
                try:
                    _check_regex(pattern, rule.code)
                except RuleError as exc:  # pragma: no cover - the message is the failure
                    pytest.fail(str(exc))


def test_needles_hold_for_every_match():
    """The engine skips a regex rule on an email holding none of its needles: each
    built-in rule's needles must be in every possible match of its regex."""
    import re

    from linter.engine import regex_mode
    from linter.rulepack.devtool import needle_share, needles_hold, required_literals

    assert needles_hold(r"\b(?:many|most)\s+(?:firms|teams)\b", frozenset({"firms", "teams"}))
    assert not needles_hold(r"\b(?:many|most)\s+(?:firms|teams)\b", frozenset({"firms"}))
    assert needles_hold(r"\bstruggle[sd]?\b", frozenset({"struggl"}))
    assert not needles_hold(r"\b(?:a|an)?\s*x", frozenset({"a"}))
    share = needle_share(["We know this is new.", "It is what we do.", "Unbeatable #1!"])
    assert share(frozenset({"we", "is"})) == 2 / 3 and share(frozenset({"#"})) == 1 / 3
    assert required_literals(r"\b(?:we|is)\s+#\s?1\b|\bunbeatable\b", rank=share) == frozenset({"#", "unbeatable"})
    for rule in RULES:
        if rule.needles is None:
            continue
        where = f"{rule.code} ({rule.origin})"
        assert rule.regex is not None and regex_mode(rule)[1], f"{where}: needles need a lower-case regex"
        assert needles_hold(rule.regex, rule.needles), (
            f"{where}: some match of the regex holds none of its needles; "
            "`python -m linter.rulepack.devtool needles` proposes a list"
        )
        for text in rule.examples.get("flag", []):
            for m in re.finditer(rule.regex, text.lower(), re.M):
                assert any(n in m.group() for n in rule.needles), (where, m.group())


def test_needle_prefilter_changes_no_finding():
    """With the needle prefilter, every example email gets exactly the findings it gets
    with every regex run on every email."""
    from conftest import EXAMPLES
    from linter.engine import Engine
    from linter.readers import read_path

    rules = [r for r in RULES if r.kind != "model"]
    plain, sieved = Engine(rules), Engine(rules)
    for entry in plain.regexes:
        entry.needles = None  # run every regex on every email
    plain._index_needles()
    assert plain.needle_finder is None
    assert sum(bool(entry.needles) for entry in sieved.regexes) > 30  # from the packs' needles
    paths = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".txt", ".md", ".j2", ".html"))
    for path in paths:
        for email in read_path(str(path)):
            got = [(f.code, f.line, f.column) for f in sieved.analyze(email).findings]
            assert got == [(f.code, f.line, f.column) for f in plain.analyze(email).findings], path


def test_every_example_failure_names_its_line():
    """A failing example is reported at its own line of its pack (file:line)."""
    from linter.rulepack.devtool import example_origins

    for rule in RULES:
        for kind in ("flag", "pass"):
            lines = example_origins(rule, kind)
            numbers = [int(where.rsplit(":", 1)[1]) for where in lines]
            assert numbers == sorted(set(numbers)) and rule.origin not in lines, (rule.origin, kind, lines)
