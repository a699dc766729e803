"""The `Email`: the prose a reader extracted from a file, and the way back to the file.

Readers never lint the file as written: they build the text a buyer would read
(subject and body, merge fields replaced by neutral stand-ins, markup, quotes and
signatures left out) with a :class:`TextBuilder`, which records for every stretch of
that text where it came from.  Findings are made on the text and reported at the
file's own line and column through :meth:`Email.position`.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

#: The parts of an email a rule may be scoped to (see ``linter.parts``).
PARTS = ("subject", "greeting", "opener", "body", "cta", "signoff", "ps")
#: ``all`` is every linted character; ``message`` is all but the subject.
SCOPES = PARTS + ("all", "message")


@dataclass(frozen=True)
class Segment:
    """A stretch of the email text and the stretch of the source it stands for.

    ``verbatim`` segments are copied character for character, so any offset inside
    maps exactly; a stand-in (a merge field, a decoded entity) maps its start to the
    source start and its end to the source end.
    """

    text_start: int
    text_end: int
    src_start: int
    src_end: int
    verbatim: bool


@dataclass(frozen=True)
class MergeField:
    """A merge tag found in a template, kept as data for the template rules."""

    name: str  # normalised field name, e.g. "first_name"
    slot: str  # what kind of slot: name, company, title, research, other
    dialect: str  # jinja, liquid, handlebars, mailchimp, salesforce, ...
    src_start: int
    src_end: int
    text_start: int
    text_end: int
    fallback: bool  # a default/fallback value is given
    raw: str


class TextBuilder:
    """Accumulates the email text while recording its segments."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._length = 0
        self.segments: list[Segment] = []

    def keep(self, source: str, start: int, end: int) -> None:
        """Copy ``source[start:end]`` verbatim."""
        if end > start:
            self._add(source[start:end], start, end, True)

    def put(self, text: str, src_start: int, src_end: int) -> tuple[int, int]:
        """Insert ``text`` standing for ``source[src_start:src_end]``; returns its text range."""
        begin = self._length
        if text:
            self._add(text, src_start, src_end, False)
        return begin, self._length

    def _add(self, text: str, src_start: int, src_end: int, verbatim: bool) -> None:
        start = self._length
        self._chunks.append(text)
        self._length += len(text)
        self.segments.append(Segment(start, self._length, src_start, src_end, verbatim))

    def __len__(self) -> int:
        return self._length

    @property
    def text(self) -> str:
        return "".join(self._chunks)


