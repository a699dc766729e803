"""``--format text``: one block per finding with the source line and a caret underline."""

from __future__ import annotations

from ..taxonomy import Family
from . import Report, formatter

SEVERITY_COLOR = {"error": "31", "warning": "33", "suggestion": "36"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


@formatter("text")
def format_text(report: Report) -> str:
    out: list[str] = []
    color = report.color
    for res in report.results:
        path = res.path
        if res.error is not None:  # the command prints errors on stderr
            continue
        if report.quiet and not res.failed:
            continue
        for f in res.findings:
            sev = _paint(f.severity, SEVERITY_COLOR[f.severity], color)
            head = f"{path}:{f.line}:{f.column}: {_paint(f.code, '1', color)} {sev} {f.message}"
            out.append(head)
            if res.email is not None:
                out.extend(_snippet(res.email, f, color))
            out.append(f"  = instead: {f.suggestion}")
        out.append(_summary_line(res))
        if report.explain and res.contributions:
            out.extend(_contributions(res))
    if not report.quiet or any(r.failed for r in report.results):
        s = report.summary()
        out.append(
            f"Checked {s['files']} email{'s' if s['files'] != 1 else ''}: "
            f"{s['failed']} failed, {s['findings']} finding{'s' if s['findings'] != 1 else ''}."
        )
    return "\n".join(out) + ("\n" if out else "")


def _snippet(email, f, color: bool) -> list[str]:
    line_text = email.source_line(f.line).expandtabs(1)
    gutter = " " * len(str(f.line))
    start = f.column - 1
    end = f.end_column - 1 if f.end_line == f.line else len(line_text)
    width = max(1, min(end, len(line_text)) - start)
    carets = _paint("^" * width, "31", color)
    return [f"{gutter} |", f"{f.line} | {line_text}", f"{gutter} | {' ' * start}{carets}"]


def _summary_line(res) -> str:
    n = len(res.findings)
    counted = f"{n} finding{'s' if n != 1 else ''}"
    if res.score is None:
        return f"{res.display_path}: a fragment, not a whole email: no STOP score — {counted}"
    cats = ", ".join(f"{Family(k).label} {v}" for k, v in res.categories.items())
    return f"{res.display_path}: STOP score {res.score}/100 ({cats}) — {counted}"


def _contributions(res) -> list[str]:
    """What raised the score, then what kept it down, strongest first."""
    lines = []
    for title, part in (("what raised the score:", [c for c in res.contributions if c["weight"] > 0]),
                        ("what kept it down:", [c for c in reversed(res.contributions) if c["weight"] < 0])):
        if part:
            lines.append(f"  {title}")
            lines.extend(f"    - {c['feature']}" for c in part)
    return lines
