"""Inline suppressions: each directive form, each comment syntax, and unused ones (M901)."""

import pytest

from conftest import run_cli
from linter import Linter, Options
from linter.suppress import META_RULES, parse_directives

TEAM_PACK = """\
family: generic
rules:
  - code: G901
    name: synergy
    severity: warning
    message: Leans on the word synergy
    why: Nobody can picture a synergy, so the sentence says nothing.
    instead: Name the two things that work together, e.g. "your ERP and our scanner".
    phrases: [synergy, synergies]
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("team")
    (folder / "generic.yml").write_text(TEAM_PACK)
    return str(folder)


def lint(pack, text, ext=".txt", unused=False):
    linter = Linter(Options(select=["T101", "G901"], use_model=False, rule_folders=[pack], report_unused_suppressions=unused))
    (res,) = linter.lint_text(text, path="mail" + ext)
    return [(f.code, f.line) for f in res.findings]


def test_no_directive_keeps_everything(pack):
    text = "Hope all is well.\nOur synergy is real.\n"
    assert lint(pack, text) == [("T101", 1), ("G901", 2)]


def test_plain_disable_to_end_of_file(pack):
    text = "Hope all is well.\nstoplint: disable=G901\nOur synergy is real.\nMore synergy here.\n"
    assert lint(pack, text) == [("T101", 1)]


def test_disable_does_not_reach_lines_above(pack):
    text = "Our synergy is real.\nstoplint: disable=G901\nMore synergy here.\n"
    assert lint(pack, text) == [("G901", 1)]


def test_enable_ends_region(pack):
    text = "stoplint: disable=G901\nOur synergy is real.\nstoplint: enable=G901\nMore synergy here.\n"
    assert lint(pack, text) == [("G901", 4)]


def test_enable_with_broader_selector_ends_narrow_region(pack):
    text = "stoplint: disable=G901,T101\nHope all is well, synergy.\nstoplint: enable=G\nHope all is well, synergy.\n"
    assert lint(pack, text) == [("G901", 4)]


def test_bare_enable_ends_all_regions(pack):
    text = "stoplint: disable=G901,T101\nHope all is well, synergy.\nstoplint: enable\nHope all is well, synergy.\n"
    assert lint(pack, text) == [("T101", 4), ("G901", 4)]


def test_family_prefix_and_name_selectors(pack):
    assert lint(pack, "stoplint: disable=G\nHope all is well, synergy.\n") == [("T101", 2)]
    assert lint(pack, "stoplint: disable=generic\nHope all is well, synergy.\n") == [("T101", 2)]
    assert lint(pack, "stoplint: disable=T1\nHope all is well, synergy.\n") == [("G901", 2)]


def test_bare_disable_silences_every_rule(pack):
    assert lint(pack, "Hope all is well.\nstoplint: disable\nHope all is well, synergy.\n") == [("T101", 1)]


def test_disable_next_line_only_that_line(pack):
    text = "stoplint: disable-next-line=T101\nHope all is well.\nHope you are doing well.\n"
    assert lint(pack, text) == [("T101", 3)]


def test_disable_next_line_skips_blank_lines(pack):
    text = "stoplint: disable-next-line=G901\n\n\nOur synergy.\nMore synergy.\n"
    assert lint(pack, text) == [("G901", 5)]


def test_html_comment_in_markdown(pack):
    text = "Hope all is well.\n\n<!-- stoplint: disable=S203,G901 -->\nOur synergy is real.\n"
    assert lint(pack, text, ext=".md") == [("T101", 1)]


def test_html_comment_without_space_before_closer(pack):
    text = "<!--stoplint: disable-next-line=G901-->\nOur synergy is real.\n"
    assert lint(pack, text, ext=".md") == []


def test_jinja_comment_in_text_file(pack):
    # Wherever the comment lives, the directive is read from the file as written.
    text = "{# stoplint: disable-next-line=T101 #}\nHope all is well.\nHope you are doing well.\n"
    directives = parse_directives(text)
    assert [(d.kind, d.selectors, d.line, d.target_line) for d in directives] == [("disable-next-line", ["T101"], 1, 2)]


def test_parse_positions_and_regions():
    src = "a\n<!-- stoplint: disable=S203, T1 -->\nb\n{{!-- stoplint: enable=S --}}\n"
    d1, d2 = parse_directives(src)
    assert (d1.kind, d1.selectors, d1.line, d1.column, d1.ends) == ("disable", ["S203", "T1"], 2, 6, {"S203": 4})
    assert src[d1.src_start : d1.src_end] == "stoplint: disable=S203, T1"
    assert (d2.kind, d2.selectors, d2.line) == ("enable", ["S"], 4)


def test_unknown_codes_make_no_directive():
    assert parse_directives("stoplint: disable=everything-please\n") == []


def test_unused_suppression_reported(pack):
    text = "stoplint: disable=G901\nHope all is well.\n<!-- stoplint: disable-next-line=T101 -->\nHope you are doing well.\n"
    assert lint(pack, text, unused=True) == [("M901", 1), ("T101", 2)]
    linter = Linter(Options(select=["T101"], use_model=False, rule_folders=[pack], report_unused_suppressions=True))
    (res,) = linter.lint_text(text, path="mail.txt")
    m901 = res.findings[0]
    assert (m901.message, m901.column, m901.end_column, m901.severity) == (
        "Suppression of G901 silences nothing", 1, 23, "warning")
    assert m901.text == "stoplint: disable=G901"


def test_partly_used_directive_names_only_idle_codes(pack):
    text = "stoplint: disable=G901,T101\nOur synergy.\n"
    linter = Linter(Options(select=["T101", "G901"], use_model=False, rule_folders=[pack], report_unused_suppressions=True))
    (res,) = linter.lint_text(text, path="mail.txt")
    assert [(f.code, f.message) for f in res.findings] == [("M901", "Suppression of T101 silences nothing")]


def test_unused_not_reported_without_flag(pack):
    assert lint(pack, "stoplint: disable=G901\nHope all is well.\n") == [("T101", 2)]


def test_meta_rule_examples(pack):
    rule = META_RULES["M901"]
    linter = Linter(Options(select=["T101", "G901"], use_model=False, rule_folders=[pack], report_unused_suppressions=True))
    for text in rule.examples["flag"]:
        codes = [f.code for r in linter.lint_text(text, path="mail.txt") for f in r.findings]
        assert "M901" in codes, text
    for text in rule.examples["pass"]:
        codes = [f.code for r in linter.lint_text(text, path="mail.txt") for f in r.findings]
        assert "M901" not in codes, text


def test_cli_flag_and_explain(pack):
    proc = run_cli("check", "--no-model", "--select", "T101", "--report-unused-suppressions", "--stdin-filename", "x.txt",
                   "-", input="stoplint: disable=T101\nYour Leeds depot opened in March.\n")
    assert proc.returncode == 1, proc.stderr
    assert "x.txt:1:1: M901 warning Suppression of T101 silences nothing" in proc.stdout
    proc = run_cli("explain", "M901")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("M901 (unused-suppression) — Suppression comment silences nothing\n")


@pytest.mark.parametrize(
    "ext,text",
    [
        (".j2", 'Hi {{ first_name | default("there") }},\n\n{# stoplint: disable-next-line=T101 #}\n'
                "I hope this email finds you well.\nHope you are doing well.\n"),
        (".html", "<html><body>\n<!-- stoplint: disable=T101 -->\n<p>I hope this email finds you well.</p>\n"
                  "<!-- stoplint: enable=T101 -->\n<p>Hope you are doing well.</p>\n</body></html>\n"),
        (".hbs", "Hi {{first_name}},\n\n{{!-- stoplint: disable-next-line=templated --}}\n"
                 "I hope this email finds you well.\nHope you are doing well.\n"),
    ],
)
def test_comment_syntax_of_each_format(ext, text):
    from linter.readers import known_extensions

    if ext not in known_extensions():
        pytest.skip(f"no reader for {ext} in this checkout")
    linter = Linter(Options(select=["T101"], use_model=False))
    (res,) = linter.lint_text(text, path="mail" + ext)
    assert [(f.code, f.line) for f in res.findings] == [("T101", 5)]
