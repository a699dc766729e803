"""Regenerate docs/sample-report.html and its screenshot docs/sample-report.png.

    python docs/make_sample_report.py

(They live outside examples/ so that `stoplint check examples/` does not lint the
report page as if it were an HTML email.)

Runs `stoplint check --format html` on a few of the examples, then opens the page in
headless Chromium (apt-get install chromium) and saves a screenshot of the whole page
(1200x3000).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A failure, an HTML email, a sequence (a card per step) and two passes (one line each).
INPUTS = [
    "examples/bad/quick-call.txt",
    "examples/templates/bad/congrats-pitch.mailchimp.html",
    "examples/templates/repo/sequences/3pl-outreach.csv",
    "examples/good/founder-to-founder.txt",
    "examples/good/blunt-two-lines.txt",
]


def browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(page: Path, png: Path, size: str = "1200,3000") -> None:
    exe = browser()
    if exe is None:
        sys.exit("no Chromium found: apt-get install -y chromium")
    subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--screenshot={png}", f"--window-size={size}", page.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )


def main() -> None:
    page = ROOT / "docs" / "sample-report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--format", "html", "-o", str(page), *INPUTS],
        cwd=ROOT, capture_output=True, text=True,
    )
    if proc.returncode not in (0, 1):
        sys.exit(proc.stderr)
    screenshot(page, ROOT / "docs" / "sample-report.png")
    print(f"wrote {page} and docs/sample-report.png")


if __name__ == "__main__":
    main()
