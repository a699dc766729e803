"""Team-pack regexes run on RE2 (google-re2), which matches in time linear in the text by
construction: no pattern a pack can hold backtracks catastrophically, token-pattern
``REGEX`` predicates included.  RE2 has no lookarounds or backreferences, and its ``\\w``
and ``\\b`` are ASCII; a pattern RE2 cannot run is refused when the pack is loaded.
The built-in packs keep Python's ``re``: their patterns are reviewed and tested here.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print its parse errors on stderr; ours name the rule

#: Token attributes a REGEX predicate may test, and the Token property holding each one's text.
TOKEN_TEXT = {"TEXT": "text", "ORTH": "orth_", "LOWER": "lower_", "NORM": "norm_", "LEMMA": "lemma_", "SHAPE": "shape_"}


@functools.lru_cache(maxsize=512)
def compile_team(pattern: str, flags: int = 0):
    """A team pattern compiled on RE2, with the ``re`` flags the engine asks for."""
    inline = "".join(letter for flag, letter in ((re.I, "i"), (re.M, "m"), (re.S, "s")) if flags & flag)
    return re2.compile(f"(?{inline}){pattern}" if inline else pattern, _OPTIONS)


def team_regex_error(pattern: Any) -> str | None:
    """Why RE2 cannot run ``pattern`` (one line), or None."""
    if not isinstance(pattern, str):
        return f"a regex must be a string, not {type(pattern).__name__}"
    try:
        compile_team(pattern)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return f"{reason} (team rules run on RE2: no lookarounds or backreferences)"
    return None


def token_regexes(patterns: list) -> list[tuple[str, Any]]:
    """(attribute, value) of every REGEX predicate in spaCy token patterns."""
    return [
        (attr, value["REGEX"])
        for pattern in patterns
        for token in pattern
        for attr, value in token.items()
        if isinstance(value, dict) and "REGEX" in value
    ]


def team_token_patterns(patterns: list) -> list:
    """The patterns with each REGEX predicate moved to a token extension that runs it on RE2
    (spaCy's Matcher would run it on Python's ``re``)."""
    return [[_on_re2(token) for token in pattern] for pattern in patterns]


def _on_re2(token: dict) -> dict:
    out = dict(token)
    for attr, value in token.items():
        if isinstance(value, dict) and "REGEX" in value and attr.upper() in TOKEN_TEXT:
            rest = {k: v for k, v in value.items() if k != "REGEX"}
            if rest:
                out[attr] = rest
            else:
                del out[attr]
            out["_"] = {**out.get("_", {}), _extension(TOKEN_TEXT[attr.upper()], value["REGEX"]): True}
    return out


@functools.cache
def _extension(prop: str, pattern: str) -> str:
    """A Token extension, true where RE2 finds ``pattern`` in the token's ``prop``."""
    from spacy.tokens import Token

    compiled = compile_team(pattern)
    name = "stoplint_re2_" + hashlib.sha1(f"{prop}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    Token.set_extension(name, getter=lambda token: compiled.search(getattr(token, prop)) is not None, force=True)
    return name
