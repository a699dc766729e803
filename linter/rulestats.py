"""`stoplint rules --stats DATA.jsonl`: how precise each rule is on labelled emails.

Each row is read as `stoplint check` reads a `.txt` file holding `Subject: <subject>`,
a blank line and the body, and linted with every rule (off-by-default ones too) and no
model.  A rule's hits count emails, not findings: an email it flags twice counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rulepack import Rule

#: An email readers rated at least this (mean of three readings) is a good one.
GOOD_QUALITY = 3.67
#: A warning or error should be right this often (stop hits / all hits) ...
MIN_PRECISION = 0.6
#: ... and fire on at most this share of the good emails.
MAX_GOOD_SHARE = 0.03


class StatsError(Exception):
    """Data that cannot be counted; the message names the file and line."""


@dataclass
class RuleStats:
    rule: Rule
    stop: int = 0
    not_stop: int = 0
    good: int = 0
    n_good: int = 0

    @property
    def hits(self) -> int:
        return self.stop + self.not_stop

    @property
    def precision(self) -> float | None:
        return self.stop / self.hits if self.hits else None

    @property
    def good_share(self) -> float | None:
        return self.good / self.n_good if self.n_good else None

    @property
    def imprecise(self) -> bool:
        """A warning or error below the precision bar or above the good-email bar."""
        if self.rule.severity == "suggestion" or not self.hits:
            return False
        return (self.precision or 0.0) < MIN_PRECISION or (self.good_share or 0.0) > MAX_GOOD_SHARE

    def to_dict(self) -> dict:
        r = self.rule
        return {
            "code": r.code, "category": r.family, "severity": r.severity, "default": r.default,
            "hits": self.hits, "stop": self.stop, "not_stop": self.not_stop, "good": self.good,
            "good_share": _round(self.good_share), "precision": _round(self.precision),
            "imprecise": self.imprecise,
        }


@dataclass
class Stats:
    data: str
    emails: int
    stop: int
    good: int
    #: good emails with a warning or error from a rule on by default (M codes aside)
    good_flagged: int = 0
    rules: list[RuleStats] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "data": self.data, "emails": self.emails, "stop": self.stop, "good": self.good,
            "good_flagged": self.good_flagged,
            "good_quality": GOOD_QUALITY, "min_precision": MIN_PRECISION, "max_good_share": MAX_GOOD_SHARE,
            "rules": [r.to_dict() for r in self.rules],
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def labelled_rows(path: str) -> list[dict]:
    """The file's rows; each needs a 0/1 ``stop`` (``quality`` is optional)."""
    from .training import DataError, read_jsonl

    try:
        rows = read_jsonl(path)
    except DataError as exc:
        raise StatsError(str(exc)) from None
    except OSError as exc:
        raise StatsError(f"{path}: {exc.strerror or exc}") from None
    for row in rows:
        if row.get("stop") not in (0, 1):
            raise StatsError(f"{path}:{row['__line__']}: 'stop' must be 0 or 1 to count a rule's precision")
        q = row.get("quality")
        if q is not None and (isinstance(q, bool) or not isinstance(q, (int, float))):
            raise StatsError(f"{path}:{row['__line__']}: 'quality' must be a number")
    if not rows:
        raise StatsError(f"{path}: no rows")
    return rows


def is_good(row: dict) -> bool:
    q = row.get("quality")
    return q is not None and q >= GOOD_QUALITY


def fired_codes(rows: list[dict], path: str, rule_folders: list[str]) -> list[set[str]]:
    """For each row, the codes of the rules that flag it (read as a `.txt` file, no model)."""
    from .api import Linter, Options
    from .training import read_row

    linter = Linter(Options(select=["ALL"], use_model=False, rule_folders=rule_folders))
    emails = [read_row(r, path) for r in rows]
    return [{f.code for f in res.findings} for res in linter.lint_emails(emails)]


def rule_stats(path: str, rules: list[Rule], rule_folders: list[str] = ()) -> Stats:
    rows = labelled_rows(path)
    fired = fired_codes(rows, path, list(rule_folders))
    good_rows = sum(is_good(r) for r in rows)
    table = {r.code: RuleStats(r, n_good=good_rows) for r in rules if r.model is None}
    gating = {r.code for r in rules if r.default and r.severity != "suggestion" and not r.code.startswith("M")}
    good_flagged = sum(1 for row, codes in zip(rows, fired) if is_good(row) and codes & gating)
    for row, codes in zip(rows, fired):
        for code in codes & table.keys():
            s = table[code]
            if row["stop"]:
                s.stop += 1
            else:
                s.not_stop += 1
            s.good += is_good(row)
    return Stats(data=path, emails=len(rows), stop=sum(r["stop"] for r in rows), good=good_rows,
                 good_flagged=good_flagged, rules=list(table.values()))


def format_text(stats: Stats) -> str:
    lines = [
        f"{stats.data}: {stats.emails} emails, {stats.stop} stop, {stats.good} good (quality >= {GOOD_QUALITY})",
        f"{'code':<6}{'severity':<11}{'hits':>5}{'stop':>6}{'not':>5}{'good':>6}{'good %':>8}{'precision':>11}",
    ]
    for s in stats.rules:
        precision = f"{s.precision:.2f}" if s.precision is not None else "-"
        share = f"{s.good_share:.1%}" if s.good_share is not None else "-"
        mark = "  !" if s.imprecise else ("  (off by default)" if not s.rule.default else "")
        lines.append(
            f"{s.rule.code:<6}{s.rule.severity:<11}{s.hits:>5}{s.stop:>6}{s.not_stop:>5}{s.good:>6}{share:>8}"
            f"{precision:>11}{mark}"
        )
    silent = [s.rule.code for s in stats.rules if not s.hits]
    flagged = [s.rule.code for s in stats.rules if s.imprecise]
    lines.append(f"never fire: {', '.join(silent) if silent else 'none'}")
    share = f" ({stats.good_flagged / stats.good:.1%})" if stats.good else ""
    lines.append(f"good emails with a warning or error from the default rules (M aside): "
                 f"{stats.good_flagged} of {stats.good}{share}")
    lines.append(
        f"! warnings and errors with precision < {MIN_PRECISION} or on more than {MAX_GOOD_SHARE:.0%} of good "
        f"emails: {', '.join(flagged) if flagged else 'none'}"
    )
    return "\n".join(lines) + "\n"
