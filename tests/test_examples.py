"""The shipped example emails are tests: every bad one fails the gate, every good one passes.

Each folder is checked once through the CLI, as a user would run it, both with the
model and rules-only (``--no-model``), and every file's result is asserted on its own. The whole-folder runs are the README's promises:
``stoplint check examples/bad`` exits 1 with every file flagged, and
``stoplint check examples/good`` exits 0.
"""

import functools
import json
import re

import pytest

from conftest import EXAMPLES, ROOT, run_cli

EMAIL_EXTS = {".txt", ".md"}
BAD = sorted(p for p in (EXAMPLES / "bad").iterdir() if p.suffix in EMAIL_EXTS)
GOOD = sorted(p for p in (EXAMPLES / "good").iterdir() if p.suffix in EMAIL_EXTS)
MODES = {"model": (), "no-model": ("--no-model",)}
QUICK_CALL_LINE = "Do you have 15 minutes for a quick call next week?"


def rel(path) -> str:
    return path.relative_to(ROOT).as_posix()


@functools.cache
def folder_json(folder: str, mode: str):
    """(exit status, {path: file result}) of `stoplint check FOLDER --format json [--no-model]`, run once."""
    proc = run_cli("check", folder, "--format", "json", *MODES[mode])
    assert proc.stdout.strip(), f"no JSON output for {folder} (exit {proc.returncode}):\n{proc.stderr}"
    data = json.loads(proc.stdout)
    return proc.returncode, {f["path"]: f for f in data["files"]}


def check_json(path: str, mode: str):
    """(whether the file fails the default gate, its JSON result), from its folder's run."""
    status, results = folder_json(path.rsplit("/", 1)[0], mode)
    assert status in (0, 1), f"{path}'s folder run exited {status}"
    result = results[path]
    assert result["error"] is None, result["error"]
    fails = any(f["severity"] in ("warning", "error") for f in result["findings"])
    return (1 if fails else 0), result


def describe(findings) -> str:
    return "\n".join(f"  {f['line']}:{f['column']} {f['code']} {f['severity']}: {f['text']!r}" for f in findings)


def test_enough_examples():
    assert len(BAD) >= 22
    assert len(GOOD) >= 22


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_example_fails_with_several_findings(path, mode):
    status, result = check_json(rel(path), mode)
    findings = result["findings"]
    assert status == 1, f"{rel(path)} passed the gate ({mode}); findings:\n{describe(findings)}"
    assert len(findings) >= 2, f"{rel(path)} has only {len(findings)} finding(s) ({mode}):\n{describe(findings)}"


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_example_passes_without_warnings(path, mode):
    status, result = check_json(rel(path), mode)
    serious = [f for f in result["findings"] if f["severity"] in ("warning", "error")]
    assert serious == [], f"{rel(path)} got warnings/errors ({mode}):\n{describe(serious)}"
    assert status == 0


def test_quick_call_finding_points_at_line_3_column_1():
    lines = (EXAMPLES / "bad" / "quick-call.txt").read_text(encoding="utf-8").splitlines()
    assert lines[2] == QUICK_CALL_LINE
    status, result = check_json("examples/bad/quick-call.txt", "no-model")
    assert status == 1
    at_line_3 = [f for f in result["findings"] if (f["line"], f["column"]) == (3, 1)]
    assert [f["code"] for f in at_line_3 if f["code"] == "S203"] == ["S203"], describe(result["findings"])
    s203 = next(f for f in at_line_3 if f["code"] == "S203")
    assert s203["end_line"] == 3
    assert s203["severity"] == "warning"
    assert QUICK_CALL_LINE.startswith(s203["text"])


def test_bad_folder_fails_and_flags_every_file():
    proc = run_cli("check", "examples/bad")
    assert proc.returncode == 1, proc.stderr
    for path in BAD:
        name = re.escape(rel(path))
        finding = re.compile(rf"^{name}:\d+:\d+: [TSGQM]\d{{3}} (warning|error) ", re.M)
        assert finding.search(proc.stdout), f"{rel(path)} has no warning/error in the folder run"


def test_bad_folder_json_summary_counts_every_file_failed():
    proc = run_cli("check", "examples/bad", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    paths = {f["path"] for f in data["files"]}
    assert {rel(p) for p in BAD} <= paths
    assert data["summary"]["files"] == len(paths)
    assert data["summary"]["failed"] == len(paths)
    assert [f["path"] for f in data["files"] if not f["findings"]] == []


def test_good_folder_passes():
    proc = run_cli("check", "examples/good")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not re.search(r"^examples/good/\S+:\d+:\d+: [TSGQM]\d{3} (warning|error) ", proc.stdout, re.M), proc.stdout


def test_fake_re_subject_is_an_error_on_the_subject_line():
    status, result = check_json("examples/bad/fake-re-subject.txt", "no-model")
    assert status == 1
    q110 = [f for f in result["findings"] if f["code"] == "Q110"]
    assert [(f["line"], f["column"], f["severity"]) for f in q110] == [(1, 10, "error")], describe(result["findings"])
    assert q110[0]["text"].lower().startswith("re:")
