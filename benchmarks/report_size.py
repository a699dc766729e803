"""The size of the HTML report (`check --format html`) for a library of 3,000 files.

Run: python benchmarks/report_size.py [N]  (prints figures; not a test)

Each of the project's example emails (examples/good, examples/bad) is checked once,
with the model, as `stoplint check` does; its result then stands for many files of a
library of N (default 3,000) under new names.  Two libraries: one with the examples'
own mix of failing and passing files, and one where 1 file in 10 fails (a library
after adoption).  The reference, in the same run, is the layout before part 5 of
issue 11: every file as a full card (source, highlights, finding list), made here by
rendering the same results with every file marked as failing.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from linter import Linter, Options
from linter.report import Report
from linter.report.html_format import format_html
from linter.run import run_files

ROOT = Path(__file__).resolve().parent.parent


def example_results(linter: Linter) -> tuple[list, list]:
    """(failing, passing) results of the example emails."""
    files = sorted(str(p) for d in ("good", "bad") for p in (ROOT / "examples" / d).iterdir() if p.suffix in (".txt", ".md"))
    results = run_files(files, linter, jobs=1)
    return [r for r in results if r.failed], [r for r in results if not r.failed]


def library(failing: list, passing: list, n: int, fail_every: int | None) -> list:
    """``n`` results named lib/eK.txt: every ``fail_every``-th a failing example (None:
    the examples' own mix), the rest passing ones."""
    mix = failing + passing
    out = []
    for k in range(n):
        if fail_every is None:
            res = mix[k % len(mix)]
        else:
            res = failing[k % len(failing)] if k % fail_every == 0 else passing[k % len(passing)]
        out.append(replace(res, path=f"lib/e{k}.txt"))
    return out


def measure(results: list) -> tuple[int, float]:
    """(bytes, seconds) of the page."""
    start = time.perf_counter()
    page = format_html(Report(results=results, version="bench"))
    return len(page.encode()), time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    failing, passing = example_results(Linter(Options()))
    print(f"{len(failing)} failing and {len(passing)} passing example emails, as {n:,} files")
    print(f"{'library':<28}{'failing':>9}{'page':>10}{'full cards':>12}{'ratio':>8}{'render s':>10}")
    for label, every in (("examples' mix", None), ("1 in 10 fails", 10)):
        results = library(failing, passing, n, every)
        size, secs = measure(results)
        full, _ = measure([replace(r, failed=True) for r in results])
        n_failed = sum(r.failed for r in results)
        print(f"{label:<28}{n_failed:>9,}{size / 1e6:>8.1f}MB{full / 1e6:>10.1f}MB{size / full:>8.2f}{secs:>10.1f}")


if __name__ == "__main__":
    main()
