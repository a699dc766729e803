"""The command line as a user drives it: exit statuses, options, standard input, bad input."""

import json

import pytest

STOCK = "Subject: Fenwick returns\n\nHi Dana,\n\nI hope this email finds you well.\n\nYour returns page lists a 60-day window.\n"
CLEAN = "Subject: Fenwick returns\n\nHi Dana,\n\nYour returns page lists a 60-day window; is January support load a worry?\n"


@pytest.fixture
def drafts(tmp_path):
    (tmp_path / "stock.txt").write_text(STOCK)
    (tmp_path / "clean.txt").write_text(CLEAN)
    return tmp_path


def findings(out: str, path_suffix: str | None = None) -> list[dict]:
    data = json.loads(out)
    return [f for file in data["files"] if path_suffix is None or file["path"].endswith(path_suffix) for f in file["findings"]]


def test_finding_is_printed_with_caret_and_hint(cli, drafts):
    proc = cli("check", "--no-model", "--select", "T101", str(drafts / "stock.txt"))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{drafts / 'stock.txt'}:5:1: T101 warning Opens with a stock pleasantry"
    assert lines[1] == "  |"
    assert lines[2] == "5 | I hope this email finds you well."
    assert lines[3] == "  | " + "^" * len("I hope this email finds you well")
    assert lines[4].startswith("  = instead: ")
    assert lines[5].startswith(f"{drafts / 'stock.txt'}: STOP score ")
    assert "\x1b[" not in proc.stdout


def test_json_positions_and_summary(cli, drafts):
    proc = cli("check", "--no-model", "--select", "T101", "--format", "json", str(drafts))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["summary"] == {"files": 2, "failed": 1, "findings": 1}
    (f,) = findings(proc.stdout, "stock.txt")
    assert (f["code"], f["line"], f["column"], f["end_line"], f["end_column"]) == ("T101", 5, 1, 5, 33)
    assert f["category"] == "templated" and f["severity"] == "warning"
    clean = [x for x in data["files"] if x["path"].endswith("clean.txt")][0]
    assert clean["findings"] == [] and clean["error"] is None and clean["model"] is None


def test_clean_file_exits_zero_and_quiet_prints_nothing(cli, drafts):
    proc = cli("check", "--no-model", "--select", "T101", "--quiet", str(drafts / "clean.txt"))
    assert (proc.returncode, proc.stdout) == (0, "")


@pytest.mark.parametrize(
    "args,status",
    [
        (["--fail-on", "never"], 0),
        (["--fail-on", "error"], 0),
        (["--fail-on", "suggestion"], 1),
        (["--fail-on", "never", "--max-score", "10"], 1),
        (["--fail-on", "never", "--max-score", "50"], 0),
        (["--ignore", "T101"], 0),
        (["--select", "templated", "--ignore", "templated"], 0),  # a tie: ignore wins
        (["--select", "templated", "--ignore", "T"], 0),  # the more specific selector wins
        (["--select", "T101", "--ignore", "templated"], 1),
        (["--ignore", "T1", "--extend-select", "T101"], 1),
    ],
)
def test_gate_options(cli, drafts, args, status):
    proc = cli("check", "--no-model", "--select", "T101", *args, str(drafts / "stock.txt"))
    assert proc.returncode == status, proc.stdout + proc.stderr


def test_stdin_piped_and_dash(cli):
    piped = cli("check", "--no-model", "--select", "T101", "--format", "json", input=STOCK)
    dash = cli("check", "--no-model", "--select", "T101", "--format", "json", "-", input=STOCK)
    assert piped.returncode == dash.returncode == 1
    assert json.loads(piped.stdout)["files"][0]["path"] == "<stdin>"
    assert findings(piped.stdout) == findings(dash.stdout)
    named = cli("check", "--no-model", "--select", "T101", "--stdin-filename", "draft.md", "-", input=STOCK)
    assert named.stdout.startswith("draft.md:5:1: T101")


