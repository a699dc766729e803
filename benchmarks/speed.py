"""Speed and memory of stoplint (prints figures; not a test).

    python benchmarks/speed.py [--emails 1000] [--runs 7]

1. Cold start: wall time of `stoplint check ONE_EMAIL` as a ratio to
   `python -c "import spacy"`, both measured here, alternating, median of N runs.
   Target: <= 1.2x.
   Both commands are timed alternately in the same run, so a busy machine slows
   both; the ratio of their CPU times is printed too, as it moves less with load.
   stoplint runs from this checkout (``python -m linter`` with it on PYTHONPATH).
2. Throughput: 1,000 emails linted in one process (rules and model), emails/s,
   median of 3 runs (best and CPU-time rates beside it). Target: >= 300 emails/s.
3. Peak memory (max RSS) of that process, and of one cold `stoplint check`.
   Target: < 300 MB.
The emails are the project's own examples (examples/good, examples/bad), cycled
with a numbered subject so no two are the same text.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def example_texts() -> list[str]:
    files = sorted((ROOT / "examples" / "good").glob("*.txt")) + sorted((ROOT / "examples" / "bad").glob("*.txt"))
    if not files:
        sys.exit("no examples found under examples/good and examples/bad")
    return [f.read_text(encoding="utf-8") for f in files]


def numbered(texts: list[str], n: int) -> list[str]:
    out = []
    for i in range(n):
        text = texts[i % len(texts)]
        if text.lower().startswith("subject:"):
            first, _, rest = text.partition("\n")
            out.append(f"{first} ({i})\n{rest}")
        else:
            out.append(f"Subject: note {i}\n\n{text}")
    return out


def timed(cmd: list[str], cwd: str, env: dict | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, max RSS in KB) of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, max(after.ru_maxrss, before.ru_maxrss)


def compile_bytecode() -> None:
    """Compile stoplint's modules as ``pip install`` does.

    A source checkout installed with ``pip install -e .`` has no bytecode, and with
    PYTHONDONTWRITEBYTECODE set (as on some machines) every start would compile each
    module again, about 0.05 s that an installed stoplint never pays.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "linter")], check=False)


def cold_start(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.txt"
        draft.write_text(example_texts()[0], encoding="utf-8")
        spacy_cmd = [sys.executable, "-c", "import spacy"]
        lint_cmd = [sys.executable, "-m", "linter", "check", str(draft)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        compile_bytecode()
        timed(spacy_cmd, tmp), timed(lint_cmd, tmp, env)  # warm the file cache
        spacy_runs, lint_runs, rss = [], [], 0
        for _ in range(runs):
            spacy_runs.append(timed(spacy_cmd, tmp))
            lint_runs.append(timed(lint_cmd, tmp, env))
            rss = max(rss, lint_runs[-1][2])
    s, l = (statistics.median(r[0] for r in runs_) for runs_ in (spacy_runs, lint_runs))
    sc, lc = (statistics.median(r[1] for r in runs_) for runs_ in (spacy_runs, lint_runs))
    print(f"cold start   import spacy        {s:.3f} s (median of {runs}; CPU {sc:.3f} s)")
    print(f"cold start   stoplint check      {l:.3f} s (median of {runs}; CPU {lc:.3f} s)")
    print(f"cold start   ratio               {l / s:.2f}x   (target <= 1.2x; CPU time {lc / sc:.2f}x)")
    print(f"cold start   peak memory         {rss / 1024:.0f} MB (max RSS of the runs; children share the maximum)")


def throughput(n: int, repeats: int) -> None:
    sys.path.insert(0, str(ROOT))
    from linter import Linter, Options
    from linter.readers import read_bytes

    texts = numbered(example_texts(), n)
    start = time.perf_counter()
    linter = Linter(Options())
    setup = time.perf_counter() - start
    emails = [e for i, t in enumerate(texts) for e in read_bytes(f"email-{i}.txt", t.encode("utf-8"))]
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        results = linter.lint_emails(emails)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    elapsed, cpu = statistics.median(walls), statistics.median(cpus)
    findings = sum(len(r.findings) for r in results)
    model = "with model" if linter.model is not None else "rules only (no model file)"
    print(f"throughput   setup (rules, model) {setup:.3f} s")
    print(
        f"throughput   {n} emails, {model}: {elapsed:.2f} s = {n / elapsed:.0f} emails/s "
        f"(median of {repeats}; best {n / min(walls):.0f}/s; CPU {n / cpu:.0f}/s)   (target >= 300)"
    )
    print(f"             machine load average {os.getloadavg()[0]:.2f} (other work on the 2 cores slows every figure)")
    print(f"throughput   findings             {findings} ({findings / n:.1f} per email)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory       peak of this process {peak:.0f} MB   (target < 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7, help="cold-start runs of each command")
    parser.add_argument("--repeats", type=int, default=3, help="throughput runs over the emails")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs")
    cold_start(args.runs)
    throughput(args.emails, args.repeats)
    templates = ROOT / "benchmarks" / "templates_speed.py"
    if templates.exists():
        print("templates    (benchmarks/templates_speed.py)")
        subprocess.run([sys.executable, str(templates)], check=False)


if __name__ == "__main__":
    main()
