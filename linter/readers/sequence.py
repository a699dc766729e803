"""Sequence exports (``.csv``, ``.jsonl``): each row is an email of its own.

Columns (CSV) or keys (JSON Lines) ``subject`` and ``body`` are found case-insensitively;
``step`` and ``name`` may be there too and are not linted.  A file without a ``body``
column is an :class:`~linter.readers.InputError` (exit 2).

- ``Email.row`` is the 1-based data row: in a CSV the header row is not counted (row 1
  is the first row under the header); in JSON Lines, row N is the Nth object (blank
  lines are skipped).  ``Email.step`` is the row's ``step`` cell.  Findings point at
  ``file.csv:LINE:COL`` in the file and name the step (or row) in their message; JSON
  output carries ``"path"`` and ``"row"``.
- Each cell is read like a file of its own: a cell with merge tags is a template (the
  template reader's stand-ins, fields and M104 findings), otherwise plain text with the
  line filter.
- Positions point at the cell's own text inside the file: CSV quoting (``""``) and JSON
  escapes (``\\n``, ``\\"``, ``\\u00e9``) are decoded as stand-ins for their source
  characters, so a finding on the third line of a multi-line cell is on that line of
  the CSV file.  ``Email.source`` is the whole file.
"""

from __future__ import annotations

import csv
import json
import re

from ..email import Email, MergeField, SourceMap
from ..limits import MAX_ROWS
from . import plain
from .registry import InputError, decode, register_bytes

SUBJECT_KEYS = ("subject", "subject_line", "subject line")


def too_many_rows(n: int) -> str:
    return f"{n:,} rows (the limit is {MAX_ROWS:,} rows per sequence file)"


# -- CSV with offsets ------------------------------------------------------------------------
def _csv_rows(source: str, delim: str):
    """Yield rows: lists of cells (value, pieces, cell_start).

    Pieces are (value_start, value_end, src_start, src_end, verbatim): they map the
    cell's value back to the file (a doubled quote ``""`` is one stand-in character).
    """
    n = len(source)
    pos = 0
    row: list = []
    while pos < n:
        cell, pos = _quoted_cell(source, pos, delim) if source[pos] == '"' else _plain_cell(source, pos, delim)
        row.append(cell)
        if pos < n and source[pos] == delim:
            pos += 1
            if pos == n:  # a delimiter at the very end: one more, empty, cell
                row.append(("", [], pos))
            continue
        yield row  # a line break, or the end of the file, ends the row
        row = []
        pos += 1
    if row:
        yield row


def _plain_cell(source: str, pos: int, delim: str):
    end = _field_end(source, pos, delim)
    pieces = [(0, end - pos, pos, end, True)] if end > pos else []
    return (source[pos:end], pieces, pos), end


def _quoted_cell(source: str, pos: int, delim: str):
    """The cell whose opening quote is at ``pos``, and the offset just past it."""
    value_parts: list[str] = []
    pieces = []
    vlen = 0
    i = pos + 1
    while True:
        q = source.find('"', i)
        if q == -1:
            raise InputError(f"line {source.count(chr(10), 0, pos) + 1}: unclosed quoted CSV field")
        if q > i:
            value_parts.append(source[i:q])
            pieces.append((vlen, vlen + q - i, i, q, True))
            vlen += q - i
        if not source.startswith('""', q):
            break
        value_parts.append('"')
        pieces.append((vlen, vlen + 1, q, q + 2, False))
        vlen += 1
        i = q + 2
    after = q + 1
    # anything up to the delimiter after a closing quote is kept, as the csv module does
    end = _field_end(source, after, delim)
    if end > after:
        value_parts.append(source[after:end])
        pieces.append((vlen, vlen + end - after, after, end, True))
    return ("".join(value_parts), pieces, pos), end


def _field_end(source: str, pos: int, delim: str) -> int:
    """The end of an unquoted field: the next delimiter on the same line, or the line's end."""
    line_end = source.find("\n", pos)
    if line_end == -1:
        line_end = len(source)
    a = source.find(delim, pos, line_end)
    return line_end if a == -1 else a


#: The header line's first bytes are enough to tell the delimiter (csv.Sniffer slows on long lines).
SNIFF_SAMPLE = 4096


