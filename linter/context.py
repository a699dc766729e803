"""What a rule or check sees of one email: the text, its spaCy Doc, parts and metrics."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy
from spacy.attrs import IDX, IS_ALPHA, IS_SPACE, LIKE_NUM
from spacy.tokens import Doc, Token

from .email import Email
from .parts import Parts

#: The writer's words and the reader's, as spaCy's tokens (it splits "we're" into "we"
#: and "'re"), and their contracted forms, which the model's features keep whole.
SELF_WORDS = frozenset("i me my mine myself we us our ours ourselves".split())
YOU_WORDS = frozenset("you your yours yourself yourselves".split())
SELF_CONTRACTIONS = frozenset("i'm i've i'd i'll we're we've we'd we'll".split())
YOU_CONTRACTIONS = frozenset("you're you've you'd you'll".split())
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# Capitalised words that are not names of anything specific.
_NOT_NAMES = frozenset(
    "i i'm i've i'd i'll hi hello hey dear thanks thank best regards cheers p.s. ps ok okay "
    "ceo cto cfo coo cmo vp svp evp sdr bdr ae am csm hr it b2b b2c saas ai ml roi kpi crm erp seo "
    "faq tl;dr fyi asap re fwd fw".split()
)
_NUMBER_RE = re.compile(r"\d")
#: A capitalised word right after these starts a clause; its capital says nothing.
_CLAUSE_BREAKS = frozenset({".", "!", "?", ":", "\n", "—", "-"})


def inside(offset: int, spans: "list[tuple[int, int]] | Spans") -> bool:
    """Whether ``offset`` falls in one of the ``(start, end)`` spans (a short list, or Spans)."""
    if isinstance(spans, Spans):
        return offset in spans
    for s, e in spans:
        if s <= offset < e:
            return True
    return False


class Spans:
    """Spans merged and sorted once, looked up by bisection: for lists that grow with the
    email (every link, placeholder or merge field), where a scan per word is quadratic."""

    def __init__(self, spans) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if e <= s:
                continue
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]

    def __bool__(self) -> bool:
        return bool(self.starts)


@dataclass
class Context:
    email: Email
    doc: Doc | None  # None once released
    parts: Parts
    #: Values several checks derive from the same email, computed once (see ``memo``).
    _memo: dict = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute):
        """``compute()`` once per email for ``key``; later calls get the same value."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def text(self) -> str:
        return self.email.text

    @functools.cached_property
    def lowered(self) -> str | None:
        """The text lower-cased, or None when that changes its length (a few characters
        lower to two), so offsets into one are offsets into the other."""
        low = self.email.text.lower()
        return low if len(low) == len(self.email.text) else None

    def in_scope(self, scope: str, offset: int) -> bool:
        return self.parts.contains(scope, offset)

    def ranges(self, scope: str) -> list[tuple[int, int]]:
        return self.parts.get(scope)

    @functools.cached_property
    def _token_attrs(self) -> numpy.ndarray:
        """Each token's character offset and flags (columns ``_IDX``, ``_SPACE``, ``_WORD``)."""
        cols = self.doc.to_array([IDX, IS_SPACE, IS_ALPHA, LIKE_NUM])
        cols[:, _WORD] |= cols[:, _WORD + 1]
        return cols[:, : _WORD + 1].astype(numpy.int32)  # offsets stay under the 2 MB file limit

    def _tokens_in_ranges(self, ranges: list[tuple[int, int]]) -> numpy.ndarray:
        """Indices of the non-space tokens starting inside any of the ranges, in text order."""
        attrs = self._token_attrs
        found = [numpy.arange(*numpy.searchsorted(attrs[:, _IDX], (s, e)).tolist()) for s, e in sorted(ranges)]
        ids = numpy.concatenate(found) if found else numpy.zeros(0, dtype=numpy.int64)
        return ids[attrs[ids, _SPACE] == 0]

    def sentence_of(self, offset: int) -> tuple[int, int]:
        sentences = self.parts.sentences
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < sentences[i][1]:
            return sentences[i]
        return offset, offset

    @functools.cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.parts.sentences]

    @functools.cached_property
    def field_ranges(self) -> list[tuple[int, int]]:
        """Text ranges that are merge-field stand-ins, not the writer's words."""
        return [(f.text_start, f.text_end) for f in self.email.fields]

    @functools.cached_property
    def field_spans(self) -> Spans:
        return Spans(self.field_ranges)

    @functools.cached_property
    def message_tokens(self) -> "DocTokens":
        """Tokens of the message the buyer reads: greeting, body and P.S. (not the sign-off)."""
        ids = self._tokens_in_ranges(self.parts.get("greeting") + self.parts.get("body") + self.parts.get("ps"))
        return DocTokens(self.doc, ids)

    @functools.cached_property
    def words(self) -> "DocTokens":
        """The message's words and numbers."""
        ids = self.message_tokens.ids
        return DocTokens(self.doc, ids[self._token_attrs[ids, _WORD] == 1])

    @functools.cached_property
    def specifics(self) -> list[Token]:
        """Tokens that carry a checkable specific: a number, a date, or a name.

        Merge-field stand-ins do not count: a swapped-in company name is not research.
        """
        out = []
        sentence_starts = {s for s, _ in self.parts.sentences}
        fields = self.field_spans
        doc = self.doc
        for t in self.message_tokens:
            if t.idx in fields:
                continue
            if not t.is_alpha:  # months and names are letters; anything else counts if it has a digit
                if _NUMBER_RE.search(t.text):
                    out.append(t)
                continue
            low = t.lower_
            if low in MONTHS or low in WEEKDAYS:
                out.append(t)
            elif (
                t.text[0].isupper()
                and t.idx not in sentence_starts
                and low not in _NOT_NAMES
                and not t.is_upper  # ALL CAPS is shouting, not a name
                and not (t.i > 0 and doc[t.i - 1].text in _CLAUSE_BREAKS)
            ):
                out.append(t)
        return out

    @functools.cached_property
    def metrics(self) -> dict[str, float]:
        return compute_metrics(self)

    def release(self) -> None:
        """Free the Doc and the lists of its tokens once the rules have run: for a 2 MB email
        they are over half its memory, and the model's features need only the metrics."""
        _ = self.metrics
        for name in _TOKEN_LISTS:
            self.__dict__.pop(name, None)
        self.doc = None


