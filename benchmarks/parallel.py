"""Time `stoplint check` on 2,000 emails with --jobs 1 and --jobs 2.

    python benchmarks/parallel.py [--emails 2000] [--jobs 2] [--no-model] [--repeat 1]

Writes the emails to a temporary folder (a few bodies of varied length and quality,
each made distinct with a number and a name), runs the CLI as a user would, checks
that both runs print the same JSON, and prints the wall-clock figures and the ratio.
The issue's target on a 2-core machine is a ratio of at least 1.6.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BODIES = [
    (
        "Subject: Quick question\n\nHi {name},\n\nI hope this email finds you well. We help companies like yours "
        "streamline operations and drive growth with our all-in-one platform.\n\nDo you have 15 minutes for a "
        "quick call next week?\n\nBest,\nSam\n"
    ),
    (
        "Subject: Returns at the {name} depot\n\nHi {name},\n\nYour careers page lists {n} open picker roles at the "
        "Leeds depot, most of them on the returns line. When Halden moved returns grading to handheld scanners, "
        "their pickers cleared the Monday backlog by noon instead of Wednesday.\n\nIs the returns line on your "
        "list this quarter?\n\nSam\n"
    ),
    (
        "Subject: Following up\n\nHi {name},\n\nJust circling back on my last email. I wanted to bump this to the "
        "top of your inbox. Our award-winning, best-in-class solution is trusted by {n} leading brands and "
        "delivers world-class results.\n\nLet me know a good time to connect!\n\nCheers,\nSam\n"
    ),
    (
        "Subject: {name}, the invoice exceptions report\n\n{name} - your Q2 filing shows invoice exceptions up "
        "{n}% year on year. Two of our customers in cold-chain freight cut theirs by a third by matching delivery "
        "scans to PO lines before the invoice is raised, not after.\n\nI wrote up how they did it in one page; "
        "want it?\n\nSam Okafor\n"
    ),
    (
        "Subject: Partnership opportunity\n\nDear {name},\n\nMy name is Sam and I am the Head of Growth at "
        "Brightline. We are a leading provider of innovative, cutting-edge solutions. We have worked with "
        "hundreds of clients across every industry and we always deliver outstanding results. I would love to "
        "tell you more about our services and explore potential synergies between our companies.\n\nWould you be "
        "open to a 30-minute call this week or next? Please let me know what works best for your calendar.\n\n"
        "Looking forward to hearing from you,\nSam\n"
    ),
]
NAMES = ["Ana", "Bram", "Chidi", "Dana", "Emre", "Fiona", "Goran", "Hana", "Ines", "Jun", "Kofi", "Lena"]


def write_emails(folder: Path, count: int) -> None:
    for i in range(count):
        body = BODIES[i % len(BODIES)].format(name=NAMES[i % len(NAMES)], n=12 + i % 37)
        (folder / f"email-{i:05d}.txt").write_text(body, encoding="utf-8")


CPU: dict[int, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(folder: Path, jobs: int, extra: list[str]) -> tuple[float, bytes]:
    """Wall-clock seconds of one run (and its CPU seconds, all processes, in CPU[jobs])."""
    cmd = [sys.executable, "-m", "linter", "check", "--format", "json", "--jobs", str(jobs), *extra, str(folder)]
    cpu0 = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env={**os.environ, "NO_COLOR": "1"})
    elapsed = time.perf_counter() - start
    CPU[jobs] = min(CPU.get(jobs, float("inf")), _children_cpu() - cpu0)
    if proc.returncode not in (0, 1):
        sys.exit(f"stoplint failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best time counts")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    args = parser.parse_args()
    extra = ["--no-model"] if args.no_model else []
    with tempfile.TemporaryDirectory(prefix="stoplint-bench-") as tmp:
        folder = Path(tmp)
        write_emails(folder, args.emails)
        load_before = os.getloadavg()[0]
        serial = min(run(folder, 1, extra)[0] for _ in range(args.repeat))
        parallel = min(run(folder, args.jobs, extra)[0] for _ in range(args.repeat))
        _, out1 = run(folder, 1, extra)
        _, out2 = run(folder, args.jobs, extra)
    same = out1 == out2
    print(f"emails: {args.emails}  cpus: {os.cpu_count()}  model: {'off' if args.no_model else 'default'}  "
          f"load average before: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(f"--jobs 1: {serial:6.2f} s wall  ({args.emails / serial:6.0f} emails/s)  {CPU[1]:6.2f} s CPU")
    print(f"--jobs {args.jobs}: {parallel:6.2f} s wall  ({args.emails / parallel:6.0f} emails/s)  {CPU[args.jobs]:6.2f} s CPU")
    if load_before > 0.5:
        print("note: other work was running; wall-clock speed-up needs idle cores to show")
    print(f"speed-up: {serial / parallel:.2f}x   identical output: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
