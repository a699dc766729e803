"""``--statistics``: the findings counted per rule, printed instead of the findings
(as ruff does): a table in every format but JSON, which gets the same rows as data."""

from __future__ import annotations

import json
from collections import Counter

from . import Report

FIX_MARK = {"safe": " [fix]", "unsafe": " [unsafe fix]"}


def rows(report: Report) -> list[dict]:
    """One row per rule code: count, message, fix kind; most frequent first."""
    counts: Counter = Counter(f.code for f in report.findings)
    messages = {f.code: f.message for f in report.findings}
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = report.rules.get(code)
        out.append({
            "code": code,
            "count": n,
            "message": rule.message if rule is not None else messages[code],
            "fix": rule.fix if rule is not None else None,
        })
    return out


def render(report: Report, fmt: str) -> str:
    table = rows(report)
    if fmt == "json":
        return json.dumps({"statistics": table}, indent=2, ensure_ascii=False) + "\n"
    lines = [f"{r['count']:5d}  {r['code']}  {r['message']}{FIX_MARK.get(r['fix'] or '', '')}" for r in table]
    return "".join(line + "\n" for line in lines)
