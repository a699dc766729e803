"""Features of one email for the classifier, shared by training and lint time.

Three groups, all computed from an :class:`~linter.engine.Analysis`:

- **n-grams**: the email's words, lower-cased, with numbers folded into ``<num>`` and
  every merge field folded into a token naming the *kind* of slot it is (``<name>``,
  ``<company>``, ``<title>``, ``<research>``, ``<other>``): a template that only swaps in
  a name reads very differently from one that asks the writer for a real observation.
  Fields come from the template reader (``Email.fields``); merge tags it did not parse
  (or all of them, when no template reader is installed) are recognised here by shape.
- **rule hits**: the number of findings per rule family (``rules:templated`` …), how many
  different rules of each family fired (``distinct:…``) and which rules fired
  (``code:T101`` = 1), from every built-in rule, whatever the user selected.
- **metrics**: the figures :func:`linter.context.compute_metrics` gives (words, self
  share, specifics, questions …), some on a log scale, and whole-email readings of the
  rubric (``text:…``): whose sentences they are, what the ask is, how many sentences
  carry a specific, hypotheses about the reader's problem, proof with a name and a
  number, a self-introduction, merge fields that only swap in a name.

Nothing here imports scikit-learn: the same code feeds ``linter.training`` and
``linter.model``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .checks import Folded
from .context import SELF_CONTRACTIONS, SELF_WORDS, YOU_CONTRACTIONS, YOU_WORDS, Spans, inside
from .scoring import combine
from .merge_tags import SLOT_KINDS, TEXT_TAG_RES, looks_like_slot, slot_of_tag_text
from .taxonomy import Family

NUMBER_TOKEN = "<num>"
#: The families whose hit counts are features (the model's own rule kind never is), by
#: their key in feature names.  The shipped model was trained when the merge-field
#: family was called "template": its features keep that key until the model is retrained.
RULE_FAMILIES = {
    "templated": Family.TEMPLATED,
    "seller_centric": Family.SELLER_CENTRIC,
    "generic": Family.GENERIC,
    "quit": Family.QUIT,
    "template": Family.MERGE_FIELD,
}
FEATURE_KEY = {family: key for key, family in RULE_FAMILIES.items()}
#: Metrics fed through log1p: counts whose effect flattens out.
LOG_METRICS = frozenset(
    "words sentences paragraphs self_words you_words questions exclamations caps_words links specifics "
    "longest_paragraph words_per_sentence merge_fields subject_words".split()
)

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
            out.append((s, e, slot_of_tag_text(inner)))
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
    pos = 0
    for s, e, slot in fields + [(len(text), len(text), None)]:
        if s < pos:
            continue
        for m in _TOKEN_RE.finditer(text, pos, s):
            a, b = m.span()
            first = text[a]
            if first.isdigit() or first in "$£€":
                tokens.append(Token(NUMBER_TOKEN, a, b))
            elif folded is not None:
                tokens.append(Token(folded[a:b], a, b))
            else:
                tokens.append(Token(m.group().lower().replace("’", "'"), a, b))
        if slot is not None:
            tokens.append(Token(f"<{slot}>", s, e))
        pos = e
    return tokens


def ngrams(words: list[str] | tuple[str, ...], n_min: int = 1, n_max: int = 2) -> list[str]:
    """Word n-grams joined by spaces (scikit-learn's order: all unigrams, then bigrams …)."""
    out: list[str] = []
    n_words = len(words)
    for n in range(n_min, n_max + 1):
        if n == 1:
            out.extend(words)
        else:
            out.extend(" ".join(words[i : i + n]) for i in range(n_words - n + 1))
    return out


def gram_spans(tokens: list[Token], gram: str) -> list[tuple[int, int]]:
    """The text ranges of one n-gram (only the few a prediction shows are looked up)."""
    words = gram.split(" ")
    n = len(words)
    return [(tokens[i].start, tokens[i + n - 1].end) for i in range(len(tokens) - n + 1)
            if tokens[i].text == words[0] and [t.text for t in tokens[i : i + n]] == words]


def family_counts(findings: Iterable, strong: bool = False) -> dict[str, int]:
    """Findings per family, by feature key (``strong``: only warnings and errors)."""
    counts = {key: 0 for key in RULE_FAMILIES}
    for f in findings:
        key = FEATURE_KEY.get(f.family)
        if key is not None and (not strong or f.severity in ("warning", "error")):
            counts[key] += 1
    return counts


def dense_features(metrics: dict[str, float], findings: list) -> dict[str, float]:
    """Rule hits and metrics as named numbers (before the model's scaling)."""
    out: dict[str, float] = {}
    counts = family_counts(findings)
    strong = family_counts(findings, strong=True)
    for fam in RULE_FAMILIES:
        out[f"rules:{fam}"] = math.log1p(counts[fam])
        out[f"strong:{fam}"] = math.log1p(strong[fam])
    out["rules:score"] = combine(f for f in findings if f.family != Family.MERGE_FIELD) / 100
    for key, value in metrics.items():
        value = float(value)
        out[f"metric:{key}"] = math.log1p(max(value, 0.0)) if key in LOG_METRICS else value
    # Which rules fired, not only how many: each rule is a hand-made STOP signal, and
    # several different ones say more than one rule firing three times.
    distinct: dict[str, set[str]] = {}
    for f in findings:
        key = FEATURE_KEY.get(f.family)
        if key is not None:
            distinct.setdefault(key, set()).add(f.code)
            out[f"code:{f.code}"] = 1.0
    for fam in RULE_FAMILIES:
        out[f"distinct:{fam}"] = math.log1p(len(distinct.get(fam, ())))
    return out


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
#: Whose sentence it is, on feature tokens (contractions whole).  The shipped model was
#: trained without the plural reflexives here; the next retraining can keep them.
_MODEL_SELF_WORDS = (SELF_WORDS | SELF_CONTRACTIONS) - {"myself", "ourselves"}
_MODEL_YOU_WORDS = (YOU_WORDS | YOU_CONTRACTIONS) - {"yourselves"}
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
#: The two whole-email counts, run on the lower-cased text without re.I (faster, same count).
_HYPOTHESIS_FOLDED = Folded(_HYPOTHESIS.pattern)
_TIME_ASK_FOLDED = Folded(_TIME_ASK.pattern)


def sentence_features(ctx, tokens: list[Token]) -> dict[str, float]:
    """Per-sentence reading of the body: whose sentences they are (the reader's or only
    the writer's), how many carry a specific (a number or a name outside merge fields),
    hypotheses about the reader's problem, and proof with a name and a number."""
    text = ctx.text
    body = ctx.parts.body_sentences
    n = max(len(body), 1)
    fields = Spans((t.start, t.end) for t in tokens if t.text.startswith("<") and t.text != NUMBER_TOKEN)
    numbers = [t.start for t in tokens if t.text == NUMBER_TOKEN]  # in text order
    you_s = self_only = specific = proof = 0
    for s, e in body:
        # only membership in the you/self word lists counts here, so the sentence can be
        # lower-cased before it is split ("5K" splitting as "5k" changes no such word)
        sentence = text[s:e].lower().replace("’", "'")
        if len(sentence) == e - s:
            words = set(_TOKEN_RE.findall(sentence))
        else:  # lower-casing changed the length (e.g. "İ"): split first, as words
            words = {m.group().lower().replace("’", "'") for m in _TOKEN_RE.finditer(text, s, e)}
        has_you = not words.isdisjoint(_MODEL_YOU_WORDS)
        you_s += has_you
        self_only += (not has_you) and not words.isdisjoint(_MODEL_SELF_WORDS)
        names = [m for m in _CAPITALISED.finditer(text, s, e)
                 if m.start() > s + 1 and m.group() != "I" and not inside(m.start(), fields)]
        i = bisect.bisect_left(numbers, s)
        has_number = i < len(numbers) and numbers[i] < e
        specific += bool(names or has_number)
        proof += bool(names and has_number and _PROOF_VERB.search(text, s, e))
    head_end = body[1][1] if len(body) > 1 else body[0][1] if body else 0
    head = text[body[0][0]:head_end] if body else ""
    cta = ctx.parts.first("cta")
    return {
        "text:you_sentence_share": you_s / n,
        "text:self_only_share": self_only / n,
        "text:specific_sentence_share": specific / n,
        "text:hypothesis": math.log1p(_HYPOTHESIS_FOLDED.count(ctx)),
        "text:named_proof": math.log1p(proof),
        "text:self_intro": float(bool(_SELF_INTRO.search(head))),
        "text:cta_question": float(bool(cta) and text[: cta[1]].rstrip().endswith("?")),
    }


def text_features(ctx, tokens: list[Token]) -> dict[str, float]:
    """Whole-email figures the rubric reads: who the sentences are about, what the ask is,
    how much is vague value, and which kinds of merge slot the writer relies on."""
    text = ctx.text
    body = ctx.parts.body_sentences
    self_start = you_start = 0
    for s, e in body:
        first = _TOKEN_RE.search(text, s, e)
        word = first.group().lower().replace("’", "'") if first else ""
        self_start += word in SELF_OPENERS
        you_start += word in YOU_OPENERS
    n = max(len(body), 1)
    opener = body[0] if body else (0, 0)
    first_word = _TOKEN_RE.search(text, *opener) if body else None
    cta = ctx.parts.first("cta") or (0, 0)
    cta_text = text[cta[0]:cta[1]]
    words = [t.text for t in tokens]
    n_words = max(len(words), 1)
    vague = sum(1 for w in words if w in _VAGUE)
    slots = Counter(w[1:-1] for w in words if w.startswith("<") and w.endswith(">") and w != NUMBER_TOKEN)
    out = {
        "text:self_start_share": self_start / n,
        "text:you_start_share": you_start / n,
        "text:opens_with_self": float(bool(first_word) and first_word.group().lower().replace("’", "'") in SELF_OPENERS),
        "text:time_ask": float(bool(_TIME_ASK.search(cta_text))),
        "text:interest_ask": float(bool(_INTEREST_ASK.search(cta_text))),
        "text:time_words": math.log1p(_TIME_ASK_FOLDED.count(ctx)),
        "text:vague_per_100": 100 * vague / n_words,
        "text:numbers_per_100": 100 * words.count(NUMBER_TOKEN) / n_words,
        "text:bullets": math.log1p(len(re.findall(r"(?m)^[ \t]*(?:[-*•]|\d+[.)])[ \t]+\S", text))),
    }
    for kind in SLOT_KINDS:
        out[f"slots:{kind}"] = math.log1p(slots.get(kind, 0))
    # merge fields that only swap in who the reader is, with no slot for research
    out["text:name_only_slots"] = float(slots.get("name", 0) + slots.get("company", 0) > 0 and not slots.get("research"))
    out.update(sentence_features(ctx, tokens))
    return out


def extract(analysis, findings: Iterable | None = None) -> EmailFeatures:
    """Features of an analysed email; ``findings`` are the built-in rules' findings
    (defaults to the analysis's own, when it ran every built-in rule)."""
    email = analysis.email
    ctx = analysis.context
    tokens = tokenize(email)
    dense = dense_features(ctx.metrics, list(analysis.findings if findings is None else findings))
    dense.update(text_features(ctx, tokens))
    return EmailFeatures(tokens=tokens, dense=dense)
