"""stoplint reads no cache: whatever sits where the old regex-program cache lived
(STOPLINT_CACHE_DIR, $XDG_CACHE_HOME/stoplint, ~/.cache/stoplint) changes neither the
findings nor the exit status."""

import os
import sys

from conftest import run_process

DRAFT = "Subject: Quick question\n\nI hope this email finds you well. Do you have 15 minutes for a quick call?\n"


def plant(folder):
    """A crafted program, a corrupt file and a FIFO under the old cache names."""
    folder.mkdir(parents=True)
    tag = sys.implementation.cache_tag
    (folder / f"regex-{tag}-0000.json").write_text('{"\\\\bquick\\\\b": [3, [4294967295, 1, 2], 0]}')
    (folder / f"regex-{tag}-corrupt.json").write_bytes(b"\x00\xff{not json")
    os.mkfifo(folder / f"regex-{tag}-fifo.json")


def test_planted_cache_files_change_nothing(tmp_path):
    (tmp_path / "draft.txt").write_text(DRAFT)
    clean = run_process("check", "--no-model", "--format", "json", "draft.txt", cwd=tmp_path,
                    env={"HOME": str(tmp_path / "home0"), "XDG_CACHE_HOME": str(tmp_path / "xdg0")})
    for where in ("cache", "xdg/stoplint", "home/.cache/stoplint"):
        plant(tmp_path / where)
    planted = run_process("check", "--no-model", "--format", "json", "draft.txt", cwd=tmp_path,
                      env={"STOPLINT_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"),
                           "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert clean.returncode == planted.returncode == 1, planted.stderr
    assert planted.stdout == clean.stdout and '"code": "T101"' in clean.stdout
    assert planted.stderr == clean.stderr == ""
