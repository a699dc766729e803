"""Sequence exports: each CSV/JSONL row is an email, reported at file:line:col in the file, the step named."""

import json

import pytest

from conftest import run_cli
from linter import Linter, Options
from linter.readers import InputError, read_bytes

CSV = (
    "step,Subject,Body\n"
    '1,Routes in Tulsa,"Hi {{ first_name }},\n'
    "\n"
    'I hope this email finds you well. Your ""Tulsa"" depot opened in May."\n'
    '2,Follow-up,"Hi Dana,\n'
    'Just checking in. I hope this email finds you well."\n'
    ",,\n"
)
JSONL = (
    '{"step": 1, "subject": "Tulsa", "Body": "Hi Dana,\\n\\nCaf\\u00e9 \\"owners\\" say: I hope this email finds you well."}\n'
    "\n"
    '{"body": "Hi {{ first_name,\\nI hope this email finds you well."}\n'
)


def lint(data: str, path: str, select=("T101", "M")):
    return Linter(Options(use_model=False, select=list(select))).lint_text(data, path=path)


def spots(res):
    return [(f.code, f.line, f.column, f.end_line, f.end_column) for f in res.findings]


def test_csv_rows_are_emails_with_positions_in_the_file():
    results = lint(CSV, "seq.csv")
    assert [(r.path, r.row) for r in results] == [("seq.csv", 1), ("seq.csv", 2)]
    assert spots(results[0]) == [("M102", 2, 23, 2, 39), ("T101", 4, 1, 4, 33)]
    assert spots(results[1]) == [("T101", 6, 19, 6, 51)]
    email = results[0].email
    assert email.subject == "Routes in Tulsa"
    assert email.is_template and email.fields[0].name == "first_name"
    assert 'Your "Tulsa" depot' in email.text
    i = email.text.index('"Tulsa"')
    assert email.position(i, i + 1)[2:4] == (4, 40)  # the doubled quote in the file
    assert results[0].display_path == "seq.csv (step 1)"
    assert results[0].to_dict()["row"] == 1


def test_jsonl_rows_decode_escapes_and_map_back():
    results = lint(JSONL, "seq.jsonl")
    assert [r.row for r in results] == [1, 2]
    assert spots(results[0]) == [("T101", 1, 80, 1, 112)]
    assert results[0].email.subject == "Tulsa"
    assert 'Café "owners" say' in results[0].email.text
    assert spots(results[1]) == [("M104", 3, 14, 3, 16), ("T101", 3, 30, 3, 62)]


def test_semicolon_csv_and_case_insensitive_columns():
    data = 'NAME;SUBJECT;BODY\nintro;Depot;"I hope this email finds you well."\n'
    [res] = lint(data, "semi.csv")
    assert res.row == 1 and spots(res) == [("T101", 2, 14, 2, 46)]


@pytest.mark.parametrize(
    "path,data,reason",
    [
        ("a.csv", "step,subject\n1,Hello\n", "no 'body' column (columns: step, subject)"),
        ("b.csv", 'subject,body\nx,"never closed\n', "line 2: unclosed quoted CSV field"),
        ("c.jsonl", '{"body": "ok"}\n{"body": \n', "line 2: not valid JSON"),
        ("d.jsonl", '{"subject": "x"}\n', "line 1: no 'body' key (keys: subject)"),
        ("e.csv", "", "empty file: no header row"),
    ],
)
def test_broken_sequences_are_one_line_errors(path, data, reason):
    with pytest.raises(InputError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_bytes(path, data.encode())


def test_cli_csv_without_body_column_exit_2_and_other_file_checked(tmp_path):
    (tmp_path / "nobody.csv").write_text("step,subject\n1,Hello\n")
    (tmp_path / "seq.csv").write_text(CSV)
    proc = run_cli("check", "--no-model", "--select", "T101", "--format", "json", str(tmp_path / "nobody.csv"), str(tmp_path / "seq.csv"))
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    files = data["files"]
    assert files[0]["path"] == str(tmp_path / "nobody.csv")
    assert files[0]["error"] == "no 'body' column (columns: step, subject)"
    rows = [(f["path"], f["row"], [(x["code"], x["line"], x["column"]) for x in f["findings"]]) for f in files[1:]]
    seq = str(tmp_path / "seq.csv")
    assert rows == [(seq, 1, [("T101", 4, 1)]), (seq, 2, [("T101", 6, 19)])]


def test_cli_text_output_is_file_line_col_and_names_the_step(tmp_path):
    (tmp_path / "seq.csv").write_text(CSV)
    proc = run_cli("check", "--no-model", "--select", "T101", str(tmp_path / "seq.csv"))
    assert proc.returncode == 1
    seq = tmp_path / "seq.csv"
    lines = proc.stdout.splitlines()
    assert f"{seq}:4:1: T101 warning Opens with a stock pleasantry (step 1)" in lines
    assert f"{seq}:6:19: T101 warning Opens with a stock pleasantry (step 2)" in lines
    assert any(line.startswith(f"{seq} (step 2): STOP score ") for line in lines)


def test_github_annotations_and_model_finding_at_each_rows_own_line(tmp_path):
    (tmp_path / "seq.jsonl").write_text(
        '{"subject": "Quick question", "body": "Hi there,\\nI hope this email finds you well. Our award-winning '
        'platform helps companies like yours. Do you have 15 minutes for a quick call?"}\n'
        '{"subject": "Quick question", "body": "Hi,\\nJust following up to bump this. We are the leading '
        'provider of innovative solutions. Do you have 15 minutes for a quick call this week?"}\n'
    )
    proc = run_cli("check", "--format", "github", "--select", "T101,Q900", str(tmp_path / "seq.jsonl"), cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert any(line.startswith("::warning file=seq.jsonl,line=1,col=13,endLine=1,endColumn=180,") and "title=Q900::" in line
               and "(row 1)" in line for line in lines), proc.stdout
    assert any(line.startswith("::warning file=seq.jsonl,line=2,col=13,endLine=2,endColumn=180,") and "title=Q900::" in line
               and "(row 2)" in line for line in lines), proc.stdout
    assert any(line.startswith("::warning file=seq.jsonl,line=1,col=51,endLine=1,endColumn=83,title=T101::")
               for line in lines), proc.stdout


def test_every_optional_extension_is_registered_by_its_module():
    """readers/__init__ names which module reads which extension; loading the module
    must register a reader for each of them (and for no other)."""
    import importlib

    from linter import readers

    for module, exts in readers._OPTIONAL_READERS.items():
        importlib.import_module(f"linter.readers.{module}")
        for ext in exts:
            assert ext in readers._TEXT_READERS or ext in readers._BYTES_READERS, (module, ext)
    registered = set(readers._TEXT_READERS) | set(readers._BYTES_READERS)
    assert registered - {".txt", ".text", ".md", ".markdown"} == set(readers._MODULE_OF)
