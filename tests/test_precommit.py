"""The pre-commit hook, run for real by pre-commit from this checkout.

The module's repository has a ``.pre-commit-config.yaml`` naming this checkout at its
HEAD commit (what ``pre-commit try-repo`` writes, but try-repo builds a new store,
so a new environment with spaCy, on every call); with one PRE_COMMIT_HOME for the
module, pre-commit builds the hook's environment once and every test reuses it
(with uv when pre-commit-uv is installed, as the test extra does).  In CI the clean
clone's HEAD is what is tested.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BAD = "Subject: Quick question\n\nI hope this email finds you well.\nDo you have 15 minutes for a quick call next week?\n"
GOOD = (
    "Subject: Returns at the Leeds depot\n\nHi Ines,\n\nYour careers page lists six open roles on the Leeds "
    "returns line. Brennan Freight cleared the same Monday backlog by noon after moving grading to handheld "
    "scanners.\n\nIs the returns line on your list this quarter?\n\nSam\n"
)
TEMPLATES = ROOT / "examples" / "templates"
#: What pip and uv (pre-commit-uv) print when PyPI cannot be reached: the test then skips.
OFFLINE_SIGNS = (
    "Failed to establish a new connection", "Temporary failure in name resolution", "No matching distribution",
    "error sending request for url", "dns error", "Could not connect to",
)


def _git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _pre_commit() -> list[str] | None:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        exe = shutil.which("pre-commit")
        return [exe] if exe else None
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    cmd = _pre_commit()
    if cmd is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = _git("rev-parse", "--verify", "HEAD", cwd=ROOT)
    top = _git("rev-parse", "--show-toplevel", cwd=ROOT)
    if head.returncode != 0 or top.returncode != 0 or Path(top.stdout.strip()).resolve() != ROOT.resolve():
        pytest.skip(f"{ROOT} is not the top of a git checkout with a commit; try-repo needs one")
    if not (ROOT / ".pre-commit-hooks.yaml").is_file():
        pytest.fail(".pre-commit-hooks.yaml is missing at the repository root")
    ref = head.stdout.strip()
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), NO_COLOR="1", PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)

    def run(repo: Path, *files: str) -> subprocess.CompletedProcess:
        config = {"repos": [{"repo": str(ROOT), "rev": ref, "hooks": [{"id": "stoplint"}]}]}
        (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
        _git("add", ".pre-commit-config.yaml", cwd=repo)  # pre-commit refuses an unstaged config
        proc = subprocess.run(
            [*cmd, "run", "stoplint", "--verbose", "--color", "never", "--files", *files],
            cwd=repo, capture_output=True, text=True, env=env, timeout=1500,
        )
        out = proc.stdout + proc.stderr
        if proc.returncode not in (0, 1) or "An unexpected error has occurred" in out:
            if any(sign in out for sign in OFFLINE_SIGNS):
                pytest.skip("pre-commit could not install the hook's dependencies (no network to PyPI)")
            pytest.fail(f"pre-commit run failed ({proc.returncode}):\n{out[-3000:]}")
        return proc

    return run


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("templates-repo")
    _git("init", "-q", cwd=repo)
    _git("config", "user.email", "test@example.invalid", cwd=repo)
    _git("config", "user.name", "stoplint test", cwd=repo)
    (repo / "emails").mkdir()
    (repo / "emails" / "bad.txt").write_text(BAD)
    (repo / "emails" / "good.txt").write_text(GOOD)
    # Two of the project's own templates, when this checkout has them.
    for src, dst in (("good/depot-returns.j2", "depot-returns.j2"), ("repo/emails/follow-up-bad.j2", "follow-up-bad.j2")):
        if (TEMPLATES / src).is_file():
            shutil.copy(TEMPLATES / src, repo / "emails" / dst)
    (repo / "README.rst").write_text("Not an email: the hook's files pattern skips it.\n")
    _git("add", ".", cwd=repo)
    return repo


def test_hook_definition():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["require_serial"]) == ("stoplint", "stoplint check", "python", False)
    import re

    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    picked = lambda name: bool(files.search(name)) and not exclude.search(name)  # noqa: E731 - as pre-commit does
    for name in ("a.txt", "b.md", "c.html", "c.htm", "d.eml", "e.j2", "f.jinja", "f.jinja2", "g.liquid", "h.hbs",
                 "i.mustache", "j.csv", "k.jsonl", "emails/deep/x.j2", "examples/templates/bad/salesforce-intro.tmpl",
                 "x.tpl", "x.text", "x.handlebars", "x.ndjson", "x.xhtml", "OLD/INTRO.TXT", "Welcome.J2", "readme-reply.txt"):
        assert picked(name), name
    for name in ("setup.py", "README.rst", "logo.png", "notes.txt.bak", "README.md", "docs/CHANGELOG.md",
                 "LICENSE.txt", "CONTRIBUTING.md", "templates/readme.txt", "CODE_OF_CONDUCT.md"):
        assert not picked(name), name


def test_hook_patterns_are_generated_from_the_reader_map():
    """Every extension a reader takes is in the hook's files pattern; regenerate with `python -m linter.hook`."""
    from linter.hook import render
    from linter.readers import known_extensions

    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert render(text) == text, "run `python -m linter.hook` at the checkout's root"
    (hook,) = yaml.safe_load(text)
    import re

    for ext in known_extensions():
        assert re.search(hook["files"], "a" + ext.upper()) and re.search(hook["files"], "a" + ext), ext


def test_folders_skip_project_documents(tmp_path):
    from linter.cli import collect_paths

    (tmp_path / "README.md").write_text("# Templates\n\nOur cold emails.\n")
    (tmp_path / "CHANGELOG.md").write_text("## 1.0\n")
    (tmp_path / "intro.TMPL").write_text("Hi {{ first_name }},\n")
    files, errors = collect_paths((str(tmp_path), str(tmp_path / "README.md")), [])
    assert (files, errors) == ([str(tmp_path / "intro.TMPL"), str(tmp_path / "README.md")], [])


def test_bad_template_blocks_the_commit(runner, template_repo):
    proc = runner(template_repo, "emails/bad.txt")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "stoplint (outreach email lint)" in out and "Failed" in out
    assert "emails/bad.txt:3:1: T101 warning" in out
    assert "emails/bad.txt: STOP score" in out


def test_good_template_passes(runner, template_repo):
    files = ["emails/good.txt"]
    if (template_repo / "emails" / "depot-returns.j2").is_file():
        files.append("emails/depot-returns.j2")
    proc = runner(template_repo, *files)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out


def test_checked_in_bad_template_blocks_too(runner, template_repo):
    if not (template_repo / "emails" / "follow-up-bad.j2").is_file():
        pytest.skip("examples/templates/repo/emails/follow-up-bad.j2 is not in this checkout")
    proc = runner(template_repo, "emails/follow-up-bad.j2", "README.rst")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "emails/follow-up-bad.j2:" in out
    assert "README.rst" not in out.split("stoplint (outreach email lint)")[1]
