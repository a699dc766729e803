"""``--format html``: one self-contained page (inline CSS and JS, no network).

Every file with its STOP score and family scores, its source as written with each
finding highlighted in place (the rule and what to write instead on hover), a list
of the findings, and checkboxes to show or hide families.  Rendered from
``report.html.j2`` with autoescaping on: email text never becomes markup.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from . import Report, formatter
from ..taxonomy import Family, Severity
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


def _tip(f) -> str:
    return f"{f.code} {f.severity}: {f.message}\ninstead: {f.suggestion}"


def source_lines(source: str, findings: list) -> list[list[dict]]:
    """The source split into lines of pieces; each piece knows the findings covering it.

    A piece is ``{"text", "ids", "families", "severity", "tip"}`` (``ids`` empty for
    unmarked text).  A finding of no width gets a zero-width pin at its place.
    """
    n = len(source)
    spans = []
    for i, f in enumerate(findings):
        s = max(0, min(f.src_start, n))
        e = max(s, min(f.src_end, n))
        spans.append((i, s, e))
    cuts = {0, n}
    for _, s, e in spans:
        cuts.update((s, e))
    for pos in range(n):
        if source[pos] == "\n":
            cuts.update((pos, pos + 1))
    points = sorted(cuts)
    pins: dict[int, list[int]] = {}
    for i, s, e in spans:
        if s == e:
            pins.setdefault(s, []).append(i)
    lines: list[list[dict]] = [[]]

    def piece(text: str, ids: list[int]) -> dict:
        fs = [findings[i] for i in ids]
        return {
            "text": text,
            "ids": ids,
            "families": sorted({f.family for f in fs}),
            "severity": max((f.severity for f in fs), key=lambda s: Severity(s).rank) if fs else "",
            "tip": "\n\n".join(_tip(f) for f in fs),
        }

    for a, b in zip(points, points[1:] + [None]):
        if a in pins:
            lines[-1].append(piece("", pins[a]) | {"pin": True})
        if b is None:
            break
        text = source[a:b]
        if text == "\n":
            lines.append([])
            continue
        ids = [i for i, s, e in spans if s <= a and b <= e and s < e]
        lines[-1].append(piece(text, ids))
    if lines and not lines[-1] and source.endswith("\n"):
        lines.pop()
    return lines


def _band(score: int | None) -> str:
    if score is None:
        return "none"
    return "high" if score >= 60 else "mid" if score >= 30 else "low"


@formatter("html")
def format_html(report: Report) -> str:
    files = []
    families_seen: set[str] = set()
    for k, res in enumerate(report.results):
        findings = list(res.findings)
        families_seen.update(f.family for f in findings)
        source = res.email.source if res.email is not None else None
        items = []
        for i, f in enumerate(findings):
            rule = rule_info(report, f.code)
            items.append({"f": f, "id": i, "why": rule.why if rule is not None else ""})
        files.append(
            {
                "anchor": f"file-{k + 1}",
                "path": res.display_path,
                "score": res.score,
                "band": _band(res.score),
                "categories": [(Family(c).heading, v) for c, v in res.categories.items()],
                "failed": res.failed,
                "error": res.error,
                "findings": items,
                "lines": source_lines(source, findings) if source is not None else None,
            }
        )
    families = [(family, family.heading) for family in Family if family in families_seen]
    html = _environment().get_template("report.html.j2").render(
        version=report.version,
        summary=report.summary(),
        files=files,
        families=families,
    )
    return html
