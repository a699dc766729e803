"""The gate's own finding: a file whose STOP score is above ``--max-score`` says so.

No rule phrase need fire for a file to fail on its score, so the failure is reported
as a finding of its own (``Q990``) at the file's first line: every format then shows
why the file failed, and GitHub annotates it.
"""

from __future__ import annotations

from .email import Email
from .engine import Finding, first_line_finding
from .rulepack import Rule
from .suppress import META_RULES as SUPPRESSION_RULES
from .taxonomy import Family, Severity

SCORE_CODE = "Q990"

SCORE_RULE = Rule(
    code=SCORE_CODE,
    family=Family.QUIT,
    severity=Severity.ERROR,
    name="score-above-limit",
    message="STOP score is above the limit set for this repository",
    why=(
        "The email as a whole reads like one a busy buyer quits, by more than the team agreed "
        "to send (`--max-score` or `max-score` in the config), even where no single line is wrong."
    ),
    instead=(
        "Fix the findings the score names first (`--explain` shows what moved it), then cut what is "
        "about you and add one detail about them, e.g. \"Your Leeds depot added a Sunday shift in May.\""
    ),
    check=None,
    examples={},
    origin="linter/gate.py",
)

#: Findings stoplint makes about the run itself, not about the prose: no pack holds them.
META_RULES: dict[str, Rule] = {**SUPPRESSION_RULES, SCORE_CODE: SCORE_RULE}


def score_finding(email: Email, score: int, limit: int) -> Finding:
    """``Q990`` on the first line of the email (a sequence row's own line), naming the score and the limit."""
    return first_line_finding(email, SCORE_RULE, SCORE_RULE.severity,
                              f"STOP score {score}/100 is above the limit of {limit} (max-score)", SCORE_RULE.instead)
