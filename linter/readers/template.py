"""Templates: Jinja2, Liquid, Handlebars and the merge-tag dialects of sending tools.

A template is read, never rendered.  The scanner finds every tag with its source
offsets; Jinja2 expressions and statements are tokenised with jinja2's own lexer (on a
:class:`~jinja2.sandbox.SandboxedEnvironment`) and the whole template is checked with
``Environment.parse`` -- which builds a syntax tree and nothing else: no template is
compiled, rendered or executed, so ``{{ ''.__class__.__mro__ }}`` or ``{% import os %}``
is only text to lint.

What the rules see:

- a merge field (``{{ first_name }}``, ``{FirstName}``, ``[First Name]``, ``%FIRSTNAME%``,
  ``*|FNAME|*``, ``{{contact.firstname}}``, ``{{ first_name | default: "there" }}``,
  ``{!Contact.FirstName}``, ``{{firstName}}``) becomes a neutral stand-in ("Jordan",
  "Northwind", "operations lead", "this topic"...) so the prose reads naturally, and is
  kept in ``Email.fields`` as a :class:`~linter.email.MergeField`;
- spintax ``{Hi|Hello|Hey}`` reads as its first option (kept verbatim, so positions
  inside it are exact) and is recorded as a field of dialect ``spintax``;
- control tags ``{% … %}`` / ``{{#if}}`` / ``*|IF:…|*`` and comments ``{# … #}`` leave
  no text.  Branches are linted **as text**: every branch of an ``if`` is kept, in
  order (an inline ``{% else %}`` becomes a space).  A line holding nothing but control
  tags or comments is dropped with its line break, as Jinja's ``trim_blocks`` would.
  A field inside ``{% if first_name %}`` (or ``*|IF:FNAME|*``, ``{{#if firstName}}``)
  counts as having a fallback;
- malformed syntax (an unclosed ``{{``, ``{%`` or ``{#``, an unbalanced ``{% if %}``,
  anything else jinja2's parser refuses) becomes a reader finding for M104 at the
  tag's own line and column; the rest of the file is still linted as text.

Every stretch of text maps back to the template file, so findings point at the
template's own lines.  A template whose content is HTML goes through the HTML reader
with the same tag handling.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from ..email import Email, MergeField, TextBuilder
from ..limits import MAX_DEPTH, MAX_TAGS
from ..merge_tags import BRACKET_EXEMPT, MASTER_RE, is_sender_field, normalise_name, slot_of
from . import plain
from .registry import InputError

MALFORMED = "M104"

_ENV = SandboxedEnvironment()

JINJA_BLOCKS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans", "set", "raw"}
LIQUID_BLOCKS = {"unless", "case", "capture", "comment", "tablerow", "paginate", "form", "schema", "style", "javascript"}
MIDDLE = {"elif", "else", "elsif", "when", "pluralize"}
HANDLEBARS_CONTROL = "#/^!>&"
FALLBACK_FILTERS = {"default", "d", "fallback", "or", "default_if_none", "defaultto"}


@dataclass
class Tag:
    start: int
    end: int
    kind: str  # field | control | comment | spin
    text: str = ""  # stand-in text (fields) or "" (control/comment)
    field: MergeField | None = None
    keep: tuple[int, int] | None = None  # spintax: the source range of the first option
    space: bool = False  # inline else/elif: a space between branches
    bad: bool = False  # a {{ … }} that jinja2 cannot parse


@dataclass
class Scan:
    tags: list[Tag] = field(default_factory=list)
    findings: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    jinja_like: bool = False  # jinja syntax present: worth a full parse

    def __post_init__(self) -> None:
        self._ends: list[int] | None = None

    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = [t.end for t in self.tags]
        return self._ends


# -- field names, slots and stand-ins -------------------------------------------------------
_OTHER_STAND_INS = (
    (re.compile(r"link|url|website|site|domain|calendly|booking"), "the link"),
    (re.compile(r"city|location|region|state|country|town|area"), "Denver"),
    (re.compile(r"industry|vertical|sector|market|niche"), "logistics"),
    (re.compile(r"date|day|time|weekday|month"), "Tuesday"),
    (re.compile(r"product|service|tool|feature|offer"), "the product"),
)


def stand_in(name: str, slot: str) -> str:
    sender = is_sender_field(name)
    if slot == "name":
        if "last" in name:
            return "Reyes"
        if "full" in name:
            return "Sam Ortega" if sender else "Jordan Reyes"
        return "Sam" if sender else "Jordan"
    if slot == "company":
        return "Brightline" if sender else "Northwind"
    if slot == "title":
        return "operations lead"
    if slot == "research":
        return "this topic"
    for pattern, text in _OTHER_STAND_INS:
        if pattern.search(name):
            return text
    return "this detail"


def _make_field(raw_name: str, dialect: str, start: int, end: int, raw: str, fallback: bool) -> Tag:
    name = normalise_name(raw_name)
    slot = slot_of(name)
    f = MergeField(name=name, slot=slot, dialect=dialect, src_start=start, src_end=end, text_start=-1, text_end=-1, fallback=fallback, raw=raw)
    return Tag(start, end, "field", stand_in(name, slot), f)


# -- scanning ---------------------------------------------------------------------------
#: Lexing and parsing a tag are pure functions of its text, and a template repeats
#: its tags ({{ first_name }} in the greeting and again in the ask; the same fields in
#: every template of a folder): each distinct tag is lexed and parsed once.
_TAG_MEMO = 4096


@functools.lru_cache(maxsize=_TAG_MEMO)
def _lex(text: str) -> tuple[tuple[str, str], ...] | None:
    """jinja2's tokens (type, value) for a tag, whitespace dropped; None if it does not lex."""
    try:
        return tuple((t, v) for _l, t, v in _ENV.lex(text) if t not in ("whitespace",))
    except TemplateSyntaxError:
        return None
    except RecursionError:
        raise too_deep() from None