def test_missing_path_is_reported_and_other_files_still_checked(cli, drafts):
    proc = cli("check", "--no-model", "--select", "T101", "--format", "json", str(drafts / "nope.txt"), str(drafts / "stock.txt"))
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    errors = {f["path"]: f["error"] for f in data["files"]}
    assert errors[str(drafts / "nope.txt")] == "no such file or directory"
    assert len(findings(proc.stdout, "stock.txt")) == 1


def test_bad_inputs_one_line_each_exit_2(cli, tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "latin1.txt").write_bytes("Olá, tudo bem? Ação".encode("latin-1"))
    (tmp_path / "huge.txt").write_bytes(b"We are the leading provider. " * 180_000)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "stock.txt").write_text(STOCK)
    empty_dir = tmp_path / "nothing-here"
    empty_dir.mkdir()
    (empty_dir / "notes.py").write_text("x = 1\n")
    proc = cli("check", "--no-model", "--select", "T101", str(tmp_path), str(empty_dir))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    out, err = proc.stdout, proc.stderr  # errors go to stderr, the report to stdout
    assert f"{tmp_path / 'binary.txt'}: error: binary file (contains NUL bytes), not an email" in err
    assert f"{tmp_path / 'latin1.txt'}: error: not UTF-8 text (undecodable byte 0xe1 at offset 2)" in err
    assert f"{tmp_path / 'huge.txt'}: error: too large to be an email (5,220,000 bytes; the limit is 2,000,000)" in err
    assert f"{empty_dir}: error: no email files found" in err
    assert ": error:" not in out
    assert f"{tmp_path / 'stock.txt'}:5:1: T101 warning" in out
    assert f"{tmp_path / 'empty.txt'}: a fragment, not a whole email: no STOP score — 0 findings" in out


def test_usage_errors_exit_2(cli, drafts):
    assert cli("check", "--format", "yaml", str(drafts)).returncode == 2
    bad_select = cli("check", "--select", "X999", str(drafts))
    assert bad_select.returncode == 2 and "'X999' is not a rule code, prefix or family" in bad_select.stderr
    assert cli("check", "--max-score", "101", str(drafts)).returncode == 2
    assert cli("explain", "Z123").returncode == 2


def test_rules_explain_version(cli):
    listing = cli("rules")
    assert listing.returncode == 0
    assert any(line.startswith("T101  templated") for line in listing.stdout.splitlines())
    as_json = json.loads(cli("rules", "--format", "json").stdout)
    t101 = [r for r in as_json if r["code"] == "T101"][0]
    assert t101["category"] == "templated" and t101["severity"] == "warning"
    explained = cli("explain", "T101")
    assert explained.returncode == 0
    assert "Why it costs the reply:" in explained.stdout and "Instead:" in explained.stdout
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("stoplint ")
    assert "rules " in version.stdout and "model " in version.stdout


