"""Team rule packs: loading, overrides, validation messages (file, rule, line) and `rules --check`."""

import textwrap

import pytest

from conftest import EXAMPLES, ROOT, run_cli
from linter import Linter, Options
from linter.rulepack import RuleError, load_rules

GOOD = """\
family: generic
rules:
  - code: G950
    name: synergy
    severity: warning
    message: Leans on the word synergy
    why: Nobody can picture a synergy, so the sentence says nothing.
    instead: Name the two things that work together, e.g. "your ERP and our scanner".
    phrases: [synergy]
    examples:
      flag: ["Our synergy is real.", "Synergy matters.", "So much synergy."]
      pass: ["Our ERP feeds the scanner.", "Energy prices rose."]
"""


def pack(tmp_path, text, name="pack.yml"):
    folder = tmp_path / "team"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text))
    return str(folder)


def error_of(folder):
    with pytest.raises(RuleError) as info:
        load_rules([folder])
    return str(info.value)


def test_team_rule_is_loaded_after_builtins_and_fires(tmp_path):
    folder = pack(tmp_path, GOOD)
    rules = load_rules([folder])
    g950 = next(r for r in rules if r.code == "G950")
    assert (g950.builtin, g950.origin) == (False, f"{folder}/pack.yml:3")
    (res,) = Linter(Options(select=["G950"], use_model=False, rule_folders=[folder])).lint_text("Hi,\n\nOur synergy.\n", "m.txt")
    assert [(f.code, f.line, f.column, f.severity) for f in res.findings] == [("G950", 3, 5, "warning")]


def test_team_pack_changes_a_builtin_severity_and_disables_one(tmp_path):
    builtin = {r.code: r for r in load_rules()}
    code = next(c for c, r in builtin.items() if r.severity == "warning" and r.default)
    other = next(c for c, r in builtin.items() if r.default and c != code)
    folder = pack(tmp_path, f"rules:\n  - code: {code}\n    severity: error\n  - code: {other}\n    enabled: false\n")
    rules = {r.code: r for r in load_rules([folder])}
    assert rules[code].severity == "error"
    assert rules[code].origin.endswith(f"(changed in {folder}/pack.yml:2)")
    assert rules[other].default is False
    chosen = {r.code for r in Linter(Options(use_model=False, rule_folders=[folder])).rules}
    assert code in chosen and other not in chosen
    chosen = {r.code for r in Linter(Options(select=[other], use_model=False, rule_folders=[folder])).rules}
    assert chosen == {other}  # still there when asked for


def test_pack_family_default_does_not_stop_a_builtin_change(tmp_path):
    """A pack's `family:` is a default for its new rules; a change to a built-in in the
    same pack (only code and severity) is still a change, not a duplicate code."""
    folder = pack(tmp_path, GOOD + "  - code: S203\n    severity: error\n")
    rules = {r.code: r for r in load_rules([folder])}
    assert rules["S203"].severity == "error" and rules["S203"].family == "seller_centric"
    assert rules["G950"].family == "generic"


@pytest.mark.parametrize(
    "text,expected",
    [
        (GOOD.replace("    message: Leans on the word synergy\n", ""), "pack.yml:3: rule G950: missing field 'message'"),
        (GOOD.replace("    why: Nobody can picture a synergy, so the sentence says nothing.\n", ""),
         "pack.yml:3: rule G950: missing field 'why'"),
        (GOOD.replace("family: generic", "family: marketing"), "pack.yml:3: rule G950: unknown family 'marketing'"),
        (GOOD.replace("code: G950", "code: X950"), "pack.yml:3: rule X950: code must be a family letter"),
        (GOOD.replace("code: G950", "code: T950"), "pack.yml:3: rule T950: code T950 does not belong to family 'generic'"),
        (GOOD.replace("severity: warning", "severity: fatal"), "pack.yml:3: rule G950: severity must be one of"),
        (GOOD.replace("    phrases: [synergy]\n", "    phrases: [synergy]\n    regex: 'syn'\n"),
         "pack.yml:3: rule G950: give exactly one of phrases, patterns, regex, check"),
        (GOOD.replace("phrases: [synergy]", "regex: 'syn(ergy'"), "pack.yml:3: rule G950: regex does not compile (missing ), unterminated subpattern"),
        (GOOD.replace("phrases: [synergy]", "patterns: [[{LOWR: synergy}]]"),
         "pack.yml:3: rule G950: wrong pattern shape (- [pattern -> 0 -> LOWR] Extra inputs are not permitted)"),
        (GOOD.replace("phrases: [synergy]", "patterns: [{LOWER: synergy}]"),
         "pack.yml:3: rule G950: 'patterns' must be a list of token patterns"),
        (GOOD.replace("phrases: [synergy]", "check: no_such_check"), "pack.yml:3: rule G950: no computed check named 'no_such_check'"),
        (GOOD.replace("    name: synergy\n", "    name: synergy\n    colour: red\n"), "pack.yml:3: rule G950: unknown field 'colour'"),
        (GOOD + "  - just a string\n", "pack.yml:13: rule #2: each entry of 'rules' must be a mapping"),
        ("rules: {}\n", "pack.yml:1: a rule pack is a mapping with a 'rules' list"),
        (GOOD.replace("    severity: warning\n", "    severity: [warning\n"), "pack.yml:6: not valid YAML (did not find expected"),
    ],
)
def test_invalid_rule_is_rejected_naming_file_rule_and_line(tmp_path, text, expected):
    folder = pack(tmp_path, text)
    message = error_of(folder)
    assert message.startswith(folder + "/") and expected in message, message


