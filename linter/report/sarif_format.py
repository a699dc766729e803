"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every rule that has a result (help text is
the rule's "why" and "instead"), each result points at its region in the file as
written.  Columns count Unicode code points (``columnKind``), as stoplint's do.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from . import Report, formatter

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/stoplint/"
LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}


def artifact_uri(path: str) -> str:
    """A relative URI for a path under the working directory, else a file: URI."""
    norm = path.replace(os.sep, "/")
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if rel.startswith(".."):
            return "file://" + quote(norm)
        norm = rel.replace(os.sep, "/")
    if norm.startswith("./"):
        norm = norm[2:]
    return quote(norm)


def rule_info(report: Report, code: str):
    """The Rule behind a code: the report's rules, else stoplint's own meta rules."""
    rule = report.rules.get(code)
    if rule is None:
        from ..gate import META_RULES

        rule = META_RULES.get(code)
    return rule


def _descriptor(code: str, rule, fallback_message: str, fallback_severity: str, family: str) -> dict:
    if rule is None:  # e.g. the classifier's own finding
        return {
            "id": code,
            "shortDescription": {"text": fallback_message},
            "defaultConfiguration": {"level": LEVEL[fallback_severity]},
            "properties": {"category": family},
        }
    help_text = f"Why: {rule.why}\n\nInstead: {rule.instead}"
    return {
        "id": rule.code,
        "name": rule.name or rule.code,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": f"**Why:** {rule.why}\n\n**Instead:** {rule.instead}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"category": rule.family, "scope": rule.scope},
    }


@formatter("sarif")
def format_sarif(report: Report) -> str:
    rules: list[dict] = []
    index: dict[str, int] = {}  # rule code -> its place in rules
    results: list[dict] = []
    notifications: list[dict] = []
    artifacts: list[dict] = []
    artifact_index: dict[str, int] = {}
    for res in report.results:
        uri = artifact_uri(res.path)
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            artifacts.append({"location": {"uri": uri}, "properties": {"stopScores": []}})
        if res.error is not None:
            notifications.append(_notification(res, uri))
            continue
        entry = {"score": res.score, "categories": res.categories}
        if res.row is not None:
            entry["row"] = res.row
        artifacts[artifact_index[uri]]["properties"]["stopScores"].append(entry)
        for f in res.findings:
            if f.code not in index:
                index[f.code] = len(rules)
                rules.append(_descriptor(f.code, rule_info(report, f.code), f.message, f.severity, f.family))
            results.append(_result(f, res.row, index[f.code], uri, artifact_index[uri]))
    for art in artifacts:
        if not art["properties"]["stopScores"]:
            del art["properties"]
    return json.dumps(_log(report, rules, results, notifications, artifacts), indent=2, ensure_ascii=False) + "\n"


def _notification(res, uri: str) -> dict:
    """A file that could not be read: an error notification of the run."""
    return {
        "level": "error",
        "message": {"text": f"{res.display_path}: {res.error}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
    }


def _result(f, row: int | None, rule_index: int, uri: str, artifact: int) -> dict:
    """One finding as a SARIF result."""
    region = {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": max(f.end_column, f.column) if f.end_line == f.line else f.end_column,
        "snippet": {"text": f.text},
    }
    result = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message}. Instead: {f.suggestion}" if f.suggestion else f.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "index": artifact}, "region": region}}],
        "properties": {"category": f.family, "severity": f.severity},
    }
    if row is not None:
        result["properties"]["row"] = row
    return result


def _log(report: Report, rules: list, results: list, notifications: list, artifacts: list) -> dict:
    driver = {
        "name": "stoplint",
        "version": report.version,
        "semanticVersion": report.version,
        "informationUri": INFO_URI,
        "rules": rules,
    }
    run = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
