"""What the library-wide checks (T301-T304) add to checking a folder of 2,000 templates.

Run: python benchmarks/library.py [N]  (prints figures; not a test)
The target is a ratio of at most 1.25: the same folder, the same rules, checked once
with the library-wide rules ignored and once with them (reading each template's
sentences and shingles in the lint, then comparing all of them), best of five each,
in one process, one job; the median of the rounds' ratios is the figure to read.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from linter import Linter, Options
from linter.config import DEFAULTS
from linter.library import FINDERS, check
from linter.rulepack import load_rules
from linter.run import run_files

OPENERS = [
    "Your {place} depot started shipping {goods} in week {n}.",
    "I saw the {place} team is hiring {n} drivers for the {goods} line.",
    "Congrats on the new {goods} range out of {place}.",
    "I hope this email finds you well.",
]
BODIES = [
    "Returns of {goods} at a {place} depot peak {n} weeks after a sale, and sorting them by hand costs a shift a day.",
    "When Halden Freight moved {goods} dispatch off spreadsheets, missed pickups fell {n}% in six weeks.",
    "Most {goods} sellers lose a week each January to returns nobody has time to open.",
]
ASKS = ["Is the January peak on your list yet?", "Who plans the returns desk rota in {place}?", "Worth a look?"]
PLACES = ["Leeds", "Tulsa", "Porto", "Lyon", "Graz", "Cork", "Turin", "Malmo", "Brno", "Gdansk", "Ghent", "Bergen"]
GOODS = ["bikes", "tiles", "lamps", "shoes", "paint", "desks", "rugs", "tents", "kettles", "boots", "sofas"]


def template(i: int) -> str:
    fill = {"place": PLACES[i % len(PLACES)], "goods": GOODS[(i * 7) % len(GOODS)], "n": i % 40 + 2}
    opener = OPENERS[i % len(OPENERS)].format(**fill)
    body = " ".join(b.format(**fill) for b in BODIES[i % 2 : i % 2 + 2])
    ask = ASKS[i % len(ASKS)].format(**fill)
    return (
        f"Subject: {fill['goods']} returns in {fill['place']}\n\n"
        f"Hi {{{{ first_name | default('there') }}}},\n\n{opener}\n\n{body}\n\n{ask}\n\nBest,\n{{{{ sender_name }}}}\n"
    )


def linter_for(with_library: bool) -> Linter:
    codes = [r.code for r in load_rules() if r.check in FINDERS]
    return Linter(Options(use_model=False, ignore=[] if with_library else codes, library=with_library))


def once(linter: Linter, files: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds to lint ``files`` and run the library-wide checks on them."""
    wall, cpu = time.perf_counter(), time.process_time()
    results = run_files(files, linter, jobs=1)
    check(results, linter, DEFAULTS["max-templates-per-sentence"])
    return time.perf_counter() - wall, time.process_time() - cpu


def timed(files: list[str], rounds: int = 5) -> tuple[list[tuple[float, float]], list[float]]:
    """Best (wall, CPU) without and with the library-wide checks, the two runs taking
    turns; and each round's CPU ratio (with / without, run back to back), whose median
    moves less than the best times when the machine's speed drifts."""
    linters = [linter_for(False), linter_for(True)]
    for linter in linters:
        once(linter, files[:50])  # warm up: spaCy, the regex cache, the tag memo, scipy
    best = [(float("inf"), float("inf"))] * 2
    ratios = []
    for _ in range(rounds):
        cpus = []
        for k, linter in enumerate(linters):
            wall, cpu = once(linter, files)
            best[k] = (min(best[k][0], wall), min(best[k][1], cpu))
            cpus.append(cpu)
        ratios.append(cpus[1] / cpus[0])
    return best, ratios


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for i in range(n):
            path = os.path.join(folder, f"t{i:04d}.j2")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(template(i))
            files.append(path)
        [(wall0, cpu0), (wall1, cpu1)], ratios = timed(files)
    print(f"{n} templates, rules only, one job, best of {len(ratios)} (wall / CPU seconds)")
    print(f"  without library-wide checks: {wall0:6.2f} / {cpu0:6.2f}")
    print(f"  with library-wide checks:    {wall1:6.2f} / {cpu1:6.2f}")
    print(f"  ratio of the best: wall {wall1 / wall0:.3f}, CPU {cpu1 / cpu0:.3f}")
    print(f"  CPU ratio per round (back to back): median {statistics.median(ratios):.3f}, "
          f"range {min(ratios):.3f}-{max(ratios):.3f} (target: at most 1.25)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
