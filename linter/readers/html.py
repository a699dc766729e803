"""HTML emails (``.html``, ``.htm``): the visible text only, mapped back into the HTML source.

The standard library's :class:`html.parser.HTMLParser` walks the markup (no regex
parsing of HTML); it gives every event's position, so each stretch of text keeps its
place in the source and findings point at the HTML file's own line and column.

- Not linted: ``<head>`` (but a non-empty ``<title>`` is the subject), ``<style>``,
  ``<script>``, ``<noscript>``, ``<template>``; anything hidden with ``display:none``,
  ``visibility:hidden``, ``mso-hide:all``, ``max-height:0``, ``font-size:0``, ``opacity:0``,
  the ``hidden`` attribute or a ``preheader`` class (hidden preheaders); quoted replies and
  signatures (``<blockquote>``, ``gmail_quote``, ``gmail_signature``, ``moz-signature``);
  images (tracking pixels and their alt text).
- Block elements make line breaks (``<p>``, headings, lists and tables a blank line
  between paragraphs); runs of whitespace read as one space.
- Entities are decoded; each decoded character stands for its entity in the source.
- ``<a href>`` links are counted into ``Email.link_count``.
- An HTML file with merge tags (or a ``.html.j2`` template) goes through the template
  scanner first, so ``{{ first_name }}`` in the text is a merge field as in any template.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

from ..email import Email, TextBuilder
from .registry import _OPTIONAL_READERS, InputError, decode_charset, register_bytes, reject_binary

SKIP_TAGS = frozenset("head style script noscript template svg object iframe select option".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 ul ol table blockquote pre center".split())
LINE_TAGS = frozenset("div li tr dd dt section article header footer address hr".split())
HIDDEN_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|max-height\s*:\s*0(?![.\d])|font-size\s*:\s*0(?![.\d])"
    r"|opacity\s*:\s*0(?![.\d])",
    re.I,
)
HIDDEN_CLASS_RE = re.compile(r"preheader|gmail_quote|gmail_signature|moz-signature|signature|yahoo_quoted|x_gmail_quote", re.I)
WS_RE = re.compile(r"[ \t\r\n\f\v]+")
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class _VisibleText(HTMLParser):
    def __init__(self, source: str, builder: TextBuilder, emit, tag_spans=None):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.b = builder
        self.emit = emit
        self.tag_spans = tag_spans  # template tags: whitespace inside them is not collapsed
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.stack: list[tuple[str, bool]] = []
        self.hidden = 0
        self.links = 0
        self.in_title = False
        self.title_start: int | None = None
        self.subject_range: tuple[int, int] | None = None
        self.newlines = 2  # trailing newlines in the text so far (start: as after a paragraph)
        self.space = True  # the text ends with whitespace

    # -- positions -------------------------------------------------------------------
    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self, n: int, at: int) -> None:
        if self.subject_range is None and len(self.b) == 0:
            return
        while self.newlines < n:
            self.b.put("\n", at, at)
            self.newlines += 1
        self.space = True

    def _text(self, start: int, end: int) -> None:
        """Emit source[start:end] (raw text, entities excluded) with whitespace collapsed."""
        src = self.source
        pos = start
        for m in WS_RE.finditer(src, start, end):
            a, b = m.span()
            if b - a == 1 and src[a] == " " and a > pos:
                continue  # a single space between words is kept verbatim
            if self.tag_spans is not None and self.tag_spans(a):
                continue
            self._chunk(pos, a)
            if not self.space:
                self.b.put(" ", a, b)
                self.space = True
            pos = b
        self._chunk(pos, end)

    def _chunk(self, a: int, b: int) -> None:
        if b <= a:
            return
        before = len(self.b)
        self.emit(self.b, self.source, a, b)
        if len(self.b) > before:
            self.newlines = 0
            self.space = self.source[b - 1].isspace()

    # -- events --------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, void=tag in VOID_TAGS)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, void=True)

    def _start(self, tag: str, attrs, void: bool) -> None:
        at = self._offset()
        if tag == "title" and self.subject_range is None and len(self.b) == 0:
            self.in_title = True
            self.title_start = len(self.b)
            if not void:
                self.stack.append((tag, False))
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        hidden = (
            tag in SKIP_TAGS
            or tag == "blockquote"
            or "hidden" in a
            or bool(HIDDEN_STYLE_RE.search(a.get("style", "")))
            or bool(HIDDEN_CLASS_RE.search(a.get("class", "")))
        )
        if not self.hidden and not hidden:
            if tag == "br":
                self._break(1, at)
            elif tag in PARAGRAPH_TAGS:
                self._break(2, at)
            elif tag in LINE_TAGS:
                self._break(1, at)
            elif tag == "a" and a.get("href", "").strip() and not a["href"].strip().startswith("#"):
                self.links += 1
        if void:
            return
        self.stack.append((tag, hidden))
        if hidden:
            self.hidden += 1

    def handle_endtag(self, tag):
        if not any(t == tag for t, _ in self.stack):
            return
        at = self._offset()
        while self.stack:
            t, hidden = self.stack.pop()
            if hidden:
                self.hidden -= 1
            if t == "title" and self.in_title:
                self.in_title = False
                if len(self.b) > (self.title_start or 0) and self.b.text.strip():
                    self.subject_range = (self.title_start or 0, len(self.b))
                    self.b.put("\n\n", at, at)
                    self.newlines = 2
                    self.space = True
                else:  # an empty title: nothing to keep
                    self.subject_range = None
            if t == tag:
                break
        if not self.hidden:
            if tag in PARAGRAPH_TAGS:
                self._break(2, at)
            elif tag in LINE_TAGS:
                self._break(1, at)

    def handle_data(self, data):
        if self.hidden and not self.in_title:
            return
        start = self._offset()
        self._text(start, start + len(data))

    def handle_entityref(self, name):
        self._entity("&" + name, html_lib.unescape("&" + name + ";"))

    def handle_charref(self, name):
        self._entity("&#" + name, html_lib.unescape("&#" + name + ";"))

    def _entity(self, raw: str, decoded: str) -> None:
        if self.hidden and not self.in_title:
            return
        start = self._offset()
        end = start + len(raw)
        if self.source.startswith(";", end):
            end += 1
        if decoded.strip() == "":
            if not self.space:
                self.b.put(" ", start, end)
                self.space = True
            return
        self.b.put(decoded, start, end)
        self.newlines = 0
        self.space = False


def read_html_source(path: str, source: str, template: bool | None = None, fmt: str = "html", sc=None) -> Email:
    """Read HTML text (already decoded) into an Email; ``template``: handle merge tags too
    (``sc``: the template's scan, when the caller has made it)."""
    from . import template as tmpl

    if template is None:
        template = tmpl.has_merge_tags(_visible_guess(source))
    builder = TextBuilder()
    if template:
        sc = sc if sc is not None else tmpl.checked_scan(path, source)
        emit = tmpl.Emitter(sc)
        ends = sc.ends()

        def in_tag(offset: int) -> bool:
            import bisect

            i = bisect.bisect_right(ends, offset)
            return i < len(sc.tags) and sc.tags[i].start <= offset
    else:
        sc = None
        emit = _keep
        in_tag = None
    parser = _VisibleText(source, builder, emit, in_tag)
    try:
        parser.feed(source)
        parser.close()
    except (AssertionError, ValueError) as exc:  # HTMLParser is lenient; this is a last resort
        raise InputError(f"HTML could not be parsed ({exc})") from None
    fields = emit.fields if template else []
    links = parser.links + (sum(1 for f in fields if f.dialect != "spintax" and tmpl.stand_in(f.name, f.slot) == "the link") if template else 0)
    return Email(
        path=path,
        source=source,
        text=builder.text,
        segments=builder.segments,
        subject_range=parser.subject_range,
        fmt=fmt,
        fields=fields,
        link_count=links,
        is_template=bool(template),
        reader_findings=list(sc.findings) if sc is not None else [],
        included=[(t.start, t.end) for t in sc.tags if t.kind == "include"] if sc is not None else [],
    )


def _keep(builder: TextBuilder, source: str, start: int, end: int) -> None:
    builder.keep(source, start, end)


def _visible_guess(source: str) -> str:
    """The source without <style>/<script> blocks, to look for merge tags (CSS braces are not tags)."""
    return re.sub(r"(?is)<(style|script)\b.*?</\1\s*>", " ", source)


def decode_html(data: bytes) -> str:
    """UTF-8, or the charset the document declares; InputError otherwise."""
    reject_binary(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        m = CHARSET_RE.search(data[:4096])
        if m is None:
            raise InputError(f"not UTF-8 and no charset declared (undecodable byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
        text = decode_charset(data, m.group(1).decode("ascii", "replace"))
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_html(path: str, data: bytes) -> Email:
    return read_html_source(path, decode_html(data))


register_bytes(_OPTIONAL_READERS["html"], read_html)
