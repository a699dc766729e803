"""Regenerate docs/rule-stats.md: each rule's precision on the public labelled file.

    python docs/make_rule_stats.py ../shared/corpus/train.jsonl

The figures are `stoplint rules --stats` on that file; the page names the file by its
SHA-256 so a reader can tell which data produced them.  Only counts are written: the
emails themselves belong to their publishers and never enter the project.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from linter.rulepack import load_rules
from linter.rulestats import MAX_GOOD_SHARE, MIN_PRECISION, format_text, rule_stats

OUT = Path(__file__).resolve().parent / "rule-stats.md"


def page(data: Path) -> str:
    stats = rule_stats(str(data), load_rules())
    table = format_text(stats).replace(str(data), data.name, 1)
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    return (
        "# Rule precision on the public file\n\n"
        f"Data: `{data.name}` (SHA-256 `{digest}`), the public labelled outreach emails.\n"
        f"Made by `python docs/make_rule_stats.py path/to/{data.name}` (the figures of "
        f"`stoplint rules --stats path/to/{data.name}`); do not edit by hand.\n\n"
        "Each email is read as `stoplint check` reads a `.txt` file (`Subject:` line, blank line, body) "
        "and linted with every rule, off-by-default ones too, and no model. A rule's hits count emails: "
        "*stop* and *not* are hits on emails the readers marked stop and not stop, *good* on emails "
        "rated 3.67 or more, *precision* is stop hits over all hits.\n\n"
        f"A warning or error should reach precision {MIN_PRECISION} and fire on at most "
        f"{MAX_GOOD_SHARE:.0%} of the good emails; `!` marks those that do not.\n\n"
        f"```\n{table}```\n"
    )


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python docs/make_rule_stats.py DATA.jsonl")
    OUT.write_text(page(Path(argv[0])), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
