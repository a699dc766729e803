"""``--format github``: GitHub Actions workflow commands, so findings show on the pull request.

``::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`` per
finding (``error`` for errors, ``notice`` for suggestions); an unreadable file is an
``::error`` on the file.  Values are escaped as the runner expects: ``%``, CR and LF
everywhere, and ``:`` and ``,`` inside properties.
"""

from __future__ import annotations

import os

from . import Report, formatter

COMMAND = {"error": "error", "warning": "warning", "suggestion": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _file(path: str) -> str:
    norm = path
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        norm = path if rel.startswith("..") else rel
    norm = norm.replace(os.sep, "/")
    return norm[2:] if norm.startswith("./") else norm


def _command(kind: str, props: dict[str, object], message: str) -> str:
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    return f"::{kind} {joined}::{escape_data(message)}"


@formatter("github")
def format_github(report: Report) -> str:
    out: list[str] = []
    for res in report.results:
        path = _file(res.path)
        where = f" ({res.label})" if res.label else ""
        if res.error is not None:
            out.append(_command("error", {"file": path, "title": "stoplint: cannot read"}, f"{res.error}{where}"))
            continue
        for f in res.findings:
            props = {
                "file": path,
                "line": f.line,
                "col": f.column,
                "endLine": f.end_line,
                "endColumn": f.end_column,
                "title": f.code,
            }
            message = f"{f.message}\ninstead: {f.suggestion}" if f.suggestion else f.message
            out.append(_command(COMMAND[f.severity], props, message))
    s = report.summary()
    out.append(
        f"stoplint: checked {s['files']} email{'s' if s['files'] != 1 else ''}: "
        f"{s['failed']} failed, {s['findings']} finding{'s' if s['findings'] != 1 else ''}."
    )
    return "\n".join(out) + "\n"
