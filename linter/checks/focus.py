"""Computed checks for the seller-centric (S) and generic (G) families.

These look at the email as a whole (who it is about, what it asks, whether it
carries anything checkable) rather than at a fixed phrase:

- ``self_focus``: the sender's self words (I, we, our...) heavily outnumber you/your;
- ``self_intro_opener``: the opener is the sender introducing themselves;
- ``meeting_before_reason``: the call to action asks for a call, a meeting, a demo or
  minutes while the email has given no specific reason to meet;
- ``no_specifics``: a body of some length with no number, name or date in it;
- ``feature_dump``: three or more capabilities of the seller's product in one list
  or one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..context import SELF_WORDS, YOU_WORDS, inside
from . import Folded, Hit, check

if TYPE_CHECKING:
    from ..context import Context
    from ..rulepack import Rule


def _prose_ranges(ctx: Context) -> list[tuple[int, int]]:
    """Body and P.S.: the writer's own prose (not the greeting, not the sign-off)."""
    return ctx.ranges("body") + ctx.ranges("ps")


def _opener(ctx: Context) -> tuple[int, int] | None:
    """The first sentence of the body, also when a greeting shares its line ("Hi Tom, allow me...")."""
    body = ctx.parts.first("body")
    if body is None:
        return None
    s, e = ctx.sentence_of(body[0])
    if s < body[0] < e:
        return body[0], min(e, body[1])
    return ctx.parts.first("opener")


def _prose_sentences(ctx: Context) -> list[tuple[int, int]]:
    prose = _prose_ranges(ctx)
    out = []
    for s, e in ctx.parts.sentences:
        if inside(s, prose):
            out.append((s, e))
        else:  # a sentence that begins in the greeting line: keep its body part
            starts = [ps for ps, pe in prose if s < ps < e]
            if starts:
                out.append((starts[0], e))
    return out


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


# -- S: the seller is the subject -------------------------------------------------


@check("self_focus")
def self_focus(ctx: Context, rule: Rule) -> Iterator[Hit]:
    """Self words (I, we, our...) dominate the you words.

    ``min_self`` self words at least and a self share of at least ``min_share``;
    reported on the first sentence that is about the sender.
    """
    min_self = int(rule.params.get("min_self", 6))
    min_share = float(rule.params.get("min_share", 0.75))
    m = ctx.metrics
    n_self, n_you = int(m["self_words"]), int(m["you_words"])
    if n_self < min_self or n_self + n_you == 0 or n_self / (n_self + n_you) < min_share:
        return
    target = None
    for s, e in _prose_sentences(ctx):
        toks = [t.lower_ for t in ctx.doc.char_span(s, e, alignment_mode="expand") or []]
        mine = sum(1 for w in toks if w in SELF_WORDS)
        yours = sum(1 for w in toks if w in YOU_WORDS)
        if mine and mine > yours:
            target = (s, e)
            break
    if target is None:
        body = ctx.ranges("body")
        if not body:
            return
        target = ctx.sentence_of(body[0][0])
        if target[0] == target[1]:
            target = body[0]
    reader = f"the reader {_times(n_you)}" if n_you else "never about the reader"
    yield Hit(target[0], target[1], f"Talks about the sender {_times(n_self)} (I, we, our) and {reader} (you, your)")


# "strong" openers: the sender's name, title or company before anything about the buyer.
_INTRO_STRONG = re.compile(
    r"""(?:
        (?:hi|hello|hey)?[\s,!.]*                                   # "Hi, my name is..."
        (?:
            my\s+name\s+is\b
          | (?:allow|let|permit)\s+me\s+(?:to\s+)?introduce\b
          | i(?:'|’)?d\s+like\s+to\s+introduce\s+(?:myself|us|our)\b
          | i\s+would\s+like\s+to\s+introduce\s+(?:myself|us|our)\b
          | (?:i\s+am|i(?:'|’)m)\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?
                (?:head|director|founder|co-?founder|ceo|cto|coo|cmo|vp|manager|representative|rep|executive|
                   consultant|specialist|partner|owner|president|lead|account|associate|recruiter|advisor|officer)\b
                [^.?!\n]{0,60}?\b(?:at|of|with|from|for)\b
          | (?:we\s+are|we(?:'|’)re)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?
                (?:company|agency|firm|provider|platform|startup|team|consultancy|vendor|leader|studio|business)\b
          | (?:here\s+)?at\s+[A-Z\[{][^,\n]{0,40},\s+we\b
          | (?:i\s+am|i(?:'|’)m)\s+(?:reaching\s+out|writing|contacting\s+you)\s+(?:from|on\s+behalf\s+of)\b
          | on\s+behalf\s+of\s+(?:our|my)\b
        )
    )""",
    re.X | re.I,
)
# "mild" openers: "I'm Dana from Acme", "I'm Dana, founder of Acme".
_INTRO_MILD = re.compile(
    r"""(?i:hi|hello|hey)?[\s,!.]*
        (?i:i\s+am|i(?:'|’)m|this\s+is)\s+(?:\[[^\]\n]{1,30}\]|[A-Z{][\w}'’.-]*(?:\s+[A-Z][\w'’.-]*)?)\s*
        (?:,\s*(?i:the\s+|a\s+|an\s+)?[\w-]+(?:\s+[\w-]+){0,3}\s+(?i:of|at)\b|\s+(?i:from|with|at|of)\s+[A-Z\[{])""",
    re.X,
)


