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

    for args, env in (((), {"CI": "true"}), (("--quiet",), {})):
        status, err = _run(many, *args, tty=True, env=env)
        assert (status, err) == (0, "")
    status, err = _run(many, tty=False)
    assert (status, err) == (0, "")
