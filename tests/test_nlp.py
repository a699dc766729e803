"""stoplint's pipeline gives exactly the tokens and sentences of spaCy's own English pipeline.

The pipeline is assembled from spaCy's parts and adds the tokenizer's exceptions lazily
(only those a text can use); these tests hold it to ``spacy.blank("en")`` with a
sentencizer, on every example email and rule example, in more than one order.
"""

import random

import pytest
import spacy

from conftest import EXAMPLES
from linter.nlp import Pipeline, line_breaks
from linter.rulepack import load_rules

#: Texts that lean on the tokenizer's exceptions: contractions with either apostrophe,
#: abbreviations, times, emoticons, exceptions inside brackets and quotes, no-space runs.
TRICKY = [
    "I don't think we'll make it; can't you? Don’t worry, it's fine.",
    "Meet at 9 a.m. or 3p.m. (e.g. Tue.) with Mr. Okafor & Dr. Lin, Inc. and co.",
    "Thanks :) see you :-( <3 — (o.o) ^_^ xD",
    "\"Y'all\" said (gonna) 'cause we'd've dunno... DON'T SHOUT. Ain't it?",
    "Stop.Start'em,then\u00a0go\tnow\n\n  indented line; 'tis ok",
    "ABC-123 is $4.5m; 10km / 5mph vs 3x faster; co-op and re-engage",
]


def texts():
    found = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*")) if p.suffix in {".txt", ".md"}]
    for rule in load_rules():
        for kind in ("flag", "pass"):
            found.extend(rule.examples.get(kind, []))
        found.extend(rule.phrases or [])
    return TRICKY + found


@pytest.fixture(scope="module")
def reference():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def shape(doc):
    return [(t.text, t.whitespace_, t.is_sent_start) for t in doc]


def test_enough_texts_to_mean_something():
    assert len(texts()) > 500


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_tokens_and_sentences_equal_spacy_blank(reference, seed):
    corpus = texts()
    if seed is not None:
        random.Random(seed).shuffle(corpus)
    ours = Pipeline()  # a fresh one: exceptions arrive in this order
    for text in corpus:
        want = line_breaks(reference(text))
        assert shape(ours(text)) == shape(want), text[:80]


def test_exceptions_wait_until_a_text_needs_them():
    ours = Pipeline()
    before = len(ours.tokenizer.rules)
    assert before <= 4  # only the whitespace cases
    assert [t.text for t in ours.tokenize("We can't")] == ["We", "ca", "n't"]
    assert "can't" in ours.tokenizer.rules
    assert len(ours.tokenizer.rules) < 20


def test_affix_expressions_are_spacys():
    from spacy.lang.en import English
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    from linter.nlp import _joined

    d = English.Defaults
    assert _joined(d.prefixes, "^{}") == compile_prefix_regex(d.prefixes).pattern
    assert _joined(d.suffixes, "{}$") == compile_suffix_regex(d.suffixes).pattern
    assert _joined(d.infixes, "{}") == compile_infix_regex(d.infixes).pattern
