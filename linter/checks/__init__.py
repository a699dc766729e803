"""Computed checks: what a phrase list or a token pattern cannot express.

A check is a function ``(ctx, rule) -> iterable of Hit`` registered under a name
with :func:`check`; a rule in a pack points at it with ``check: NAME`` and may pass
``params``.  Every module in this package is imported, so a new module of checks
registers itself.
"""

from __future__ import annotations

import importlib
import pkgutil
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
