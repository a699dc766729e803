"""Baselines: record today's findings so a run fails only on new ones.

An entry is keyed so that it survives lines moving: the file's path (relative to the
baseline file's folder, with ``/``), the rule code, the finding's text with its
whitespace collapsed, and an occurrence index (the second identical finding in a file
is index 1).  It does not survive a change to that text.  A per-file STOP score is
recorded too: with ``--max-score``, a baselined file fails only if its score rises.

Entries of files that were checked and no longer have the finding are *stale*: they
are reported, and ``--write-baseline`` drops them.  Entries of files not checked in
this run are kept as they are.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 1

Key = tuple[str, str, str, int]  # (path, code, text, index)


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file and the reason."""


@dataclass
class Baseline:
    path: Path
    entries: set[Key] = field(default_factory=set)
    scores: dict[str, int] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.resolve().parent


@dataclass
class Outcome:
    """What applying a baseline did to a run."""

    hidden: int = 0
    stale: list[Key] = field(default_factory=list)


def load(path: str | Path) -> Baseline:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with --write-baseline)") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a baseline file (not valid JSON: {exc})") from None
    try:
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        entries = {(e["path"], e["code"], e["text"], int(e["index"])) for e in data.get("findings", [])}
        scores = {str(p): int(s) for p, s in data.get("scores", {}).items()}
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a baseline file ({exc})") from None
    return Baseline(path, entries, scores)


def normalise(text: str) -> str:
    return " ".join(text.split())


def file_key(folder: Path, res) -> str:
    """A result's path as the baseline stores it: relative to ``folder``, with ``/``."""
    if res.path.startswith("<"):
        name = res.path
    else:
        name = os.path.relpath(os.path.abspath(res.path), folder).replace(os.sep, "/")
    return f"{name}:{res.row}" if res.row is not None else name


def keys_of(folder: Path, res) -> list[tuple[Key, object]]:
    """Each finding of a result with its baseline key, in file order."""
    name = file_key(folder, res)
    seen: Counter = Counter()
    out = []
    for f in res.findings:
        base = (name, f.code, normalise(f.text))
        out.append(((*base, seen[base]), f))
        seen[base] += 1
    return out


def apply(baseline: Baseline, results: list, linter) -> Outcome:
    """Drop baselined findings from ``results``, re-judge each file and find stale entries."""
    outcome = Outcome()
    folder = baseline.folder
    checked: set[str] = set()
    found: set[Key] = set()
    for res in results:
        if res.error is not None:
            continue
        name = file_key(folder, res)
        checked.add(name)
        kept = []
        for key, finding in keys_of(folder, res):
            found.add(key)
            if key in baseline.entries:
                outcome.hidden += 1
            else:
                kept.append(finding)
        res.findings = kept
        res.failed = linter.fails(res, baseline.scores.get(name))
    outcome.stale = sorted(k for k in baseline.entries if k[0] in checked and k not in found)
    return outcome


def write(path: str | Path, results: list, previous: Baseline | None = None) -> int:
    """Write the findings of ``results`` as a baseline; entries of files not in this run
    are kept from ``previous``.  Returns the number of entries written."""
    target = Baseline(Path(path))
    folder = target.folder
    checked = {file_key(folder, r) for r in results if r.error is None}
    if previous is not None:
        moved = _rebase(previous, folder)
        target.entries = {k for k in moved.entries if k[0] not in checked}
        target.scores = {p: s for p, s in moved.scores.items() if p not in checked}
    for res in results:
        if res.error is not None:
            continue
        target.entries.update(key for key, _ in keys_of(folder, res))
        if res.score is not None:
            target.scores[file_key(folder, res)] = res.score
    data = {
        "version": FORMAT_VERSION,
        "findings": [dict(zip(("path", "code", "text", "index"), k)) for k in sorted(target.entries)],
        "scores": dict(sorted(target.scores.items())),
    }
    try:
        target.path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline ({exc.strerror})") from None
    return len(target.entries)


def _rebase(previous: Baseline, folder: Path) -> Baseline:
    """``previous``'s entries with paths relative to ``folder`` instead of its own."""
    if previous.folder == folder:
        return previous

    def move(name: str) -> str:
        if name.startswith("<"):
            return name
        return os.path.relpath(previous.folder / name, folder).replace(os.sep, "/")

    return Baseline(
        previous.path,
        {(move(p), c, t, i) for p, c, t, i in previous.entries},
        {move(p): s for p, s in previous.scores.items()},
    )


def stale_line(baseline_path: str | Path, key: Key) -> str:
    path, code, text, _ = key
    shown = text if len(text) <= 60 else text[:59] + "…"
    return f'{baseline_path}: stale entry: {path} {code} "{shown}" is fixed (--write-baseline drops it)'
