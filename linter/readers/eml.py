"""Saved messages (``.eml``): Python's ``email`` package with the modern policy.

- The subject comes from the ``Subject:`` header (RFC 2047 words decoded).
- The body is the ``text/plain`` part if there is one, else the text of the
  ``text/html`` part (through the HTML reader).  Content-transfer encodings
  (quoted-printable, base64) and declared charsets are decoded by ``email``.
- Quoted replies and signatures are left out with plain text's line filter
  (``>`` lines, "On … wrote:", a ``-- `` signature); in HTML, ``<blockquote>`` and the
  quote/signature blocks of mail clients.
- Positions: a part sent as it is written (7bit/8bit/binary, found verbatim in the
  file) maps character for character to the ``.eml`` file's own lines; so does a
  quoted-printable part, decoded here with the offsets of every escape (``=C3=A9`` is
  one "é", a soft line break ``=`` is nothing).  A base64 part cannot map: its findings
  point at the first line of the part's body and quote the decoded text.  The subject
  maps to its header line.
- A text body holding merge tags is read as a template, as any file is.
- Unreadable input is an :class:`~linter.readers.InputError` (exit 2): a file with no
  headers, a message truncated before its closing MIME boundary, a message with no
  text part.
"""

from __future__ import annotations

import re

from ..email import Email, MergeField, Segment, SourceMap, TextBuilder
from ..limits import MAX_DEPTH, MAX_HEADER
from ..merge_tags import may_hold_tags
from . import plain
from .registry import _OPTIONAL_READERS, InputError, charset_codec, register_bytes, reject_binary

VERBATIM_CTE = ("7bit", "8bit", "binary", "")
SUBJECT_LINE_RE = re.compile(r"^subject:[ 	]*(.*)$", re.I | re.M)
_QP_ESCAPE_RE = re.compile(r"(?:=[0-9A-Fa-f]{2})+")


#: The headers ``email`` parses for us (and how it sees MIME structure); their size and count are bounded
#: before parsing, as RFC 2047 decoding is quadratic in a header's length and multipart parsing recursive.
_PARSED_HEADER_RE = re.compile(
    rb"^(subject|content-type|content-transfer-encoding|content-disposition)[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*", re.I | re.M
)
_MULTIPART_RE = re.compile(rb"multipart/", re.I)


def check_limits(data: bytes) -> None:
    """InputError for a header past MAX_HEADER or more multipart levels than MAX_DEPTH."""
    multipart = 0
    for m in _PARSED_HEADER_RE.finditer(data):
        name = m.group(1).decode("ascii").capitalize()
        if m.end() - m.start() > MAX_HEADER:
            raise InputError(f"a {name} header of {m.end() - m.start():,} bytes (the limit is {MAX_HEADER:,})")
        if name == "Content-type" and _MULTIPART_RE.search(data, m.start(), m.end()):
            multipart += 1
    if multipart > MAX_DEPTH:
        raise InputError(f"more than {MAX_DEPTH} multipart sections (the limit is {MAX_DEPTH})")


def read_eml(path: str, data: bytes) -> Email:
    reject_binary(data)
    check_limits(data.replace(b"\r\n", b"\n") if b"\r" in data else data)
    msg = _parse(data)
    part, content, charset, cte = _body_part(msg)
    source = _decode_file(data, charset if cte in VERBATIM_CTE else "utf-8")
    header_end = _header_end(source)
    builder = TextBuilder()
    subject_range = _subject(builder, msg, source, header_end)
    body_map, encoded = _body_map(source, part, content, charset, cte, header_end)
    inner = _read_body(path, content, part.get_content_subtype())
    base = len(builder)
    segments = list(builder.segments) + [
        Segment(s.text_start + base, s.text_end + base, s.src_start, s.src_end, s.verbatim) for s in body_map.remap(inner.segments)
    ]
    fields = [
        MergeField(f.name, f.slot, f.dialect, body_map.point(f.src_start), body_map.point(f.src_end, end=True),
                f.text_start + base, f.text_end + base, f.fallback, f.raw)
        for f in inner.fields
    ]
    return Email(
        path=path,
        source=source,
        text=builder.text + inner.text,
        segments=segments,
        subject_range=subject_range,
        fmt="eml",
        fields=fields,
        link_count=inner.link_count,
        is_template=inner.is_template,
        reader_findings=[(c, body_map.point(s), body_map.point(e, end=True), m) for c, s, e, m in inner.reader_findings],
        encoded=encoded,
    )


def _parse(data: bytes):
    """The message (modern policy), or InputError for one that is not a message or is cut short."""
    import email.errors  # noqa: F401 - the modern policy and its defects, loaded only for .eml files
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.default)
    if not msg.keys():
        raise InputError("not an email message (no headers found)")
    for defect in msg.defects:
        if isinstance(defect, email.errors.CloseBoundaryNotFoundDefect):
            raise InputError("truncated message: the closing MIME boundary is missing")
        if isinstance(defect, email.errors.StartBoundaryNotFoundDefect):
            raise InputError("malformed message: no MIME part starts with the declared boundary")
    return msg


