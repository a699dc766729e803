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


def run_cli(*args: str, input: str | bytes | None = None, cwd: str | Path | None = None, env: dict | None = None):
    """Run `python -m linter` as a user would; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    full_env.pop("FORCE_COLOR", None)
    full_env["NO_COLOR"] = "1"
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))  # this checkout
    if env:
        full_env.update(env)
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
