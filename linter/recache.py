"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

Python compiles each regular expression from its source in every new process. The
rules, the checks and spaCy's tokenizer bring about 85 patterns to a run, and
compiling them was about 0.06 s of every start: half of what stoplint adds to
``import spacy``. What ``re`` compiles a pattern into is a list of integers, the
program its C engine (``_sre``) runs; this module keeps those lists in a JSON file
in stoplint's cache folder and builds patterns from them, which takes microseconds.

- The file is keyed by the Python build (version and ``_sre`` magic number); each
  entry by the pattern's source and flags. The program is the one ``re`` itself
  produced on this build, so the pattern object is the same as ``re.compile``'s.
- Nothing but strings and integers is read, and ``_sre`` validates a program before
  using it; anything unexpected (no file, a damaged one, a Python whose internals
  differ) falls back to ``re.compile``.
- New entries are written once, at exit, by the process that read the file, with
  an atomic replace. ``STOPLINT_CACHE_DIR`` moves the folder (default
  ``$XDG_CACHE_HOME/stoplint`` or ``~/.cache/stoplint``); ``STOPLINT_NO_CACHE=1``
  turns the cache off.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import re
import sys
from array import array
from pathlib import Path

try:  # the parts of ``re`` that turn a pattern into the engine's program
    import _sre
    from re import _compiler, _parser

    if array("I").itemsize != _sre.CODESIZE:  # pragma: no cover - an unusual build
        _sre = None
except ImportError:  # pragma: no cover - a Python without them: plain re.compile
    _sre = None

#: A cache that grows past this many patterns (team packs come and go) starts over.
MAX_ENTRIES = 4000

_entries: dict[str, list] | None = None  # loaded on first use
_added = 0
_owner = 0  # the process that loaded the file; only it writes


def cache_file() -> Path | None:
    """Where this Python's compiled patterns are kept, or None when caching is off."""
    if _sre is None or os.environ.get("STOPLINT_NO_CACHE", "").strip() not in ("", "0"):
        return None
    folder = os.environ.get("STOPLINT_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "stoplint")
    build = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}"
    digest = hashlib.sha256(build.encode()).hexdigest()[:16]
    return Path(folder) / f"regex-{sys.implementation.cache_tag}-{digest}.json"


def _load() -> dict[str, list]:
    global _entries, _owner
    _entries, _owner = {}, os.getpid()
    path = cache_file()
    if path is None:
        return _entries
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("patterns"), dict):
            _entries = data["patterns"]
    except (OSError, ValueError):
        pass  # none yet, or unreadable: compile as usual
    return _entries


def compile_re(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, from the cache when this build compiled it before."""
    entries = _entries if _entries is not None else _load()
    flags = int(flags)
    key = f"{flags}:{pattern}"
    entry = entries.get(key)
    if entry is not None:
        try:
            final_flags, program, groups, groupindex, indexgroup = entry
            code = array("I", base64.b64decode(program)).tolist()
            return _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
        except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
            entries.pop(key, None)
    if _sre is None or cache_file() is None:
        return re.compile(pattern, flags)
    try:
        # what re._compiler.compile does, keeping the program it hands to _sre
        tree = _parser.parse(pattern, flags)
        code = _compiler._code(tree, flags)
        groupindex = dict(tree.state.groupdict)
        indexgroup = [None] * tree.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        final_flags = flags | tree.state.flags
        compiled = _sre.compile(pattern, final_flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - internals not as expected: the public way
        return re.compile(pattern, flags)
    program = base64.b64encode(array("I", code).tobytes()).decode("ascii")
    entries[key] = [final_flags, program, tree.state.groups - 1, groupindex, indexgroup]
    _note_added()
    return compiled


def _note_added() -> None:
    global _added
    _added += 1
    if _added == 1:
        atexit.register(save)


def save() -> None:
    """Write the cache if this process compiled patterns it did not find there."""
    global _added
    path = cache_file()
    if not _added or _entries is None or path is None or os.getpid() != _owner:
        return
    entries = _entries if len(_entries) <= MAX_ENTRIES else {}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"patterns": entries}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        _added = 0
    except OSError:
        pass  # a read-only home or a full disk: the next run compiles again
