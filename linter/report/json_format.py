"""``--format json``: the schema of INTERFACE.md."""

from __future__ import annotations

import json

from . import Report, formatter


@formatter("json")
def format_json(report: Report) -> str:
    data = {
        "version": report.version,
        "files": [r.to_dict() for r in report.results],
        "summary": report.summary(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
