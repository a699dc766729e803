"""``--format html``: one self-contained page (inline CSS and JS, no network).

Files that fail come first, as cards, then by STOP score (highest first), then by
path in natural order (``e2`` before ``e10``).  A card shows the email (see
``html_view``) with each finding in place or as a margin bar (the rule and what to
write instead on hover), and a list of the findings; a sequence file shows one card
per step.  A file that passes is one line (path, score, "passes"), so a library of
thousands of files stays a few megabytes.  Checkboxes show or hide families.
Rendered from ``report.html.j2`` with autoescaping on: email text never becomes markup.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from . import Report, formatter
from ..api import FileResult
from ..taxonomy import Family
from .html_view import layout, view
from .sarif_format import rule_info


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("linter", "report"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _band(score: int | None) -> str:
    if score is None:
        return "none"
    return "high" if score >= 60 else "mid" if score >= 30 else "low"


def natural_key(path: str) -> list:
    """``e2`` before ``e10``: runs of digits compare as numbers."""
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", path)]


def groups(results: list[FileResult]) -> list[list[FileResult]]:
    """The results by file (a sequence file's rows together, in row order), failures
    first, then by the highest STOP score, then by path in natural order."""
    by_file: list[list[FileResult]] = []
    for res in results:
        last = by_file[-1][0] if by_file else None
        if res.row is not None and last is not None and last.row is not None and last.path == res.path:
            by_file[-1].append(res)
        else:
            by_file.append([res])

    def order(group: list[FileResult]) -> tuple:
        scores = [r.score for r in group if r.score is not None]
        return (not any(r.failed for r in group), -max(scores, default=-1), natural_key(group[0].path), group[0].path)

    return sorted(by_file, key=order)


def card(report: Report, res: FileResult, anchor: str) -> dict:
    """One email's card: its score, lines, bars and findings."""
    findings = list(res.findings)
    lines, bars, lanes = None, [], 0
    if res.email is not None and res.error is None:
        lines, bars, lanes = layout(view(res.email, findings), findings)
    return {
        "anchor": anchor,
        "title": res.label or res.path,
        "score": res.score,
        "band": _band(res.score),
        "categories": [(Family(c).heading, v) for c, v in res.categories.items()],
        "failed": res.failed,
        "error": res.error,
        "findings": findings,
        "lines": lines,
        "bars": bars,
        "lanes": lanes,
    }


def entry(report: Report, group: list[FileResult], k: int) -> dict:
    """A file of the page: its cards when it fails, one line when it passes."""
    score = max((r.score for r in group if r.score is not None), default=None)
    failed = any(r.failed for r in group)
    sequence = group[0].row is not None
    return {
        "anchor": f"file-{k}",
        "path": group[0].path,
        "score": score,
        "band": _band(score),
        "failed": failed,
        "steps": len(group) if sequence else 0,
        "steps_failed": sum(r.failed for r in group) if sequence else 0,
        "cards": [card(report, r, f"file-{k}-step-{i}" if sequence else f"file-{k}") for i, r in enumerate(group, 1)] if failed else [],
    }


@formatter("html")
def format_html(report: Report) -> str:
    files = [entry(report, g, k) for k, g in enumerate(groups(report.results), 1)]
    cards = [c for file in files for c in file["cards"]]
    shown = [f for c in cards for f in c["findings"]]
    families = [(family, family.heading) for family in Family if family in {f.family for f in shown}]
    return _environment().get_template("report.html.j2").render(
        version=report.version,
        summary=report.summary(),
        failing=[f for f in files if f["failed"]],
        passing=[f for f in files if not f["failed"]],
        families=families,
        bars=any(c["bars"] for c in cards),
        why=_why(report, {f.code for f in shown}),
    )


def _why(report: Report, codes: set[str]) -> dict[str, str]:
    """Why each rule shown costs the reply, once per code (shown on hover over "Instead")."""
    rules = {code: rule_info(report, code) for code in sorted(codes)}
    return {code: rule.why for code, rule in rules.items() if rule is not None}
