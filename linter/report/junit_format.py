"""``--format junit``: JUnit XML for CI test reports (GitLab, Jenkins, Azure, …).

One ``<testsuite>`` per run, one ``<testcase>`` per file (per row of a sequence
file).  A file that fails the gate has a ``<failure>`` whose text lists its
findings; findings below the gate go to ``<system-out>``; an unreadable file is an
``<error>``.  No timings, so the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import Report, formatter


# Characters XML 1.0 cannot carry even escaped; an email may still contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _finding_line(path: str, f) -> str:
    return _clean(f"{path}:{f.line}:{f.column}: {f.code} {f.severity} {f.message}\n  = instead: {f.suggestion}")


def _score(res) -> str:
    return f"STOP score {res.score}/100" if res.score is not None else "no score"


@formatter("junit")
def format_junit(report: Report) -> str:
    s = report.summary()
    errors = sum(1 for r in report.results if r.error is not None)
    failures = sum(1 for r in report.results if r.failed and r.error is None)
    root = ET.Element("testsuites", name="stoplint", tests=str(s["files"]), failures=str(failures), errors=str(errors))
    suite = ET.SubElement(
        root,
        "testsuite",
        name="stoplint",
        tests=str(s["files"]),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="stoplint.version", value=report.version)
    for res in report.results:
        path = res.display_path
        case = ET.SubElement(suite, "testcase", name=_clean(path), classname="stoplint." + _clean(_classname(res.path)))
        if res.error is not None:
            err = ET.SubElement(case, "error", message=_clean(res.error), type="InputError")
            err.text = _clean(f"{path}: {res.error}")
            continue
        body = "\n".join(_finding_line(res.path, f) for f in res.findings)
        n = len(res.findings)
        summary = f"{_score(res)}, {n} finding{'s' if n != 1 else ''}"
        if res.failed:
            fail = ET.SubElement(case, "failure", message=summary, type="stoplint")
            fail.text = body + ("\n" if body else "") + _clean(f"{path}: {summary}")
        elif body:
            out = ET.SubElement(case, "system-out")
            out.text = body + _clean(f"\n{path}: {summary}")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _classname(path: str) -> str:
    """Folder of the file, dotted, as JUnit viewers group by class name."""
    parts = path.replace("\\", "/").strip("./").split("/")[:-1]
    return ".".join(p.replace(".", "_") for p in parts if p) or "root"
