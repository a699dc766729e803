"""Saved messages (``.eml``): Python's ``email`` package with the modern policy.

- The subject comes from the ``Subject:`` header (RFC 2047 words decoded).
- The body is the ``text/plain`` part if there is one, else the text of the
  ``text/html`` part (through the HTML reader).  Content-transfer encodings
  (quoted-printable, base64) and declared charsets are decoded by ``email``.
- Quoted replies and signatures are left out with plain text's line filter
  (``>`` lines, "On … wrote:", a ``-- `` signature); in HTML, ``<blockquote>`` and the
  quote/signature blocks of mail clients.
- Positions: a part sent as it is written (7bit/8bit/binary, found verbatim in the
  file) maps character for character to the ``.eml`` file's own lines.  A decoded part
  (quoted-printable, base64) cannot map character by character: its findings point at
  the first line of that part's body in the file.  The subject maps to its header line.
- Unreadable input is an :class:`~linter.readers.InputError` (exit 2): a file with no
  headers, a message truncated before its closing MIME boundary, a message with no
  text part.
"""

from __future__ import annotations

import re

from ..email import Email, Segment, TextBuilder
from ..limits import MAX_DEPTH, MAX_HEADER
from . import plain
from .registry import _OPTIONAL_READERS, InputError, charset_codec, register_bytes, reject_binary

VERBATIM_CTE = ("7bit", "8bit", "binary", "")
SUBJECT_LINE_RE = re.compile(r"^subject:[ \t]*(.*)$", re.I | re.M)


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

    source = _decode_file(data, charset if cte in VERBATIM_CTE else "utf-8")
    header_end = _header_end(source)
    body_at = -1
    if cte in VERBATIM_CTE and content.strip():
        body_at = source.find(content.rstrip("\n"), header_end)
    part_line_at = body_at if body_at != -1 else _part_body_offset(source, part, header_end)

    builder = TextBuilder()
    subject = str(msg.get("subject", "") or "").strip()
    subject_range = None
    if subject:
        m = SUBJECT_LINE_RE.search(source, 0, header_end)
        if m and m.group(1).strip() == subject:
            builder.keep(source, m.start(1), m.start(1) + len(subject))
        elif m:
            builder.put(subject, m.start(1), m.end(1))
        else:
            builder.put(subject, 0, 0)
        subject_range = (0, len(builder))
        builder.put("\n\n", header_end, header_end)

    if part.get_content_subtype() == "html":
        from .html import read_html_source

        inner = read_html_source(path, content, template=False)
    else:
        inner = plain.build(path, content, "text")
        if inner.subject_range is not None:  # a "Subject:" line in the body is just text here
            inner = _without_subject(path, content)
    base = len(builder)
    segments = list(builder.segments)
    line_start = source.rfind("\n", 0, part_line_at) + 1 if part_line_at > 0 else 0
    line_end = source.find("\n", line_start)
    line_end = len(source) if line_end == -1 else line_end
    for s in inner.segments:
        if body_at != -1:
            segments.append(Segment(s.text_start + base, s.text_end + base, s.src_start + body_at, s.src_end + body_at, s.verbatim))
        else:
            segments.append(Segment(s.text_start + base, s.text_end + base, line_start, line_end, False))
    return Email(
        path=path,
        source=source,
        text=builder.text + inner.text,
        segments=segments,
        subject_range=subject_range,
        fmt="eml",
        link_count=inner.link_count,
    )


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


def _part_body_offset(source: str, part, header_end: int) -> int:
    """Where an encoded part's body starts in the file: its first encoded line, found verbatim."""
    raw = part.get_payload()
    if isinstance(raw, str):
        for line in raw.replace("\r\n", "\n").split("\n"):
            if line.strip():
                at = source.find(line, header_end)
                if at != -1:
                    return at
                break
    return header_end


register_bytes(_OPTIONAL_READERS["eml"], read_eml)
