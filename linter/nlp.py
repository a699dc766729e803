"""The one spaCy pipeline stoplint uses, built once per process.

It is what ``spacy.blank("en")`` plus a sentencizer gives — spaCy's English
tokenizer (its exceptions and punctuation rules) and its rule-based
``Sentencizer`` — assembled from those parts directly: going through
``spacy.blank`` adds about 0.05–0.08 s of config and registry work to every start,
for the same tokens.  ``line_breaks`` then adds the sentence boundaries emails make
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


class Pipeline:
    """Tokenize, split sentences on punctuation, then on the email's line breaks."""

    def __init__(self) -> None:
        defaults = English.Defaults
        self.vocab: Vocab = create_vocab("en", defaults)
        self.tokenizer = Tokenizer(
            self.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(defaults.prefixes).search,
            suffix_search=compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )
        self.sentencizer = Sentencizer()

    def _annotate(self, doc: Doc) -> Doc:
        return line_breaks(self.sentencizer(doc))

    def __call__(self, text: str) -> Doc:
        return self._annotate(self.tokenizer(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
        for doc in self.tokenizer.pipe(texts, batch_size=batch_size):
            yield self._annotate(doc)


@functools.cache
def get_nlp() -> Pipeline:
    return Pipeline()
