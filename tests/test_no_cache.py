"""stoplint reads no cache (issue 13, cases 1 and 2): whatever sits where the old
regex-program cache lived (STOPLINT_CACHE_DIR, $XDG_CACHE_HOME/stoplint,
~/.cache/stoplint) changes neither the findings nor the exit status, and never hangs.

One fresh process sees every kind of damage at once: a crafted program under the very
name the old cache read (every program wrapped as ``(?!)(?:...)`` once turned the gate
off), a corrupt file, a FIFO (which once hung the run) and a link to /dev/zero (which
once grew to 13 GB)."""

import hashlib
import os
import sys

from conftest import run_process

DRAFT = "Subject: Quick question\n\nI hope this email finds you well. Do you have 15 minutes for a quick call?\n"


def old_cache_name() -> str:
    """The name the removed regex cache gave this Python's programs, so that a file
    planted there would have been read."""
    import _sre  # only to name the old file; stoplint itself no longer reads it

    build = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}"
    return f"regex-{sys.implementation.cache_tag}-{hashlib.sha256(build.encode()).hexdigest()[:16]}.json"


def plant(folder, exact: str) -> None:
    """Each kind of damage under the old cache names; ``exact`` says which kind takes
    the very name the old cache read."""
    folder.mkdir(parents=True)
    tag = sys.implementation.cache_tag
    names = {kind: f"regex-{tag}-{kind}.json" for kind in ("crafted", "corrupt", "fifo", "dev-zero")}
    names[exact] = old_cache_name()
    (folder / names["crafted"]).write_text('{"patterns": {"\\\\bquick\\\\b": [[1, 2, 3], 0, 0]}}')
    (folder / names["corrupt"]).write_bytes(b"\x00\xff{not json")
    os.mkfifo(folder / names["fifo"])
    (folder / names["dev-zero"]).symlink_to("/dev/zero")


def test_planted_cache_files_change_nothing(tmp_path):
    (tmp_path / "draft.txt").write_text(DRAFT)
    clean = run_process("check", "--no-model", "--format", "json", "draft.txt", cwd=tmp_path,
                        env={"HOME": str(tmp_path / "home0"), "XDG_CACHE_HOME": str(tmp_path / "xdg0")})
    plant(tmp_path / "cache", exact="crafted")
    plant(tmp_path / "xdg" / "stoplint", exact="fifo")
    plant(tmp_path / "home" / ".cache" / "stoplint", exact="dev-zero")
    planted = run_process("check", "--no-model", "--format", "json", "draft.txt", cwd=tmp_path,
                          env={"STOPLINT_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"),
                               "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert clean.returncode == planted.returncode == 1, planted.stderr
    assert planted.stdout == clean.stdout and '"code": "T101"' in clean.stdout
    assert planted.stderr == clean.stderr == ""
