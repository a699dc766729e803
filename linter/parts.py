"""Find the parts of an email: subject, greeting, opener, body, call to action, sign-off, P.S.

Outreach has a shape a general prose linter does not know: the opener is where the
buyer decides to read on, the call to action is the closing ask, the sign-off is
not prose.  Rules declare the part they apply to (``scope``) and checks look parts
up here.  All ranges are character ranges of ``Email.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from .email import Email

GREETING_RE = re.compile(
    r"""[ \t]*(?:
        (?:hi|hello|hey|hiya|howdy|dear|greetings|good\s(?:morning|afternoon|evening)|yo)\b[^\n,.!?—–:]{0,50}[,.!—–:]?
      | (?-i:[A-Z][\w'’.-]*(?:[ \t][A-Z][\w'’.-]*){0,2})[ \t]*[,—–]    # "Steve —", "Dr. Patel,"
    )""",
    re.X | re.I,
)
SIGNOFF_RE = re.compile(
    r"[ \t]*(?:best(?:\swishes|\sregards)?|regards|kind\sregards|warm(?:est)?\sregards|warmly|thanks(?:\sagain|\sso\smuch)?"
    r"|thank\syou|many\sthanks|cheers|sincerely|all\sthe\sbest|talk\ssoon|speak\ssoon|yours(?:\struly|\ssincerely)?"
    r"|respectfully|take\scare|with\sthanks|appreciate\sit|thx|rgds|br)\b[^\n]{0,25}$",
    re.I,
)
PS_RE = re.compile(r"[ \t]*p\.?\s?p?\.?\s?s\.?[\s:,.-]", re.I)


@dataclass
class Parts:
    """Character ranges of each part, and the sentences of the email."""

    ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # trimmed, non-empty
    body_sentences: list[tuple[int, int]] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # body paragraphs

    def get(self, name: str) -> list[tuple[int, int]]:
        return self.ranges.get(name, [])

    def contains(self, scope: str, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.ranges.get(scope, ()))

    def first(self, name: str) -> tuple[int, int] | None:
        r = self.ranges.get(name)
        return r[0] if r else None


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        out.append((pos, stop))
        pos = stop + 1
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def find_parts(email: Email, doc: Doc) -> Parts:
    """The email's parts (subject, greeting, body, sign-off, P.S., opener, ask), its
    sentences and its body paragraphs, as text ranges."""
    text = email.text
    parts = Parts()
    ranges = parts.ranges
    body_start = 0
    if email.subject_range:
        ranges["subject"] = [email.subject_range]
        body_start = email.subject_range[1]
    lines = list(_lines(text, body_start, len(text)))
    content = [(s, e) for s, e in lines if text[s:e].strip()]
    msg_start = _greeting(text, content, ranges)
    body = _body(text, content, msg_start, ranges)
    _sentences(text, doc, body, parts)
    parts.paragraphs = _paragraphs(text, lines, body)
    linted = [r for name in ("subject", "greeting", "body", "signoff", "ps") for r in ranges.get(name, [])]
    ranges["all"] = linted
    ranges["message"] = [r for r in linted if r != email.subject_range]
    return parts


def _greeting(text: str, content: list[tuple[int, int]], ranges: dict) -> int:
    """Set the greeting: a short first line ("Hi Dana," / "Dana —"), or its prefix on a
    longer line; return where the message after it starts."""
    if not content:
        return len(text)
    s, e = content[0]
    m = GREETING_RE.match(text, s, e)
    if m and (m.end() - s) <= 60 and (m.end() == e or text[m.end() - 1] in ",—–:!."):
        ranges["greeting"] = [_trim(text, s, m.end())]
        return m.end()
    return s


def _body(text: str, content: list[tuple[int, int]], msg_start: int, ranges: dict) -> tuple[int, int]:
    """Set the P.S. and the sign-off (found from the end) and the body between; return the body."""
    end = len(text)
    ps_start = next((s for s, e in content if s >= msg_start and PS_RE.match(text, s, e)), None)
    if ps_start is not None:
        ranges["ps"] = [_trim(text, ps_start, end)]
    tail_end = ps_start if ps_start is not None else end
    candidates = reversed([c for c in content if msg_start <= c[0] < tail_end])
    signoff_start = next((s for s, e in candidates if SIGNOFF_RE.match(text, s, e)), None)
    body_end = tail_end
    if signoff_start is not None and _is_tail(text, content, signoff_start, tail_end):
        ranges["signoff"] = [_trim(text, signoff_start, tail_end)]
        body_end = signoff_start
    body = _trim(text, msg_start, body_end)
    if body[1] > body[0]:
        ranges["body"] = [body]
    return body


def _sentences(text: str, doc: Doc, body: tuple[int, int], parts: Parts) -> None:
    """The sentences, the body's sentences, the opener and the ask (the last question)."""
    for sent in doc.sents:
        s, e = _trim(text, sent.start_char, sent.end_char)
        if e > s:
            parts.sentences.append((s, e))
    # a sentence that begins with the greeting ("Wayne, I'm reaching out...") starts the body where the greeting ends
    parts.body_sentences = [
        _trim(text, max(s, body[0]), e) for s, e in parts.sentences if body[0] <= s < body[1] or s < body[0] < e
    ]
    if parts.body_sentences:
        first = parts.body_sentences[0]
        parts.ranges["opener"] = [(first[0], min(first[1], body[1]))]
        asks = [x for x in parts.body_sentences if text[x[1] - 1] == "?"]
        parts.ranges["cta"] = [asks[-1] if asks else parts.body_sentences[-1]]


def _paragraphs(text: str, lines: list[tuple[int, int]], body: tuple[int, int]) -> list[tuple[int, int]]:
    """The body's paragraphs (separated by blank lines)."""
    out = []
    para_start = last_end = None
    for s, e in lines:
        if not (body[0] <= s < body[1]) and not (s <= body[0] < e):
            continue
        if text[s:e].strip():
            if para_start is None:
                para_start = max(s, body[0])
            last_end = min(e, body[1])
        elif para_start is not None:
            out.append((para_start, last_end))
            para_start = None
    if para_start is not None:
        out.append((para_start, last_end))
    return out


def _is_tail(text: str, content: list[tuple[int, int]], start: int, end: int) -> bool:
    """A sign-off is only followed by a few short lines (a name, a title, a phone)."""
    after = [c for c in content if start < c[0] < end]
    return len(after) <= 5 and all(e - s <= 80 for s, e in after)
