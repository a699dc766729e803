"""Selecting rules: ``--select``, ``--ignore``, ``--extend-select`` and their config keys.

A selector is a rule code (T101), a code prefix (T1, T), a family name (templated,
seller-centric) or ALL.
"""

from __future__ import annotations

import re

from ..taxonomy import Family, family_named
from .schema import FAMILY_LETTERS, Rule


def matches_selector(code: str, family: Family, selector: str) -> bool:
    """Whether a rule or finding (its code and family) is named by a selector: a code
    (T101), a code prefix (T1, T), a family name (templated) or ALL."""
    sel = selector.strip()
    if not sel:
        return False
    named = family_named(sel)
    if named is not None:
        return family == named
    if sel.upper() == "ALL":
        return True
    return code.startswith(sel.upper())


def valid_selector(selector: str) -> bool:
    sel = selector.strip()
    return bool(
        family_named(sel) is not None
        or sel.upper() == "ALL"
        or re.fullmatch(rf"[{FAMILY_LETTERS}]\d{{0,3}}", sel, re.I)
    )


def select_rules(
    rules: list[Rule],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    extend_select: list[str] | None = None,
) -> list[Rule]:
    """Rules enabled by the selection: ``select`` replaces the default set,
    ``extend_select`` adds to it, ``ignore`` removes (a more specific selector wins)."""

    def best(rule: Rule, selectors: list[str]) -> int:
        """Specificity of the most specific selector matching the rule, or -1."""
        lengths = [_specificity(s) for s in selectors if matches_selector(rule.code, rule.family, s)]
        return max(lengths, default=-1)

    chosen = []
    for rule in rules:
        if select is None:
            on = 0 if rule.default else -1
        else:
            on = best(rule, select)
        on = max(on, best(rule, extend_select or []))
        off = best(rule, ignore or [])
        if on >= 0 and on > off:
            chosen.append(rule)
    return chosen


def _specificity(selector: str) -> int:
    sel = selector.strip()
    if sel.upper() == "ALL":
        return 0
    if family_named(sel) is not None:
        return 1
    return len(sel)



