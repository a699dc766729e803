"""Features of one email for the classifier, shared by training and lint time.

- **n-grams**: the email's words (the sign-off left out), lower-cased, numbers folded
  into ``<num>`` and every merge field into a token naming the *kind* of slot it is
  (``<name>``, ``<company>``, ``<title>``, ``<research>``, ``<other>``): a template that
  only swaps in a name reads very differently from one that asks the writer for a real
  observation.  Fields come from the template reader (``Email.fields``); merge tags it
  did not parse are recognised here by shape.
- **whole-email features**, each with its direction in RUBRIC.md (``SIGNS``): which
  built-in rules fired and how often per family (template defects never count), whose
  sentences the body holds, what the ask is for, specifics, hypotheses and proof,
  vague words, length and form.

Nothing here imports scikit-learn: the same code feeds ``linter.training`` and
``linter.model``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from .context import SELF_CONTRACTIONS, SELF_WORDS, YOU_CONTRACTIONS, YOU_WORDS, Spans, inside
from .scoring import combine
from .merge_tags import SLOT_KINDS, TEXT_TAG_RES, looks_like_slot, slot_of_text
from .taxonomy import Family

NUMBER_TOKEN = "<num>"
DEFAULT_ANALYZER = {
    "lowercase": True,
    "ngram_range": [1, 2],
    "number_token": NUMBER_TOKEN,
    "slot_tokens": [f"<{k}>" for k in SLOT_KINDS],
    "sublinear_tf": True,
    "norm": "l2",
    "smooth_idf": True,
}

# Words, numbers (with their unit signs), and the punctuation that carries tone.
_TOKEN_RE = re.compile(r"[$£€]?\d[\d,.:]*(?:%|k\b|x\b|m\b)?|[^\W\d_]+(?:['’][^\W\d_]+)*|[?!]")

class Token(NamedTuple):
    """One feature token (a tuple: emails have hundreds, made at lint time)."""

    text: str  # the feature token (lower-cased word, <num>, or a slot token)
    start: int  # text offsets in Email.text
    end: int


@dataclass
class EmailFeatures:
    """What the model sees of one email."""

    tokens: list[Token]
    dense: dict[str, float] = field(default_factory=dict)
    #: the text ranges behind each whole-email feature (what an explanation points at)
    where: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


def _field_ranges(email) -> list[tuple[int, int, str]]:
    """(text_start, text_end, slot) of every merge field in the email's text."""
    out = [(f.text_start, f.text_end, f.slot if f.slot in SLOT_KINDS else "other") for f in email.fields]
    taken = [(s, e) for s, e, _ in out]
    text = email.text
    for pattern in TEXT_TAG_RES:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            inner = m.group(1)
            if pattern.pattern.startswith(r"\[") and not looks_like_slot(inner):
                continue
            taken.append((s, e))
            out.append((s, e, slot_of_text(inner)))
    out.sort()
    return out


def _folded(text: str) -> str | None:
    """The text lower-cased with curly apostrophes straightened, when that keeps every
    offset (else None): a word's feature form is then a slice of it."""
    folded = text.lower().replace("’", "'")
    return folded if len(folded) == len(text) else None


def tokenize(email) -> list[Token]:
    """The email's feature tokens, each with its text range (for explanations)."""
    text = email.text
    folded = _folded(text)
    fields = _field_ranges(email)
    tokens: list[Token] = []
    words: dict[str, str] = {}  # one string per distinct word, not one per occurrence
    pos = 0
    for s, e, slot in fields + [(len(text), len(text), None)]:
        if s < pos:
            continue
        for m in _TOKEN_RE.finditer(text, pos, s):
            a, b = m.span()
            first = text[a]
            if first.isdigit() or first in "$£€":
                tokens.append(Token(NUMBER_TOKEN, a, b))
                continue
            word = folded[a:b] if folded is not None else m.group().lower().replace("’", "'")
            tokens.append(Token(words.setdefault(word, word), a, b))
        if slot is not None:
            tokens.append(Token(f"<{slot}>", s, e))
        pos = e
    return tokens


def ngrams(words: list[str] | tuple[str, ...], n_min: int = 1, n_max: int = 2) -> Iterator[str]:
    """Word n-grams joined by spaces (scikit-learn's order: all unigrams, then bigrams …),
    one at a time: a long email's would otherwise all be in memory at once."""
    n_words = len(words)
    for n in range(n_min, n_max + 1):
        if n == 1:
            yield from words
        else:
            yield from (" ".join(words[i : i + n]) for i in range(n_words - n + 1))


