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
from dataclasses import dataclass, field, replace

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from ..email import Email, MergeField, TextBuilder
from ..limits import MAX_DEPTH, MAX_TAGS
from ..merge_tags import BRACKET_EXEMPT, MASTER_RE, is_sender_field, normalise_name, slot_of
from . import plain
from .registry import InputError

MALFORMED = "M104"

#: jinja2's own extensions a template repository may use ({% trans %}, {% do %}, {% break %});
#: the environment only lexes and parses.
JINJA_ENV = SandboxedEnvironment(extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"])

JINJA_BLOCKS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans", "set", "raw"}
LIQUID_BLOCKS = {"unless", "case", "capture", "comment", "tablerow", "paginate", "form", "schema", "style", "javascript"}
MIDDLE = {"elif", "else", "elsif", "when", "pluralize"}
HANDLEBARS_CONTROL = "#/^!>&"
FALLBACK_FILTERS = {"default", "d", "fallback", "or", "default_if_none", "defaultto"}


@dataclass
class Tag:
    start: int
    end: int
    kind: str  # field | control | comment | spin | include (text: the included template's prose)
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
    fallbacks: set[str] = field(default_factory=set)  # fields an inverted section or unless block covers
    loop_names: set[str] = field(default_factory=set)  # names set by the template: {{ depot.name }} in a for loop

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
        return tuple((t, v) for _l, t, v in JINJA_ENV.lex(text) if t not in ("whitespace",))
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
        JINJA_ENV.parse("{{ " + body + " }}")
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
        JINJA_ENV.parse("{{ " + body + " }}")
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
    return _Scanner(source).run()


_CLOSER = {"{#": "#}", "{%": "%}", "{{": "}}"}
_ASSIGNED_RE = re.compile(r"[-+]?\s*(assign|set|capture|for)\s+([A-Za-z_]\w*)")
_OPENER_NAME = {"{#": "comment", "{%": "statement", "{{": "merge field"}


class _Scanner:
    """One pass over a template: a step per tag shape, open blocks kept on a stack."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out = Scan()
        self.tags = self.out.tags
        self.findings = self.out.findings
        self.stack: list[tuple[str, int, int, set[str]]] = []  # (keyword, start, end, guarded names)
        self.guards: list[set[str]] = []
        self.finder = _Finder(source)

    def run(self) -> Scan:
        pos, n = 0, len(self.source)
        while pos < n:
            _check_limits(self.source, pos, self.tags, self.stack)
            m = MASTER_RE.search(self.source, pos)
            if m is None:
                break
            pos = self._braced(m) if m.group("open") else self._merge_tag(m)
        self._unclosed_blocks()
        _apply_fallbacks(self.out)
        return self.out

    def _tag(self, start: int, end: int, kind: str = "control") -> Tag:
        tag = Tag(start, end, kind)
        self.tags.append(tag)
        return tag

    def _malformed(self, start: int, end: int, message: str) -> None:
        self.findings.append((MALFORMED, start, end, message))

    # -- {# … #}, {% … %}, {{ … }} ------------------------------------------------------------
    def _braced(self, m: re.Match) -> int:
        """One ``{#``/``{%``/``{{`` tag; returns where scanning goes on."""
        source, start, opener = self.source, m.start(), m.group("open")
        triple = opener == "{{" and source.startswith("{{{", start)
        closer = "}}}" if triple else _CLOSER[opener]
        inner_start = start + (3 if triple else 2)
        close = self.finder.find(closer, inner_start)
        limit = len(source) if opener == "{#" else _tag_limit(self.finder, inner_start)
        if close == -1 or close > limit:
            self._malformed(start, start + 2, f"Unclosed {_OPENER_NAME[opener]} tag: '{opener}' has no matching '{closer}'")
            return start + 2
        end = close + len(closer)
        inner = source[inner_start:close]
        if opener != "{#":
            check_depth(source, inner_start, close)
        if opener == "{#" or (opener == "{%" and inner.lstrip("-+ \t\n").startswith("#")):  # {% # note %}: Liquid's
            self._tag(start, end, "comment")
            return end
        if opener == "{{":
            self._expression(start, end, inner, triple)
            return end
        return self._statement(start, end, inner)

    def _expression(self, start: int, end: int, inner: str, triple: bool) -> None:
        stripped = inner.strip().lstrip("-~").strip()
        if stripped[:1] and stripped[0] in HANDLEBARS_CONTROL or stripped == "else" or stripped.startswith("else "):
            self.tags.append(_handlebars_control(stripped, start, end, self.stack, self.guards, self.findings, self.out.fallbacks))
        elif not stripped:
            self._malformed(start, end, "Empty merge tag '{{ }}'")
            self._tag(start, end)
        elif stripped[0] == "@":  # Handlebars' data variables ({{@index}}, {{@key}}): set by the loop
            self.tags.append(_make_field(stripped[1:] or "index", "handlebars", start, end, self.source[start:end], True))
        else:
            self.out.jinja_like = self.out.jinja_like or not triple
            raw = self.source[start:end]
            tag = _classify_expression(inner, start, end, raw, self.guards)
            if tag.bad:
                self._malformed(start, end, f"Template syntax error in '{_short(raw)}': {_parse_error(stripped)}")
            self.tags.append(tag)

    def _statement(self, start: int, end: int, inner: str) -> int:
        self.out.jinja_like = True
        word, names = _statement_words(inner)
        assigned = _ASSIGNED_RE.match(inner)
        if assigned:  # the template gives this name its value: not a field a CRM may leave empty
            self.out.fallbacks.add(normalise_name(assigned.group(2)))
            self.out.loop_names.add(assigned.group(2))
        if word in ("raw", "comment"):
            return self._verbatim_block(word, start, end)
        tag = self._tag(start, end)
        _track_block(word, inner, start, end, names, self.stack, self.guards, self.findings, tag)
        return end

    def _verbatim_block(self, word: str, start: int, end: int) -> int:
        """``{% raw %}`` (its content is text) or ``{% comment %}`` (its content is not)."""
        endword = "end" + word
        m_end = self.finder.search_end(endword, end)
        if m_end is None:
            self._malformed(start, end, f"'{{% {word} %}}' is never closed (no '{{% {endword} %}}')")
            self._tag(start, end)
            return end
        if word == "comment":
            self._tag(start, m_end.end(), "comment")
        else:
            self._tag(start, end)
            self._tag(m_end.start(), m_end.end())
        return m_end.end()

    # -- the merge tags of sending tools ------------------------------------------------------
    def _merge_tag(self, m: re.Match) -> int:
        start, end, raw = m.start(), m.end(), m.group(0)
        if m.group("mc"):
            self._mailchimp(m.group("mcbody").strip(), start, end, raw)
        elif m.group("sf"):
            self._salesforce(m.group("sfbody").strip(), start, end, raw)
        elif m.group("pct"):
            body = m.group("pctbody")
            if not (body.isupper() or "_" in body):
                return start + 1
            self.tags.append(_make_field(body, "percent", start, end, raw, _guarded(normalise_name(body), self.guards)))
        elif m.group("spin"):
            body_start = m.start("spinbody")
            first = m.group("spinbody").split("|", 1)[0]
            f = MergeField("spintax", "other", "spintax", start, end, -1, -1, True, raw)
            self.tags.append(Tag(start, end, "spin", first, f, keep=(body_start, body_start + len(first))))
        elif m.group("single"):
            body = m.group("singlebody")
            self.tags.append(_make_field(body, "single_brace", start, end, raw, _guarded(normalise_name(body), self.guards)))
        elif m.group("brbody").lower() not in BRACKET_EXEMPT:
            self.tags.append(_make_field(m.group("brbody"), "bracket", start, end, raw, False))
        return end

    def _mailchimp(self, body: str, start: int, end: int, raw: str) -> None:
        upper = body.upper()
        if upper.startswith(("IF:", "IFNOT:", "ELSEIF:", "INTERESTED:")):
            word = "elif" if upper.startswith("ELSEIF:") else "if"
            names = {normalise_name(body.split(":", 1)[1].split("=")[0])}
        elif upper.startswith("ELSE:") or upper == "ELSE":
            word, names = "else", set()
        elif upper.startswith("END:"):
            word, names = "endif", set()
        else:
            self.tags.append(_make_field(body, "mailchimp", start, end, raw, _guarded(normalise_name(body), self.guards)))
            return
        tag = self._tag(start, end)
        _track_block(word, "", start, end, names, self.stack, self.guards, self.findings, tag, mailchimp=True)

    def _salesforce(self, body: str, start: int, end: int, raw: str) -> None:
        fb = re.match(r"(?i)(?:BLANKVALUE|NULLVALUE)\s*\(\s*([\w.]+)", body)
        if fb:
            self.tags.append(_make_field(fb.group(1), "salesforce", start, end, raw, True))
            return
        fname = body.split(",")[0].strip()
        fallback = "," in body or _guarded(normalise_name(fname), self.guards)
        self.tags.append(_make_field(fname, "salesforce", start, end, raw, fallback))

    def _unclosed_blocks(self) -> None:
        for word, start, end, _names in self.stack:
            if word.startswith("mc-"):
                closer = "*|END:IF|*"
            elif word.startswith("hb-"):
                closer = "{{/" + word[3:] + "}}"
            else:
                closer = "{% end" + word + " %}"
            self._malformed(start, end, f"'{self.source[start:end]}' is never closed (no '{closer}')")


def _apply_fallbacks(sc: Scan) -> None:
    """``{{^first_name}}there{{/first_name}}`` or ``{{#unless first_name}}`` is the fallback of every ``{{first_name}}``."""
    if not sc.fallbacks:
        return
    for t in sc.tags:
        if t.field is None or t.field.fallback:
            continue
        head = re.match(r"[{\s-]*([A-Za-z_]\w*)", t.field.raw)
        if t.field.name in sc.fallbacks or (head is not None and head.group(1) in sc.loop_names):
            t.field = replace(t.field, fallback=True)


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
        if word[3:].lstrip("_") not in JINJA_BLOCKS | LIQUID_BLOCKS and not any(b[0] == want for b in stack):
            return  # the end of a tool's own tag ({% end_dnd_area %}): the parser judges it
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


#: Handlebars' built-in block helpers; any other ``{{#name}}`` is a Mustache section on ``name``.
HANDLEBARS_HELPERS = frozenset(("if", "unless", "each", "with", "let", "lookup", "log"))


def _handlebars_control(stripped: str, start: int, end: int, stack, guards, findings, fallbacks: set[str]) -> Tag:
    tag = Tag(start, end, "comment" if stripped[0] == "!" else "control")
    if stripped[0] == "#" or stripped[0] == "^":
        word, _, rest = stripped[1:].strip().partition(" ")
        names = {normalise_name(n) for n in re.findall(r"[A-Za-z_][\w.]*", rest)}
        stack.append(("hb-" + word, start, end, names))
        if stripped[0] == "^" or word == "unless":  # shown when the field is empty: a fallback
            fallbacks.update(names if word == "unless" else {normalise_name(word)})
            guards.append(set())
            tag.space = True  # "Hi {{name}}{{^name}}there{{/name}}" reads "Hi Jordan there"
        elif word in ("if", "with"):
            guards.append(names)
        else:  # a Mustache section {{#first_name}}…{{/first_name}} shows only when the field is set
            guards.append(set() if word in HANDLEBARS_HELPERS else {normalise_name(word)})
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


#: Tags only Liquid has, and only Jinja2 has: content decides a template's dialect,
#: the extension (``.liquid``) breaks a tie.
LIQUID_ONLY_RE = re.compile(
    r"\{%-?\s*(?:#|(?:end)?(?:comment|unless|case|capture|tablerow)\b|render\b|assign\b|elsif\b|when\b"
    r"|increment\b|decrement\b|cycle\b|echo\b|liquid\b)|\|\s*[a-z_]+\s*:"
)
JINJA_ONLY_RE = re.compile(
    r"\{#|\{%-?\s*(?:elif|macro|set|block|extends|import|from|call|filter|with|trans|autoescape)\b|\|\s*\w+\s*\("
)
#: Shopify theme tags, not Liquid's own: left out of the Liquid parse.
THEME_TAGS = frozenset(
    "form endform paginate endpaginate schema endschema style endstyle javascript endjavascript "
    "stylesheet endstylesheet section sections layout".split()
)


def is_liquid(source: str, path: str = "") -> bool:
    """Is this template Liquid (else Jinja2)? Its tags decide; ``.liquid`` breaks a tie."""
    liquid = LIQUID_ONLY_RE.search(source) is not None
    jinja = JINJA_ONLY_RE.search(source) is not None
    if liquid != jinja:
        return liquid
    return path.lower().endswith(".liquid")


def _parse_check(source: str, sc: Scan, path: str = "") -> None:
    """Let the dialect's own parser judge what the scanner did not: parse only, never render."""
    if sc.findings or not sc.jinja_like:
        return
    liquid = is_liquid(source, path)
    text = _dialect_text(source, sc, liquid)
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return
    error = _liquid_error(text) if liquid else _jinja_error(text)
    if error is not None:
        offset, line, message = error
        s, e = _error_span(source, sc, offset, line)
        sc.findings.append((MALFORMED, s, e, f"Template syntax error: {message}"))


def _dialect_text(source: str, sc: Scan, liquid: bool) -> str:
    """The source with every tag of other dialects blanked out (lines and offsets kept)."""
    pieces, pos = [], 0
    for t in sorted((t for t in sc.tags if not _dialects_own(source, t, liquid)), key=lambda t: t.start):
        s = max(pos, t.start)
        if s < t.end:
            pieces += [source[pos:s], _NOT_NEWLINE.sub(" ", source[s : t.end])]
            pos = t.end
    pieces.append(source[pos:])
    return "".join(pieces)


_NOT_NEWLINE = re.compile(r"[^\n]")


def _dialects_own(source: str, t, liquid: bool) -> bool:
    """Whether the dialect's parser reads tag ``t`` (the others are blanked out for it)."""
    if liquid:
        return source.startswith(("{{", "{%"), t.start) and not (
            t.kind == "control" and _statement_words(source[t.start + 2 : t.end - 2])[0] in THEME_TAGS
        )
    return (t.kind in ("comment", "control") and source.startswith(("{%", "{#"), t.start)) or (
        t.field is not None and t.field.dialect in ("jinja", "hubspot", "handlebars") and source.startswith("{{", t.start)
        and not t.field.raw[2:].lstrip("-~ ").startswith(("@", "{"))  # Handlebars' {{@index}}, {{{html}}}
    )


_UNKNOWN_TAG_RE = re.compile(r"Encountered unknown tag '(\w+)'")
#: Custom tags of Jinja-based tools (HubSpot's HubL: module, dnd_area, require_css...) are
#: not Jinja2's: each is left out of the parse, with its end tag; at most this many.
MAX_CUSTOM_TAGS = 12


def _jinja_error(text: str) -> tuple[int, int, str] | None:
    """(offset or -1, line, message) of jinja2's parse error, or None."""
    for _ in range(MAX_CUSTOM_TAGS):
        try:
            JINJA_ENV.parse(text)
        except TemplateSyntaxError as exc:
            unknown = _UNKNOWN_TAG_RE.match(exc.message or "")
            if unknown is None or unknown.group(1).startswith("end"):
                return -1, exc.lineno or 1, exc.message or "not valid Jinja2"
            text = _blank_tags(text, unknown.group(1))
            continue
        return None
    return None


def _blank_tags(text: str, word: str) -> str:
    """``text`` with every ``{% word … %}`` and its end tag blanked (lines kept)."""
    pattern = re.compile(r"\{%-?\s*(?:end_?)?" + re.escape(word) + r"\b[^%]*%\}")
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@functools.cache
def liquid_env():
    from liquid import Environment  # python-liquid: its parser builds a tree and renders nothing here

    return Environment()


def _liquid_error(text: str) -> tuple[int, int, str] | None:
    """(offset or -1, line, message) of python-liquid's parse error, or None."""
    from liquid.exceptions import LiquidError

    env = liquid_env()
    try:
        env.parse(text)
    except LiquidError as exc:
        message = str(getattr(exc, "message", "") or exc).splitlines()[0]
        token = getattr(exc, "token", None)
        offset = token.start_index if token is not None and token.source == text else -1
        if offset < 0:  # the parser lost the place: find the first tag that fails alone
            offset = _first_bad_liquid_tag(env, text)
        return offset, (text.count("\n", 0, offset) + 1) if offset >= 0 else 1, message
    return None


def _first_bad_liquid_tag(env, text: str) -> int:
    from liquid.exceptions import LiquidError

    for m in _LIQUID_TAG_RE.finditer(text):
        word = m.group(2) or "" if m.group(1) == "{%" else ""
        if word in MIDDLE or word.startswith("end"):
            continue
        closer = "{% end" + word + " %}" if word in LIQUID_BLOCKS or word in JINJA_BLOCKS else ""
        try:
            env.parse(m.group(0) + closer)
        except LiquidError:
            return m.start()
    return -1


_LIQUID_TAG_RE = re.compile(r"(\{\{|\{%)-?\s*(\w*)[^{}]*?-?(?:\}\}|%\})")


def _error_span(source: str, sc: Scan, offset: int, line: int) -> tuple[int, int]:
    """The tag at ``offset`` (or the first bad tag on ``line``), else the whole line."""
    if offset >= 0:
        for t in sc.tags:
            if t.start <= offset < t.end:
                return t.start, t.end
        line = source.count("\n", 0, offset) + 1
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
    return (on_line[0].start, on_line[0].end) if on_line else (line_start, line_end)


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
                elif t.kind == "include":
                    builder.put(t.text, t.start, t.end)
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
        if t.kind in ("field", "spin", "include") or source[pos : max(pos, t.start)].strip():
            return False
        touched = True
        pos = max(pos, t.end)
    return touched and (pos >= e or not source[pos:e].strip())


def checked_scan(path: str, source: str) -> Scan:
    """Scan the template and let its dialect's parser check it."""
    sc = scan(source)
    _parse_check(source, sc, path)
    return sc


def build_template(path: str, source: str, fmt: str = "template", sc: Scan | None = None, markdown: bool = False) -> Email:
    sc = sc if sc is not None else checked_scan(path, source)
    lines = list(plain.iter_lines(source))
    drop = [_control_only(source, sc, s, e) for s, e, _ in lines] if sc.tags else None
    emit = Emitter(sc)
    email = plain.build(path, source, fmt, markdown=markdown, emit=emit, skip=drop)
    email.fields = emit.fields
    email.link_count += sum(1 for f in emit.fields if f.dialect != "spintax" and stand_in(f.name, f.slot) == "the link")
    email.is_template = True
    email.reader_findings = list(sc.findings)
    email.included = [(t.start, t.end) for t in sc.tags if t.kind == "include"]
    return email
