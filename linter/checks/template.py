"""Checks for template and merge-field defects (M1xx) and merge-field-only personalisation (T2xx).

They read ``Email.fields`` (the merge fields a template reader found, with their text
ranges) and ``Email.is_template``; the reader itself reports malformed syntax (M104).
"""

from __future__ import annotations

import re

from ..merge_tags import BRACKET_EXEMPT, DIALECT_SYNTAX, MASTER_RE, RECIPIENT_SLOTS, is_sender_field, may_hold_tags
from . import Hit, check

_BREAKS_BEFORE = frozenset(
    "hi hello hey dear greetings at for with of to from on in about like as and by congrats congratulations "
    "thanks thank the your".split()
)
_PUNCT_AFTER = tuple(",.!?;:'’)")

# Placeholders a writer forgot to fill, in any file.
WRITER_PLACEHOLDER_RE = re.compile(
    r"(?<![\w-])X{2,4}(?![\w-])"
    r"|<\s*insert\b[^<>\n]{0,40}>"
    r"|\[\s*insert\b[^\]\n]{0,40}\]"
    r"|\{\s*insert\b[^{}\n]{0,40}\}"
    r"|(?<![\w-])TB[DC](?![\w-])"
    r"|\blorem ipsum\b",
)
_TBD_OK_RE = re.compile(r"(?:\b(?:is|are|still|remains?|currently|date|dates|time|times|venue|details?)\s+)$", re.I)
# In a file not read as a template, merge-tag syntax left in the text is a placeholder.
_HTML_TAGS = frozenset("a b i u p br hr em strong span div table tr td th li ul ol img html body head".split())
ANGLE_PLACEHOLDER_RE = re.compile(r"<([A-Za-z][A-Za-z _'’-]{1,40})>")


@check("reader_findings")
def reader_findings(ctx, rule):
    """The findings the reader made itself for this rule (malformed template syntax),
    at their source offsets (a negative Hit: see ``engine``)."""
    for code, s, e, message in ctx.email.reader_findings:
        if code == rule.code:
            yield Hit(-1 - s, -1 - e, message)


@check("unfilled_placeholder")
def unfilled_placeholder(ctx, rule):
    text = ctx.text
    email = ctx.email
    has_angle = "<" in text
    has_tags = not email.is_template and may_hold_tags(text)  # most drafts hold none
    for s, e in ctx.ranges("all"):
        for m in WRITER_PLACEHOLDER_RE.finditer(text, s, e):
            word = m.group(0)
            if word.startswith("TB") and _TBD_OK_RE.search(text, max(s, m.start() - 20), m.start()):
                continue
            yield Hit(m.start(), m.end(), f'Unfilled placeholder "{word}" left in the text')
        for m in ANGLE_PLACEHOLDER_RE.finditer(text, s, e) if has_angle else ():
            inner = m.group(1).strip()
            if inner.lower() in _HTML_TAGS:
                continue
            yield Hit(m.start(), m.end(), f'Unfilled placeholder "{m.group(0)}" left in the text')
        if has_tags:
            for m in MASTER_RE.finditer(text, s, e):
                raw = m.group(0)
                if m.group("open"):
                    close = {"{{": "}}", "{%": "%}", "{#": "#}"}[raw]
                    end = text.find(close, m.end(), min(e, m.end() + 80))
                    if end == -1:
                        continue
                    m_end = end + len(close)
                    raw = text[m.start() : m_end]
                else:
                    m_end = m.end()
                    if m.group("pct") and not (m.group("pctbody").isupper() or "_" in m.group("pctbody")):
                        continue
                    if m.group("bracket") and m.group("brbody").lower() in BRACKET_EXEMPT:
                        continue
                if m.group("spin"):
                    yield Hit(m.start(), m_end, f'Spintax "{raw}" left in the text')
                else:
                    yield Hit(m.start(), m_end, f'Unfilled placeholder "{raw}" left in the text')
    # bracket slots in a template: no sending tool fills [First Name] or [insert company]
    for f in email.fields:
        if f.dialect == "bracket":
            yield Hit(f.text_start, f.text_end, f'Unfilled placeholder "{f.raw}" left in the text')