def gram_spans(tokens: list[Token], gram: str) -> list[tuple[int, int]]:
    """The text ranges of one n-gram (only the few a prediction shows are looked up)."""
    words = gram.split(" ")
    n = len(words)
    return [(tokens[i].start, tokens[i + n - 1].end) for i in range(len(tokens) - n + 1)
            if tokens[i].text == words[0] and [t.text for t in tokens[i : i + n]] == words]


_TIME_ASK = re.compile(
    r"\b(?:call|chat|meeting|meet|demo|minutes|mins|calendar|calendly|zoom|coffee|time\s+(?:this|next)|"
    r"hop\s+on|jump\s+on|schedule|slot|availability|available)\b", re.I)
_INTEREST_ASK = re.compile(
    r"\b(?:worth|interested|open\s+to|make\s+sense|useful|helpful|relevant|want\s+me\s+to|should\s+i|"
    r"curious|mind\s+if|would\s+it\s+help)\b", re.I)
# Vague value words (RUBRIC.md section 3), counted, not flagged: the rules point at them.
_VAGUE = frozenset(
    "leverage leveraging synergy synergies seamless seamlessly robust innovative innovation cutting edge "
    "empower empowering unlock streamline streamlined holistic revolutionary game changer world class "
    "best in class solution solutions next level growth scale scalable transform transformation "
    "optimize optimise boost maximize maximise efficiency efficiencies leading premier".split()
)


# A hypothesis about the reader's problem (RUBRIC.md "What good looks like").
_HYPOTHESIS = re.compile(
    r"\b(?:you(?:['’]re|\s+are)?\s+(?:probably|likely|possibly)|you\s+(?:might|may)\s+(?:be|have|find|see|run)|"
    r"(?:usually|often|typically)\s+(?:means|leads|ends)|chances\s+are|i(?:['’]d|\s+would)\s+guess|my\s+guess|"
    r"i\s+suspect|i\s+imagine|i\s+bet|if\s+you['’]re\s+like|guessing|"
    r"when\s+(?:teams|companies|brands|founders|stores|shops)\s+\w+|"
    r"(?:most|many)\s+(?:\w+\s+)?(?:teams|companies|founders|leaders|managers|brands|stores|shops|folks|people|ops|"
    r"cfos|ctos|vps|heads)\s+(?:\w+\s+){0,3}(?:struggle|find|end\s+up|spend|run\s+into|deal|lose|waste|tell\s+us|say))\b",
    re.I)
# The writer introducing themselves ("my name is", "I'm the …", "we are a …").
#: Whose sentence it is, on feature tokens (contractions whole).
_MODEL_SELF_WORDS = SELF_WORDS | SELF_CONTRACTIONS
_MODEL_YOU_WORDS = YOU_WORDS | YOU_CONTRACTIONS
#: Words that open a sentence about the writer or about the reader.
SELF_OPENERS = _MODEL_SELF_WORDS - {"mine", "ours"}
YOU_OPENERS = _MODEL_YOU_WORDS - {"yourself"}
_SELF_INTRO = re.compile(
    r"\b(?:my\s+name\s+is|i\s+am\s+(?:a|an|the)\b|i['’]m\s+(?:a|an|the)\b|we\s+are\s+(?:a|an|the)\b|"
    r"we['’]re\s+(?:a|an|the)\b|i\s+work\s+(?:at|for|with)|i\s+(?:lead|run|head)\b|"
    r"(?:ceo|founder|co-founder|director|manager|head)\s+(?:of|at)\b)", re.I)
# Proof: a sentence with a name and a number and a result verb ("Halden cut returns by 30%").
_PROOF_VERB = re.compile(
    r"\b(?:helped|help(?:ing)?|worked\s+with|using\s+us|use\s+us|switched|moved|cut|saved|grew|reduced|increased|"
    r"went\s+from|booked|customers?|clients?)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z&]+")


#: The rule families whose hits are STOP evidence.  Template defects (M codes) stay
#: findings a user sees but are never evidence: a published template's "[First Name]"
#: says nothing about whether its prose makes a buyer quit.
EVIDENCE_FAMILIES = (Family.TEMPLATED, Family.SELLER_CENTRIC, Family.GENERIC, Family.QUIT)