def _classify_expression(inner: str, start: int, end: int, raw: str, guards: list[set[str]]) -> Tag:
    body = inner.strip().lstrip("-+").rstrip("-+").strip()
    tokens = _lex("{{ " + body + " }}")
    if tokens is None or len(tokens) < 3:
        if _WORDS_RE.match(body):
            return _make_field(body or "field", "mustache", start, end, raw, False)
        first = re.match(r"[A-Za-z_][\w.]*", body)
        tag = _make_field(first.group(0) if first else "expression", "jinja", start, end, raw, False)
        tag.bad = True
        return tag
    toks = tokens[1:-1]
    # a bare run of words, {{First Name}}: the mustache style of sequencing tools
    if toks and all(t == "name" for t, _ in toks) and len(toks) > 1:
        name = " ".join(v for _, v in toks)
        return _make_field(name, "mustache", start, end, raw, _guarded(normalise_name(name), guards))
    path: list[str] = []
    i = 0
    if toks and toks[0][0] == "name":
        path.append(toks[0][1])
        i = 1
        while i + 1 < len(toks) and toks[i] == ("operator", ".") and toks[i + 1][0] == "name":
            path.append(toks[i + 1][1])
            i += 2
    if not path:  # an expression, not a variable: still a slot the prose does not show
        return _make_field("expression", "jinja", start, end, raw, True)
    dotted = ".".join(path)
    dialect = "hubspot" if path[0].lower() in ("contact", "company", "deal", "owner", "ticket") and len(path) > 1 else "jinja"
    if dialect == "jinja" and any(c.isupper() for c in path[0][1:]) and "_" not in path[0]:
        dialect = "handlebars"
    fallback = False
    rest = toks[i:]
    for j, (t, v) in enumerate(rest):
        if (t, v) == ("operator", "|") and j + 1 < len(rest) and rest[j + 1][0] == "name":
            fname = rest[j + 1][1].lower()
            after = rest[j + 2] if j + 2 < len(rest) else None
            if after == ("operator", ":"):
                dialect = "liquid"
            if fname in FALLBACK_FILTERS:
                fallback = True
        elif t == "name" and v == "or":
            fallback = True
    name = normalise_name(dotted)
    if dialect != "liquid" and not _parses(body):
        if _WORDS_RE.match(body):  # {{weekdays_from_now 2}}: a helper call of another tool
            return _make_field(dotted, "mustache", start, end, raw, fallback or _guarded(name, guards))
        tag = _make_field(dotted, dialect, start, end, raw, fallback or _guarded(name, guards))
        tag.bad = True
        return tag
    return _make_field(dotted, dialect, start, end, raw, fallback or _guarded(name, guards))


_WORDS_RE = re.compile(r"^[\w.\- ]+$")


def _short(raw: str) -> str:
    raw = " ".join(raw.split())
    return raw if len(raw) <= 40 else raw[:39] + "…"


