"""Fixes: mechanical repairs for findings that have exactly one right answer.

A rule that can be fixed says so in its pack (``fix: safe`` or ``fix: unsafe``) and
has a fixer here, registered under its code.  A *safe* fix cannot change what a reader
sees when the email is sent as intended (a merge field gets a fallback for the empty
case; a fake ``Re:`` goes); an *unsafe* one changes the text (a stock opener line is
deleted) and runs only with ``--unsafe-fixes``.

Edits are made on the file as written, applied from the end of the file backwards,
and never overlap: of two overlapping edits the later one waits for the next pass.
The file is linted again after each pass until no fix is left (at most
``MAX_PASSES``), so a second ``--fix`` run has nothing to do.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixers read emails and findings; importing them here would be a cycle
    from .email import Email, MergeField
    from .engine import Finding

MAX_PASSES = 10


@dataclass(frozen=True)
class Edit:
    start: int  # source offsets (the file as written, line breaks as "\n")
    end: int
    text: str
    code: str = ""


Fixer = Callable[["Email", "Finding"], "Edit | None"]
FIXERS: dict[str, Fixer] = {}


def fixer(code: str) -> Callable[[Fixer], Fixer]:
    def register(fn: Fixer) -> Fixer:
        FIXERS[code] = fn
        return fn

    return register


# -- M102: a fallback in the field's own dialect --------------------------------------
#: What an empty field reads as instead, by slot.  Titles have no neutral stand-in.
FALLBACK_WORDS = {"name": "there", "company": "your team"}
#: The dialect a file's extension fixes, for the ``{{ }}`` family of syntaxes.
EXT_DIALECT = {
    ".j2": "jinja", ".jinja": "jinja", ".jinja2": "jinja", ".liquid": "liquid",
    ".hbs": "handlebars", ".handlebars": "handlebars", ".mustache": "mustache",
}
CURLY = {"jinja", "hubspot", "handlebars", "mustache", "liquid"}
_CURLY_RE = re.compile(r"^(\{\{[-~]?)(\s*)(.*?)(\s*)([-~]?\}\})$", re.S)


def _dialect(email: Email, f: MergeField) -> str | None:
    if f.dialect not in CURLY:
        return f.dialect
    by_ext = EXT_DIALECT.get(os.path.splitext(email.path)[1].lower())
    if by_ext is not None:
        return by_ext
    return None if f.dialect == "mustache" else f.dialect  # {{First Name}} of an unknown tool


def with_fallback(raw: str, dialect: str, word: str) -> str | None:
    """``raw`` (one merge tag) rewritten to show ``word`` when the field is empty."""
    m = _CURLY_RE.match(raw)
    if dialect in ("jinja", "hubspot", "liquid"):
        if m is None:
            return None
        opener, lead, expr, trail, closer = m.groups()
        filt = f'default: "{word}"' if dialect == "liquid" else f'default("{word}", true)'
        return f"{opener}{lead}{expr} | {filt}{trail}{closer}"
    if dialect in ("handlebars", "mustache"):
        if m is None or not re.fullmatch(r"[A-Za-z_][\w.]*", m.group(3)):
            return None
        name = m.group(3)
        if dialect == "handlebars":
            return f"{{{{#if {name}}}}}{raw}{{{{else}}}}{word}{{{{/if}}}}"
        return f"{{{{#{name}}}}}{raw}{{{{/{name}}}}}{{{{^{name}}}}}{word}{{{{/{name}}}}}"
    if dialect == "mailchimp":
        tag = raw[2:-2].strip()
        return f"*|IF:{tag}|*{raw}*|ELSE:|*{word}*|END:IF|*"
    if dialect == "salesforce":
        name = raw[2:-1].strip()
        return f'{{!BLANKVALUE({name}, "{word}")}}' if re.fullmatch(r"[\w.]+", name) else None
    return None


@fixer("M102")
def add_fallback(email: Email, finding: Finding) -> Edit | None:
    for f in email.fields:
        if f.src_start == finding.src_start and f.src_end == finding.src_end:
            word = FALLBACK_WORDS.get(f.slot)
            dialect = _dialect(email, f)
            new = with_fallback(f.raw, dialect, word) if word and dialect else None
            return Edit(f.src_start, f.src_end, new) if new else None
    return None


# -- Q110: drop a fake Re:/Fwd: ----------------------------------------------------------
_PREFIX_RE = re.compile(r"(?:re|fwd?|aw|sv|tr)[ \t]*(?:\[\d+\])?[ \t]*:[ \t]*", re.I)


@fixer("Q110")
def drop_reply_prefix(email: Email, finding: Finding) -> Edit | None:
    m = _PREFIX_RE.match(email.source, finding.src_start)
    return Edit(m.start(), m.end(), "") if m else None


# -- T101: delete a stock pleasantry that stands on a line of its own (unsafe) ---------------
@fixer("T101")
def drop_opener_line(email: Email, finding: Finding) -> Edit | None:
    src = email.source
    start = src.rfind("\n", 0, finding.src_start) + 1
    end = src.find("\n", finding.src_end)
    end = len(src) if end == -1 else end + 1
    before, after = src[start : finding.src_start], src[finding.src_end : end]
    if len(before.split()) > 1 or any(c in before for c in ".!?,;:") or after.strip(" \t\n!.,;:…"):
        return None  # more than the pleasantry ("I hope you are well.") on the line: a writer must choose
    if src.startswith("\n", end) and (start == 0 or src.startswith("\n", start - 1)):
        end += 1  # the blank line after it goes too, so no double gap is left
    return Edit(start, end, "")


# -- applying ---------------------------------------------------------------------------------
def edits_for(results: list, kinds: set[str], rules: dict) -> list[Edit]:
    """The non-overlapping edits for one file's findings, from fixers of the allowed kinds."""
    edits = []
    for res in results:
        for f in res.findings:
            rule = rules.get(f.code)
            if f.code in FIXERS and res.email is not None and getattr(rule, "fix", None) in kinds:
                edit = FIXERS[f.code](res.email, f)
                if edit is not None and res.email.source[edit.start : edit.end] != edit.text:
                    edits.append(Edit(edit.start, edit.end, edit.text, f.code))
    kept: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if not kept or edit.start >= kept[-1].end and edit != kept[-1]:
            kept.append(edit)
    return kept


