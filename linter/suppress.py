"""Inline suppressions: ``stoplint: disable=…``, ``enable=…`` and ``disable-next-line=…``.

A directive sits in whatever comment syntax the file has (``<!-- … -->`` in HTML and
Markdown, ``{# … #}`` in Jinja, ``{{!-- … --}}`` in Handlebars) or alone on a line of a
plain-text email (the plain reader leaves such lines out of the linted prose).  Codes
are rule codes, code prefixes or family names, comma separated, exactly as
``--select`` takes them; no codes at all means every rule.

- ``stoplint: disable=S203`` silences S203 from the directive's line to the end of
  the file, or up to the line of a later ``stoplint: enable=S203``;
- ``stoplint: enable=S203`` ends the regions opened for S203 (or anything narrower
  than the selector: ``enable=S`` ends ``disable=S203``); a bare ``enable`` ends all;
- ``stoplint: disable-next-line=T101`` silences T101 on the next line that is not
  blank and not itself a directive.

With ``--report-unused-suppressions`` a directive code that silenced nothing is
reported as M901 (see ``stoplint explain M901``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field

from .engine import Finding
from .rulepack import Rule, matches_selector, valid_selector
from .taxonomy import Family, Severity, family_named

DIRECTIVE_RE = re.compile(
    r"stoplint:\s*(?P<kind>disable-next-line|disable|enable)\b"
    r"(?:\s*=\s*(?P<codes>[A-Za-z]\w*(?:-\w+)*(?:\s*,\s*[A-Za-z]\w*(?:-\w+)*)*))?",
    re.I,
)

UNUSED_CODE = "M901"

#: Findings stoplint makes about the suppressions themselves; not a pack rule (no text
#: pattern can find them) but documented like one by ``stoplint explain``.
META_RULES: dict[str, Rule] = {
    UNUSED_CODE: Rule(
        code=UNUSED_CODE,
        family=Family.MERGE_FIELD,
        severity=Severity.WARNING,
        name="unused-suppression",
        message="Suppression comment silences nothing",
        why=(
            "A stale `stoplint: disable` hides the next real problem of that kind in the same place: "
            "the copy it excused has changed, but the exemption stayed."
        ),
        instead=(
            "Delete the directive, or narrow it to the code that still fires, e.g. "
            "`<!-- stoplint: disable-next-line=S203 -->` right above the line it excuses."
        ),
        check=None,
        examples={
            "flag": [
                "Subject: Your Leeds warehouse\nstoplint: disable=T101\nYour returns doubled after the move; ours halve them.",
                "<!-- stoplint: disable-next-line=S203 -->\nWhich of the two depots handles returns today?",
                "{# stoplint: disable=G #}\nHi {{ first_name }}, the Leeds depot opened in March.",
            ],
            "pass": [
                "stoplint: disable-next-line=T101\nI hope this email finds you well.",
                "Subject: Your Leeds warehouse\nYour returns doubled after the move.",
            ],
        },
        origin="linter/suppress.py",
    )
}


@dataclass
class Directive:
    """One directive found in the source."""

    kind: str  # disable | enable | disable-next-line
    selectors: list[str]  # empty: every rule
    line: int  # 1-based line of the directive
    column: int  # 1-based column where "stoplint:" starts
    end_column: int  # exclusive
    src_start: int
    src_end: int
    target_line: int | None = None  # disable-next-line: the line it silences
    ends: dict[str, int] = field(default_factory=dict)  # disable: selector -> line of the enable ending it
    used: set[str] = field(default_factory=set)  # selectors that silenced something


def parse_directives(source: str) -> list[Directive]:
    """Every directive in ``source``, with regions and targets resolved."""
    directives: list[Directive] = []
    lines = source.split("\n")
    offset = 0
    directive_lines: set[int] = set()
    for number, line in enumerate(lines, start=1):
        for m in DIRECTIVE_RE.finditer(line):
            codes = m.group("codes")
            selectors = [c.strip() for c in codes.split(",")] if codes else []
            selectors = [s for s in selectors if valid_selector(s)]
            if codes and not selectors:
                continue  # "disable=foo": not ours to guess
            directives.append(
                Directive(
                    kind=m.group("kind").lower(),
                    selectors=selectors,
                    line=number,
                    column=m.start() + 1,
                    end_column=m.end() + 1,
                    src_start=offset + m.start(),
                    src_end=offset + m.end(),
                )
            )
            directive_lines.add(number)
        offset += len(line) + 1
    # the next line that is neither blank nor a directive, for every line, from the bottom up
    next_prose: list[int | None] = [None] * (len(lines) + 2)
    for n in range(len(lines), 0, -1):
        next_prose[n] = n if n not in directive_lines and lines[n - 1].strip() else next_prose[n + 1]
    for d in directives:
        if d.kind == "disable-next-line":
            d.target_line = next_prose[d.line + 1]
    _close_regions(directives)
    return directives


@dataclass
class _Parsed:
    """A source's directives, indexed: next-line ones by the line they silence, regions apart."""

    directives: list[Directive]
    by_target: dict[int, list[Directive]]
    regions: list[Directive]


