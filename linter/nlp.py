"""The one spaCy pipeline stoplint uses, built once per process.

``spacy.blank("en")`` gives the tokenizer; the sentencizer splits on punctuation and
``stoplint_line_breaks`` adds the boundaries emails make with line breaks (a greeting
line, a sign-off, a paragraph), which punctuation alone misses.
"""

from __future__ import annotations

import bisect
import functools
import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc

_CLOSERS = set(".!?:;,")


_LINE_BREAK = re.compile(r"[ \t]*\n\s*")


@Language.component("stoplint_line_breaks")
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


@functools.cache
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("stoplint_line_breaks")
    return nlp