# A stock pleasantry the real opener may follow.
_PLEASANTRY = re.compile(
    r"""(?:i\s+)?(?:hope|trust)\s+(?:this|that|you|all|your)\b[^.?!\n]{0,40}[.!]?$
      | (?:good\s+(?:morning|afternoon|day|evening)|greetings|happy\s+\w+)\b[^.?!\n]{0,20}[.!]?$""",
    re.X | re.I,
)


@check("self_intro_opener")
def self_intro_opener(ctx: Context, rule: Rule) -> Iterator[Hit]:
    """The opener (first sentence of the body) introduces the sender.

    ``strength: strong`` finds "My name is...", "Allow me to introduce...", "I am the
    head of sales at...", "We are a leading agency..."; ``strength: mild`` finds
    "I'm Dana from Acme" and "I'm Dana, founder of Acme".
    """
    pattern = _INTRO_MILD if rule.params.get("strength") == "mild" else _INTRO_STRONG
    opener = _opener(ctx)
    if opener is None:
        return
    candidates = [opener]
    if _PLEASANTRY.match(ctx.text, *opener):  # "Hope you're well. My name is..."
        later = [x for x in _prose_sentences(ctx) if x[0] >= opener[1]]
        candidates += later[:1]
    for s, e in candidates:
        if pattern.match(ctx.text, s, e):
            yield Hit(s, e)
            return


# What a call, meeting or time ask looks like.
_ASK_WORDS = Folded(
    r"""(?<!the\s)(?<!that\s)(?<!your\s)\b(?:call|meeting|demo)\b | \b(?:zoom|calendar|calendly|schedule)\b
      | \b(?:quick|short|brief)\s+(?:chat|conversation|catch-up|sync)\b
      | \b(?:\d+|a\s+few|few|five|ten|fifteen|twenty|thirty)(?:\s*(?:-|–|to)\s*\d+)?[\s-]*min(?:ute)?s?\b
      | \b(?:hop|jump|get)\s+on\s+(?:a|the)\b
      | \bmeet\b | \bcoffee\b
      | \btime\s+to\s+(?:talk|chat|connect|speak|meet)\b""",
    re.X,
)
# ...and what makes a sentence a request rather than a mention.
_REQUEST = re.compile(
    r"""\?\s*$
      | \b(?:would|could|can|will)\s+you\b | \bdo\s+you\s+have\b | \bare\s+you\s+(?:open|free|available|around)\b
      | \b(?:can|could|shall)\s+we\b | \blet(?:'|’)?s\b | \blet\s+me\s+know\b
      | \bi(?:'|’)?d\s+(?:love|like)\b | \bi\s+would\s+(?:love|like)\b | \bi\s+want\s+to\b
      | (?:^|[,;:—–]\s*|\b(?:please|just|let(?:'|’)?s|you\s+can|feel\s+free\s+to)\s+)(?:book|schedule|grab|pick)\s+(?:a|some)\b
      | \bhere(?:'|’)?s\s+my\b | \bplease\b""",
    re.X | re.I,
)


def _asks(ctx: Context) -> list[tuple[int, int]]:
    text = ctx.text
    return [
        (s, e)
        for s, e in _prose_sentences(ctx)
        if _ASK_WORDS.search(ctx, s, e) and _REQUEST.search(text[s:e])
    ]


@check("meeting_before_reason")
def meeting_before_reason(ctx: Context, rule: Rule) -> Iterator[Hit]:
    """A call, meeting, demo or minutes asked for before the email gives a reason.

    Fires on the ask sentence when the ask is the opener, or when the rest of the
    body and P.S. holds fewer than ``min_specifics`` specifics (numbers, names,
    dates — merge-field stand-ins do not count).
    """
    min_specifics = int(rule.params.get("min_specifics", 2))
    asks = _asks(ctx)
    if not asks:
        return
    prose = _prose_ranges(ctx)
    outside = [
        t for t in ctx.specifics if inside(t.idx, prose) and not inside(t.idx, asks)
    ]
    opener = _opener(ctx)
    for s, e in asks:
        if (opener is not None and s == opener[0]) or len(outside) < min_specifics:
            yield Hit(s, e)
            return  # one ask is enough to show the pattern


