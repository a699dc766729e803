import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: A team rule pack the config and format tests share.
TEAM_PACK = """\
rules:
  - code: G901
    family: generic
    name: synergy
    severity: warning
    message: Leans on the word synergy
    why: Nobody can picture a synergy, so the sentence says nothing.
    instead: Name the two things that work together, e.g. "your ERP and our scanner".
    phrases: [synergy]
  - code: T901
    family: templated
    name: circle-back
    severity: suggestion
    message: Says it is circling back
    why: A follow-up that only points at the last one gives no new reason to reply.
    instead: Bring one new fact, e.g. "Since I wrote, your Leeds depot went live."
    phrases: [circle back, circling back]
  - code: Q901
    family: quit
    name: all-caps-urgent
    severity: error
    message: Shouts URGENT
    why: Manufactured urgency reads as pressure from a stranger.
    instead: Give the real date, e.g. "The pilot slots close on 3 May."
    regex: '\\bURGENT\\b'
    case: sensitive
"""


@functools.cache
def rule_linter(code: str):
    """A rules-only linter with just one rule selected (cached per code)."""
    from linter import Linter, Options

    return Linter(Options(select=[code], use_model=False))


@functools.cache
def rules_only_linter():
    from linter import Linter, Options

    return Linter(Options(use_model=False))


def codes_of(results) -> list[str]:
    return [f.code for r in results for f in r.findings]


def _cli_env(env: dict | None) -> dict:
    full_env = {"NO_COLOR": "1", "FORCE_COLOR": None}
    full_env.update(env or {})
    return full_env


def run_cli(*args: str, input: str | bytes | None = None, cwd: str | Path | None = None, env: dict | None = None):
    """Run `stoplint ARGS` in this process (click's CliRunner) from ``cwd``, as a user
    would from a shell; returns a CompletedProcess with text output."""
    from click.testing import CliRunner

    from linter.cli import main

    data = input.encode() if isinstance(input, str) else input
    old = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(main, list(args), input=data if data is not None else b"", env=_cli_env(env))
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["stoplint", *args], result.exit_code, result.stdout, result.stderr)


def run_process(*args: str, input: str | bytes | None = None, cwd: str | Path | None = None, env: dict | None = None):
    """Run `python -m linter ARGS` in a new process of this checkout: for what only a
    real process shows (worker processes, a fresh start, the module entry point)."""
    full_env = {k: v for k, v in {**os.environ, **_cli_env(env)}.items() if v is not None}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(
        [sys.executable, "-m", "linter", *args],
        input=data if data is not None else b"",
        capture_output=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=300,
    )
    proc.stdout = proc.stdout.decode("utf-8", "replace")
    proc.stderr = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.fixture
def cli():
    return run_cli
