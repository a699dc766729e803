"""What moved an email's score, in the writer's words and with lines.

The model hands back numbers (:class:`linter.model.Prediction`); this module turns
the strongest of them into lines a writer can act on (``--explain``, ``contributions``
in JSON) and makes the model's own finding (Q900).  Every whole-email feature pulls
only its rubric direction (training keeps the weights on their side), so what is
listed as raising the score is always something to change.
"""

from __future__ import annotations

import functools
from itertools import islice
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from . import features
from .engine import MAX_TEXT_CHARS, Analysis, Finding

#: How many contributions are listed (strongest first): raising, lowering.
TOP_UP, TOP_DOWN = 8, 4
#: How many reasons the model's finding names.
REASONS = 3

#: What a rule family's hits are to the writer (one, several); ``score`` is all of them.
_FAMILY = {
    "templated": ("stock line that could go to anyone", "stock lines that could go to anyone"),
    "seller_centric": ("line about you rather than the reader", "lines about you rather than the reader"),
    "generic": ("vague line that could be about any business", "vague lines that could be about any business"),
    "quit": ("claim or form a buyer doubts", "claims or forms a buyer doubts"),
    "score": ("finding above", "findings above, together"),
}
_PHRASES = {
    "text:self_only_share": "sentences only about you or your company; turn them to the reader",
    "text:self_start_share": "sentences that start with I or we",
    "text:opens_with_self": "opens with you; open with something about them",
    "text:self_intro": "introduces you before saying why it matters to them",
    "text:time_ask": "asks for their time; ask about their interest instead",
    "text:time_words": "talk of calls, meetings and calendars",
    "text:vague_per_100": "vague value words; say what changes, with a number",
    "text:name_only_slots": "the only personal details are merge fields; add one thing you know about them",
    "text:bullets": "a list of points; keep the one that matters to them",
    "metric:words": "its length; cut to what they need to decide",
    "metric:longest_paragraph": "a long paragraph; cut it or break it up",
    "metric:exclamations": "exclamation marks",
    "metric:caps_words": "words in capitals",
    "metric:links": "links",
    "metric:self_share": "more I/we/our than you/your",
    "text:you_sentence_share": "sentences about the reader",
    "text:you_start_share": "sentences that start with you or your",
    "text:specific_sentence_share": "sentences with a number or a name",
    "text:hypothesis": "a guess about their problem",
    "text:named_proof": "proof with a named customer and a number",
    "text:interest_ask": "asks about their interest",
    "text:numbers_per_100": "numbers",
    "slots:research": "a slot for something you learned about them",
    "metric:specifics_per_100": "specific details",
}


def _lines(lines: list[int]) -> str:
    lines = sorted(set(lines))
    if not lines:
        return ""
    word = "line" if len(lines) == 1 else "lines"
    return f" ({word} {', '.join(map(str, lines[:3]))}{', …' if len(lines) > 3 else ''})"


class Explanation:
    """The contributions of one prediction, described."""

    def __init__(self, analysis: Analysis, feats: features.EmailFeatures, evidence: list[Finding],
                 prediction, messages: dict[str, str]):
        self.analysis = analysis
        self.feats = feats
        self.evidence = evidence
        self.prediction = prediction
        self.messages = messages

    @functools.cached_property
    def _shown(self) -> list[dict[str, Any]]:
        items = self.prediction.contributions
        up = islice(filter(None, (self._describe(n, w) for n, w in items if w > 0)), TOP_UP)
        down = list(islice(filter(None, (self._describe(n, w) for n, w in reversed(items) if w < 0)), TOP_DOWN))
        return list(up) + down[::-1]

    def contributions(self) -> list[dict[str, Any]]:
        """The strongest contributions up (at most TOP_UP) and down (TOP_DOWN), described."""
        return [dict(c) for c in self._shown]

    def finding(self, rule, severe: bool) -> Finding:
        """The model's finding over the whole email, naming what raised the score most."""
        email = self.analysis.email
        reasons = [c["feature"] for c in self.contributions() if c["weight"] > 0][:REASONS]
        message = rule.message + (f": most from {'; '.join(reasons)}" if reasons else "")
        start, end = email.extent()  # the whole file, or a sequence row's own lines
        (line, col), (end_line, end_col) = email.line_col(start), email.line_col(end)
        first = email.source_line(line)[col - 1:]
        snippet = " ".join(first.split())
        if len(snippet) > MAX_TEXT_CHARS:
            snippet = snippet[: MAX_TEXT_CHARS - 1] + "…"
        return Finding(code=rule.code, family=rule.family, severity=rule.severity if severe else "suggestion",
                       message=message, line=line, column=col, end_line=end_line, end_column=end_col,
                       text=snippet, suggestion=rule.instead, src_start=start, src_end=end)

    # -- one contribution ----------------------------------------------------------------
    def _describe(self, name: str, weight: float) -> dict[str, Any] | None:
        kind, _, key = name.partition(":")
        item: dict[str, Any] = {"name": name, "kind": kind, "weight": round(weight, 4)}
        if kind == "ngram":
            return self._ngram(key, item)
        if kind == "code":
            lines = [f.line for f in self.evidence if f.code == key]
            item["feature"] = f"{key}: {self.messages.get(key, key)}{_lines(lines)}"
        elif kind == "rules":
            hits = [f for f in self.evidence if key in ("score", f.family)]
            noun = _FAMILY[key][len(hits) != 1]
            item["feature"] = f"{len(hits)} {noun}{_lines([f.line for f in hits])}"
        elif name in _PHRASES:
            spans = self.feats.where.get(name, [])
            lines = [self.analysis.email.position(s, e)[2] for s, e in spans]
            item["feature"] = _PHRASES[name] + _lines(lines)
        else:
            return None
        return item

    def _ngram(self, gram: str, item: dict[str, Any]) -> dict[str, Any] | None:
        """A word or two, with where they are; None when they hold no content word
        ("the", "we", a slot): those move the score but tell the writer nothing."""
        if not any(w.isalpha() and w not in STOP_WORDS for w in gram.split(" ")):
            return None
        email = self.analysis.email
        where = [email.position(s, e) for s, e in features.gram_spans(self.feats.tokens, gram)]
        if not where:
            return None
        shown = " ".join(email.source[where[0][0]:where[0][1]].split())  # as written: "15 minutes", not "<num> minutes"
        item["feature"] = f'"{shown}"' + _lines([w[2] for w in where])
        item["spans"] = [{"line": w[2], "column": w[3], "end_line": w[4], "end_column": w[5],
                          "text": email.source[w[0]:w[1]]} for w in where[:5]]
        return item
