"""One vocabulary: families and severities, the merge-field family's new name and its old one."""

import json
import os

from click.testing import CliRunner

from linter.cli import main
from linter.rulepack import load_rules, matches_selector, select_rules
from linter.taxonomy import Family, Severity, family_named

PLACEHOLDER = "Hi [First Name],\n\nYour Leeds depot doubled its returns in May.\n"


def run(args, cwd):
    """`stoplint ARGS` in-process, from ``cwd``; (exit status, parsed JSON, stderr)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    data = json.loads(result.stdout) if result.stdout.startswith("{") else None
    return result.exit_code, data, result.stderr


def codes(data):
    return [(f["code"], f["category"]) for r in data["files"] for f in r["findings"]]


def test_every_rule_code_starts_with_its_family_letter():
    rules = load_rules()
    assert {r.family for r in rules} == set(Family)
    for rule in rules:
        assert rule.code[0] == rule.family.letter, rule.code
        assert rule.severity in tuple(Severity), rule.code


def test_merge_field_pack_holds_only_m_rules():
    origins = {r.code: r.origin for r in load_rules()}
    assert origins["M101"].startswith("rules/merge_field.yml:")
    assert origins["T201"].startswith("rules/templated.yml:")
    assert origins["T202"].startswith("rules/templated.yml:")


def test_family_names_and_the_old_one():
    assert family_named("seller-centric") is Family.SELLER_CENTRIC
    assert family_named("QUIT") is Family.QUIT
    assert family_named("merge_field") is family_named("template") is Family.MERGE_FIELD
    assert family_named("templated") is Family.TEMPLATED  # one letter from "template", another family
    assert family_named("T1") is None
    assert Severity.ERROR.rank > Severity.WARNING.rank > Severity.SUGGESTION.rank


def test_selectors_by_family_code_and_prefix():
    rules = load_rules()
    by_old = select_rules(rules, select=["template"])
    assert by_old == select_rules(rules, select=["merge-field"]) == select_rules(rules, select=["M"])
    assert matches_selector("T201", Family.TEMPLATED, "templated")
    assert not matches_selector("T201", Family.TEMPLATED, "template")


def test_json_category_is_merge_field(tmp_path):
    (tmp_path / "draft.txt").write_text(PLACEHOLDER)
    status, data, stderr = run(["check", "--no-model", "--format", "json", "--select", "M101", "draft.txt"], tmp_path)
    assert status == 1, stderr
    assert codes(data) == [("M101", "merge_field")]
    assert stderr == ""


def test_old_name_on_the_command_line_works_with_a_note(tmp_path):
    (tmp_path / "draft.txt").write_text(PLACEHOLDER)
    status, data, stderr = run(["check", "--no-model", "--format", "json", "--select", "M,T",
                                "--ignore", "template", "draft.txt"], tmp_path)
    assert status == 0 and codes(data) == []
    assert stderr.splitlines() == [
        "--ignore: family 'template' is now called 'merge_field'; please rename it (the old name still works for now)"
    ]


def test_old_name_in_a_config_file_works_with_a_note(tmp_path):
    (tmp_path / "draft.txt").write_text(PLACEHOLDER)
    sub = tmp_path / "conf"
    sub.mkdir()
    (sub / "stoplint.toml").write_text('select = ["template"]\n')
    status, data, stderr = run(["check", "--no-model", "--format", "json", "--config", "conf/stoplint.toml",
                                "draft.txt"], tmp_path)
    assert status == 1
    assert {c for c in codes(data)} == {("M101", "merge_field")}
    assert stderr.splitlines() == [
        "conf/stoplint.toml: key 'select': family 'template' is now called 'merge_field'; "
        "please rename it (the old name still works for now)"
    ]


def test_text_summary_uses_the_writers_labels(tmp_path):
    (tmp_path / "draft.txt").write_text("Hi Ana,\n\nOur platform streamlines operations for companies like yours.\n")
    result = CliRunner().invoke(main, ["check", "--no-model", str(tmp_path / "draft.txt")])
    summary = [line for line in result.stdout.splitlines() if "STOP score" in line]
    assert len(summary) == 1 and "seller-centric" in summary[0] and "seller_centric" not in summary[0]