@functools.lru_cache(maxsize=2)
def _parsed(source: str) -> _Parsed:
    """Parsed once per source: every row of a sequence file shares its file's directives."""
    directives = parse_directives(source)
    by_target: dict[int, list[Directive]] = {}
    for d in directives:
        if d.kind == "disable-next-line" and d.target_line is not None:
            by_target.setdefault(d.target_line, []).append(d)
    return _Parsed(directives, by_target, [d for d in directives if d.kind == "disable"])


def _close_regions(directives: list[Directive]) -> None:
    """Give each selector of each ``disable`` the line of the ``enable`` that ends it."""
    open_regions: list[tuple[Directive, str]] = []
    for d in directives:
        if d.kind == "disable":
            open_regions.extend((d, sel) for sel in (d.selectors or ["*"]))
        elif d.kind == "enable":
            still = []
            for region, sel in open_regions:
                if not d.selectors or (sel != "*" and any(_narrower_or_equal(sel, e) for e in d.selectors)):
                    region.ends[sel] = d.line
                else:
                    still.append((region, sel))
            open_regions = still


def _narrower_or_equal(selector: str, broader: str) -> bool:
    """Whether every rule ``selector`` names is also named by ``broader``."""
    a, b = (_as_prefix(s) for s in (selector, broader))
    return a == b or b == "all" or a.startswith(b)


def _as_prefix(selector: str) -> str:
    """A selector as a lower-case code prefix (a family as its letter)."""
    family = family_named(selector)
    return family.letter.lower() if family is not None else selector.strip().lower()


def _covers(d: Directive, f: Finding) -> list[str]:
    """The selectors of ``d`` that silence ``f`` ("*" for a bare directive)."""
    if d.kind == "enable":
        return []
    if d.kind == "disable-next-line":
        if f.line != d.target_line:
            return []
    elif f.line < d.line:
        return []
    out = []
    for sel in d.selectors or ["*"]:
        end = d.ends.get(sel)
        if end is not None and f.line >= end:
            continue
        if sel == "*" or matches_selector(f.code, f.family, sel):
            out.append(sel)
    return out


def apply_suppressions(email, findings: list[Finding], report_unused: bool = False) -> list[Finding]:
    """Drop the findings a directive silences; with ``report_unused`` add M901 findings."""
    parsed = _parsed(email.source)
    if not parsed.directives:
        email.directives = []
        return findings
    if report_unused:  # each email counts its own uses
        parsed = _fresh(parsed)
    directives = email.directives = parsed.directives
    kept = []
    for f in findings:
        silenced = False
        for d in [*parsed.by_target.get(f.line, ()), *parsed.regions]:
            hits = _covers(d, f)
            if hits:
                d.used.update(hits)
                silenced = True
        if not silenced:
            kept.append(f)
    if report_unused:
        kept.extend(_unused(email, directives))
        kept.sort(key=lambda f: f.sort_key)
    return kept


def _fresh(parsed: _Parsed) -> _Parsed:
    copies = {id(d): dataclasses.replace(d, used=set()) for d in parsed.directives}
    return _Parsed(
        [copies[id(d)] for d in parsed.directives],
        {line: [copies[id(d)] for d in ds] for line, ds in parsed.by_target.items()},
        [copies[id(d)] for d in parsed.regions],
    )


def _unused(email, directives: list[Directive]) -> list[Finding]:
    rule = META_RULES[UNUSED_CODE]
    out = []
    for d in directives:
        if d.kind == "enable":
            continue
        names = d.selectors or ["*"]
        idle = [s for s in names if s not in d.used]
        if not idle:
            continue
        what = "every rule" if idle == ["*"] else ", ".join(idle)
        out.append(
            Finding(
                code=rule.code,
                family=rule.family,
                severity=rule.severity,
                message=f"Suppression of {what} silences nothing",
                line=d.line,
                column=d.column,
                end_line=d.line,
                end_column=d.end_column,
                text=email.source[d.src_start : d.src_end],
                suggestion=rule.instead,
                src_start=d.src_start,
                src_end=d.src_end,
            )
        )
    return out