def _refixes(done: list[Edit], left: list[Edit]) -> bool:
    """Whether an edit of ``left`` falls inside text an edit of ``done`` (same rule) wrote:
    a fix that did not remove its own finding, which another pass would only repeat."""
    written, shift = [], 0
    for edit in sorted(done, key=lambda e: e.start):
        written.append((edit.code, edit.start + shift, edit.start + shift + len(edit.text)))
        shift += len(edit.text) - (edit.end - edit.start)
    return any(e.code == code and s <= e.start < end for e in left for code, s, end in written)


def apply_edits(source: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        source = source[: edit.start] + edit.text + source[edit.end :]
    return source


@dataclass
class FileFix:
    path: str
    before: str
    after: str
    count: int
    results: list = field(default_factory=list)

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}", tofile=f"b/{self.path}",
            )
        )


def fix_file(path: str, results: list, linter, kinds: set[str]) -> FileFix | None:
    """Fix one file's findings, pass after pass, in memory; None when there is nothing
    to fix or the file's text is not what its email was read from (a sequence row, a
    decoded .eml body)."""
    if path == "-" or not results or any(r.row is not None or r.email is None for r in results):
        return None
    rules = {r.code: r for r in linter.all_rules}
    if not any(f.code in FIXERS and getattr(rules.get(f.code), "fix", None) in kinds for r in results for f in r.findings):
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    crlf = "\r\n" in text
    source = text.replace("\r\n", "\n")
    if any(r.email.source != source for r in results):
        return None
    # A worker process sends back the source but not the merge fields: read it here again.
    results = linter.lint_text(source, path=path)
    current, count = source, 0
    edits = edits_for(results, kinds, rules)
    for _ in range(MAX_PASSES):
        if not edits:
            break
        fixed = apply_edits(current, edits)
        after = linter.lint_text(fixed, path=path)
        left = edits_for(after, kinds, rules)
        if _refixes(edits, left):
            break  # a fix that leaves its finding behind: stop rather than repeat it
        current, results, count, edits = fixed, after, count + len(edits), left
    if count == 0:
        return None
    return FileFix(path, bom + text, bom + (current.replace("\n", "\r\n") if crlf else current), count, results)


def write(fix: FileFix) -> None:
    with open(fix.path, "w", encoding="utf-8", newline="") as fh:
        fh.write(fix.after)
