"""The one spaCy pipeline stoplint uses, built once per process.

``spacy.blank("en")`` gives the tokenizer; the sentencizer splits on punctuation and
``stoplint_line_breaks`` adds the boundaries emails make with line breaks (a greeting
line, a sign-off, a paragraph), which punctuation alone misses.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc

_CLOSERS = set(".!?:;,")


@Language.component("stoplint_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, or after a line break that ends a short or punctuated line."""
    line_start_char = 0
    for i, token in enumerate(doc):
        if not (token.is_space and "\n" in token.text) or i + 1 >= len(doc):
            continue
        prev = doc[i - 1] if i > 0 else None
        line_len = token.idx - line_start_char
        if (
            "\n\n" in token.text
            or "\n" in token.text.strip(" \t")[1:]
            or prev is None
            or prev.text[-1] in _CLOSERS
            or line_len < 45
        ):
            doc[i + 1].is_sent_start = True
        line_start_char = token.idx + len(token.text)
    return doc


@functools.cache
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("stoplint_line_breaks")
    return nlp
