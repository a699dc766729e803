"""Plain text and Markdown emails.

Both share the line filter: a first ``Subject:`` line is the subject; quoted reply
text (``>`` lines, an "On … wrote:" or "Original Message" header and all after it)
and a signature (after a ``-- `` line) are not the sender's prose, so they are left
out of the text; suppression directive lines are left out too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..email import Email, TextBuilder

SUBJECT_RE = re.compile(r"[ \t]*subject[ \t]*:[ \t]*", re.I)
QUOTE_HEADER_RE = re.compile(
    r"^\s*(on\s.{0,300}\swrote:|-{2,}\s*original message\s*-{2,}|-{2,}\s*forwarded message\s*-{2,}|from:\s.+\s<?\S+@\S+>?)\s*$",
    re.I,
)
SIGNATURE_RE = re.compile(r"^--[ \t]?$")
DIRECTIVE_RE = re.compile(r"stoplint:\s*(?:disable|enable|disable-next-line)\b", re.I)
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
MD_LINK_RE = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
URL_RE = re.compile(r"\bhttps?://[^\s<>()\"']+|\bwww\.[^\s<>()\"']+", re.I)

#: Emits the prose of ``source[start:end]`` into the builder (templates swap merge tags).
Emit = Callable[[TextBuilder, str, int, int], None]


def keep_emit(builder: TextBuilder, source: str, start: int, end: int) -> None:
    builder.keep(source, start, end)


def iter_lines(source: str, start: int = 0, end: int | None = None):
    """Yield (line_start, line_end_without_newline, has_newline) over a slice."""
    end = len(source) if end is None else end
    pos = start
    while pos < end:
        nl = source.find("\n", pos, end)
        if nl == -1:
            yield pos, end, False
            return
        line_end = nl - 1 if nl > pos and source[nl - 1] == "\r" else nl
        yield pos, line_end, True
        pos = nl + 1


def find_subject(
    source: str, lines: list[tuple[int, int, bool]], skip: list[bool] | None = None
) -> tuple[int, int, int] | None:
    """(subject_start, subject_end, index of the first body line) if the first line is ``Subject:``."""
    for i, (s, e, _nl) in enumerate(lines):
        if (skip and skip[i]) or not source[s:e].strip():
            continue
        m = SUBJECT_RE.match(source, s, e)
        if m and m.start() == s:
            return m.end(), len(source[s:e].rstrip()) + s, i + 1
        return None
    return None


def prose_line_flags(source: str, lines: list[tuple[int, int, bool]], markdown: bool = False) -> tuple[list[bool], int]:
    """Which lines are the sender's prose, and the index where quoted/signature text begins."""
    keep = [True] * len(lines)
    cutoff = len(lines)
    in_fence: str | None = None
    i0 = 0
    if markdown and lines and source[lines[0][0] : lines[0][1]].strip() == "---":
        for j in range(1, len(lines)):
            if source[lines[j][0] : lines[j][1]].strip() in ("---", "..."):
                for k in range(j + 1):
                    keep[k] = False
                i0 = j + 1
                break
    for i in range(i0, len(lines)):
        s, e, _ = lines[i]
        line = source[s:e]
        if markdown:
            fence = FENCE_RE.match(line)
            if in_fence is not None:
                keep[i] = False
                if fence and fence.group(1)[0] == in_fence:
                    in_fence = None
                continue
            if fence:
                in_fence = fence.group(1)[0]
                keep[i] = False
                continue
        stripped = line.strip()
        if SIGNATURE_RE.match(line) or QUOTE_HEADER_RE.match(line):
            cutoff = i
            break
        if stripped.startswith(">") or DIRECTIVE_RE.search(line):
            keep[i] = False
    for i in range(cutoff, len(lines)):
        keep[i] = False
    return keep, cutoff


def build(
    path: str,
    source: str,
    fmt: str,
    markdown: bool = False,
    emit: Emit = keep_emit,
    skip: list[bool] | None = None,
) -> Email:
    """Build an Email from a text-like source: subject line, filtered body lines.

    ``skip`` marks lines that leave nothing at all, not even their line break (a
    template's lines that hold only control tags).
    """
    lines = list(iter_lines(source))
    builder = TextBuilder()
    subject_range = None
    first_body = 0
    front_subject = _front_matter_subject(source, lines) if markdown else None
    subj = front_subject or find_subject(source, lines, skip)
    if subj:
        s_start, s_end, first_body = subj
        if front_subject:
            first_body = 0
        t0 = len(builder)
        emit(builder, source, s_start, s_end)
        subject_range = (t0, len(builder))
        builder.put("\n\n", s_end, s_end)
    keep, _cut = prose_line_flags(source, lines, markdown)
    links = 0
    for i in range(first_body, len(lines)):
        if skip and skip[i]:
            continue
        s, e, has_nl = lines[i]
        if keep[i]:
            if markdown:
                links += _emit_markdown_line(builder, source, s, e, emit)
            else:
                links += len(URL_RE.findall(source, s, e))
                emit(builder, source, s, e)
        if has_nl:
            builder.put("\n", e, e)
    return Email(
        path=path,
        source=source,
        text=builder.text,
        segments=builder.segments,
        subject_range=subject_range,
        fmt=fmt,
        link_count=links,
    )


def _front_matter_subject(source: str, lines) -> tuple[int, int, int] | None:
    if not lines or source[lines[0][0] : lines[0][1]].strip() != "---":
        return None
    for j in range(1, len(lines)):
        s, e, _ = lines[j]
        text = source[s:e]
        if text.strip() in ("---", "..."):
            return None
        m = re.match(r"\s*(subject|title)\s*:\s*", text, re.I)
        if m:
            value_start = s + m.end()
            value = source[value_start:e].rstrip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                return value_start + 1, value_start + len(value) - 1, 0
            return value_start, value_start + len(value), 0
    return None


# Emphasis markers (**bold**, _italic_) are markup, not prose: a run of * or _ that opens
# or closes a word. Intraword underscores (snake_case) and list bullets ("* item") stay.
MD_EMPHASIS_RE = re.compile(r"(?<![\w*])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![\w*])|(?<![\w_])_{1,3}(?=[^\s_])|(?<=[^\s_])_{1,3}(?![\w_])")
MD_INLINE_RE = re.compile(f"{MD_LINK_RE.pattern}|(?P<emphasis>{MD_EMPHASIS_RE.pattern})")


def _emit_markdown_line(builder: TextBuilder, source: str, s: int, e: int, emit: Emit) -> int:
    """Emit one Markdown line: heading and emphasis marks dropped, link text kept, URLs counted not linted."""
    links = 0
    heading = MD_HEADING_RE.match(source, s, e)
    pos = heading.end() if heading else s
    for m in MD_INLINE_RE.finditer(source, pos, e):
        links += len(URL_RE.findall(source, pos, m.start()))
        emit(builder, source, pos, m.start())
        if m.group("emphasis"):
            pass
        elif m.group(1):  # an image: neither prose nor a link the buyer clicks
            builder.put(" ", m.start(), m.end())
        else:
            links += 1
            emit(builder, source, m.start(2), m.end(2))
        pos = m.end()
    links += len(URL_RE.findall(source, pos, e))
    emit(builder, source, pos, e)
    return links


def read_text(path: str, source: str) -> Email:
    return build(path, source, "text")


def read_markdown(path: str, source: str) -> Email:
    return build(path, source, "markdown", markdown=True)
