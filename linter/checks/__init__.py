"""Computed checks: what a phrase list or a token pattern cannot express.

A check is a function ``(ctx, rule) -> iterable of Hit`` registered under a name
with :func:`check`; a rule in a pack points at it with ``check: NAME`` and may pass
``params``.  Every module in this package is imported, so a new module of checks
registers itself.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from ..context import Context
    from ..rulepack import Rule


@dataclass(frozen=True)
class Hit:
    """A text range a check flags, with an optional message replacing the rule's."""

    start: int
    end: int
    message: str | None = None


_ESCAPE = re.compile(r"\\.")


def folds_to_lower(pattern: str) -> bool:
    """Whether a case-insensitive pattern finds the same spans without re.I in
    lower-cased text: it has no upper-case letters of its own (escapes aside) and no
    inline flags."""
    bare = _ESCAPE.sub("", pattern)
    inline = bare.replace("(?:", "").replace("(?=", "").replace("(?!", "").replace("(?<", "")
    return not any(c.isupper() for c in bare) and "(?" not in inline


class Folded:
    """A case-insensitive pattern run on the email's lower-cased text (``ctx.lowered``,
    same offsets), where ``re.I`` would make it two to three times slower; on the
    rare text whose lower-casing changes its length, on the text with ``re.I``.
    Spans are the text's; a match's group text is lower-cased."""

    def __init__(self, pattern: str, flags: int = 0):
        if not folds_to_lower(pattern):
            raise ValueError(f"pattern has upper-case letters or inline flags: {pattern[:60]!r}")
        self._plain = re.compile(pattern, flags)
        self._anycase = (pattern, flags | re.I)

    def count(self, ctx: Context) -> int:
        """How many non-overlapping matches the whole text holds."""
        low = ctx.lowered
        if low is None:
            return len(re.compile(*self._anycase).findall(ctx.text))
        return len(self._plain.findall(low))

    def search(self, ctx: Context, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        low = ctx.lowered
        if low is None:
            text = ctx.text
            return re.compile(*self._anycase).search(text, pos, len(text) if endpos is None else endpos)
        return self._plain.search(low, pos, len(low) if endpos is None else endpos)


CheckFn = Callable[["Context", "Rule"], Iterable[Hit]]
CHECKS: dict[str, CheckFn] = {}


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise ValueError(f"computed check {name!r} registered twice")
        CHECKS[name] = fn
        return fn

    return register


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
