"""The regex cache gives the same patterns as re.compile, and never fails a run."""

import json
import re

import pytest

from conftest import EXAMPLES, run_cli
from linter import recache

PATTERNS = [
    (r"\b(?:quick|short)\s+call\b", 0),
    (r"(?P<word>[A-Z]\w+) (?P=word)", re.M),
    (r"""hello   # a verbose pattern
         \s+ (?:world|there)""", re.X | re.I),
    (r"(?<=\d)%|[\u00c0-\u024f]+", 0),
]
TEXTS = ["A quick call? Short  call!", "Tom Tom and Ann Ann", "HELLO  There", "12% more Éclair"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache in its own folder, as a new process would start."""
    monkeypatch.setenv("STOPLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("STOPLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(recache, "_entries", None)
    monkeypatch.setattr(recache, "_added", 0)
    return tmp_path


def restart(monkeypatch):
    monkeypatch.setattr(recache, "_entries", None)
    monkeypatch.setattr(recache, "_added", 0)


def same(a, b):
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    for text in TEXTS:
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
        assert [m.groups() for m in a.finditer(text)] == [m.groups() for m in b.finditer(text)]


def test_patterns_equal_re_compile_before_and_after_a_restart(cache, monkeypatch):
    for pattern, flags in PATTERNS:
        same(recache.compile_re(pattern, flags), re.compile(pattern, flags))
    recache.save()
    stored = json.loads(recache.cache_file().read_text(encoding="utf-8"))["patterns"]
    assert len(stored) == len(PATTERNS)
    restart(monkeypatch)
    for pattern, flags in PATTERNS:
        same(recache.compile_re(pattern, flags), re.compile(pattern, flags))
    assert recache._added == 0  # all of them came from the file


def test_a_bad_pattern_raises_as_re_does(cache):
    with pytest.raises(re.error):
        recache.compile_re(r"(unclosed")


@pytest.mark.parametrize("damage", ["not json at all", '{"patterns": 3}', "program"])
def test_a_damaged_cache_falls_back_to_compiling(cache, monkeypatch, damage):
    pattern, flags = PATTERNS[1]
    recache.compile_re(pattern, flags)
    recache.save()
    path = recache.cache_file()
    if damage == "program":  # a valid file whose program the engine rejects
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data["patterns"].values():
            entry[1] = "AAAAAP////8="
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(damage, encoding="utf-8")
    restart(monkeypatch)
    same(recache.compile_re(pattern, flags), re.compile(pattern, flags))


def test_switched_off_it_writes_nothing(cache, monkeypatch):
    monkeypatch.setenv("STOPLINT_NO_CACHE", "1")
    same(recache.compile_re(*PATTERNS[0]), re.compile(*PATTERNS[0]))
    recache.save()
    assert list(cache.iterdir()) == []


def test_an_unwritable_folder_is_not_an_error(tmp_path, monkeypatch, cache):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("STOPLINT_CACHE_DIR", str(blocker / "sub"))
    recache.compile_re(*PATTERNS[0])
    recache.save()  # mkdir fails under a file: nothing raised


def test_check_fills_the_cache_and_reads_it_next_time(tmp_path):
    env = {"STOPLINT_CACHE_DIR": str(tmp_path)}
    draft = str(EXAMPLES / "bad" / sorted(p.name for p in (EXAMPLES / "bad").glob("*.txt"))[0])
    first = run_cli("check", draft, "--format", "json", env=env)
    files = list(tmp_path.glob("regex-*.json"))
    assert len(files) == 1
    entries = json.loads(files[0].read_text(encoding="utf-8"))["patterns"]
    assert len(entries) > 40  # spaCy's affixes, the checks' and the rules' patterns
    stamp = files[0].stat().st_mtime_ns
    second = run_cli("check", draft, "--format", "json", env=env)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    assert first.returncode == 1
    assert files[0].stat().st_mtime_ns == stamp  # nothing new to write
