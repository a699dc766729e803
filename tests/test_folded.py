"""Case-insensitive patterns run on lower-cased text find what re.I finds on the text."""

import re

import pytest

from linter.checks import Folded, folds_to_lower
from linter.context import Context
from linter.nlp import get_nlp
from linter.parts import find_parts
from linter.readers import read_bytes

PATTERN = r"\b(?:quick|short)\s+call\b|\bbook\s+(?:a|some)\s+time\b"


def ctx_of(text: str) -> Context:
    email = read_bytes("x.txt", text.encode())[0]
    doc = get_nlp()(email.text)
    return Context(email=email, doc=doc, parts=find_parts(email, doc))


@pytest.mark.parametrize(
    "text",
    [
        "Hi Ana,\n\nA QUICK Call on Friday? Or Book Some Time here.\n",
        "Hi İlkay,\n\nShort call? BOOK A TIME with İzmir's team.\n",  # İ lowers to two characters
    ],
)
def test_same_spans_as_re_i(text):
    ctx = ctx_of(text)
    folded = Folded(PATTERN)
    want = re.compile(PATTERN, re.I)
    spans, pos = [], 0
    while (m := folded.search(ctx, pos)) is not None:
        spans.append(m.span())
        pos = m.end()
    assert spans == [m.span() for m in want.finditer(ctx.text)]
    assert len(spans) == 2
    assert (ctx.lowered is None) == ("İ" in text)


def test_patterns_with_capitals_or_inline_flags_are_refused():
    assert folds_to_lower(r"\bquick\s+\w+\b")
    assert not folds_to_lower(r"(?-i:[A-Z])\w+")
    assert not folds_to_lower(r"(?i)quick")
    with pytest.raises(ValueError):
        Folded(r"\b[A-Z]{2,}\b")