def test_duplicate_code_within_a_pack(tmp_path):
    folder = pack(tmp_path, GOOD, "a.yml")
    pack(tmp_path, GOOD, "b.yml")
    assert error_of(folder) == f"{folder}/b.yml:3: rule G950: duplicate code (first in {folder}/a.yml:3)"


def test_duplicate_of_a_builtin_code(tmp_path):
    code = load_rules()[0].code
    folder = pack(tmp_path, GOOD.replace("code: G950", f"code: {code}").replace("family: generic", ""))
    message = error_of(folder)
    assert message.startswith(f"{folder}/pack.yml:3: rule {code}: duplicate code (first in rules/"), message


def test_bad_override(tmp_path):
    code = load_rules()[0].code
    folder = pack(tmp_path, f"rules:\n  - code: {code}\n    severity: loud\n")
    assert error_of(folder) == f"{folder}/pack.yml:2: rule {code}: severity must be one of error, warning, suggestion"


def test_safe_regexes_are_accepted(tmp_path):
    # Team regexes run on RE2, which cannot backtrack: nested repeats cost linear time.
    for rx in ["(?:[\\w-]+\\s+){0,2}synergy", "\\bsyn(?:ergy|ergies)\\b", "(a|a?)+b", "(\\w+\\s?)+synergy", "((ab)+c)*"]:
        folder = pack(tmp_path, GOOD.replace("phrases: [synergy]", f"regex: '{rx}'"))
        assert any(r.code == "G950" for r in load_rules([folder])), rx


def test_check_cli_exits_2_on_bad_pack(tmp_path):
    folder = pack(tmp_path, GOOD.replace("phrases: [synergy]", "regex: 'syn(ergy'"))
    (tmp_path / "cfg.toml").write_text('rules = ["team"]\n')
    (tmp_path / "m.txt").write_text("Hello\n")
    proc = run_cli("check", "--no-model", "--config", "cfg.toml", "m.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{folder}/pack.yml:3: rule G950: regex does not compile" in proc.stderr


def test_rules_check_on_the_sample_pack():
    proc = run_cli("rules", "--check", "examples/team-rules")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "examples/team-rules/house-style.yml:8: G901 internal-product-names: 3 flag, 2 pass: ok",
        "examples/team-rules/house-style.yml:33: G902 unverifiable-percentages: 3 flag, 2 pass: ok",
        "examples/team-rules/builtin-changes.yml:4: G112 (built-in) severity warning",
        "examples/team-rules/builtin-changes.yml:7: T107 (built-in) disabled by default",
        "examples/team-rules: 2 rules, 2 built-in changes, 10 examples: all pass",
    ]


def test_rules_check_reports_failing_examples(tmp_path):
    bad = GOOD.replace('pass: ["Our ERP feeds the scanner.", "Energy prices rose."]',
                       'pass: ["Our ERP feeds the scanner.", "Such synergy."]')
    bad = bad.replace('"So much synergy."', '"So much energy."')
    folder = pack(tmp_path, bad)
    proc = run_cli("rules", "--check", folder)
    assert proc.returncode == 1
    assert f"{folder}/pack.yml:3: G950 synergy: 3 flag, 2 pass: FAILED" in proc.stdout
    assert proc.stderr.splitlines() == [
        f"{folder}/pack.yml:11: rule G950: flag example 3 should be flagged but is not: 'So much energy.'",
        f"{folder}/pack.yml:12: rule G950: pass example 2 should pass but is flagged: 'Such synergy.'",
    ]
    assert proc.stdout.splitlines()[-1] == f"{folder}: 1 rule, 0 built-in changes, 5 examples: 2 failed"


def test_rules_check_exits_2_on_invalid_pack(tmp_path):
    folder = pack(tmp_path, GOOD.replace("    instead: Name", "    instead_of: Name"))
    proc = run_cli("rules", "--check", folder)
    assert proc.returncode == 2
    assert f"{folder}/pack.yml:3: rule G950: unknown field 'instead_of'" in proc.stderr


def test_rules_check_missing_folder(tmp_path):
    proc = run_cli("rules", "--check", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "rule pack folder not found" in proc.stderr


def test_sample_pack_works_in_a_check(tmp_path):
    (tmp_path / "m.txt").write_text("Hi Ines,\n\nFalcon grades returns with one scan.\n")
    (tmp_path / "cfg.toml").write_text(f'rules = ["{ROOT / "examples" / "team-rules"}"]\nselect = ["G901"]\n')
    proc = run_cli("check", "--no-model", "--config", "cfg.toml", "m.txt", cwd=tmp_path)
    assert proc.returncode == 1
    assert "m.txt:3:1: G901 warning Uses an internal product code name the buyer has never heard" in proc.stdout
    assert EXAMPLES.is_dir()
