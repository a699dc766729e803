"""`stoplint rules --stats DATA.jsonl`: per-rule hits and precision on labelled emails."""

import json

import pytest

from conftest import TEAM_PACK

OPENER = "I hope this email finds you well."
ROWS = [
    {"id": "a1", "subject": "Synergy for Fenwick", "stop": 1, "quality": 1.3,
     "body": f"Hi Dana,\n\n{OPENER} We unlock synergy for retailers like Fenwick.\n\nBest,\nRob"},
    {"id": "a2", "subject": "Fenwick", "stop": 1, "quality": 2.0,
     "body": f"Hi Dana,\n\n{OPENER} Our platform helps retailers grow.\n\nBest,\nRob"},
    {"id": "a3", "subject": "Returns at the Leeds depot", "stop": 0, "quality": 4.3,
     "body": f"Hi Dana,\n\n{OPENER} Your Leeds depot now takes returns on Sundays; "
             "did the Monday backlog shrink?\n\nRob"},
    {"id": "a4", "subject": "Sunday returns", "stop": 0, "quality": 4.7,
     "body": "Hi Dana,\n\nYour Leeds depot now takes returns on Sundays. Did the Monday backlog shrink?\n\nRob"},
    {"id": "a5", "subject": "Fenwick pilot", "stop": 0, "quality": 3.0,
     "body": "Hi Dana,\n\nThe pilot at Fenwick's York store ended on 3 May with 12% fewer refunds.\n\nRob"},
]


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return path


def by_code(stdout: str) -> dict:
    return {r["code"]: r for r in json.loads(stdout)["rules"]}


def test_json_counts_emails_per_rule(cli, data):
    proc = cli("rules", "--stats", str(data), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["emails"], out["stop"], out["good"], out["good_flagged"]) == (5, 2, 2, 1)
    t101 = by_code(proc.stdout)["T101"]
    assert (t101["hits"], t101["stop"], t101["not_stop"], t101["good"]) == (3, 2, 1, 1)
    assert t101["precision"] == 0.6667 and t101["good_share"] == 0.5
    assert t101["imprecise"] is True  # a warning on half the good emails
    assert "Q900" not in by_code(proc.stdout)  # the model's finding is no rule to count


def test_text_table_marks_imprecise_rules_and_lists_silent_ones(cli, data):
    proc = cli("rules", "--stats", str(data))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{data}: 5 emails, 2 stop, 2 good (quality >= 3.67)"
    assert "T101  warning        3     2    1     1   50.0%       0.67  !" in lines
    silent = next(line for line in lines if line.startswith("never fire: "))
    assert "T113" in silent.split(": ")[1].split(", ")  # no break-up line in these emails
    assert "good emails with a warning or error from the default rules (M aside): 1 of 2 (50.0%)" in lines
    assert lines[-1].startswith("! warnings and errors with precision < 0.6 or on more than 3% of good emails: ")
    assert "T101" in lines[-1]


def test_team_pack_rules_are_counted(cli, data, tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "pack.yml").write_text(TEAM_PACK)
    (tmp_path / "stoplint.toml").write_text('[tool.stoplint]\nrules = ["team"]\n')
    proc = cli("rules", "--stats", str(data), "--format", "json", "--config", str(tmp_path / "stoplint.toml"))
    assert proc.returncode == 0, proc.stderr
    g901 = by_code(proc.stdout)["G901"]
    assert (g901["hits"], g901["stop"], g901["not_stop"], g901["precision"]) == (1, 1, 0, 1.0)


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"body": "Hi Dana", "quality": 4}', "labelled.jsonl:2: 'stop' must be 0 or 1 to count a rule's precision"),
        ('{"body": "Hi Dana", "stop": 1, "quality": "high"}', "labelled.jsonl:2: 'quality' must be a number"),
        ("not json", "labelled.jsonl:2: not JSON"),
    ],
)
def test_bad_data_is_one_line_and_exit_2(cli, tmp_path, line, reason):
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n" + line + "\n")
    proc = cli("rules", "--stats", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and reason in proc.stderr


def test_missing_file_is_one_line_and_exit_2(cli, tmp_path):
    proc = cli("rules", "--stats", str(tmp_path / "nowhere.jsonl"))
    assert proc.returncode == 2
    assert "nowhere.jsonl" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