def _empty_render(text: str, start: int, end: int) -> tuple[bool, str]:
    """Would the sentence break with the field empty? And what would it read."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le == -1 else le
    left = text[ls:start].rstrip()
    stop = max(left.rfind(". "), left.rfind("! "), left.rfind("? "))
    if stop != -1:
        left = left[stop + 2 :]
    right = text[end:le].lstrip()
    last = left.split()[-1].lower().strip("(\"'“") if left.split() else ""
    broken = bool(
        (right and right.startswith(_PUNCT_AFTER))
        or last in _BREAKS_BEFORE
        or (not left and right and right[0].isalpha())
    )
    preview = " ".join((left + " " + right).split()) if right[:1] not in _PUNCT_AFTER else " ".join(left.split()) + " " + right
    preview = preview.strip()
    if len(preview) > 48:
        preview = preview[:47] + "…"
    return broken, preview


@check("merge_field_no_fallback")
def merge_field_no_fallback(ctx, rule):
    if not ctx.email.fields:
        return
    seen = set()
    for f in ctx.email.fields:
        if f.fallback or f.slot not in RECIPIENT_SLOTS or f.dialect in ("bracket", "spintax") or is_sender_field(f.name):
            continue
        if f.name in seen or f.text_start < 0:
            continue
        broken, preview = _empty_render(ctx.text, f.text_start, f.text_end)
        if not broken:
            continue
        seen.add(f.name)
        yield Hit(f.text_start, f.text_end, f'"{f.raw}" has no fallback: an empty value renders "{preview}"')


@check("mixed_merge_dialects")
def mixed_merge_dialects(ctx, rule):
    first: dict[str, object] = {}
    for f in ctx.email.fields:
        fam = DIALECT_SYNTAX.get(f.dialect)
        if fam is None or fam in first:
            continue
        first[fam] = f
        if len(first) == 2:
            a = next(iter(first.values()))
            line = ctx.email.line_col(a.src_start)[0]
            yield Hit(
                f.text_start,
                f.text_end,
                f'Mixes merge-tag styles: "{f.raw}" here and "{a.raw}" on line {line}; one of them will not be filled',
            )
            return


@check("spintax")
def spintax(ctx, rule):
    for f in ctx.email.fields:
        if f.dialect == "spintax":
            yield Hit(f.text_start, f.text_end, f'Spintax "{f.raw}" varies the words, not the message')


_PS_PREFIX_RE = re.compile(r"^p\.?\s?s\.?[:\s-]*", re.I)


@check("merge_field_only_personalisation")
def merge_field_only_personalisation(ctx, rule):
    """Template whose only specifics are merge fields: find-and-replace personalisation."""
    email = ctx.email
    if not email.is_template:
        return
    min_words = int(rule.params.get("min_words", 40))
    max_specifics = int(rule.params.get("max_specifics", 0))
    msg_ranges = ctx.ranges("greeting") + ctx.ranges("body") + ctx.ranges("ps")
    fields = [
        f
        for f in email.fields
        if f.dialect != "spintax"
        and f.slot in ("name", "company", "title", "research")
        and not is_sender_field(f.name)
        and any(s <= f.text_start < e for s, e in msg_ranges)
    ]
    if not fields or len(ctx.words) < min_words:
        return
    text = ctx.text
    for f in email.fields:
        # a slot that fills a whole line ({{ specific_issue }}, "P.S. {{ ps_line }}") carries per-recipient research
        ls = text.rfind("\n", 0, f.text_start) + 1
        le = text.find("\n", f.text_end)
        line = text[ls : len(text) if le == -1 else le].strip()
        if not is_sender_field(f.name) and f.dialect != "spintax" and _PS_PREFIX_RE.sub("", line) == text[f.text_start : f.text_end]:
            return
    if len(ctx.specifics) > max_specifics:
        return
    names = sorted({f.name for f in fields})
    shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    body_fields = [f for f in fields if ctx.in_scope("body", f.text_start)] or fields
    f = body_fields[0]
    yield Hit(f.text_start, f.text_end, f"The only personal details are merge fields ({shown}); the rest could go to anyone")


_CUE_RE = re.compile(
    r"\b(?:lov(?:e|ed)|enjoy(?:ed)?|impressed|congrat\w*|kudos|admire|great|amazing|awesome|fantastic|inspiring|"
    r"saw|noticed|read|came across|caught|stumbled|see that|seeing)\b",
    re.I,
)
_IMPLICATION_RE = re.compile(
    r"\b(?:which|so|means?|meaning|that's why|because|probably|likely|guess|imagine|suspect|must|wonder(?:ed|ing)?|"
    r"usually|often|typically|if so|curious|makes me think|implies|raises)\b",
    re.I,
)
_PITCH_RE = re.compile(
    r"^\W*(?:we|our|at\s+\w+,\s+we)\b|^\W*i(?:'m| am)? (?:help|work with|run|lead|founded|built|wanted|reach(?:ing)? out)\b"
    r"|\b(?:we help|we've helped|our (?:platform|product|tool|software|solution|team|service|company|agency)"
    r"|i'd love to|we'd love to|i wanted to|we specialize|we offer|we provide|let me introduce)\b",
    re.I,
)


_SELF_PITCH_RE = re.compile(r"\b(?:we can|we could|we help|our|connect|call|chat|meeting|demo)\b", re.I)


@check("observation_slot_no_implication")
def observation_slot_no_implication(ctx, rule):
    """A compliment/observation built on a merge field, followed straight by a pitch."""
    email = ctx.email
    if not email.fields:
        return
    text = ctx.text
    sents = [s for s in ctx.parts.sentences if ctx.in_scope("body", s[0]) or ctx.in_scope("greeting", s[0])]
    for idx, (s, e) in enumerate(sents):
        slot_fields = [
            f
            for f in email.fields
            if s <= f.text_start < e and f.dialect != "spintax" and f.slot in ("research", "company", "title", "other")
        ]
        if not slot_fields:
            continue
        sentence = text[s:e]
        cue = _CUE_RE.search(sentence)
        if cue is None or s + cue.start() > slot_fields[0].text_start or _IMPLICATION_RE.search(sentence):
            continue
        if _SELF_PITCH_RE.search(sentence):  # the sentence is itself the pitch, not an observation
            continue
        if idx + 1 >= len(sents):
            continue
        ns, ne = sents[idx + 1]
        nxt = text[ns:ne]
        if _IMPLICATION_RE.search(nxt) or not _PITCH_RE.search(nxt):
            continue
        yield Hit(s, e)
        return