def _parse_error(body: str) -> str:
    try:
        _ENV.parse("{{ " + body + " }}")
    except TemplateSyntaxError as exc:
        return exc.message or "not valid Jinja2"
    except RecursionError:
        raise too_deep() from None
    return "not valid Jinja2"


def too_deep(line: int | None = None) -> InputError:
    where = f"line {line}: " if line is not None else ""
    return InputError(f"{where}template syntax nested too deep (the limit is {MAX_DEPTH} levels)")


def check_depth(source: str, start: int, end: int) -> None:
    """InputError if the brackets inside one tag nest deeper than MAX_DEPTH (jinja2's parser recurses)."""
    depth = 0
    for ch in source[start:end]:
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise too_deep(source.count("\n", 0, start) + 1)
        elif ch in ")]}":
            depth -= 1


@functools.lru_cache(maxsize=_TAG_MEMO)
def _parses(body: str) -> bool:
    """Does ``{{ body }}`` parse as a Jinja2 expression? (parse only: nothing is compiled or run)"""
    try:
        _ENV.parse("{{ " + body + " }}")
    except TemplateSyntaxError:
        return False
    except RecursionError:
        raise too_deep() from None
    return True


def _guarded(name: str, guards: list[set[str]]) -> bool:
    return any(name in g for g in guards)


def _statement_words(inner: str) -> tuple[str, set[str]]:
    """The keyword of a ``{% … %}`` statement and the normalised names it tests."""
    body = inner.strip().lstrip("-+").rstrip("-+").strip()
    m = re.match(r"([A-Za-z_]+)", body)
    word = m.group(1).lower() if m else ""
    names = {normalise_name(n) for n in re.findall(r"[A-Za-z_][\w.]*", body[m.end():] if m else body)}
    return word, names - {"not", "and", "or", "is", "none", "defined", "in", "blank", "empty", "nil", "true", "false"}


