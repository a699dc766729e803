"""The pre-commit hook's file patterns, generated from the reader map.

The hook must pick the files ``stoplint check`` reads when it walks a folder: every
extension a reader takes, in any case, and none of the repository's own documents
(README, CHANGELOG...).  ``python -m linter.hook`` (from the checkout's root) writes
both patterns into ``.pre-commit-hooks.yaml``; a test fails while they disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .readers import PROJECT_DOCUMENTS, known_extensions

HOOKS_FILE = ".pre-commit-hooks.yaml"


def files_pattern() -> str:
    exts = sorted(e.lstrip(".") for e in known_extensions())
    return r"(?i)\.(" + "|".join(exts) + r")$"


def exclude_pattern() -> str:
    names = "|".join(n.replace("_", "[_-]") for n in PROJECT_DOCUMENTS)
    return r"(?i)(^|/)(" + names + r")(\.[^/]*)?$"


def render(text: str) -> str:
    """``text`` (the hooks file) with its ``files:`` and ``exclude:`` lines generated."""
    lines = [line for line in text.splitlines() if not re.match(r"\s+exclude:", line)]
    out = []
    for line in lines:
        m = re.match(r"(\s+)files:", line)
        if m:
            out.append(f"{m.group(1)}files: '{files_pattern()}'")
            out.append(f"{m.group(1)}exclude: '{exclude_pattern()}'")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def main(root: str = ".") -> int:
    path = Path(root) / HOOKS_FILE
    text = path.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: files and exclude patterns updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
