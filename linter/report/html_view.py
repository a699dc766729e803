"""What the HTML report shows of one email: numbered lines of marked pieces, and bars.

A plain or template file shows its source as written (a sequence row only its own
lines of the file).  An HTML email or a saved message shows the text a buyer reads,
merge fields as their tags, each line numbered with the source line it came from.

A finding within lines is highlighted in place.  One over several whole lines (a
list, the whole email) or about the email as a whole (the score gate) is a bar in
the margin beside its lines, so the family colours under it stay visible.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..email import Email, line_starts
from ..gate import SCORE_CODE
from ..taxonomy import Severity


@dataclass
class View:
    text: str  # what the card shows, lines joined by "\n"
    numbers: list[int | None]  # the source line of each shown line
    spans: list[tuple[int, int]]  # each finding's range in ``text``
    extent: tuple[int, int]  # the range of ``text`` the email was read from (a row's cells)


def view(email: Email, findings: list) -> View:
    if email.markup and email.segments:
        return _text_view(email, findings)
    return _source_view(email, findings)


def _source_view(email: Email, findings: list) -> View:
    """The file's lines as written: all of them, or a sequence row's own."""
    lo, hi = email.extent()
    start, end = 0, len(email.source)
    if email.row is not None:
        start = lo - email.line_col(lo)[1] + 1
        line_end = email.source.find("\n", hi)
        end = len(email.source) if line_end == -1 else line_end
    text = email.source[start:end].removesuffix("\n")
    first = email.line_col(start)[0]
    numbers = list(range(first, first + text.count("\n") + 1))
    return View(text, numbers, [(f.src_start - start, f.src_end - start) for f in findings], (lo - start, hi - start))


def _text_view(email: Email, findings: list) -> View:
    """The text a buyer reads, merge fields shown as their tags, numbered by source line."""
    display, at = _with_tags(email)
    text = display.rstrip()
    numbers = [email.line_col(email.src_offset(t))[0] if email.text[t : t + 1] not in ("\n", "") else None
               for t in line_starts(email.text)]  # a blank line between paragraphs has no line of its own
    spans = []
    for f in findings:
        s, e = email.text_span(f.src_start, f.src_end)
        spans.append((at(s), at(e, end=True)))
    return View(text, numbers[: text.count("\n") + 1], spans, (0, len(text)))


def _with_tags(email: Email):
    """The email's text with each merge field's stand-in ("Jordan") back as its tag
    (``*|FNAME|*``), and a function from text offsets to offsets in that display."""
    text = email.text
    parts: list[str] = []
    marks: list[tuple[int, int, int, int]] = []  # text start, text end, display start, display end
    pos = shift = 0
    for f in sorted(email.fields, key=lambda f: f.text_start):
        if f.text_start < pos or f.text_end <= f.text_start:
            continue
        raw = " ".join(f.raw.split())  # one display line per text line
        parts += [text[pos : f.text_start], raw]
        marks.append((f.text_start, f.text_end, f.text_start + shift, f.text_start + shift + len(raw)))
        shift += len(raw) - (f.text_end - f.text_start)
        pos = f.text_end
    parts.append(text[pos:])
    starts = [m[0] for m in marks]

    def at(t: int, end: bool = False) -> int:
        i = bisect.bisect_right(starts, t - 1 if end and t > 0 else t) - 1
        if i < 0:
            return t
        ts, te, ds, de = marks[i]
        if t < te:
            return de if end else ds
        return t - te + de

    return "".join(parts), at


# -- layout -----------------------------------------------------------------------
def layout(v: View, findings: list) -> tuple[list[dict], list[dict], int]:
    """(lines, bars, lanes): each line ``{"n", "pieces"}``; each bar a margin stripe
    ``{"row", "end", "lane", ...}`` (grid rows, 1-based, end exclusive); the number of lanes."""
    starts = line_starts(v.text)
    n = len(v.text)
    narrow, wide = [], []
    for i, (s, e) in enumerate(v.spans):
        s = max(0, min(s, n))
        e = max(s, min(e, n))
        first = bisect.bisect_right(starts, s) - 1
        last = bisect.bisect_right(starts, max(s, e - 1)) - 1
        line_end = starts[last + 1] - 1 if last + 1 < len(starts) else n
        if findings[i].code == SCORE_CODE or s <= v.extent[0] and e >= v.extent[1]:
            wide.append((i, 0, len(starts) - 1))
        elif last > first and not v.text[starts[first] : s].strip() and not v.text[e:line_end].strip():
            wide.append((i, first, last))
        else:
            narrow.append((i, s, e))
    rows = source_lines(v.text, narrow, findings)
    lines = [{"n": num, "pieces": pieces} for num, pieces in zip(v.numbers, rows)]
    bars, lanes = _bars(wide, findings)
    return lines, bars, lanes


def _bars(wide: list[tuple[int, int, int]], findings: list) -> tuple[list[dict], int]:
    """Margin bars side by side: each takes the first lane free over its lines."""
    lane_ends: list[int] = []
    bars = []
    for i, first, last in sorted(wide, key=lambda w: (w[1], -w[2])):
        lane = next((k for k, end in enumerate(lane_ends) if end < first), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(last)
        lane_ends[lane] = last
        bars.append(piece([findings[i]], [i]) | {"row": first + 1, "end": last + 2, "lane": lane})
    return bars, len(lane_ends)


def piece(fs: list, ids: list[int], text: str = "") -> dict:
    """Marked text: ``{"text", "ids", "families", "severity"}`` (``ids``, the findings'
    places in the card's list, empty when unmarked; the page shows their text on hover)."""
    return {
        "text": text,
        "ids": ids,
        "families": sorted({f.family for f in fs}),
        "severity": max((f.severity for f in fs), key=lambda s: Severity(s).rank) if fs else "",
    }


def source_lines(text: str, spans: list[tuple[int, int, int]], findings: list) -> list[list[dict]]:
    """``text`` split into lines of pieces; each piece knows the findings covering it.

    ``spans`` are ``(finding index, start, end)`` in ``text``.  A finding of no width
    gets a zero-width pin at its place.
    """
    n = len(text)
    cuts = {0, n}
    for _, s, e in spans:
        cuts.update((s, e))
    for start in line_starts(text)[1:]:
        cuts.update((start - 1, start))
    points = sorted(cuts)
    pins: dict[int, list[int]] = {}
    for i, s, e in spans:
        if s == e:
            pins.setdefault(s, []).append(i)
    lines: list[list[dict]] = [[]]
    for a, b in zip(points, points[1:] + [None]):
        if a in pins:
            lines[-1].append(piece([findings[i] for i in pins[a]], pins[a]) | {"pin": True})
        if b is None:
            break
        if text[a:b] == "\n":
            lines.append([])
            continue
        ids = [i for i, s, e in spans if s <= a and b <= e and s < e]
        lines[-1].append(piece([findings[i] for i in ids], ids, text[a:b]))
    return lines