def _sniff_delimiter(source: str) -> str:
    end = source.find("\n", 0, SNIFF_SAMPLE)
    first = source[: end if end != -1 else SNIFF_SAMPLE]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _column(header: list[str], keys: tuple[str, ...]) -> int | None:
    low = [h.strip().lower() for h in header]
    for k in keys:
        if k in low:
            return low.index(k)
    return None


def read_csv(path: str, data: bytes) -> list[Email]:
    source = decode(data)
    if not source.strip():
        raise InputError("empty file: no header row")
    delim = _sniff_delimiter(source)
    rows = list(_csv_rows(source, delim))
    header = [v for v, _p, _s in rows[0]]
    body_col = _column(header, ("body",))
    if body_col is None:
        raise InputError(f"no 'body' column (columns: {', '.join(h.strip() for h in header if h.strip()) or 'none'})")
    subject_col = _column(header, SUBJECT_KEYS)
    step_col = _column(header, ("step",))
    emails = []
    if len(rows) - 1 > MAX_ROWS:
        raise InputError(too_many_rows(len(rows) - 1))
    for number, row in enumerate(rows[1:], start=1):
        if all(not v.strip() for v, _p, _s in row):
            continue
        body = row[body_col] if body_col < len(row) else ("", [], 0)
        subject = row[subject_col] if subject_col is not None and subject_col < len(row) else None
        if not body[0].strip():
            continue
        step = row[step_col][0].strip() if step_col is not None and step_col < len(row) else None
        emails.append(_row_email(path, source, number, subject, body, "csv", step))
    return emails


# -- JSON Lines with offsets ---------------------------------------------------------------------
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _json_string_pieces(source: str, start: int) -> tuple[str, list] | None:
    """Decode the JSON string literal whose opening quote is at ``start``, with pieces."""
    i = start + 1
    out: list[str] = []
    pieces = []
    vlen = 0
    run = i
    n = len(source)
    while i < n:
        c = source[i]
        if c == '"' or c == "\\":
            if i > run:
                out.append(source[run:i])
                pieces.append((vlen, vlen + i - run, run, i, True))
                vlen += i - run
            if c == '"':
                return "".join(out), pieces
            esc = source[i + 1 : i + 2]
            if esc == "u":
                ch, width = _unicode_escape(source, i)
                if ch is None:
                    return None
            elif esc in _ESCAPES:
                ch = _ESCAPES[esc]
                width = 2
            else:
                return None
            out.append(ch)
            pieces.append((vlen, vlen + len(ch), i, i + width, False))
            vlen += len(ch)
            i += width
            run = i
            continue
        if c == "\n":
            return None
        i += 1
    return None


_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")


def _unicode_escape(source: str, i: int) -> tuple[str | None, int]:
    """The character of the ``\\uXXXX`` escape at ``i`` (a surrogate pair takes two), and its width."""
    if not _HEX4.fullmatch(source, i + 2, i + 6):
        return None, 6
    code = int(source[i + 2 : i + 6], 16)
    if 0xD800 <= code < 0xDC00 and source.startswith("\\u", i + 6) and _HEX4.fullmatch(source, i + 8, i + 12):
        low = int(source[i + 8 : i + 12], 16)
        if 0xDC00 <= low < 0xE000:
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), 12
    return _no_lone_surrogates(chr(code)), 6


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(text: str) -> str:
    """A JSON string may hold half of a surrogate pair, which no output can carry: U+FFFD stands in."""
    return _SURROGATE_RE.sub("\ufffd", text)


