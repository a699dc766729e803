"""Computed checks for the QUIT family: the form of an email that makes a buyer doubt it.

Exclamation marks, shouting in capitals, length and walls of text, links, several
calls to action and the subject line's own problems (a fake "Re:", capitals, length).
Each check returns text ranges; the rule's ``params`` set its thresholds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from ..context import Spans, inside
from . import Folded, Hit, check

# -- shared helpers ----------------------------------------------------------------

#: Placeholders and merge tags: their capitals are a template's, not the writer's voice.
PLACEHOLDER_RE = re.compile(
    r"\[[^\]\n]{0,80}\]|\{\{?[^}\n]{0,80}\}\}?|%[A-Za-z_]{1,40}%|\*\|[A-Za-z_]{1,40}\|\*|<[^>\n]{0,80}>"
)
URL_RE = re.compile(r"\bhttps?://[^\s<>()\"']+|\bwww\.[^\s<>()\"']+", re.I)
EMAIL_ADDRESS_RE = re.compile(r"\S+@\S+\.\w+")
LINK_PLACEHOLDER_RE = re.compile(
    r"[\[{]{1,2}[^\]}\n]{0,40}\b(?:link|url|calendly|website)\b[^\]}\n]{0,40}[\]}]{1,2}", re.I
)


def _ranges(ctx, *scopes: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for scope in scopes:
        out.extend(ctx.parts.get(scope))
    return out


def _placeholder_spans(ctx) -> Spans:
    """Placeholders, links, addresses and merge fields: text that is not the writer's words."""

    def compute() -> Spans:
        text = ctx.text
        spans = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
        spans += [(m.start(), m.end()) for m in URL_RE.finditer(text)]
        spans += [(m.start(), m.end()) for m in EMAIL_ADDRESS_RE.finditer(text)]
        spans += list(ctx.field_ranges)
        return Spans(spans)

    return ctx.memo("placeholder_spans", compute)


# -- exclamation marks -------------------------------------------------------------

BANG_RE = re.compile(r"!+")