# -- G: nothing checkable ---------------------------------------------------------


@check("no_specifics")
def no_specifics(ctx: Context, rule: Rule) -> Iterator[Hit]:
    """A body of ``min_words`` words or more with no number, name or date in it.

    The greeting's name and merge-field stand-ins do not count as specifics.
    Reported on the first sentence of the body.
    """
    min_words = int(rule.params.get("min_words", 40))
    prose = _prose_ranges(ctx)
    n_words = sum(1 for t in ctx.words if inside(t.idx, prose))
    if n_words < min_words:
        return
    if any(inside(t.idx, prose) for t in ctx.specifics):
        return
    first = _opener(ctx)
    if first is None:
        return
    yield Hit(first[0], first[1], f"{n_words} words and not one number, name or date the reader could check")


_PRODUCT = r"(?:platform|solution|product|software|tool|app|application|system|technology|suite|service|offering|engine|agent|dashboard)s?"
_OFFER_VERB = r"(?:offers?|provides?|includes?|features?|delivers?|combines?|supports?|comes\s+with|gives\s+you|lets\s+you|enables?|allows?|uses)"
# A line that introduces the seller's feature list: "Our platform includes:", "Key features:".
_LIST_INTRO = Folded(
    rf"""(?:\b(?:our|my)\s+(?:[\w-]+\s+){{0,3}}?{_PRODUCT}\b[^\n]*?\b{_OFFER_VERB}\b
        | \b(?:key\s+)?features\b | \bcapabilities\b | \bwith\s+(?:our|my)\s+(?:[\w-]+\s+){{0,3}}?{_PRODUCT}\b
        | \b(?:we|i)\s+(?:offer|provide|deliver)\b
        | \bwhat\s+if\s+[^\n]*\bcould\b | \b(?:quick\s+)?recap\b
        | \b(?:it|this\s+(?:tool|app|platform))\s+(?:can|will|lets\s+you)\b
        | \bwe(?:'|’)re\s+an?\s+[^\n]*?{_PRODUCT}\b | \bwe\s+are\s+an?\s+[^\n]*?{_PRODUCT}\b)[^\n]*:[*_\s]*$""",
    re.X,
)
_BULLET = re.compile(r"[ \t]*(?:[-*•·▪–]|\d+[.)])[ \t]+\S")
# The seller's product with an offering verb, in a sentence.
_SENTENCE_INTRO = Folded(
    rf"""\b(?:our|my)\s+(?:[\w-]+\s+){{0,3}}?{_PRODUCT}\b[^.?!\n]*?\b{_OFFER_VERB}\b
      | \b(?:we|i)\s+(?:offer|provide|deliver|specialize\s+in|specialise\s+in)\b
      | \b(?:we\s+are|we(?:'|’)re)\s+an?\s+[^.?!\n]*?{_PRODUCT}\s+(?:that|which)\s+[^.?!\n]*?\b{_OFFER_VERB}\b""",
    re.X,
)
_ITEM_SEP = re.compile(r",(?!\d)\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|&)\s+")
#: A listed capability is a few words ("smart caching"); a longer piece is a clause.
MAX_ITEM_WORDS = 6


@check("feature_dump")
def feature_dump(ctx: Context, rule: Rule) -> Iterator[Hit]:
    """Three or more capabilities of the seller's product, listed.

    Either a line introducing the seller's product ("Our platform includes:") followed
    by ``min_items`` bullet lines, or one sentence where the product "offers X, Y and Z"
    with short items (a sentence that goes on to a second clause lists nothing).
    """
    min_items = int(rule.params.get("min_items", 3))
    text = ctx.text
    prose = _prose_ranges(ctx)
    # 1. an introduced bullet list
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    for i, (s, e) in enumerate(lines):
        if not inside(s, prose) or not _LIST_INTRO.search(ctx, s, e):
            continue
        j = i + 1
        while j < len(lines) and not text[lines[j][0] : lines[j][1]].strip():
            j += 1
        items = 0
        last = e
        while j < len(lines) and _BULLET.match(text, lines[j][0], lines[j][1]):
            items += 1
            last = lines[j][1]
            j += 1
        if items >= min_items:
            start = s + (len(text[s:e]) - len(text[s:e].lstrip()))
            yield Hit(start, last, f"Lists {items} features of the sender's product")
            return
    # 2. one sentence with a list after the offering verb
    for s, e in _prose_sentences(ctx):
        m = _SENTENCE_INTRO.search(ctx, s, e)
        if not m:
            continue
        items = _ITEM_SEP.split(text[m.end() : e])
        if len(items) >= min_items and all(len(x.split()) <= MAX_ITEM_WORDS for x in items[:-1]):
            yield Hit(s, e, f"Lists {len(items)} things the sender's product does")
            return