@dataclass
class Email:
    """One email as the rules see it."""

    path: str
    source: str
    text: str
    segments: list[Segment]
    subject_range: tuple[int, int] | None = None  # text range of the subject line
    fmt: str = "text"
    row: int | None = None  # the row of a sequence file (.csv/.jsonl)
    step: str | None = None  # the row's ``step`` cell, when the export has one
    fields: list[MergeField] = field(default_factory=list)
    link_count: int = 0
    is_template: bool = False
    # A piece of an email (a partial, a snippet with no sentence, an empty file): phrase
    # findings only, no whole-email score (see linter.readers.is_fragment)
    fragment: bool = False
    # Findings a reader can make itself (malformed syntax...): (code, src_start, src_end, message)
    reader_findings: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    # Source ranges of include/partial tags whose template's prose stands in the text: findings
    # there belong to that template's own file
    included: list[tuple[int, int]] = field(default_factory=list)
    # The file range of an encoded body (quoted-printable, base64): findings there quote the decoded text
    encoded: tuple[int, int] | None = None
    # Suppression directives found in the source (see linter.suppress)
    directives: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self._seg_starts = [s.text_start for s in self.segments]
        self._line_starts = line_starts(self.source)

    # -- mapping -----------------------------------------------------------------
    def src_offset(self, text_offset: int, end: bool = False) -> int:
        """Source offset of a text offset (``end``: an exclusive end offset)."""
        if not self.segments:
            return 0
        probe = text_offset - 1 if end and text_offset > 0 else text_offset
        i = bisect.bisect_right(self._seg_starts, probe) - 1
        seg = self.segments[max(i, 0)]
        if seg.verbatim:
            return max(seg.src_start, min(seg.src_end, seg.src_start + text_offset - seg.text_start))
        return seg.src_end if end else seg.src_start

    def text_span(self, src_start: int, src_end: int) -> tuple[int, int]:
        """The text range that ``source[src_start:src_end]`` became (the inverse of
        :meth:`position`); a range with no text of its own (markup, a tag) is the empty
        range where the text goes on after it."""
        lo = hi = None
        for seg in self.segments:
            if seg.verbatim:
                a, b = max(seg.src_start, src_start), min(seg.src_end, src_end)
                if a < b or (a == b == src_start and seg.src_start <= a < seg.src_end):
                    a_t, b_t = seg.text_start + a - seg.src_start, seg.text_start + b - seg.src_start
                else:
                    continue
            elif seg.src_start < src_end and src_start < seg.src_end:  # a stand-in (merge field, entity)
                a_t, b_t = seg.text_start, seg.text_end
            else:
                continue
            lo, hi = (a_t, b_t) if lo is None else (min(lo, a_t), max(hi, b_t))
        if lo is not None:
            return lo, hi
        after = next((s.text_start for s in self.segments if s.src_start >= src_start), len(self.text))
        return after, after

    @property
    def markup(self) -> bool:
        """The file is markup or a MIME message: what a buyer reads is its text, not its lines."""
        return self.fmt in ("html", "eml")

    def line_col(self, src_offset: int) -> tuple[int, int]:
        """1-based (line, column) of a source offset; columns count characters."""
        i = bisect.bisect_right(self._line_starts, src_offset) - 1
        return i + 1, src_offset - self._line_starts[i] + 1

    def position(self, text_start: int, text_end: int) -> tuple[int, int, int, int, int, int]:
        """(src_start, src_end, line, column, end_line, end_column) of a text range.

        ``end_column`` is exclusive, as in SARIF and INTERFACE.md's example.
        """
        s = self.src_offset(text_start)
        e = max(s, self.src_offset(text_end, end=True))
        line, col = self.line_col(s)
        end_line, end_col = self.line_col(e)
        return s, e, line, col, end_line, end_col

    def excerpt(self, text_start: int, text_end: int, src_start: int, src_end: int) -> str:
        """What a finding quotes: the source as written, or the decoded text of an encoded body."""
        if self.encoded is not None and self.encoded[0] <= src_start < self.encoded[1]:
            return self.text[text_start:text_end]
        return self.source[src_start:src_end]

    def extent(self) -> tuple[int, int]:
        """The stretch of ``source`` the email was read from: the whole file, or a sequence row's cells."""
        if self.row is None or not self.segments:
            return 0, len(self.source.rstrip())
        return min(s.src_start for s in self.segments), max(s.src_end for s in self.segments)

    def source_line(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.source)
        return self.source[start:end].rstrip("\r")

    @property
    def subject(self) -> str:
        if self.subject_range is None:
            return ""
        return self.text[self.subject_range[0] : self.subject_range[1]]

    @property
    def label(self) -> str | None:
        """Which email of a sequence file this is ("step 2", or "row 3" without a step column)."""
        if self.row is None:
            return None
        return f"step {self.step}" if self.step else f"row {self.row}"


class SourceMap:
    """Maps offsets of a decoded text (a CSV cell, a quoted-printable body) to the file.

    ``pieces`` are ``(start, end, src_start, src_end, verbatim)``: the decoded text's
    ``[start, end)`` came from ``source[src_start:src_end]``, character for character
    when ``verbatim`` (else as one unit, e.g. ``=C3=A9`` for "é").
    """

    def __init__(self, pieces) -> None:
        self.pieces = sorted(pieces)
        self.starts = [p[0] for p in self.pieces]

    def _index(self, v: int) -> int:
        return max(bisect.bisect_right(self.starts, v) - 1, 0)

    def point(self, v: int, end: bool = False) -> int:
        """The file offset of decoded offset ``v`` (``end``: an exclusive end)."""
        if not self.pieces:
            return 0
        a, _b, s, e, verbatim = self.pieces[self._index(v - 1 if end and v > 0 else v)]
        if verbatim:
            return max(s, min(e, s + v - a))
        return e if end else s

    def remap(self, segments: list[Segment]) -> list[Segment]:
        """Segments over the decoded text as segments over the file (split where the pieces split)."""
        out = []
        for seg in segments:
            if not seg.verbatim:
                s = self.point(seg.src_start)
                out.append(Segment(seg.text_start, seg.text_end, s, max(s, self.point(seg.src_end, end=True)), False))
                continue
            i = self._index(seg.src_start) if self.pieces else 0
            while i < len(self.pieces) and self.pieces[i][0] < seg.src_end:
                a, b, s, e, verbatim = self.pieces[i]
                i += 1
                lo, hi = max(a, seg.src_start), min(b, seg.src_end)
                if lo >= hi:
                    continue
                t = seg.text_start + (lo - seg.src_start)
                if verbatim:
                    out.append(Segment(t, t + hi - lo, s + lo - a, s + hi - a, True))
                else:
                    out.append(Segment(t, t + hi - lo, s, e, False))
        return out


@functools.lru_cache(maxsize=2)
def line_starts(source: str) -> list[int]:
    """Offsets where lines start; computed once per source (every row of a sequence file
    shares it).  The list is shared: never change it."""
    starts = [0]
    find = source.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts
