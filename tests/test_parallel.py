"""--jobs: worker processes give byte-for-byte the output of one process."""

import pytest

from conftest import EXAMPLES, run_cli, run_process
from linter import Linter, Options
from linter.run import PARALLEL_THRESHOLD, default_jobs, from_wire, run_files, to_wire


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    root = tmp_path_factory.mktemp("many")
    bodies = [
        "Subject: Quick question\n\nHi {n},\n\nI hope this email finds you well.\nDo you have 15 minutes for a quick call?\n",
        "Hi {n},\n\nYour Leeds depot opened in March; returns must have doubled.\n\nIs that on your list?\n",
        "stoplint: disable-next-line=T101\nHope all is well, {n}.\nHope you are doing well.\n",
    ]
    for i in range(30):
        (root / f"m{i:02d}.txt").write_text(bodies[i % 3].format(n=f"Ana{i}"))
    (root / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    return root


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit"])
def test_same_bytes_as_one_job(many, fmt):
    args = ["check", "--no-model", "--format", fmt, str(many), str(EXAMPLES / "bad")]
    one = run_cli(*args, "--jobs", "1")
    two = run_cli(*args, "--jobs", "2")  # workers are forked processes all the same
    assert one.returncode == two.returncode == 2  # broken.txt is unreadable
    assert one.stdout == two.stdout
    assert one.stdout.count("m29.txt") >= 1


def test_stdin_keeps_its_place(many):
    args = ["check", "--no-model", "--format", "json", str(many / "m00.txt"), "-", str(many / "m01.txt"), str(many / "m02.txt")]
    text = "Hope all is well.\n"
    one = run_cli(*args, "--jobs", "1", "--stdin-filename", "in.txt", input=text)
    two = run_cli(*args, "--jobs", "2", "--stdin-filename", "in.txt", input=text)
    assert one.stdout == two.stdout
    assert one.stdout.index('m00.txt"') < one.stdout.index('"in.txt"') < one.stdout.index('m01.txt"')


def test_parallel_results_carry_source_for_formatters(many):
    files = sorted(str(p) for p in many.glob("m0*.txt"))
    results = run_files(files, Linter(Options(use_model=False)), jobs=2)
    assert [r.path for r in results] == files
    assert results[0].email.source.startswith("Subject: Quick question")
    assert results[0].email.source_line(3) == "Hi Ana0,"
    # suppressions ran in the worker: the directive silenced line 2 of m02.txt, not line 3
    assert [(f.code, f.line) for f in results[2].findings if f.code == "T101"] == [("T101", 3)]


def test_wire_round_trip(many):
    (res,) = run_files([str(many / "m00.txt")], Linter(Options(use_model=False)), jobs=1)
    back = from_wire(to_wire(res))
    assert back.to_dict() == res.to_dict()
    assert back.email.source == res.email.source and back.failed == res.failed


def test_default_jobs():
    assert default_jobs(1) == 1
    assert default_jobs(PARALLEL_THRESHOLD) == 1
    assert default_jobs(PARALLEL_THRESHOLD + 1) >= 1
    assert default_jobs(2_000) == default_jobs(10_000)


def test_bad_team_pack_reported_once_not_per_worker(many, tmp_path):
    (tmp_path / "bad.yml").write_text("rules:\n  - code: G950\n    severity: warning\n")
    (tmp_path / "cfg.toml").write_text(f'rules = ["{tmp_path}"]\n')
    proc = run_process("check", "--no-model", "--config", str(tmp_path / "cfg.toml"), "--jobs", "2", str(many))
    assert proc.returncode == 2
    assert proc.stderr.count("rule G950: missing field 'message'") == 1