def _json_line(source: str, s: int, e: int, line_no: int):
    try:
        return json.loads(source[s:e])
    except json.JSONDecodeError as exc:
        raise InputError(f"line {line_no}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"line {line_no}: JSON nested too deep") from None


def _text_value(obj: dict, key: str):
    value = obj[key]
    return _no_lone_surrogates(value) if isinstance(value, str) else value


def _locate_value(source: str, line_start: int, line_end: int, key: str, value: str):
    """Pieces for the value of ``key`` on one JSON line, or one piece for the whole line."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:\s*\"")
    m = pattern.search(source, line_start, line_end)
    if m:
        got = _json_string_pieces(source, m.end() - 1)
        if got is not None and got[0] == value:
            return got[1], m.end() - 1
    return [(0, len(value), line_start, line_end, False)], line_start


def read_jsonl(path: str, data: bytes) -> list[Email]:
    source = decode(data)
    emails = []
    number = 0
    for line_no, (s, e, _nl) in enumerate(plain.iter_lines(source), start=1):
        if not source[s:e].strip():
            continue
        number += 1
        if number > MAX_ROWS:
            raise InputError(f"more than {too_many_rows(MAX_ROWS)}")
        obj = _json_line(source, s, e, line_no)
        if not isinstance(obj, dict):
            raise InputError(f"line {line_no}: each line must be a JSON object")
        keys = {k.lower(): k for k in obj if isinstance(k, str)}
        body_key = keys.get("body")
        if body_key is None:
            raise InputError(f"line {line_no}: no 'body' key (keys: {_no_lone_surrogates(', '.join(obj)) or 'none'})")
        body_value = _text_value(obj, body_key)
        if not isinstance(body_value, str):
            raise InputError(f"line {line_no}: 'body' must be a string")
        if not body_value.strip():
            continue
        pieces, at = _locate_value(source, s, e, body_key, body_value)
        body = (body_value, pieces, at)
        subject = None
        subject_key = next((keys[k] for k in SUBJECT_KEYS if k in keys), None)
        subject_value = _text_value(obj, subject_key) if subject_key is not None else None
        if isinstance(subject_value, str) and subject_value.strip():
            sp, sat = _locate_value(source, s, e, subject_key, subject_value)
            subject = (subject_value, sp, sat)
        step = obj[keys["step"]] if "step" in keys else None
        step = str(step).strip() if isinstance(step, (str, int)) and not isinstance(step, bool) else None
        emails.append(_row_email(path, source, number, subject, body, "jsonl", step))
    return emails


# -- one row -> one Email ------------------------------------------------------------------------
def _row_email(path: str, source: str, row: int, subject, body, fmt: str, step: str | None = None) -> Email:
    """Read the row's cells as a small file of their own, then map it back into ``source``."""
    from . import template

    vparts: list[str] = []
    vmap: list[tuple[int, int, int, int, bool]] = []
    vlen = 0

    def add_cell(value: str, pieces, cell_at: int) -> None:
        nonlocal vlen
        vparts.append(value)
        for a, b, s, e, verb in pieces:
            vmap.append((vlen + a, vlen + b, s, e, verb))
        if not pieces:
            vmap.append((vlen, vlen + len(value), cell_at, cell_at, False))
        vlen += len(value)

    def add_glue(text: str, at: int) -> None:
        nonlocal vlen
        vparts.append(text)
        vmap.append((vlen, vlen + len(text), at, at, False))
        vlen += len(text)

    if subject is not None and subject[0].strip():
        add_glue("Subject: ", subject[2])
        add_cell(subject[0].replace("\n", " "), subject[1], subject[2])
        add_glue("\n\n", subject[2])
    add_cell(body[0], body[1], body[2])
    vsource = "".join(vparts)
    if template.has_merge_tags(vsource):
        inner = template.build_template(path, vsource, fmt)
    else:
        inner = plain.build(path, vsource, fmt)
    vm = SourceMap(vmap)
    segments = vm.remap(inner.segments)
    fields = [
        MergeField(f.name, f.slot, f.dialect, vm.point(f.src_start), vm.point(f.src_end, end=True), f.text_start, f.text_end, f.fallback, f.raw)
        for f in inner.fields
    ]
    findings = [(c, vm.point(s), vm.point(e, end=True), m) for c, s, e, m in inner.reader_findings]
    return Email(
        path=path,
        source=source,
        text=inner.text,
        segments=segments,
        subject_range=inner.subject_range,
        fmt=fmt,
        row=row,
        step=step or None,
        fields=fields,
        link_count=inner.link_count,
        is_template=inner.is_template,
        reader_findings=findings,
    )


register_bytes((".csv",), read_csv)
register_bytes((".jsonl", ".ndjson"), read_jsonl)