#: The cached properties that hold spaCy tokens (and so the Doc).
_TOKEN_LISTS = ("_token_attrs", "message_tokens", "words", "specifics")
#: Columns of Context._token_attrs.
_IDX, _SPACE, _WORD = 0, 1, 2


class DocTokens(Sequence):
    """Some of a Doc's tokens, held by index: on a long email a spaCy Token object is
    made only while it is looked at (a list of them took 80 bytes a token, 35 MB on a
    2 MB email).  Up to ``KEEP`` tokens, the objects made on the first pass are kept,
    as the checks, metrics and features each walk the same tokens again."""

    _BATCH = 4096  # indices turned into Python ints at a time
    KEEP = 20_000  # tokens (about 1.6 MB of Token objects)

    def __init__(self, doc: Doc, ids: numpy.ndarray) -> None:
        self.doc = doc
        self.ids = ids
        self._kept: list[Token] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, k: int) -> Token:
        if self._kept is not None:
            return self._kept[k]
        return self.doc[int(self.ids[k])]

    def __iter__(self) -> Iterator[Token]:
        if self._kept is None and len(self.ids) <= self.KEEP:
            doc = self.doc
            self._kept = [doc[i] for i in self.ids.tolist()]
        if self._kept is not None:
            return iter(self._kept)
        return self._batched()

    def _batched(self) -> Iterator[Token]:
        doc, ids = self.doc, self.ids
        for b in range(0, len(ids), self._BATCH):
            for i in ids[b : b + self._BATCH].tolist():
                yield doc[i]


def compute_metrics(ctx: Context) -> dict[str, float]:
    """Figures about the email used by the computed checks and as model features."""
    words = ctx.words
    n_words = len(words)
    self_count = you_count = 0
    for t in ctx.message_tokens:
        low = t.lower_
        self_count += low in SELF_WORDS
        you_count += low in YOU_WORDS
    sentences = [s for s in ctx.parts.sentences if ctx.parts.contains("body", s[0]) or ctx.parts.contains("ps", s[0])]
    questions = sum(1 for s, e in sentences if ctx.text[e - 1] == "?")
    exclamations = ctx.text.count("!")
    caps = sum(1 for t in words if t.is_upper and len(t) >= 4 and t.is_alpha)
    paras = ctx.parts.paragraphs
    para_words = [len(ctx.text[s:e].split()) for s, e in paras] or [0]
    return {
        "words": n_words,
        "sentences": len(sentences),
        "paragraphs": len(paras),
        "self_words": self_count,
        "you_words": you_count,
        "self_share": self_count / (self_count + you_count) if self_count + you_count else 0.5,
        "questions": questions,
        "exclamations": exclamations,
        "caps_words": caps,
        "links": ctx.email.link_count,
        "specifics": len(ctx.specifics),
        "specifics_per_100": 100 * len(ctx.specifics) / n_words if n_words else 0.0,
        "longest_paragraph": max(para_words),
        "words_per_sentence": n_words / len(sentences) if sentences else float(n_words),
        "merge_fields": len(ctx.email.fields),
        "subject_words": len(ctx.email.subject.split()),
    }