def scan(source: str) -> Scan:
    """Find every tag in ``source`` (sorted, non-overlapping) and the syntax findings."""
    out = Scan()
    tags = out.tags
    findings = out.findings
    stack: list[tuple[str, int, int, set[str]]] = []  # (keyword, start, end, guarded names)
    guards: list[set[str]] = []
    pos = 0
    n = len(source)
    search = MASTER_RE.search
    finder = _Finder(source)
    while pos < n:
        _check_limits(source, pos, tags, stack)
        m = search(source, pos)
        if m is None:
            break
        start = m.start()
        opener = m.group("open")
        if opener:
            closer = {"{#": "#}", "{%": "%}", "{{": "}}"}[opener]
            triple = opener == "{{" and source.startswith("{{{", start)
            if triple:
                closer = "}}}"
            inner_start = start + (3 if triple else 2)
            close = finder.find(closer, inner_start)
            limit = n if opener == "{#" else _tag_limit(finder, inner_start)
            if close == -1 or close > limit:
                what = {"{#": "comment", "{%": "statement", "{{": "merge field"}[opener]
                findings.append((MALFORMED, start, start + 2, f"Unclosed {what} tag: '{opener}' has no matching '{closer}'"))
                pos = start + 2
                continue
            end = close + len(closer)
            inner = source[inner_start:close]
            raw = source[start:end]
            if opener != "{#":
                check_depth(source, inner_start, close)
            if opener == "{#":
                tags.append(Tag(start, end, "comment"))
            elif opener == "{{":
                stripped = inner.strip().lstrip("-~").strip()
                if stripped[:1] and stripped[0] in HANDLEBARS_CONTROL or stripped == "else" or stripped.startswith("else "):
                    out_tag = _handlebars_control(stripped, start, end, stack, guards, findings)
                    tags.append(out_tag)
                elif not stripped:
                    findings.append((MALFORMED, start, end, "Empty merge tag '{{ }}'"))
                    tags.append(Tag(start, end, "control"))
                else:
                    out.jinja_like = out.jinja_like or not triple
                    tag = _classify_expression(inner, start, end, raw, guards)
                    if tag.bad:
                        findings.append((MALFORMED, start, end, f"Template syntax error in '{_short(raw)}': {_parse_error(stripped)}"))
                    tags.append(tag)
            else:  # {% … %}
                out.jinja_like = True
                word, names = _statement_words(inner)
                if word in ("raw", "comment"):
                    endword = "end" + word
                    m_end = finder.search_end(endword, end)
                    if m_end is None:
                        findings.append((MALFORMED, start, end, f"'{{% {word} %}}' is never closed (no '{{% {endword} %}}')"))
                        tags.append(Tag(start, end, "control"))
                        pos = end
                        continue
                    tags.append(Tag(start, end, "control"))
                    if word == "comment":
                        tags[-1] = Tag(start, m_end.end(), "comment")
                    else:  # raw: its content is literal text
                        tags.append(Tag(m_end.start(), m_end.end(), "control"))
                    pos = m_end.end()
                    continue
                tag = Tag(start, end, "control")
                _track_block(word, inner, start, end, names, stack, guards, findings, tag)
                tags.append(tag)
            pos = end
            continue
        end = m.end()
        raw = m.group(0)
        if m.group("mc"):
            body = m.group("mcbody").strip()
            upper = body.upper()
            if upper.startswith(("IF:", "IFNOT:", "ELSEIF:", "INTERESTED:")):
                word = "elif" if upper.startswith("ELSEIF:") else "if"
                names = {normalise_name(body.split(":", 1)[1].split("=")[0])}
                tag = Tag(start, end, "control")
                _track_block(word, "", start, end, names, stack, guards, findings, tag, mailchimp=True)
                tags.append(tag)
            elif upper.startswith("ELSE:") or upper == "ELSE":
                tag = Tag(start, end, "control")
                _track_block("else", "", start, end, set(), stack, guards, findings, tag, mailchimp=True)
                tags.append(tag)
            elif upper.startswith("END:"):
                tag = Tag(start, end, "control")
                _track_block("endif", "", start, end, set(), stack, guards, findings, tag, mailchimp=True)
                tags.append(tag)
            else:
                tags.append(_make_field(body, "mailchimp", start, end, raw, _guarded(normalise_name(body), guards)))
        elif m.group("sf"):
            body = m.group("sfbody").strip()
            fb = re.match(r"(?i)(?:BLANKVALUE|NULLVALUE)\s*\(\s*([\w.]+)", body)
            if fb:
                tags.append(_make_field(fb.group(1), "salesforce", start, end, raw, True))
            else:
                fname = body.split(",")[0].strip()
                tags.append(_make_field(fname, "salesforce", start, end, raw, "," in body or _guarded(normalise_name(fname), guards)))
        elif m.group("pct"):
            body = m.group("pctbody")
            if not (body.isupper() or "_" in body):
                pos = start + 1
                continue
            tags.append(_make_field(body, "percent", start, end, raw, _guarded(normalise_name(body), guards)))
        elif m.group("spin"):
            body_start = m.start("spinbody")
            first = m.group("spinbody").split("|", 1)[0]
            f = MergeField("spintax", "other", "spintax", start, end, -1, -1, True, raw)
            tags.append(Tag(start, end, "spin", first, f, keep=(body_start, body_start + len(first))))
        elif m.group("single"):
            body = m.group("singlebody")
            tags.append(_make_field(body, "single_brace", start, end, raw, _guarded(normalise_name(body), guards)))
        else:  # bracket
            body = m.group("brbody")
            if body.lower() in BRACKET_EXEMPT:
                pos = end
                continue
            tags.append(_make_field(body, "bracket", start, end, raw, False))
        pos = end
    for word, start, end, _names in stack:
        if word.startswith("mc-"):
            closer = "*|END:IF|*"
        elif word.startswith("hb-"):
            closer = "{{/" + word[3:] + "}}"
        else:
            closer = "{% end" + word + " %}"
        findings.append((MALFORMED, start, end, f"'{source[start:end]}' is never closed (no '{closer}')"))
    return out


def _check_limits(source: str, pos: int, tags: list[Tag], stack: list) -> None:
    if len(tags) > MAX_TAGS:
        raise InputError(f"more than {MAX_TAGS:,} template tags (the limit is {MAX_TAGS:,})")
    if len(stack) > MAX_DEPTH:
        raise too_deep(source.count("\n", 0, stack[-1][1]) + 1)


