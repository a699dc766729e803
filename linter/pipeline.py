"""How stoplint judges one email, in order, in one place.

1. **read**: a file, standard input or a JSONL row of ``train``/``eval`` becomes an
   :class:`~linter.email.Email` (``linter.readers``; a labelled row is read as the
   ``.txt`` file a user would save, see :func:`row_source`);
2. **analyse**: one engine runs the selected rules and every built-in rule once;
3. **select**: the user sees the selected rules' findings;
4. **features**: the built-in rules' STOP evidence (template defects never count),
   the words and the whole-email features, whatever the user selected;
5. **score**: the model's probabilities, or with ``--no-model`` the rules alone
   (again without template defects);
6. **explain**: the contributions in the writer's words and, from the model's
   threshold, the model's own finding (Q900);
7. **suppress**: per-file ignores and suppression comments, over every finding,
   the model's one included (so ``stoplint: disable=Q900`` works and is counted as used).

``train`` and ``eval`` run steps 1-5 on every row the same way, so a row scores
exactly what the same email scores as a ``.txt`` file under ``stoplint check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from . import explain, features, scoring
from .engine import Analysis, Finding

if TYPE_CHECKING:
    from .api import FileResult, Linter
    from .rulepack import Rule


def row_source(row: dict) -> str:
    """A labelled row as the ``.txt`` file a user would save: ``Subject: …``, a blank
    line, then the body (no subject line when the row has none)."""
    subject = row.get("subject")
    head = f"Subject: {subject.strip()}\n\n" if isinstance(subject, str) and subject.strip() else ""
    return head + row["body"]


def analysis_rules(all_rules: list["Rule"], selected: list["Rule"]) -> list["Rule"]:
    """The rules the engine runs: the selection plus every built-in rule (the model's
    features do not depend on what the user selected)."""
    chosen = {r.code: r for r in selected if r.kind != "model"}
    for r in all_rules:
        if r.builtin and r.kind != "model":
            chosen.setdefault(r.code, r)
    return list(chosen.values())


def evidence(analysis: Analysis, builtin: set[str]) -> list[Finding]:
    """The built-in rules' findings that are STOP evidence (see features.is_evidence)."""
    return [f for f in analysis.findings if f.code in builtin and features.is_evidence(f)]


def analyse(linter: "Linter", emails: list) -> Iterator[Analysis]:
    return linter.engine.analyze_many(emails)


def judge(linter: "Linter", analysis: Analysis, res: "FileResult") -> "FileResult":
    """Steps 3-7 for one analysed email, filling in its (empty) result."""
    email = analysis.email
    shown = [f for f in analysis.findings if f.code in linter.selected_codes]
    if not email.fragment:  # a fragment is not read as a whole: no score, no Q900
        shown = _score(linter, analysis, res, shown)
    res.findings = linter.gate(res, linter.suppress(email, shown))
    res.failed = linter.fails(res)
    return res


def _score(linter: "Linter", analysis: Analysis, res: "FileResult", shown: list[Finding]) -> list[Finding]:
    """Steps 4-6: score the whole email into ``res``; the findings with the model's own added."""
    if linter.model is None:
        res.score, res.categories = scoring.rules_score([f for f in shown if features.is_evidence(f)])
        return shown
    feats = features.extract(analysis, evidence(analysis, linter.builtin_codes))
    prediction = linter.model.predict(feats)
    probs = prediction.probabilities
    res.model = {k: round(v, 4) for k, v in probs.items()}
    res.score = round(100 * probs["stop"])
    res.categories = {fam: round(100 * probs[fam]) for fam in scoring.SCORED_FAMILIES}
    why = explain.Explanation(analysis, feats, evidence(analysis, linter.builtin_codes), prediction, linter.rule_messages)
    res.contributions = why.contributions()
    if linter.model_rule is not None and probs["stop"] >= linter.model.threshold and feats.tokens:
        severe = probs["stop"] >= linter.model.warning_at
        shown = sorted(shown + [why.finding(linter.model_rule, severe)], key=lambda f: f.sort_key)
    return shown


def score_rows(linter: "Linter", emails: list) -> Iterable[tuple[Analysis, list[Finding], "features.EmailFeatures"]]:
    """Steps 2 and 4 for training and evaluation: each email's analysis, the findings a
    default ``check`` shows (the model's aside), and its features."""
    for analysis in analyse(linter, emails):
        shown = [f for f in analysis.findings if f.code in linter.selected_codes]
        yield analysis, shown, features.extract(analysis, evidence(analysis, linter.builtin_codes))