#: The whole-email features and their rubric direction (RUBRIC.md): +1 a STOP sign,
#: which may only raise the score; -1 a sign of a good email, which may only lower it.
#: Training keeps every weight on its side (see linter.training), so an explanation
#: never shows a good sign raising the score or a rule hit lowering it.
SIGNS = {
    **{f"rules:{fam}": 1 for fam in EVIDENCE_FAMILIES}, "rules:score": 1,
    "text:self_only_share": 1, "text:self_start_share": 1, "text:opens_with_self": 1, "text:self_intro": 1,
    "text:time_ask": 1, "text:time_words": 1, "text:vague_per_100": 1, "text:name_only_slots": 1,
    "text:bullets": 1, "metric:words": 1, "metric:longest_paragraph": 1, "metric:exclamations": 1,
    "metric:caps_words": 1, "metric:links": 1, "metric:self_share": 1,
    "text:you_sentence_share": -1, "text:you_start_share": -1, "text:specific_sentence_share": -1,
    "text:hypothesis": -1, "text:named_proof": -1, "text:interest_ask": -1, "text:numbers_per_100": -1,
    "slots:research": -1, "metric:specifics_per_100": -1,
}
#: Counts whose effect flattens out go through log1p.
_LOG_METRICS = frozenset("words longest_paragraph exclamations caps_words links".split())


def sign(name: str) -> int:
    """A dense feature's rubric direction; every rule-code feature is a STOP sign."""
    return 1 if name.startswith("code:") else SIGNS.get(name, 0)


def is_evidence(finding) -> bool:
    """Whether a built-in rule's finding is STOP evidence (not a template defect, nor a
    rule that ran out of time)."""
    return (finding.family in EVIDENCE_FAMILIES and not finding.code.startswith(Family.MERGE_FIELD.letter)
            and not finding.out_of_time)


def rule_features(evidence: list) -> dict[str, float]:
    """Hits per family (log-scaled), the rules-only score (0-1) and which rules fired
    (``code:T101`` = 1)."""
    counts = Counter(f.family for f in evidence)
    out = {f"rules:{fam}": math.log1p(counts.get(fam, 0)) for fam in EVIDENCE_FAMILIES}
    out["rules:score"] = combine(evidence) / 100
    out.update({f"code:{f.code}": 1.0 for f in evidence})
    return out


def _first_word(text: str, s: int, e: int) -> str:
    m = _TOKEN_RE.search(text, s, e)
    return m.group().lower().replace("’", "'") if m else ""


def _sentence_words(text: str, s: int, e: int) -> set[str]:
    return {m.group().lower().replace("’", "'") for m in _TOKEN_RE.finditer(text, s, e)}


def sentence_features(ctx, tokens: list[Token]) -> tuple[dict[str, float], dict[str, list]]:
    """Per body sentence: whose it is (the reader's, or only the writer's), whether it
    starts with the writer or the reader, carries a specific (a number or a name
    outside merge fields), or is proof (a name, a number and a result).  Values are
    shares of the body's sentences; ``where`` keeps the sentences behind each."""
    text = ctx.text
    body = ctx.parts.body_sentences
    fields = Spans((t.start, t.end) for t in tokens if t.text.startswith("<") and t.text != NUMBER_TOKEN)
    numbers = [t.start for t in tokens if t.text == NUMBER_TOKEN]  # in text order
    where: dict[str, list] = {k: [] for k in ("you_sentence_share", "self_only_share", "self_start_share",
                                              "you_start_share", "specific_sentence_share", "named_proof")}
    for s, e in body:
        words = _sentence_words(text, s, e)
        has_you = not words.isdisjoint(_MODEL_YOU_WORDS)
        first = _first_word(text, s, e)
        names = [m for m in _CAPITALISED.finditer(text, s, e)
                 if m.start() > s + 1 and m.group() != "I" and m.start() not in fields]
        i = bisect.bisect_left(numbers, s)
        has_number = i < len(numbers) and numbers[i] < e
        for key, hit in (("you_sentence_share", has_you),
                         ("self_only_share", not has_you and not words.isdisjoint(_MODEL_SELF_WORDS)),
                         ("self_start_share", first in SELF_OPENERS), ("you_start_share", first in YOU_OPENERS),
                         ("specific_sentence_share", bool(names or has_number)),
                         ("named_proof", bool(names and has_number and _PROOF_VERB.search(text, s, e)))):
            if hit:
                where[key].append((s, e))
    n = max(len(body), 1)
    values = {f"text:{k}": (math.log1p(len(v)) if k == "named_proof" else len(v) / n) for k, v in where.items()}
    return values, {f"text:{k}": v for k, v in where.items()}