def _body_part(msg):
    """(part, decoded content, charset, transfer encoding) of the text/plain, else text/html, part."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise InputError("no text/plain or text/html part to lint")
    charset = part.get_content_charset() or "utf-8"
    charset_codec(charset)  # refuses codecs that are not charsets (punycode, unicode_escape)
    try:
        content = part.get_content()
    except LookupError:
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    except (ValueError, AssertionError) as exc:
        raise InputError(f"undecodable message body ({exc})") from None
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    cte = (part.get("content-transfer-encoding") or "").strip().lower()
    return part, content, charset, cte


def _subject(builder: TextBuilder, msg, source: str, header_end: int) -> tuple[int, int] | None:
    """Put the subject (RFC 2047 decoded) into the builder, mapped to its header line."""
    subject = str(msg.get("subject", "") or "").strip()
    if not subject:
        return None
    m = SUBJECT_LINE_RE.search(source, 0, header_end)
    if m and m.group(1).strip() == subject:
        builder.keep(source, m.start(1), m.start(1) + len(subject))
    elif m:
        builder.put(subject, m.start(1), m.end(1))
    else:
        builder.put(subject, 0, 0)
    subject_range = (0, len(builder))
    builder.put("\n\n", header_end, header_end)
    return subject_range


def _body_map(source: str, part, content: str, charset: str, cte: str, header_end: int) -> tuple[SourceMap, tuple[int, int] | None]:
    """How the decoded body maps to the file, and the file range of a decoded body (quoted-printable,
    base64), whose findings quote the decoded text."""
    if cte in VERBATIM_CTE and content.strip():
        at = source.find(content.rstrip("\n"), header_end)
        if at != -1:
            return SourceMap([(0, len(content), at, at + len(content), True)]), None
    raw = part.get_payload()
    if cte == "quoted-printable" and isinstance(raw, str):
        raw = raw.replace("\r\n", "\n")
        at = source.find(raw.rstrip("\n"), header_end) if raw.strip() else -1
        if at != -1:
            decoded, pieces = qp_pieces(source, at, at + len(raw.rstrip("\n")), charset)
            if decoded.rstrip("\n") == content.rstrip("\n"):
                return SourceMap(pieces), (at, at + len(raw))
    line_start = _part_body_offset(source, raw, header_end)
    line_end = source.find("\n", line_start)
    line_end = len(source) if line_end == -1 else line_end
    return SourceMap([(0, len(content), line_start, line_end, False)]), (line_start, line_end)


def qp_pieces(source: str, start: int, end: int, charset: str = "utf-8") -> tuple[str, list]:
    """Decode the quoted-printable ``source[start:end]``: (text, SourceMap pieces)."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int, bool]] = []
    for s, e, nl in plain.iter_lines(source, start, end):
        stripped = s + len(source[s:e].rstrip(" \t"))  # trailing blanks are transport padding
        soft = stripped > s and source[stripped - 1] == "="
        _qp_line(source, s, stripped - 1 if soft else stripped, charset, out, pieces)
        if nl and not soft:
            _piece(out, pieces, "\n", e, e + 1, True)
    return "".join(out), pieces


def _qp_line(source: str, s: int, e: int, charset: str, out: list[str], pieces: list) -> None:
    pos = s
    for m in _QP_ESCAPE_RE.finditer(source, s, e):
        if m.start() > pos:
            _piece(out, pieces, source[pos : m.start()], pos, m.start(), True)
        raw = bytes(int(m.group(0)[i + 1 : i + 3], 16) for i in range(0, len(m.group(0)), 3))
        _piece(out, pieces, raw.decode(charset, "replace"), m.start(), m.end(), False)
        pos = m.end()
    if e > pos:
        _piece(out, pieces, source[pos:e], pos, e, True)


def _piece(out: list[str], pieces: list, text: str, src_start: int, src_end: int, verbatim: bool) -> None:
    at = pieces[-1][1] if pieces else 0
    out.append(text)
    pieces.append((at, at + len(text), src_start, src_end, verbatim))


def _read_body(path: str, content: str, subtype: str) -> Email:
    """The body as a file of its own: HTML, a template if it holds merge tags, else plain text."""
    if subtype == "html":
        from .html import read_html_source

        return read_html_source(path, content)
    if may_hold_tags(content):
        from . import template

        if template.has_merge_tags(content):
            return template.build_template(path, content, "eml")
    inner = plain.build(path, content, "text")
    if inner.subject_range is not None:  # a "Subject:" line in the body is just text here
        inner = _without_subject(path, content)
    return inner


def _without_subject(path: str, content: str) -> Email:
    """Build the body without treating a first "Subject:" line as the subject."""
    lines = list(plain.iter_lines(content))
    keep, _ = plain.prose_line_flags(content, lines)
    b = TextBuilder()
    links = 0
    for i, (s, e, nl) in enumerate(lines):
        if keep[i]:
            links += len(plain.URL_RE.findall(content, s, e))
            b.keep(content, s, e)
        if nl:
            b.put("\n", e, e)
    return Email(path=path, source=content, text=b.text, segments=b.segments, fmt="text", link_count=links)


def _decode_file(data: bytes, charset: str) -> str:
    try:
        text = data.decode(charset)
    except (LookupError, UnicodeError):
        text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _header_end(source: str) -> int:
    i = source.find("\n\n")
    return len(source) if i == -1 else i + 2


def _part_body_offset(source: str, raw, header_end: int) -> int:
    """Where an encoded part's body starts in the file: its first encoded line, found verbatim."""
    if isinstance(raw, str):
        for line in raw.replace("\r\n", "\n").split("\n"):
            if line.strip():
                at = source.find(line, header_end)
                if at != -1:
                    return at
                break
    return header_end


register_bytes(_OPTIONAL_READERS["eml"], read_eml)
