"""The one spaCy pipeline stoplint uses, built once per process.

It is what ``spacy.blank("en")`` plus a sentencizer gives — spaCy's English
tokenizer (its exceptions and punctuation rules) and its rule-based
``Sentencizer`` — assembled from those parts directly: going through
``spacy.blank`` adds about 0.05–0.08 s of config and registry work to every start,
for the same tokens.  The tokenizer's 1,347 exceptions ("don't", "a.m.", emoticons …) are added lazily:
building them all costs about 0.08 s at every start, and an email needs the few that
occur in it, so before a text is tokenized the exceptions found inside its words are
added (see ``_LazyExceptions``); the tokens are the same as with all of them loaded.
``line_breaks`` then adds the sentence boundaries emails make
with line breaks (a greeting line, a sign-off, a paragraph), which punctuation
alone misses.  No statistical model is loaded.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator

from spacy.lang.en import English
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
from spacy.vocab import Vocab, create_vocab

_CLOSERS = set(".!?:;,")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")


def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, or after a line break that ends a short or punctuated line."""
    text = doc.text
    if "\n" not in text:
        return doc
    starts = doc.to_array("IDX").tolist()
    line_start = 0
    for m in _LINE_BREAK.finditer(text):
        a, b = m.span()
        if b < len(text):
            j = bisect.bisect_left(starts, b)
            if j < len(starts) and starts[j] == b and (
                m.group().count("\n") > 1 or a == 0 or text[a - 1] in _CLOSERS or a - line_start < 45
            ):
                doc[j].is_sent_start = True
        line_start = text.rfind("\n", a, b) + 1
    return doc


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


class Pipeline:
    """Tokenize, split sentences on punctuation, then on the email's line breaks."""

    def __init__(self) -> None:
        defaults = English.Defaults
        self.vocab: Vocab = create_vocab("en", defaults)
        self.tokenizer = Tokenizer(
            self.vocab,
            rules=None,
            prefix_search=compile_prefix_regex(defaults.prefixes).search,
            suffix_search=compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )
        self._exceptions = _LazyExceptions(self.tokenizer, defaults.tokenizer_exceptions)
        self.sentencizer = Sentencizer()

    def tokenize(self, text: str) -> Doc:
        """Tokens only (no sentences), as spaCy's English tokenizer gives them."""
        return self.tokenizer(self._exceptions.prepare(text))

    def _annotate(self, doc: Doc) -> Doc:
        return line_breaks(self.sentencizer(doc))

    def __call__(self, text: str) -> Doc:
        return self._annotate(self.tokenize(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
        prepare = self._exceptions.prepare
        for doc in self.tokenizer.pipe(map(prepare, texts), batch_size=batch_size):
            yield self._annotate(doc)


@functools.cache
def get_nlp() -> Pipeline:
    return Pipeline()
