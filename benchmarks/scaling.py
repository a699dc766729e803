"""Time and peak memory of each reader, and of each input shape that once ran in
quadratic time, at 1x, 2x, 4x and 8x its size (prints figures; not a test).

    python benchmarks/scaling.py [--only NAME,...] [--scale 1.0] [--timeout 60]

Each size runs in a fresh subprocess (``--child``): it builds a Linter (rules and
model), then times ``Linter.lint_file`` on the generated file (CPU seconds, which
other work on the machine moves less than wall time) and reports its own peak RSS.
The printed ratio is each size's time over the size before it: linear work
doubles (2x) when the input doubles; the target is <= 2.5x per doubling, and < 300 MB
peak for a 2 MB input.  Each reader's file is filled to the byte, 250 KB at 1x, so
its 8x is a file at the size limit (``MAX_BYTES``); the last line gives the highest
peak among those.  ``--scale`` multiplies every size (0.25 for a quick look; past 1 a
reader's 8x is over the limit, that file's error).  A run past ``--timeout`` seconds
is killed and shown as ``>T``; the larger sizes of that case are skipped.
The generated emails are our own words, repeated and numbered.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from linter.limits import MAX_BYTES  # noqa: E402

SIZES = (1, 2, 4, 8)

PARAGRAPH = (
    "Your depot in Leeds moved returns to a second shift in March. We saw the same change "
    "at a grocer in Bristol, where it cut repacking time by a third. Would a two-page "
    "summary of what they measured be useful before your May review?\n\n"
)


def _fill(n_bytes: int, piece, head: str = "", tail: str = "") -> str:
    """``head``, then ``piece(0)``, ``piece(1)``... and ``tail``: as many pieces as fit in
    ``n_bytes`` (UTF-8), so the file is that size give or take one piece."""
    out = [head]
    size = len(head.encode()) + len(tail.encode())
    i = 0
    while True:
        part = piece(i)
        size += len(part.encode())
        if size > n_bytes and i:
            break
        out.append(part)
        i += 1
    return "".join(out) + tail


def _prose(n_bytes: int, head: str = "") -> str:
    return _fill(n_bytes, lambda i: f"Note {i}. {PARAGRAPH}", head)


def _csv_rows(n_bytes: int) -> str:
    body = PARAGRAPH.strip().replace('"', '""')
    return _fill(n_bytes, lambda i: f'{i},Returns at depot {i},"Hi {{{{first_name}}}},\n{body}"\n', "step,subject,body\n")


def _jsonl_rows(n_bytes: int) -> str:
    body = "Hi {{first_name}},\n" + PARAGRAPH.strip()
    return _fill(n_bytes, lambda i: json.dumps({"step": i, "subject": f"Returns at depot {i}", "body": body}) + "\n")


def _eml_head(subject: str = "Returns at the Leeds depot") -> str:
    return (
        "From: Sam <sam@example.org>\nTo: Jo <jo@example.com>\n"
        f"Subject: {subject}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
    )


def _html(n_bytes: int) -> str:
    return _fill(n_bytes, lambda i: f"<p>Note {i}. {PARAGRAPH.strip()}</p>\n", "<html><body>\n", "</body></html>\n")


KB = 1024
#: The readers' 1x: their 8x is a file at the size limit (2 MB).
READER_1X = MAX_BYTES // SIZES[-1]
#: name -> (extension, generator of the file's text at factor k and scale s, the 1x size in words)
CASES = {
    "text reader": (".txt", lambda k, s: _prose(int(READER_1X * k * s), "Subject: Returns\n\n"), "250 KB"),
    "markdown reader": (".md", lambda k, s: _prose(int(READER_1X * k * s), "# Returns\n\n"), "250 KB"),
    "html reader": (".html", lambda k, s: _html(int(READER_1X * k * s)), "250 KB"),
    "eml reader": (".eml", lambda k, s: _prose(int(READER_1X * k * s), _eml_head()), "250 KB"),
    "template reader": (".j2", lambda k, s: _prose(int(READER_1X * k * s), "Hi {{ first_name }},\n"), "250 KB"),
    "csv rows": (".csv", lambda k, s: _csv_rows(int(READER_1X * k * s)), "250 KB, 900 rows"),
    "jsonl rows": (".jsonl", lambda k, s: _jsonl_rows(int(READER_1X * k * s)), "250 KB, 800 rows"),
    "csv stray quote per line": (
        ".csv",
        lambda k, s: "subject,body\n" + "".join(f'Hi {i},say "hi\n' for i in range(int(1000 * k * s))),
        "1k lines",
    ),
    "eml RFC 2047 subject": (
        ".eml",
        lambda k, s: _eml_head(" ".join(["=?utf-8?q?caf=C3=A9_time?="] * int(3000 * k * s))) + "Hello.\n",
        "3k words",
    ),
    "unclosed {{ and {#": (".j2", lambda k, s: "Hi there.\n" + "{{ x {# y ".ljust(10) * int(4000 * k * s), "40 KB"),
    "merge fields": (".j2", lambda k, s: "Hi " + " and ".join(f"{{{{ field_{i} }}}}" for i in range(int(2500 * k * s))), "2.5k fields"),
    "URLs": (".txt", lambda k, s: "See " + " ".join(f"https://example.org/p/{i}" for i in range(int(2000 * k * s))), "2k URLs"),
    "caps + URLs": (
        ".txt",
        lambda k, s: " ".join(f"LOOK HERE https://example.org/p/{i}" for i in range(int(1500 * k * s))),
        "1.5k pairs",
    ),
    "punctuation runs": (".txt", lambda k, s: "Hi " + ":[!$" * int(1000 * k * s), "4 KB"),
    "disable-next-line lines": (
        ".txt",
        lambda k, s: "".join(f"# stoplint: disable-next-line T100\nNote {i} on returns.\n" for i in range(int(2500 * k * s))),
        "2.5k pairs",
    ),
}


def child(name: str, path: str) -> None:
    """Lint one generated file; print seconds and peak RSS (MB) as JSON."""
    sys.path.insert(0, str(ROOT))
    from linter import Linter, Options

    linter = Linter(Options())
    start = time.process_time()
    results = linter.lint_file(path)
    elapsed = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors = sorted({r.error for r in results if r.error})
    print(json.dumps({"case": name, "seconds": elapsed, "peak_mb": peak, "results": len(results), "errors": errors}))


def measure(name: str, k: int, scale: float, timeout: float, tmp: str) -> dict | None:
    ext, make, _ = CASES[name]
    path = os.path.join(tmp, f"input-{k}{ext}")
    data = make(k, scale).encode("utf-8")
    Path(path).write_bytes(data)
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name, path], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"bytes": len(data), "timeout": True}
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return {"bytes": len(data), "crash": f"exit {proc.returncode}: {tail[:80]}"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["bytes"] = len(data)
    return out


def _cell(m: dict, prev: dict | None, timeout: float) -> str:
    size = f"{m['bytes'] / KB:,.0f} KB"
    if m.get("timeout"):
        return f"{size}: >{timeout:.0f} s"
    if m.get("crash"):
        return f"{size}: {m['crash']}"
    ratio = ""
    if prev and not prev.get("timeout") and not prev.get("crash") and prev["seconds"] > 0:
        ratio = f" ({m['seconds'] / prev['seconds']:.1f}x)"
    note = f" [error: {m['errors'][0][:50]}]" if m["errors"] else ""
    return f"{size}: {m['seconds']:.2f} s CPU{ratio} {m['peak_mb']:.0f} MB{note}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated case names (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size (e.g. 0.25 for a quick look)")
    parser.add_argument("--timeout", type=float, default=120.0, help="wall seconds before a size is given up")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    names = [n.strip() for n in args.only.split(",")] if args.only else list(CASES)
    print(f"python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}; sizes x{', x'.join(map(str, SIZES))}")
    print("target: each doubling <= 2.5x the time; < 300 MB peak at 2 MB")
    worst = 0.0
    at_limit: list[tuple[float, str]] = []  # (peak MB, case) of the inputs near the size limit
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            prev = None
            cells = []
            for k in SIZES:
                m = measure(name, k, args.scale, args.timeout, tmp)
                cells.append(_cell(m, prev, args.timeout))
                if prev and "seconds" in m and "seconds" in prev and prev["seconds"] > 0.05:
                    worst = max(worst, m["seconds"] / prev["seconds"])
                if "peak_mb" in m and m["bytes"] > 0.9 * MAX_BYTES:
                    at_limit.append((m["peak_mb"], name))
                prev = m
                if m.get("timeout") or m.get("crash"):
                    break
            print(f"{name:<26} " + " | ".join(cells), flush=True)
    print(f"worst ratio per doubling (of sizes over 0.05 s): {worst:.1f}x")
    if at_limit:
        peak, name = max(at_limit)
        print(f"highest peak for an input near the {MAX_BYTES / 1e6:g} MB limit: {peak:.0f} MB ({name})")


if __name__ == "__main__":
    main()
