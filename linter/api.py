"""The Python API the CLI uses: build a `Linter` once, lint texts, files or emails."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field, replace
from typing import Any

from . import pipeline
from .email import Email
from .engine import Analysis, Engine, Finding
from .gate import score_finding
from .model import load_default_model
from .readers import InputError, read_bytes, read_path
from .rulepack import Rule, load_rules, matches_selector, select_rules
from .suppress import apply_suppressions
from .taxonomy import Severity


@dataclass
class Options:
    """What to lint with; the CLI fills it from the config file and the command line."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    fail_on: str = "warning"  # error | warning | suggestion | never
    max_score: int | None = None
    use_model: bool = True
    rule_folders: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    glob_base: str | None = None  # the folder exclude/per-file-ignores globs are relative to (default: cwd)
    report_unused_suppressions: bool = False
    explain: bool = False
    library: bool = False  # a folder is checked: read what the library-wide checks need


@dataclass
class FileResult:
    path: str
    row: int | None = None
    score: int | None = None
    categories: dict[str, int] = field(default_factory=dict)
    model: dict[str, float] | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    contributions: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False
    label: str | None = None  # a sequence row's name: "step 2" (see Email.label)
    email: Email | None = field(default=None, repr=False, compare=False)
    library: dict | None = field(default=None, repr=False, compare=False)  # see linter.library

    @property
    def display_path(self) -> str:
        """The file, and for a sequence row which one: findings still point at ``path:line:col``."""
        return f"{self.path} ({self.label})" if self.label else self.path

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.row is not None:
            out["row"] = self.row
        out.update(
            {
                "score": self.score,
                "categories": self.categories,
                "model": self.model,
                "findings": [f.to_dict() for f in self.findings],
                "contributions": self.contributions,
                "error": self.error,
            }
        )
        return out


class Linter:
    """Rules compiled and the model loaded once; lint as many emails as you like."""

    def __init__(self, options: Options | None = None, rules: list[Rule] | None = None):
        self.options = options or Options()
        all_rules = rules if rules is not None else load_rules(self.options.rule_folders)
        self.all_rules = all_rules
        o = self.options
        self.rules = select_rules(all_rules, o.select, o.ignore, o.extend_select)
        self.selected_codes = {r.code for r in self.rules}
        self.builtin_codes = {r.code for r in all_rules if r.builtin and r.kind != "model"}
        self.rule_messages = {r.code: r.message for r in all_rules}
        self.engine = Engine(pipeline.analysis_rules(all_rules, self.rules))
        self.model = load_default_model() if o.use_model else None
        self.model_rule = next((r for r in self.rules if r.kind == "model"), None)

    # -- entry points --------------------------------------------------------------
    def lint_text(self, text: str, path: str = "<stdin>", ext: str | None = None) -> list[FileResult]:
        try:
            emails = read_bytes(path, text.encode("utf-8"), ext=ext if ext is not None else os.path.splitext(path)[1])
        except InputError as exc:
            return [FileResult(path=path, error=str(exc), failed=True)]
        return self.lint_emails(emails)

    def lint_file(self, path: str) -> list[FileResult]:
        try:
            emails = read_path(path)
        except InputError as exc:
            return [FileResult(path=path, error=str(exc), failed=True)]
        return self.lint_emails(emails)

    def lint_emails(self, emails: list[Email]) -> list[FileResult]:
        return [self.result(a) for a in pipeline.analyse(self, emails)]

    # -- one email -----------------------------------------------------------------
    def result(self, analysis: Analysis) -> FileResult:
        email = analysis.email
        res = FileResult(path=email.path, row=email.row, label=email.label, email=email)
        if self.options.library:
            from .library import features

            res.library = features(analysis)
        analysis.context.release()  # the rules are done with the Doc: free it before the model's features
        return pipeline.judge(self, analysis, res)

    def gate(self, res: FileResult, findings: list[Finding]) -> list[Finding]:
        """The findings with the score gate's own (``--max-score``), each naming its row."""
        limit = self.options.max_score
        if limit is not None and res.score is not None and res.score > limit:
            findings = sorted(findings + [score_finding(res.email, res.score, limit)], key=lambda f: f.sort_key)
        if res.label:  # a row of a sequence: say which, as file:line:col cannot
            findings = [replace(f, message=f"{f.message} ({res.label})") for f in findings]
        return findings

    def suppress(self, email: Email, findings: list[Finding]) -> list[Finding]:
        """The findings left after included templates, per-file ignores and suppression comments."""
        if email.included:  # reported once, at the included template's own line
            findings = [f for f in findings if not any(s <= f.src_start and f.src_end <= e for s, e in email.included)]
        findings = self.per_file_filter(email.path, findings)
        return apply_suppressions(email, findings, self.options.report_unused_suppressions)

    def per_file_filter(self, path: str, findings: list[Finding]) -> list[Finding]:
        """``findings`` without those the ``per-file-ignores`` of ``path`` switch off."""
        o = self.options
        ignores = [codes for pattern, codes in o.per_file_ignores.items() if glob_match(path, pattern, o.glob_base)]
        if ignores:
            flat = [c for codes in ignores for c in codes]
            findings = [f for f in findings if not any(matches_selector(f.code, f.family, c) for c in flat)]
        return findings

    def fails(self, res: FileResult, baseline_score: int | None = None) -> bool:
        """Whether ``res`` fails the gate; with a ``baseline_score`` the score may reach that but not rise."""
        if res.error is not None:
            return True
        threshold = self.options.fail_on
        if threshold != "never":
            bar = Severity(threshold).rank
            if any(Severity(f.severity).rank >= bar for f in res.findings):
                return True
        cap = self.options.max_score
        if cap is not None and baseline_score is not None:
            cap = max(cap, baseline_score)
        return cap is not None and res.score is not None and res.score > cap


def glob_match(path: str, pattern: str, base: str | None = None) -> bool:
    """Does ``pattern``, relative to the folder ``base`` (default: the working
    directory), match ``path``? A pattern without a slash also matches the file name."""
    full = os.path.abspath(path)
    rel = os.path.relpath(full, os.path.abspath(base or os.getcwd()))
    names = [os.path.basename(full)]
    if not rel.startswith(os.pardir + os.sep) and rel != os.pardir:
        names.append(rel.replace(os.sep, "/"))
    return any(fnmatch.fnmatch(name, pattern) for name in names)


def lint_text(text: str, path: str = "<stdin>", options: Options | None = None) -> list[FileResult]:
    return Linter(options).lint_text(text, path)


def lint_file(path: str, options: Options | None = None) -> list[FileResult]:
    return Linter(options).lint_file(path)
