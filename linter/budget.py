"""The time budget of one rule on one email (``limits.RULE_SECONDS``).

The budget is cooperative: the clock is read between one hit and the next, after the
rule's last one, and, for a team pack's token patterns, inside spaCy's matcher, on
every token it steps past (a predicate on each pattern's first token; see
:func:`clocked`).  A rule past its budget is stopped there and its hits on that email
are dropped: the engine reports one finding instead.  No thread is killed and no signal
is sent, in the parent or in a worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import TypeVar

from spacy.tokens import Token

from . import limits

T = TypeVar("T")

#: The token extension the clock predicate reads (always 0; reading it checks the clock).
CLOCK = "stoplint_clock"


class OutOfTime(Exception):
    """The running rule has used up its budget on this email."""


class _Clock(threading.local):
    """The running rule's deadline, per thread (a Linter may be used from several)."""

    deadline: float | None = None  # only while a rule runs under a budget

    def check(self, token: Token | None = None) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime
        return 0


_clock = _Clock()
Token.set_extension(CLOCK, getter=_clock.check, force=True)


def within_budget(hits: Iterable[T]) -> list[T] | None:
    """Every hit of one rule on one email, or None if the rule ran past its budget."""
    _clock.deadline = time.monotonic() + limits.RULE_SECONDS
    try:
        found = []
        for hit in hits:
            found.append(hit)
            _clock.check()
        _clock.check()
        return found
    except OutOfTime:
        return None
    finally:
        _clock.deadline = None


def clocked(patterns: list) -> list:
    """Token patterns whose first token also reads the clock: spaCy calls a predicate on
    an extension as it steps past each token, so a slow pattern stops within a token."""
    out = []
    for pattern in patterns:
        first = dict(pattern[0])
        first["_"] = {**first.get("_", {}), CLOCK: {"==": 0}}
        out.append([first, *pattern[1:]])
    return out