def test_color_only_on_request_and_never_with_no_color(cli, drafts):
    forced = cli("check", "--no-model", "--select", "T101", str(drafts / "stock.txt"), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in forced.stdout
    no_color = cli("check", "--no-model", "--select", "T101", str(drafts / "stock.txt"), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout


def test_score_over_max_score_is_a_located_finding_in_every_format(cli, drafts):
    """A file that fails only on --max-score says why: Q990 at line 1, in text, GitHub and JUnit."""
    args = ("check", "--no-model", "--select", "T101", "--fail-on", "never", "--max-score", "10")
    text = cli(*args, str(drafts / "stock.txt"))
    assert text.returncode == 1
    assert f"{drafts / 'stock.txt'}:1:1: Q990 error STOP score 20/100 is above the limit of 10 (max-score)" in text.stdout
    github = cli(*args, "--format", "github", str(drafts / "stock.txt"))
    assert "::error file=" in github.stdout and ",line=1,col=1,endLine=1,endColumn=25,title=Q990::STOP score 20/100" in github.stdout
    junit = cli(*args, "--format", "junit", str(drafts / "stock.txt"))
    assert "Q990" in junit.stdout and "above the limit of 10" in junit.stdout
    passing = cli(*args[:-1], "20", "--format", "json", str(drafts / "stock.txt"))
    assert passing.returncode == 0 and "Q990" not in passing.stdout


def test_errors_go_to_stderr_also_with_output_file(cli, drafts, tmp_path):
    out = tmp_path / "report.json"
    proc = cli("check", "--no-model", "--format", "json", "-o", str(out), str(drafts / "nope.txt"), str(drafts / "clean.txt"))
    assert proc.returncode == 2
    assert proc.stderr == f"{drafts / 'nope.txt'}: error: no such file or directory\n"
    assert json.loads(out.read_text())["summary"]["files"] == 2


def test_explain_and_rules_honour_config_and_team_packs(cli, tmp_path):
    from conftest import TEAM_PACK

    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "pack.yml").write_text(TEAM_PACK)
    (tmp_path / "pyproject.toml").write_text('[tool.stoplint]\nrules = ["team"]\n')
    listed = cli("rules", cwd=tmp_path)
    assert any(line.startswith("G901  generic") for line in listed.stdout.splitlines())
    explained = cli("explain", "G901", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("G901 (synergy) — Leans on the word synergy\n")
    elsewhere = cli("explain", "G901", "--config", str(tmp_path / "pyproject.toml"))
    assert elsewhere.stdout == explained.stdout
    isolated = cli("explain", "G901", "--isolated", cwd=tmp_path)
    assert isolated.returncode == 2 and "G901: no such rule" in isolated.stderr
    assert cli("explain", "Q990").stdout.startswith("Q990 (score-above-limit) — STOP score is above the limit")


def test_empty_input_and_fragments_get_no_score_and_no_q900(cli, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "proof.j2").write_text("We are the leading provider of route planning in Ohio.\n")
    (tmp_path / "greeting.j2").write_text("{% if first_name %}Hi {{ first_name }},{% else %}Hi there,{% endif %}\n")
    (tmp_path / "short.txt").write_text("Hi Dana,\n\nYour Tulsa depot opened in May. Returns there doubled by June.\n\nIs that still the case?\n")
    proc = cli("check", "--format", "json", "--max-score", "60", "--select", "S106,Q900", str(tmp_path))
    assert proc.returncode == 1, proc.stdout + proc.stderr  # S106 in the snippet still fails the gate
    files = {f["path"][len(str(tmp_path)) + 1:]: f for f in json.loads(proc.stdout)["files"]}
    for name in ("empty.txt", "greeting.j2", "snippets/proof.j2"):
        assert (files[name]["score"], files[name]["model"], files[name]["categories"]) == (None, None, {}), name
    assert [(f["code"], f["line"], f["column"]) for f in files["snippets/proof.j2"]["findings"]] == [("S106", 1, 1)]
    assert files["greeting.j2"]["findings"] == [] and files["empty.txt"]["findings"] == []
    assert isinstance(files["short.txt"]["score"], int)  # a short email is still an email
    piped = cli("check", "--format", "json", "--max-score", "60", input="")
    assert piped.returncode == 0 and json.loads(piped.stdout)["files"][0]["score"] is None


def test_whole_emails_without_a_sentence_mark_still_get_a_score(cli, tmp_path):
    """A subject line, twenty words or a sentence inside Markdown emphasis make an email,
    not a snippet: each of these must get a STOP score, never null."""
    (tmp_path / "subject.txt").write_text("Subject: Tulsa returns\n\nHi Dana,\n")
    words = " ".join(["our platform helps teams like yours grow faster"] * 3)
    (tmp_path / "unpunctuated.txt").write_text(f"Hi Dana\n\n{words}\n\nthanks\n")
    (tmp_path / "emphasis.txt").write_text("*Hi Dana,*\n\n*We help shops grow.*\n")
    (tmp_path / "snippet.txt").write_text("Hi Dana,\n")
    proc = cli("check", "--format", "json", "--fail-on", "never", str(tmp_path))
    files = {f["path"][len(str(tmp_path)) + 1:]: f["score"] for f in json.loads(proc.stdout)["files"]}
    assert all(isinstance(files[n], int) for n in ("subject.txt", "unpunctuated.txt", "emphasis.txt")), files
    assert files["snippet.txt"] is None