class _Finder:
    """``source.find`` for a scan that only moves forward: a search for the same needle from
    a later offset reuses the last answer when it still holds, so an unclosed tag repeated
    all over a file costs one pass, not one pass per tag."""

    def __init__(self, source: str):
        self.source = source
        self.last: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, pos: int) -> int:
        hit = self.last.get(needle)
        if hit is not None and hit[0] <= pos and (hit[1] == -1 or hit[1] >= pos):
            return hit[1]
        found = self.source.find(needle, pos)
        self.last[needle] = (pos, found)
        return found

    def search_end(self, endword: str, pos: int):
        """The ``{% endraw %}``/``{% endcomment %}`` after ``pos``, or None (remembered)."""
        if self.last.get(endword, (0, 0))[1] == -1:
            return None
        m = re.compile(r"\{%-?\s*" + endword + r"\s*-?%\}").search(self.source, pos)
        if m is None:
            self.last[endword] = (pos, -1)
        return m


def _tag_limit(finder: _Finder, start: int) -> int:
    """Where an unclosed ``{{``/``{%`` gives up: the next opener or the next blank line."""
    cands = [finder.find(x, start) for x in ("{{", "{%", "\n\n")]
    cands = [c for c in cands if c != -1]
    return min(cands) if cands else len(finder.source)


def _track_block(word, inner, start, end, names, stack, guards, findings, tag, mailchimp=False) -> None:
    """Keep the stack of open blocks; unbalanced ones become findings."""
    prefix = "mc-" if mailchimp else ""
    if word in MIDDLE:
        if not stack or stack[-1][0] not in (prefix + "if", prefix + "unless", prefix + "case", prefix + "for", prefix + "trans"):
            findings.append((MALFORMED, start, end, f"'{_show(word, mailchimp)}' outside any open block"))
        elif word in ("elif", "elsif") and guards:
            guards[-1] = set(names)
        elif word == "else" and guards:
            guards[-1] = set()
        tag.space = True
        return
    if word.startswith("end") and len(word) > 3:
        want = prefix + word[3:]
        if not stack:
            findings.append((MALFORMED, start, end, f"'{_show(word, mailchimp)}' closes a block that was never opened"))
            return
        if mailchimp:
            want = stack[-1][0] if stack[-1][0].startswith("mc-") else want
        if stack[-1][0] != want:
            opened = stack[-1]
            findings.append((MALFORMED, start, end, f"'{_show(word, mailchimp)}' does not close the open '{_show(opened[0].split('-', 1)[-1], mailchimp)}' block"))
            # recover: pop to the matching block if there is one
            if any(b[0] == want for b in stack):
                while stack and stack.pop()[0] != want:
                    guards.pop() if guards else None
                guards.pop() if guards else None
            return
        stack.pop()
        guards.pop() if guards else None
        return
    if word in JINJA_BLOCKS or word in LIQUID_BLOCKS:
        if word == "set" and "=" in inner:
            return
        stack.append((prefix + word, start, end, names))
        guards.append(set(names) if word in ("if", "with") else set())


def _show(word: str, mailchimp: bool) -> str:
    if mailchimp:
        return {"endif": "*|END:IF|*", "else": "*|ELSE:|*", "elif": "*|ELSEIF:|*"}.get(word, f"*|{word.upper()}:|*")
    return "{% " + word + " %}"


def _handlebars_control(stripped: str, start: int, end: int, stack, guards, findings) -> Tag:
    tag = Tag(start, end, "comment" if stripped[0] == "!" else "control")
    if stripped[0] == "#" or stripped[0] == "^":
        word, _, rest = stripped[1:].partition(" ")
        names = {normalise_name(n) for n in re.findall(r"[A-Za-z_][\w.]*", rest)}
        stack.append(("hb-" + word, start, end, names))
        guards.append(names if word in ("if", "with") and stripped[0] == "#" else set())
    elif stripped[0] == "/":
        word = stripped[1:].strip()
        if not stack or stack[-1][0] != "hb-" + word:
            findings.append((MALFORMED, start, end, f"'{{{{/{word}}}}}' does not close an open '{{{{#{word}}}}}' block"))
        else:
            stack.pop()
            guards.pop() if guards else None
    elif stripped.startswith("else"):
        if guards:
            guards[-1] = set()
        tag.space = True
    return tag


