"""The sarif, github, junit and html formats: exact content, and SARIF against the schema."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, TEAM_PACK, run_cli
from linter import Linter, Options
from linter.api import FileResult
from linter.report import FORMATTERS, Report
from linter.report.github_format import escape_data, escape_property
from linter.rulepack import load_rules

SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


EMAIL = "Subject: URGENT: our synergy\n\nHi Ana,\n\nLet me circle back on the synergy <idea> & more, 50% off.\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("fmt")
    (root / "team").mkdir()
    (root / "team" / "pack.yml").write_text(TEAM_PACK)
    (root / "mail.txt").write_text(EMAIL)
    (root / "good.txt").write_text("Hi Ana,\n\nYour Leeds depot opened in March.\n")
    (root / "stoplint.toml").write_text('rules = ["team"]\nselect = ["G901", "T901", "Q901"]\n')
    return root


@pytest.fixture(scope="module")
def report(folder):
    linter = Linter(Options(select=["G901", "T901", "Q901"], use_model=False, rule_folders=[str(folder / "team")]))
    results = linter.lint_text(EMAIL, path="mail.txt") + linter.lint_text("Hi Ana,\n\nYour Leeds depot opened in March.\n", path="good.txt")
    results.append(FileResult(path="gone.txt", error="no such file or directory", failed=True))
    rules = {r.code: r for r in load_rules([str(folder / "team")])}
    return Report(results=results, rules=rules, version="9.9.9")


def cli(folder, fmt, *paths):
    return run_cli("check", "--no-model", "--config", "stoplint.toml", "--format", fmt, *paths, cwd=folder)


def test_findings_are_what_the_tests_expect(report):
    got = [(f.code, f.line, f.column, f.end_line, f.end_column) for f in report.results[0].findings]
    assert got == [("Q901", 1, 10, 1, 16), ("G901", 1, 22, 1, 29), ("T901", 5, 8, 5, 19), ("G901", 5, 27, 5, 34)]


# -- SARIF ------------------------------------------------------------------------
def test_sarif_validates_against_schema(report):
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (CI puts shared/ beside the clone)")
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(FORMATTERS["sarif"](report))
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(log, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_sarif_content(report):
    log = json.loads(FORMATTERS["sarif"](report))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("stoplint", "9.9.9")
    assert [r["id"] for r in driver["rules"]] == ["Q901", "G901", "T901"]
    g901 = driver["rules"][1]
    assert g901["name"] == "synergy"
    assert g901["shortDescription"]["text"] == "Leans on the word synergy"
    assert g901["fullDescription"]["text"] == "Nobody can picture a synergy, so the sentence says nothing."
    assert g901["help"]["text"] == (
        "Why: Nobody can picture a synergy, so the sentence says nothing.\n\n"
        'Instead: Name the two things that work together, e.g. "your ERP and our scanner".'
    )
    assert g901["defaultConfiguration"] == {"level": "warning"}
    assert driver["rules"][2]["defaultConfiguration"] == {"level": "note"}
    assert run["columnKind"] == "unicodeCodePoints"
    levels = [(r["ruleId"], r["level"], r["ruleIndex"]) for r in run["results"]]
    assert levels == [("Q901", "error", 0), ("G901", "warning", 1), ("T901", "note", 2), ("G901", "warning", 1)]
    loc = run["results"][2]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "mail.txt"
    assert loc["region"] == {"startLine": 5, "startColumn": 8, "endLine": 5, "endColumn": 19, "snippet": {"text": "circle back"}}
    assert run["results"][2]["message"]["text"] == (
        'Says it is circling back. Instead: Bring one new fact, e.g. "Since I wrote, your Leeds depot went live."'
    )
    note = run["invocations"][0]["toolExecutionNotifications"][0]
    assert note["message"]["text"] == "gone.txt: no such file or directory"
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["artifacts"][0]["properties"]["stopScores"][0]["score"] == report.results[0].score


def test_sarif_cli_relative_uri_for_absolute_path(folder):
    proc = run_cli("check", "--no-model", "--config", "stoplint.toml", "--format", "sarif", str(folder / "mail.txt"), cwd=folder)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"mail.txt"}


# -- GitHub -----------------------------------------------------------------------
def test_github_escaping():
    assert escape_data("50% off\r\nnext") == "50%25 off%0D%0Anext"
    assert escape_property("a,b: c%") == "a%2Cb%3A c%25"


def test_github_content(report):
    lines = FORMATTERS["github"](report).splitlines()
    assert lines == [
        "::error file=mail.txt,line=1,col=10,endLine=1,endColumn=16,title=Q901::Shouts URGENT"
        '%0Ainstead: Give the real date, e.g. "The pilot slots close on 3 May."',
        "::warning file=mail.txt,line=1,col=22,endLine=1,endColumn=29,title=G901::Leans on the word synergy"
        '%0Ainstead: Name the two things that work together, e.g. "your ERP and our scanner".',
        "::notice file=mail.txt,line=5,col=8,endLine=5,endColumn=19,title=T901::Says it is circling back"
        '%0Ainstead: Bring one new fact, e.g. "Since I wrote, your Leeds depot went live."',
        "::warning file=mail.txt,line=5,col=27,endLine=5,endColumn=34,title=G901::Leans on the word synergy"
        '%0Ainstead: Name the two things that work together, e.g. "your ERP and our scanner".',
        "::error file=gone.txt,title=stoplint%3A cannot read::no such file or directory",
        "stoplint: checked 3 emails: 2 failed, 4 findings.",
    ]


def test_github_cli(folder):
    proc = cli(folder, "github", "mail.txt", "good.txt")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("::error file=mail.txt,line=1,col=10,endLine=1,endColumn=16,title=Q901::")
    assert proc.stdout.splitlines()[-1] == "stoplint: checked 2 emails: 1 failed, 4 findings."


# -- JUnit ------------------------------------------------------------------------
def test_junit_content(report):
    xml = FORMATTERS["junit"](report)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stoplint" tests="3" failures="1" errors="1">')
    root = ET.fromstring(xml)
    (suite,) = root.findall("testsuite")
    assert suite.attrib == {"name": "stoplint", "tests": "3", "failures": "1", "errors": "1", "skipped": "0"}
    cases = suite.findall("testcase")
    assert [c.attrib["name"] for c in cases] == ["mail.txt", "good.txt", "gone.txt"]
    failure = cases[0].find("failure")
    score = report.results[0].score
    assert failure.attrib["message"] == f"STOP score {score}/100, 4 findings"
    assert failure.text.splitlines()[:2] == [
        "mail.txt:1:10: Q901 error Shouts URGENT",
        '  = instead: Give the real date, e.g. "The pilot slots close on 3 May."',
    ]
    assert failure.text.splitlines()[-1] == f"mail.txt: STOP score {score}/100, 4 findings"
    assert list(cases[1]) == []
    assert cases[2].find("error").attrib == {"message": "no such file or directory", "type": "InputError"}


def test_junit_strips_characters_xml_cannot_hold(folder):
    linter = Linter(Options(select=["G901"], use_model=False, rule_folders=[str(folder / "team")]))
    results = linter.lint_text("Our synergy\x0b is here.\n", path="odd\x01name.txt")
    xml = FORMATTERS["junit"](Report(results=results, version="1"))
    root = ET.fromstring(xml)  # parses: no raw control characters
    assert root.find("testsuite/testcase").attrib["name"] == "odd\ufffdname.txt"


def test_junit_cli(folder):
    proc = cli(folder, "junit", "mail.txt", "good.txt")
    assert proc.returncode == 1
    root = ET.fromstring(proc.stdout)
    assert root.attrib["tests"] == "2" and root.attrib["failures"] == "1"


# -- HTML -------------------------------------------------------------------------
def test_html_highlights_in_place_and_escapes(report):
    html = FORMATTERS["html"](report)
    assert html.startswith("<!DOCTYPE html>")
    assert "<idea>" not in html  # the email's markup is text, not markup
    assert (
        'the <mark class="hl sev-warning fam-generic" data-families="generic" data-f="3">synergy</mark> '
        '&lt;idea&gt; &amp; more, 50% off.</span>'
    ) in html
    assert '<span class="instead">Instead: Name the two things that work together, e.g. &#34;your ERP and our scanner&#34;.</span>' in html
    assert '"G901": "Nobody can picture a synergy, so the sentence says nothing."' in html  # hover text over "Instead"
    assert '<span class="ln" data-n="1">Subject: <mark class="hl sev-error fam-quit" data-families="quit" data-f="0">URGENT</mark>' in html
    assert '<span class="ln" data-n="5">Let me <mark class="hl sev-suggestion fam-templated"' in html
    score = report.results[0].score
    assert f'>{score}/100</span>\n      <h2>mail.txt</h2>' in html
    assert '<input type="checkbox" class="family-toggle" value="templated" checked>' in html
    assert '<input type="checkbox" class="family-toggle" value="quit" checked>' in html
    assert 'value="seller_centric"' not in html  # only families with findings get a filter
    assert "Could not be read: no such file or directory" in html
    assert "<script src" not in html and "<link" not in html and "http://" not in html.replace("http://www.w3", "")


def test_html_overlaps_and_pins():
    from linter.engine import Finding
    from linter.report.html_view import source_lines

    def f(code, fam):
        return Finding(code, fam, "warning", "m", 1, 1, 1, 1, "", "x")

    findings = [f("G901", "generic"), f("T901", "templated"), f("M901", "merge_field")]
    lines = source_lines("abcdef\ngh", [(0, 1, 4), (1, 3, 8), (2, 8, 8)], findings)
    flat = [[(p["text"], p["ids"]) for p in line] for line in lines]
    assert flat == [
        [("a", []), ("bc", [0]), ("d", [0, 1]), ("ef", [1])],
        [("g", [1]), ("", [2]), ("h", [])],
    ]


def test_html_cli_writes_file(folder, tmp_path):
    out = tmp_path / "report.html"
    proc = run_cli("check", "--no-model", "--config", "stoplint.toml", "--format", "html", "-o", str(out), "mail.txt", cwd=folder)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert "<mark class=" in out.read_text()


def test_example_report_is_checked_in():
    page = ROOT / "docs" / "sample-report.html"
    shot = ROOT / "docs" / "sample-report.png"
    assert page.is_file() and shot.is_file()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = page.read_text()
    assert "<mark class=" in html
    # made by docs/make_sample_report.py from its inputs, in the current layout
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("make_sample_report", ROOT / "docs" / "make_sample_report.py")
    maker = module_from_spec(spec)
    spec.loader.exec_module(maker)
    shown = re.findall(r'/100</span>\n\s*<h2>([^<]+)</h2>|<span class="path">([^<]+)</span><span class="verdict pass">', html)
    assert sorted(a or b for a, b in shown) == sorted(maker.INPUTS)
    assert '<i class="bar ' in html and '<section class="sequence"' in html and '<ul class="passes">' in html


def test_html_family_filter_in_headless_browser(report, tmp_path):
    """The page's own script hides a family's highlights when its box is unticked."""
    import shutil
    import subprocess

    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if exe is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    html = FORMATTERS["html"](report).replace('value="generic" checked>', 'value="generic">')
    page = tmp_path / "page.html"
    page.write_text(html)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"]
    dom = subprocess.run([exe, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'class="hl sev-warning fam-generic off"' in dom
    assert 'class="hl sev-error fam-quit"' in dom  # still shown
    assert '<li data-families="generic" class="off">' in dom
    shot = tmp_path / "shot.png"
    subprocess.run([exe, *flags, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_statistics_counts_per_code(folder):
    proc = run_cli("check", "--no-model", "--config", "stoplint.toml", "--statistics", "mail.txt", "good.txt", cwd=folder)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines == ["    2  G901  Leans on the word synergy", "    1  Q901  Shouts URGENT", "    1  T901  Says it is circling back"]


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "junit", "html"])
def test_statistics_is_only_the_table_in_every_format(folder, fmt):
    proc = run_cli("check", "--no-model", "--config", "stoplint.toml", "--statistics", "--format", fmt, "mail.txt", cwd=folder)
    assert proc.returncode == 1, proc.stderr
    if fmt == "json":
        assert json.loads(proc.stdout)["statistics"][0] == {"code": "G901", "count": 2, "message": "Leans on the word synergy", "fix": None}
    else:
        assert proc.stdout.splitlines()[0] == "    2  G901  Leans on the word synergy"
