"""The one spaCy pipeline stoplint uses, built once per process.

It gives what ``spacy.blank("en")`` plus a sentencizer gives (tests/test_nlp.py
holds it to that), assembled for a fast start and a fast run:

- spaCy's English tokenizer built directly (``spacy.blank`` adds 0.05–0.08 s of
  config and registry work to every start, for the same tokens);
- its 1,347 exceptions ("don't", "a.m.", emoticons …) added as texts need them
  (``_LazyExceptions``): loading them all cost about 0.08 s of every start;
- the ``Sentencizer``'s rule run over token arrays (``Pipeline._annotate``),
  together with ``line_breaks``: the sentence starts emails make with line breaks
  (a greeting line, a sign-off, a paragraph), which punctuation alone misses.

No statistical model is loaded.
"""

from __future__ import annotations

import bisect
import functools
import re

import numpy
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.lang.en import English
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab, create_vocab


_CLOSERS = set(".!?:;,")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")


def _line_break_starts(text: str, starts) -> list[int]:
    """Indices of the tokens (by sorted character offsets ``starts``) that line breaks make
    sentence starts: after a blank line, or after a break that ends a short or
    punctuated line."""
    found = []
    if "\n" not in text:
        return found
    line_start = 0
    for m in _LINE_BREAK.finditer(text):
        a, b = m.span()
        if b < len(text):
            j = bisect.bisect_left(starts, b)
            if j < len(starts) and starts[j] == b and (
                m.group().count("\n") > 1 or a == 0 or text[a - 1] in _CLOSERS or a - line_start < 45
            ):
                found.append(j)
        line_start = text.rfind("\n", a, b) + 1
    return found


def line_breaks(doc: Doc) -> Doc:
    """Add the sentence starts an email's line breaks make to a doc spaCy's sentencizer split."""
    for j in _line_break_starts(doc.text, doc.to_array("IDX").tolist()):
        doc[j].is_sent_start = True
    return doc


def _joined(pieces, shape: str) -> str:
    """One expression from spaCy's affix rules, as ``spacy.util.compile_*_regex`` joins
    them (``^piece`` for prefixes, ``piece$`` for suffixes, ``piece`` for infixes);
    compiled through the regex cache, these three were a quarter of each start."""
    return "|".join(shape.format(piece) for piece in pieces if piece.strip())


class _LazyExceptions:
    """Adds the tokenizer's special cases a text can use, just before it is tokenized.

    spaCy looks a special case up only on the text between whitespace (after peeling
    prefixes, suffixes and infixes off it), so one whose string occurs in none of a
    text's whitespace-separated chunks cannot change its tokens. Whitespace cases are
    added up front; the rest wait until a chunk containing them turns up. Chunks
    already looked at are remembered, so a long run soon stops finding new ones.
    """

    def __init__(self, tokenizer: Tokenizer, exceptions: dict[str, list[dict]]):
        self.tokenizer = tokenizer
        self.pending = dict(exceptions)
        self.longest = max(map(len, self.pending), default=0)
        self.seen: set[str] = set()
        for key in [k for k in self.pending if any(c.isspace() for c in k)]:
            tokenizer.add_special_case(key, self.pending.pop(key))

    def prepare(self, text: str) -> str:
        new = set(text.split())
        new.difference_update(self.seen)
        if not new or not self.pending:
            return text
        self.seen.update(new)
        pending, longest = self.pending, self.longest
        found = set()
        for chunk in new:
            n = len(chunk)
            for i in range(n):
                for j in range(i + 1, min(n, i + longest) + 1):
                    if chunk[i:j] in pending:
                        found.add(chunk[i:j])
        for key in sorted(found):  # spaCy adds its special cases in sorted order too
            self.tokenizer.add_special_case(key, pending.pop(key))
        return text


#: spaCy's tokenizer peels a run of punctuation one suffix at a time, each search running
#: to the end of the run: time quadratic in its length (16 KB of ":[!$" took 18 s).  No
#: prose has runs this long; past it, a space stands in for one character in every
#: PUNCT_RUN + 1, so every offset stays where it was.
PUNCT_RUN = 16
_PUNCT_RUN_RE = re.compile(r"[^\w\s]{%d,}" % (PUNCT_RUN + 1))


def cut_punctuation_runs(text: str) -> str:
    if _PUNCT_RUN_RE.search(text) is None:
        return text
    return _PUNCT_RUN_RE.sub(_cut_run, text)


def _cut_run(m: re.Match) -> str:
    run = list(m.group(0))
    run[PUNCT_RUN :: PUNCT_RUN + 1] = " " * len(run[PUNCT_RUN :: PUNCT_RUN + 1])
    return "".join(run)


class Pipeline:
    """Tokenize, split sentences on punctuation, then on the email's line breaks."""

    def __init__(self) -> None:
        defaults = English.Defaults
        self.vocab: Vocab = create_vocab("en", defaults)
        self.tokenizer = Tokenizer(
            self.vocab,
            rules=None,
            prefix_search=re.compile(_joined(defaults.prefixes, "^{}")).search,
            suffix_search=re.compile(_joined(defaults.suffixes, "{}$")).search,
            infix_finditer=re.compile(_joined(defaults.infixes, "{}")).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )
        self._exceptions = _LazyExceptions(self.tokenizer, defaults.tokenizer_exceptions)
        strings = self.vocab.strings
        ends = sorted({strings.add(c) for c in Sentencizer.default_punct_chars})
        self._sentence_end_orths = numpy.array(ends, dtype=numpy.uint64)

    def tokenize(self, text: str) -> Doc:
        """Tokens only (no sentences), as spaCy's English tokenizer gives them."""
        return self.tokenizer(self._exceptions.prepare(cut_punctuation_runs(text)))

    def _annotate(self, doc: Doc, text: str) -> Doc:
        """Sentence starts: spaCy's ``Sentencizer`` rule, then ``line_breaks``, in one pass.

        The rule is the sentencizer's own (a sentence ends after a run of its
        punctuation characters, at the first token that is neither punctuation nor one
        of them: so a word starts a sentence when one of those characters came after the
        word before it), run in numpy over token arrays and written back with one
        ``from_array``.  spaCy's version makes a Python object of every token and
        rebuilds the text, about half of the tokenizing time; a Python list per column
        was four times the Doc's own memory on a long email.  test_nlp holds the two to
        the same result.
        """
        n = len(doc)
        if n == 0:
            return doc
        cols = doc.to_array([IS_PUNCT, ORTH, IDX])
        # A closer is one of the sorted end characters: one binary search per token (numpy.isin
        # sorts copies of the whole column; a comparison per end character is ~60 passes).
        ends, orths = self._sentence_end_orths, cols[:, 1]
        closer = ends[numpy.searchsorted(ends, orths).clip(max=len(ends) - 1)] == orths
        words = numpy.flatnonzero(~cols[:, 0].astype(bool) & ~closer)
        closers_before = numpy.cumsum(closer)[words]  # a word is never a closer: these come before it
        after_closer = closers_before > numpy.concatenate(([0], closers_before[:-1]))
        sent = numpy.full(n, -1, dtype=numpy.int64)
        sent[words[after_closer]] = 1
        sent[0] = 1
        sent[_line_break_starts(text, cols[:, 2].astype(numpy.int64))] = 1
        doc.from_array([SENT_START], sent.astype(numpy.uint64).reshape(-1, 1))
        return doc

    def __call__(self, text: str) -> Doc:
        return self._annotate(self.tokenize(text), text)


@functools.cache
def get_nlp() -> Pipeline:
    return Pipeline()