def _parse_check(source: str, sc: Scan) -> None:
    """Let jinja2's parser judge what the scanner did not: parse only, never compile or render."""
    if sc.findings or not sc.jinja_like:
        return
    chars = list(source)
    for t in sc.tags:
        jinja = (t.kind in ("comment", "control") and source.startswith(("{%", "{#"), t.start)) or (
            t.field is not None and t.field.dialect in ("jinja", "hubspot", "handlebars") and source.startswith("{{", t.start)
        )
        if not jinja:  # other dialects (and liquid filters) are not jinja: blank them out, keep the lines
            for i in range(t.start, t.end):
                if chars[i] != "\n":
                    chars[i] = " "
    text = "".join(chars)
    if "{{" in text or "{%" in text or "{#" in text:
        for t in sc.tags:
            if t.kind == "control" and source.startswith("{%", t.start):
                word, _ = _statement_words(source[t.start + 2 : t.end - 2])
                if word in LIQUID_BLOCKS or word in ("elsif", "when", "assign", "include", "render", "increment", "decrement", "cycle"):
                    return  # Liquid: the scanner's checks are all we can do
        try:
            _ENV.parse(text)
        except TemplateSyntaxError as exc:
            line = exc.lineno or 1
            line_start = 0
            for _ in range(line - 1):
                nxt = source.find("\n", line_start)
                if nxt == -1:
                    break
                line_start = nxt + 1
            line_end = source.find("\n", line_start)
            line_end = len(source) if line_end == -1 else line_end
            on_line = [t for t in sc.tags if line_start <= t.start < line_end and t.bad]
            on_line = on_line or [t for t in sc.tags if line_start <= t.start < line_end and t.kind != "field"]
            s, e = (on_line[0].start, on_line[0].end) if on_line else (line_start, line_end)
            sc.findings.append((MALFORMED, s, e, f"Template syntax error: {exc.message}"))


def has_merge_tags(text: str) -> bool:
    """Does the text hold template syntax or merge tags (so it should be read as a template)?"""
    for m in MASTER_RE.finditer(text):
        if m.group("open"):
            return True
        if m.group("pct") and not (m.group("pctbody").isupper() or "_" in m.group("pctbody")):
            continue
        if m.group("bracket") and m.group("brbody").lower() in BRACKET_EXEMPT:
            continue
        return True
    return False


# -- building the email ---------------------------------------------------------------------
class Emitter:
    """Emits source slices into a builder, swapping tags for their stand-ins."""

    def __init__(self, sc: Scan):
        self.sc = sc
        self.fields: list[MergeField] = []

    def __call__(self, builder: TextBuilder, source: str, s: int, e: int) -> None:
        tags = self.sc.tags
        if not tags:
            builder.keep(source, s, e)
            return
        i = bisect.bisect_right(self.sc.ends(), s)
        pos = s
        while i < len(tags) and tags[i].start < e:
            t = tags[i]
            i += 1
            if t.start >= pos:
                builder.keep(source, pos, t.start)
                if t.kind == "field":
                    ts, te = builder.put(t.text, t.start, t.end)
                    self.fields.append(_placed(t.field, ts, te))
                elif t.kind == "spin":
                    ts = len(builder)
                    builder.keep(source, t.keep[0], t.keep[1])
                    self.fields.append(_placed(t.field, ts, len(builder)))
                elif t.space:
                    builder.put(" ", t.start, t.end)
            pos = max(pos, min(t.end, e))
        builder.keep(source, pos, e)


def _placed(f: MergeField, ts: int, te: int) -> MergeField:
    return MergeField(f.name, f.slot, f.dialect, f.src_start, f.src_end, ts, te, f.fallback, f.raw)


def _control_only(source: str, sc: Scan, s: int, e: int) -> bool:
    """A line with control tags/comments and nothing else (its line break goes too)."""
    tags = sc.tags
    i = bisect.bisect_right(sc.ends(), s)
    pos = s
    touched = False
    while i < len(tags) and tags[i].start < e:
        t = tags[i]
        i += 1
        if t.kind in ("field", "spin") or source[pos : max(pos, t.start)].strip():
            return False
        touched = True
        pos = max(pos, t.end)
    return touched and (pos >= e or not source[pos:e].strip())


def build_template(path: str, source: str, fmt: str = "template", sc: Scan | None = None) -> Email:
    sc = sc if sc is not None else scan(source)
    _parse_check(source, sc)
    lines = list(plain.iter_lines(source))
    drop = [_control_only(source, sc, s, e) for s, e, _ in lines] if sc.tags else None
    emit = Emitter(sc)
    email = plain.build(path, source, fmt, emit=emit, skip=drop)
    email.fields = emit.fields
    email.link_count += sum(1 for f in emit.fields if f.dialect != "spintax" and stand_in(f.name, f.slot) == "the link")
    email.is_template = True
    email.reader_findings = list(sc.findings)
    return email
