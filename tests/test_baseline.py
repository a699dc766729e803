"""Baselines as a team adopting stoplint uses them: record today, fail only on what is new."""

import json

OLD = (
    "Subject: Your Leeds depot\n\nHi Dana,\n\nI hope this email finds you well.\n\n"
    "Your returns page lists a 60-day window; is January support load a worry?\n"
)
CLEAN = "Subject: Fenwick returns\n\nHi Dana,\n\nYour returns page lists a 60-day window; is the January load a worry?\n"
NEW_LINE = "Just circling back on this.\n"
RULES = ("--no-model", "--select", "T101,T110")


def test_write_baseline_then_only_the_new_line_fails_then_a_stale_entry(cli, tmp_path):
    lib = tmp_path / "templates"
    lib.mkdir()
    (lib / "intro.txt").write_text(OLD)
    (lib / "clean.txt").write_text(CLEAN)
    base = tmp_path / "stoplint-baseline.json"

    wrote = cli("check", *RULES, "--write-baseline", str(base), "templates", cwd=tmp_path)
    assert wrote.returncode == 0, wrote.stderr
    data = json.loads(base.read_text())
    assert data["findings"] == [
        {"path": "templates/intro.txt", "code": "T101", "text": "I hope this email finds you well", "index": 0}
    ]

    # The recorded finding no longer fails the run, even after lines move.
    (lib / "intro.txt").write_text("\n\n" + OLD)
    ok = cli("check", *RULES, "--baseline", str(base), "templates", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "1 finding hidden by the baseline" in ok.stderr

    # One new bad line: only that line is reported.
    (lib / "intro.txt").write_text("\n\n" + OLD + NEW_LINE)
    new = cli("check", *RULES, "--baseline", str(base), "--format", "json", "templates", cwd=tmp_path)
    assert new.returncode == 1
    found = [(f["code"], f["line"]) for file in json.loads(new.stdout)["files"] for f in file["findings"]]
    assert found == [("T110", 10)]

    # Fix the old line: its entry is stale, and --write-baseline prunes it.
    (lib / "intro.txt").write_text(CLEAN)
    fixed = cli("check", *RULES, "--baseline", str(base), "templates", cwd=tmp_path)
    assert fixed.returncode == 0
    assert fixed.stderr.splitlines() == [
        f'{base}: stale entry: templates/intro.txt T101 "I hope this email finds you well" is fixed (--write-baseline drops it)'
    ]
    cli("check", *RULES, "--write-baseline", str(base), "templates", cwd=tmp_path)
    assert json.loads(base.read_text())["findings"] == []


def test_changed_text_is_a_new_finding_and_repeats_are_counted(cli, tmp_path):
    (tmp_path / "a.txt").write_text(OLD)
    base = tmp_path / "b.json"
    cli("check", *RULES, "--write-baseline", str(base), "a.txt", cwd=tmp_path)
    (tmp_path / "a.txt").write_text(OLD + "\nI hope this email finds you well.\n" + "\nI trust this message finds you well.\n")
    proc = cli("check", *RULES, "--baseline", str(base), "--format", "json", "a.txt", cwd=tmp_path)
    assert proc.returncode == 1
    # the first occurrence is baselined; a second one of the same text is new, and so is other text
    assert [(f["code"], f["line"]) for f in json.loads(proc.stdout)["files"][0]["findings"]] == [("T101", 9), ("T101", 11)]


def test_baseline_from_config_is_relative_to_the_config_file(cli, tmp_path):
    project = tmp_path / "project"
    (project / "emails").mkdir(parents=True)
    (project / "ci").mkdir()
    (project / "emails" / "a.txt").write_text(OLD)
    (project / "ci" / "stoplint.toml").write_text('baseline = "known.json"\n')
    cli("check", *RULES, "--write-baseline", str(project / "ci" / "known.json"), "emails", cwd=project)
    proc = cli("check", *RULES, "--config", "ci/stoplint.toml", "emails", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    missing = cli("check", *RULES, "--baseline", "nope.json", "emails", cwd=project)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "Error: nope.json: baseline file not found (create it with --write-baseline)"


def test_a_baselined_score_may_not_rise(cli, tmp_path):
    (tmp_path / "a.txt").write_text(OLD)
    base = tmp_path / "b.json"
    gate = ("--no-model", "--select", "T101", "--fail-on", "never", "--max-score", "10")
    assert cli("check", *gate, "a.txt", cwd=tmp_path).returncode == 1
    cli("check", *gate, "--write-baseline", str(base), "a.txt", cwd=tmp_path)
    score = json.loads(base.read_text())["scores"]["a.txt"]
    assert score > 10
    assert cli("check", *gate, "--baseline", str(base), "a.txt", cwd=tmp_path).returncode == 0
    (tmp_path / "a.txt").write_text(OLD + "\nHope you are doing well!\nI hope you had a great weekend.\n")
    risen = cli("check", *gate, "--baseline", str(base), "--format", "json", "a.txt", cwd=tmp_path)
    assert json.loads(risen.stdout)["files"][0]["score"] > score
    assert risen.returncode == 1


def test_a_damaged_baseline_is_a_one_line_error(cli, tmp_path):
    (tmp_path / "a.txt").write_text(OLD)
    (tmp_path / "b.json").write_text("{not json")
    proc = cli("check", *RULES, "--baseline", "b.json", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("Error: b.json: not a baseline file")
