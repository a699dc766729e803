"""The rules-only STOP score (used with ``--no-model``, and as the model's fallback).

Its findings are the selected rules' STOP evidence: template defects (M codes) are
never in it (see :mod:`linter.pipeline`).

Each finding adds evidence with a weight by severity; repeats of one rule count for
less each time (halved), and evidence combines like independent probabilities, so
the score rises quickly with the first signals and saturates below 100:

    score = 100 × (1 − Π (1 − wᵢ)),  wᵢ = W[severity] × 0.5^(k − 1) for the k-th hit of a code

A family's sub-score is the same sum over that family's findings only.
"""

from __future__ import annotations

from collections.abc import Iterable

from .taxonomy import SCORED_FAMILIES

SEVERITY_WEIGHT = {"error": 0.35, "warning": 0.2, "suggestion": 0.06}


def combine(findings: Iterable) -> int:
    keep = 1.0
    seen: dict[str, int] = {}
    for f in findings:
        k = seen.get(f.code, 0)
        seen[f.code] = k + 1
        keep *= 1.0 - SEVERITY_WEIGHT[f.severity] * 0.5**k
    return round(100 * (1.0 - keep))


def rules_score(findings: list) -> tuple[int, dict[str, int]]:
    """(STOP score, family sub-scores) from findings alone."""
    categories = {fam: combine(f for f in findings if f.family == fam) for fam in SCORED_FAMILIES}
    return combine(findings), categories
