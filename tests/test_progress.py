"""The progress bar: on a terminal with many files, and never in a pipe, in CI or with --quiet."""

import os
import pty
import subprocess
import sys

import pytest

from conftest import ROOT

DRAFT = "Subject: Tulsa returns\n\nHi Omar,\n\nHow is the January peak planned at the Tulsa depot?\n"


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    for i in range(201):
        (folder / f"d{i:03d}.txt").write_text(DRAFT)
    return folder


def _run(folder, *args, tty: bool, env: dict | None = None) -> tuple[int, str]:
    """Run stoplint with stderr on a pseudo-terminal (tty=True) or a pipe; returns (status, stderr)."""
    full_env = {k: v for k, v in os.environ.items() if k != "CI"}
    full_env.update(env or {}, NO_COLOR="1")
    cmd = [sys.executable, "-m", "linter", "check", "--no-model", "--select", "T101", "--jobs", "1", *args, str(folder)]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, env=full_env, cwd=ROOT, timeout=600)
        return proc.returncode, proc.stderr.decode()
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=follower, env=full_env, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the other end closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=600), b"".join(chunks).decode("utf-8", "replace")


def test_bar_on_a_terminal_only(many):
    status, err = _run(many, tty=True)
    assert status == 0
    assert "Checking" in err and "201/201" in err
    status, err = _run(many, tty=False)
    assert (status, err) == (0, "")


class _Terminal:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("n_files", "quiet", "ci", "shown"), [
    (201, False, None, True),
    (200, False, None, False),  # "more than about 200 files"
    (201, True, None, False),
    (201, False, "true", False),
])
def test_no_bar_in_ci_with_quiet_or_for_few_files_even_at_a_terminal(monkeypatch, n_files, quiet, ci, shown):
    from linter import progress

    monkeypatch.setattr(progress.sys, "stderr", _Terminal())
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert progress.wanted(n_files, quiet) is shown