def ask_features(ctx) -> tuple[dict[str, float], dict[str, list]]:
    """How the email opens and what it asks for: the sender first, a self-introduction,
    an ask for time or about interest, hypotheses about the reader's problem."""
    text = ctx.text
    body = ctx.parts.body_sentences
    opener = body[0] if body else None
    head = (body[0][0], body[min(1, len(body) - 1)][1]) if body else (0, 0)
    cta = ctx.parts.first("cta")
    cta_text = text[cta[0]:cta[1]] if cta else ""
    intro = _SELF_INTRO.search(text, *head) if body else None
    where = {
        "text:opens_with_self": [opener] if opener and _first_word(text, *opener) in SELF_OPENERS else [],
        "text:self_intro": [intro.span()] if intro else [],
        "text:time_ask": [cta] if cta and _TIME_ASK.search(cta_text) else [],
        "text:interest_ask": [cta] if cta and _INTEREST_ASK.search(cta_text) else [],
        "text:time_words": [m.span() for m in _TIME_ASK.finditer(text)],
        "text:hypothesis": [m.span() for m in _HYPOTHESIS.finditer(text)],
    }
    values = {k: (math.log1p(len(v)) if k in ("text:time_words", "text:hypothesis") else float(bool(v)))
              for k, v in where.items()}
    return values, where


def word_features(ctx, tokens: list[Token]) -> tuple[dict[str, float], dict[str, list]]:
    """Vague value words and numbers per 100 words, bullet lines, and merge slots: a
    slot for research, or slots that only swap in who the reader is."""
    n_words = max(len(tokens), 1)
    vague = [(t.start, t.end) for t in tokens if t.text in _VAGUE]
    numbers = [(t.start, t.end) for t in tokens if t.text == NUMBER_TOKEN]
    slots = Counter(t.text[1:-1] for t in tokens if t.text.startswith("<") and t.text != NUMBER_TOKEN)
    bullets = [m.span() for m in _BULLET_RE.finditer(ctx.text)]
    name_only = slots.get("name", 0) + slots.get("company", 0) > 0 and not slots.get("research")
    where = {
        "text:vague_per_100": vague,
        "text:numbers_per_100": numbers,
        "text:bullets": bullets,
        "text:name_only_slots": [(t.start, t.end) for t in tokens if t.text in ("<name>", "<company>")] if name_only else [],
        "slots:research": [(t.start, t.end) for t in tokens if t.text == "<research>"],
    }
    values = {
        "text:vague_per_100": 100 * len(vague) / n_words,
        "text:numbers_per_100": 100 * len(numbers) / n_words,
        "text:bullets": math.log1p(len(bullets)),
        "text:name_only_slots": float(name_only),
        "slots:research": math.log1p(slots.get("research", 0)),
    }
    return values, where


_BULLET_RE = re.compile(r"(?m)^[ \t]*(?:[-*•]|\d+[.)])[ \t]+\S.*$")


def metric_features(metrics: dict[str, float]) -> dict[str, float]:
    """The context's figures that have a rubric direction (see SIGNS)."""
    out = {}
    for key in ("words", "longest_paragraph", "exclamations", "caps_words", "links", "self_share", "specifics_per_100"):
        value = float(metrics.get(key, 0.0))
        out[f"metric:{key}"] = math.log1p(max(value, 0.0)) if key in _LOG_METRICS else value
    return out


def extract(analysis, evidence: list) -> EmailFeatures:
    """What the model sees of an analysed email: its words (the sign-off left out: "Best,"
    and a name say nothing about the email) and the whole-email features, from the
    ``evidence`` (the built-in rules' findings that are STOP evidence, see is_evidence)."""
    ctx = analysis.context
    signoff = ctx.parts.get("signoff")
    tokens = [t for t in tokenize(analysis.email) if not inside(t.start, signoff)]
    dense = rule_features(evidence)
    dense.update(metric_features(ctx.metrics))
    where: dict[str, list] = {}
    for part in (sentence_features(ctx, tokens), ask_features(ctx), word_features(ctx, tokens)):
        dense.update(part[0])
        where.update(part[1])
    return EmailFeatures(tokens=tokens, dense=dense, where=where)