@check("exclamations")
def exclamations(ctx, rule) -> Iterator[Hit]:
    """Exclamation marks in a part: every run once more than ``max`` appear, and any "!!".

    params: part (subject | message; default message), max (default 1; 0 for the subject),
    per_words (allow one mark per this many words when that is more than ``max``).
    In the message the greeting's own mark ("Hey Sam!") is not counted.
    """
    part = rule.params.get("part", "message")
    limit = int(rule.params.get("max", 0 if part == "subject" else 1))
    per_words = int(rule.params.get("per_words", 0))
    if per_words and part != "subject":
        limit = max(limit, len(ctx.words) // per_words)  # a long email may carry one more
    scopes = ("subject",) if part == "subject" else ("body", "ps")
    skip = _placeholder_spans(ctx)
    text = ctx.text
    runs = [
        (m.start(), m.end())
        for s, e in _ranges(ctx, *scopes)
        for m in BANG_RE.finditer(text, s, e)
        if not inside(m.start(), skip)
    ]
    if not runs:
        return
    if len(runs) > limit:
        for s, e in runs:
            yield Hit(s, e, None if part == "subject" else f"{len(runs)} exclamation marks in one email")
    else:
        for s, e in runs:
            if e - s >= 2:
                yield Hit(s, e, "Doubled exclamation marks")


# -- ALL CAPS ----------------------------------------------------------------------

#: Capitalised abbreviations that are words of the trade, not shouting.
ACRONYMS = frozenset(
    """
    ai ml api apis sdk ui ux qa it hr pr ir crm erp saas paas iaas b2b b2c d2c dtc roi kpi kpis okr okrs
    seo sem ppc cpc cpm cpa cac ltv arr mrr nrr grr acv tcv arpu gmv mom yoy qoq ytd eod eow eom
    sdr sdrs bdr bdrs ae aes am csm cs se vp svp evp ceo cto cfo coo cmo cro cio ciso chro cpo cso gm md
    smb smbs mid sme smes usa us uk eu emea apac latam na nyc sf la dc nasa nyse nasdaq sec fda ftc fcc
    gdpr ccpa hipaa soc iso pci sox ada ferpa fedramp nist cmmc finra aml kyc
    aws gcp azure ibm sap hp ge att
    csv pdf xls json xml html css sql http https url urls dns ip vpn sso mfa sms otp
    tv ok fyi asap eta faq tbd tba rsvp ps pps am pm est pst cst utc gmt
    llc inc ltd plc gmbh co corp
    mba phd md rn cpa jd ba bs ms msc
    q1 q2 q3 q4 h1 h2 fy
    iot ar vr xr llm llms gpt nlp ocr rpa etl bi
    nba nfl mlb nhl fifa ncaa ufc
    unesco unicef nato opec
    ev evs hvac ppe
    """.split()
)

#: Words that are only ever in capitals to raise the voice.
SHOUT_WORDS = frozenset(
    """
    free now never ever always only today tonight urgent important attention warning final last
    limited exclusive guaranteed guarantee amazing incredible huge massive best biggest
    finally really very truly totally absolutely seriously must need don't won't can't didn't isn't
    stop act buy order save win won winner bonus deal offer sale sales discount cash money rich
    click call reply open read look listen join book hurry quick fast easy instant instantly
    yes wow omg lol please help new secret proven
    revolutionary unbelievable immediately deadline expires expiring special opportunity everything
    everyone nothing critical breaking alert results miss missing forget huge double triple
    """.split()
)
#: Capitalised words that stand for a merge field rather than shout.
PLACEHOLDER_WORDS = frozenset(
    "name names firstname lastname fullname fname lname company companyname title city industry insert "
    "recipient sender contact prospect placeholder tbd".split()
)
COMMON_WORDS = (frozenset(w for w in STOP_WORDS if w.isalpha()) | SHOUT_WORDS) - ACRONYMS
CAPS_WORD_RE = re.compile(r"(?<![\w@/&.#-])[A-Za-z][A-Za-z'’]*[A-Za-z](?![\w/&@-])")
#: Where a word in capitals may start: the same shape in capitals only, so a scan
#: stops at the few candidates instead of at every word (each is then checked to be
#: a whole CAPS_WORD_RE word: "ROI" in "ROI's" is not one).
_UPPER_START_RE = re.compile(r"(?<![\w@/&.#-])[A-Z][A-Z'’]*[A-Z](?![\w/&@-])")


def _capital_words(text: str) -> list[re.Match]:
    """The CAPS_WORD_RE words of the text that are all capitals."""
    out = []
    for candidate in _UPPER_START_RE.finditer(text):
        start = candidate.start()
        if start and text[start - 1] in "'’":  # may sit inside a word like o'NEIL: scan it all
            return [m for m in CAPS_WORD_RE.finditer(text) if m.group().isupper()]
        m = CAPS_WORD_RE.match(text, start)
        if m is not None and m.end() == candidate.end():
            out.append(m)
    return out


def _shouted(word: str, counts: dict[str, int]) -> bool:
    """Is this ALL CAPS word shouting rather than an acronym or a name?"""
    core = word.replace("’", "'")
    if not core.isupper() or not core.replace("'", "").isalpha():
        return False
    low = core.lower()
    if low in PLACEHOLDER_WORDS or len(set(low)) == 1:
        return False  # "(NAME)", "XXXXXX": a gap left for a merge field
    bare = low.split("'")[0] if low.endswith(("'s", "'re", "'ll")) else low
    if bare in ACRONYMS or low in ACRONYMS:
        return False
    if counts.get(core, 0) > 1 and low not in COMMON_WORDS:
        return False  # a name written in capitals, used as a name
    return low in COMMON_WORDS  # an unknown word in capitals is an acronym or a name far more often


@check("shouting_caps")
def shouting_caps(ctx, rule) -> Iterator[Hit]:
    """ALL CAPS words that shout: common words and hype words in capitals.  Acronyms
    (CRM, SaaS, HIPAA, Q3, and any word we do not know, such as an agency's initials),
    names in capitals, placeholders ("[FIRST NAME]") and links are left alone;
    neighbouring shouted words are one finding.  params: scope parts (default body and ps)."""
    text = ctx.text
    capitals = _capital_words(text)  # only these can shout
    if not capitals:
        return
    skip = _placeholder_spans(ctx)
    counts: dict[str, int] = {}
    all_words = [m for m in capitals if not inside(m.start(), skip)]
    for m in all_words:
        w = m.group().replace("’", "'")
        counts[w] = counts.get(w, 0) + 1
    scopes = tuple(rule.params.get("parts", ("greeting", "body", "ps")))
    ranges = _ranges(ctx, *scopes)
    run: list[int] | None = None
    for m in all_words:
        if not inside(m.start(), ranges):
            continue
        if _shouted(m.group(), counts):
            if run and re.fullmatch(r"[ \t,]*", text[run[1] : m.start()]):
                run[1] = m.end()
            else:
                if run:
                    yield Hit(run[0], run[1])
                run = [m.start(), m.end()]
    if run:
        yield Hit(run[0], run[1])


@check("caps_subject")
def caps_subject(ctx, rule) -> Iterator[Hit]:
    """A subject written mostly in capitals (at least ``min_words`` capitalised words that
    are not acronyms, and most of its words)."""
    rng = ctx.email.subject_range
    if not rng:
        return
    s, e = rng
    text = ctx.text
    skip = _placeholder_spans(ctx)
    words = [m for m in CAPS_WORD_RE.finditer(text, s, e) if not inside(m.start(), skip)]
    if not words:
        return
    caps = [m for m in words if m.group().replace("’", "'").replace("'", "").isupper()]
    loud = [m for m in caps if m.group().lower() not in ACRONYMS]
    min_words = int(rule.params.get("min_words", 2))
    if len(loud) >= min_words and len(caps) / len(words) >= float(rule.params.get("share", 0.6)):
        yield Hit(words[0].start(), words[-1].end())


# -- length ------------------------------------------------------------------------


@check("long_email")
def long_email(ctx, rule) -> Iterator[Hit]:
    """More than ``max_words`` words in the message; the finding points at the sentence
    where the limit is passed."""
    limit = int(rule.params.get("max_words", 200))
    words = ctx.words
    if len(words) <= limit:
        return
    at = words[limit]
    s, e = ctx.sentence_of(at.idx)
    if e <= s:
        s, e = at.idx, at.idx + len(at.text)
    yield Hit(s, e, f"{len(words)} words; the buyer decides in the first few lines (limit {limit})")


@check("wall_of_text")
def wall_of_text(ctx, rule) -> Iterator[Hit]:
    """A body paragraph of more than ``max_words`` words; points at its first sentence."""
    limit = int(rule.params.get("max_words", 90))
    text = ctx.text
    for ps, pe in ctx.parts.paragraphs:
        n = len(re.findall(r"[\w'’$%-]+", text[ps:pe]))
        if n > limit:
            s, e = ctx.sentence_of(ps)
            if not (ps <= s < pe) or e <= s:
                s, e = ps, min(pe, text.find("\n", ps) if text.find("\n", ps) != -1 else pe)
            yield Hit(s, min(e, pe), f"A {n}-word paragraph; blocks this size get skimmed or skipped")


# -- links -------------------------------------------------------------------------


@check("many_links")
def many_links(ctx, rule) -> Iterator[Hit]:
    """More than ``max`` links (URLs and link placeholders such as "[Calendly link]");
    the finding points at the first link over the limit."""
    limit = int(rule.params.get("max", 2))
    text = ctx.text
    ranges = _ranges(ctx, "greeting", "body", "ps", "signoff")
    urls = [(m.start(), m.end()) for s, e in ranges for m in URL_RE.finditer(text, s, e)]
    taken = Spans(urls)
    found = urls + [
        (m.start(), m.end())
        for s, e in ranges
        for m in LINK_PLACEHOLDER_RE.finditer(text, s, e)
        if not _overlaps(taken, m.start(), m.end())
    ]
    taken = Spans(found)
    found += [
        (f.text_start, f.text_end)
        for f in ctx.email.fields
        if re.search(r"link|url", f.name, re.I) and f.text_start not in taken
    ]
    found.sort()
    total = max(len(found), ctx.email.link_count)
    if total <= limit:
        return
    message = f"{total} links in one email"
    if len(found) > limit:
        s, e = found[limit]
        yield Hit(s, e, message)
    else:
        body = ctx.parts.first("body")
        if body:
            s, e = ctx.sentence_of(body[0])
            yield Hit(s, max(e, s + 1), message)


def _overlaps(spans: Spans, start: int, end: int) -> bool:
    """Does [start, end) overlap any of the spans?"""
    i = bisect.bisect_left(spans.ends, start + 1)
    return i < len(spans.starts) and spans.starts[i] < end


# -- calls to action ---------------------------------------------------------------

_ASK_FRAME = (
    r"(?:\?|\b(?:let'?s|let us|schedule|book|set up|hop on|jump on|grab|are you (?:free|available)|"
    r"do you have|would you|could we|can we|shall we|how about|i'?d love to|please)\b)"
)
ASK_KINDS: list[tuple[str, re.Pattern]] = [
    (
        "a meeting",
        re.compile(
            r"\b(?:(?:book|grab|pick|schedule|choose|find) (?:a|some) (?:time|slot)\b|calendly|my calendar\b"
            r"|(?:a|quick|short|brief|\d+[- ]?min(?:ute)?s?|the) (?:call|chat|meeting|demo|zoom|coffee)\b"
            r"|\b(?:\d+|a few|fifteen|ten|twenty|thirty) minutes\b)",
            re.I,
        ),
    ),
    (
        "a click",
        re.compile(
            r"\b(?:click (?:here|the link|below|on|through)|check out (?:our|my|the) (?:site|website|page|video|demo|deck|link)"
            r"|visit (?:our|my|the) (?:site|website|page)|watch (?:the|our|this|my) (?:video|demo)|download (?:our|the|my|this)"
            r"|read (?:more|the full)|see (?:our|my) (?:website|site|portfolio)|learn more (?:at|here|on)|follow us)\b",
            re.I,
        ),
    ),
    (
        "a sign-up",
        re.compile(
            r"\b(?:sign up|register (?:now|here|today|for)|subscribe (?:now|here|today|to)|buy (?:now|today)|order (?:now|today)"
            r"|start (?:your|a) free trial|try it (?:now|free|today)|claim your|fill (?:out|in) (?:the|our|this) (?:form|survey))\b",
            re.I,
        ),
    ),
    (
        "a referral",
        re.compile(
            r"\b(?:point me (?:to|towards)|who (?:is|would be|'s) the (?:right|best) person|forward (?:this|me|it) (?:to|on)"
            r"|introduce me to|connect me with|pass (?:this|it) (?:along|on) to)\b",
            re.I,
        ),
    ),
    (
        "a reply",
        re.compile(
            r"\b(?:reply (?:to this|with|back)|hit reply|just reply|email me|call me|text me|contact me|get back to me"
            r"|give me a call|send me your)\b",
            re.I,
        ),
    ),
]
_FRAME_RE = re.compile(_ASK_FRAME, re.I)
#: The same kinds, for the first question (which kinds occur at all) on the lower-cased text.
_ASKS_PRESENT = [Folded(pattern.pattern) for _kind, pattern in ASK_KINDS]


@check("several_asks")
def several_asks(ctx, rule) -> Iterator[Hit]:
    """Two or more different kinds of ask (a meeting, a click, a sign-up, a referral, a
    reply) in different sentences of the body and P.S.  A meeting only counts in a
    sentence that asks (a question, or "let's", "book", "schedule"...).  Points at the
    first sentence of the second kind."""
    text = ctx.text
    ranges = _ranges(ctx, "body", "ps")
    minimum = int(rule.params.get("min_kinds", 2))
    present = sum(1 for pattern in _ASKS_PRESENT if any(pattern.search(ctx, s, e) for s, e in ranges))
    if present < minimum:
        return  # most emails: fewer kinds of ask in the whole message than it takes
    first_of: dict[str, tuple[int, int]] = {}
    for s, e in ctx.parts.sentences:
        if not inside(s, ranges):
            continue
        sentence = text[s:e]
        if re.match(r"(?:or|otherwise|alternatively)\b", sentence, re.I):
            continue  # an alternative to the ask before it, not a second ask
        for kind, pattern in ASK_KINDS:
            if kind in first_of or not pattern.search(sentence):
                continue
            if kind == "a meeting" and not _FRAME_RE.search(sentence):
                continue
            if any(v == (s, e) for v in first_of.values()):
                continue  # one sentence, one ask ("reply or book a time" is one offer)
            first_of[kind] = (s, e)
    if len(first_of) < minimum:
        return
    ordered = sorted(first_of.items(), key=lambda kv: kv[1])
    kinds = [k for k, _ in ordered]
    s, e = ordered[1][1]
    yield Hit(s, e, f"Asks for {' and '.join(kinds[:3])}; give the buyer one thing to do")


# -- subject line ------------------------------------------------------------------

REPLY_PREFIX_RE = re.compile(r"^[ \t]*(?:re|fwd?|aw|sv|tr)[ \t]*(?:\[\d+\])?[ \t]*:", re.I)
PRIOR_CONTACT_RE = re.compile(
    r"\b(?:my (?:last|previous|earlier|first) (?:note|email|e-mail|message|mail)|since (?:my|our) last"
    r"|follow(?:ing)?[- ]up|circl(?:e|ing) back|as (?:discussed|promised|mentioned|requested|agreed)"
    r"|thanks? (?:you )?for (?:your time|the call|getting back|replying|your reply|the chat|chatting|meeting)"
    r"|(?:we|you and i) (?:spoke|talked|met|chatted)|you (?:asked|mentioned|said|wrote|replied)"
    r"|per our|our (?:call|chat|conversation|meeting)|your (?:reply|question|note|email)"
    r"|great (?:chatting|talking|speaking|meeting)|forwarding (?:this|you)|see (?:below|the thread))\b",
    re.I,
)


@check("fake_reply_subject")
def fake_reply_subject(ctx, rule) -> Iterator[Hit]:
    """A subject starting "Re:" or "Fwd:" on an email that refers to no earlier exchange."""
    rng = ctx.email.subject_range
    if not rng:
        return
    m = REPLY_PREFIX_RE.match(ctx.text, rng[0], rng[1])
    if not m:
        return
    body = " ".join(ctx.text[s:e] for s, e in _ranges(ctx, "greeting", "body", "ps"))
    if PRIOR_CONTACT_RE.search(body):
        return
    start = m.start() + len(m.group()) - len(m.group().lstrip())
    yield Hit(start, m.end())


@check("long_subject")
def long_subject(ctx, rule) -> Iterator[Hit]:
    """A subject of more than ``max_words`` words or ``max_chars`` characters."""
    rng = ctx.email.subject_range
    if not rng:
        return
    s, e = rng
    subject = ctx.text[s:e]
    n = len(subject.split())
    if n > int(rule.params.get("max_words", 10)) or len(subject.strip()) > int(rule.params.get("max_chars", 80)):
        yield Hit(s, e, f"The subject runs to {n} words; inboxes cut it off")
