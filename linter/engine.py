"""The rule engine: compiles the selected rules once and runs them over emails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import ahocorasick
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from . import limits
from .budget import clocked, within_budget
from .checks import CHECKS, Hit, folds_to_lower
from .context import Context
from .email import Email
from .nlp import get_nlp
from .parts import find_parts
from .rulepack import Rule, RuleError
from .taxonomy import Family, Severity

MAX_TEXT_CHARS = 120


@dataclass
class Finding:
    code: str
    family: Family
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    suggestion: str
    src_start: int = 0
    src_end: int = 0
    #: The rule ran past its time budget on this email: a finding about the check, not the text.
    out_of_time: bool = False

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "category": self.family,  # INTERFACE.md's name for the family
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "suggestion": self.suggestion,
        }

    @property
    def sort_key(self) -> tuple:
        return (self.line, self.column, self.code)


@dataclass
class Analysis:
    """One email run through the rules: everything scoring and the model need."""

    email: Email
    context: Context
    findings: list[Finding] = field(default_factory=list)
    hits_by_code: dict[str, int] = field(default_factory=dict)


class Engine:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.by_code = {r.code: r for r in rules}
        nlp = get_nlp()
        self.nlp = nlp
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrases_cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.tokens = Matcher(nlp.vocab, validate=True)
        self.team_tokens: list[tuple[Rule, Matcher]] = []  # one each: a budget is per rule
        self.regexes: list[_RegexRule] = []
        self.checks: list[Rule] = []
        self.unless = {r.code: r.unless for r in rules if r.unless}  # compiled on first use
        for rule in rules:
            if rule.phrases is not None:
                target = self.phrases_cased if rule.case_sensitive else self.phrases
                target.add(rule.code, [nlp.tokenize(p) for p in rule.phrases])
            elif rule.patterns is not None:
                self._add_token_rule(rule)
            elif rule.regex is not None:
                self.regexes.append(_RegexRule(rule))
            elif rule.check is not None:
                self.checks.append(rule)
        self._index_needles()

    def _add_token_rule(self, rule: Rule) -> None:
        """A built-in rule's token patterns join the shared matcher; a team rule's get a
        matcher of their own, with the clock in every pattern (see linter.budget)."""
        try:
            if rule.builtin:
                self.tokens.add(rule.code, rule.patterns)
            else:
                matcher = Matcher(self.nlp.vocab, validate=True)
                matcher.add(rule.code, clocked(_team_token_patterns(rule.patterns)))
                self.team_tokens.append((rule, matcher))
        except (ValueError, KeyError, TypeError) as exc:
            first = str(exc).strip().splitlines()
            detail = next((x for x in first if x.strip()), "bad token pattern")
            raise RuleError(f"{rule.origin}: rule {rule.code}: wrong pattern shape ({detail[:160]})") from None

    # -- running -------------------------------------------------------------
    def _index_needles(self) -> None:
        """One Aho-Corasick automaton over every rule's needles: a single pass over an
        email finds which of them it contains (in C), where a substring test per needle
        per rule took a tenth of the time per email."""
        ids: dict[str, int] = {}
        for entry in self.regexes:
            entry.needle_ids = frozenset(ids.setdefault(n, len(ids)) for n in entry.needles) if entry.needles else None
        self.needle_finder = None
        if ids:
            automaton = ahocorasick.Automaton()
            for needle, i in ids.items():
                automaton.add_word(needle, i)
            automaton.make_automaton()
            self.needle_finder = automaton

    def analyze(self, email: Email, doc: Doc | None = None) -> Analysis:
        if doc is None:
            doc = self.nlp(email.text)
        ctx = Context(email=email, doc=doc, parts=find_parts(email, doc))
        analysis = Analysis(email=email, context=ctx)
        raw, late = self._raw_hits(ctx)
        analysis.findings = self._to_findings(ctx, raw)
        if late:
            analysis.findings = sorted(analysis.findings + [out_of_time(email, r) for r in late], key=lambda f: f.sort_key)
        for f in analysis.findings:
            analysis.hits_by_code[f.code] = analysis.hits_by_code.get(f.code, 0) + 1
        return analysis

    def analyze_many(self, emails: list[Email]) -> Iterator[Analysis]:
        """One analysis at a time; none keeps a reference to a Doc it handed on (see Context.release)."""
        for email in emails:
            yield self.analyze(email)

    def _raw_hits(self, ctx: Context) -> tuple[list[tuple[Rule, Hit]], list[Rule]]:
        """Every rule's hits, and the rules that ran past their time budget on this email
        (whose hits are dropped).  The shared matchers run whole: phrase matching is
        linear, and the built-in token patterns are ours."""
        doc = ctx.doc
        raw = [(rule, hit) for matcher in (self.phrases, self.phrases_cased, self.tokens)
               for rule, hit in self._matches(matcher, doc)]
        late = []
        for rule, hits in self._budgeted(ctx):
            found = within_budget(hits)
            if found is None:
                late.append(rule)
            else:
                raw.extend((rule, hit) for hit in found)
        return raw, late

    def _matches(self, matcher, doc: Doc) -> Iterator[tuple[Rule, Hit]]:
        if len(matcher) == 0:
            return
        strings = self.nlp.vocab.strings
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            yield self.by_code[strings[match_id]], Hit(span.start_char, span.end_char)

    def _budgeted(self, ctx: Context) -> Iterator[tuple[Rule, Iterator[Hit]]]:
        """Each rule that runs under a time budget, with its hits (not found until asked for)."""
        for rule, matcher in self.team_tokens:
            yield rule, (hit for _, hit in self._matches(matcher, ctx.doc))
        lowered = ctx.lowered
        finder = self.needle_finder
        present = {i for _, i in finder.iter(lowered)} if finder is not None and lowered is not None else set()
        for entry in self.regexes:
            if entry.lowered and lowered is not None and entry.needle_ids is not None and entry.needle_ids.isdisjoint(present):
                continue  # every match contains one of these words; none is here
            yield entry.rule, self._regex_hits(ctx, entry)
        for rule in self.checks:
            yield rule, _check_hits(ctx, rule)

    @staticmethod
    def _regex_hits(ctx: Context, entry: "_RegexRule") -> Iterator[Hit]:
        rule = entry.rule
        haystack = ctx.text
        if entry.lowered and ctx.lowered is not None:
            haystack = ctx.lowered
            pattern = entry.pattern or entry.compile()
        elif entry.lowered:  # rare: fall back to the case-insensitive pattern (re caches it)
            pattern = _compile(rule, rule.regex, re.I | re.M)
        else:
            pattern = entry.pattern or entry.compile()
        for s, e in ctx.parts.get(rule.scope):
            for ms, me in _match_spans(pattern, haystack, s, e, rule.builtin):
                if me > ms:
                    yield Hit(ms, me)

    def _excused(self, ctx: Context, code: str, hit: Hit, memo: dict[tuple[str, int, int], bool]) -> bool:
        """Does the rule's ``unless`` match the hit's sentence?  Once per sentence, not per hit."""
        ss, se = ctx.sentence_of(hit.start)
        key = (code, ss, max(se, hit.end))
        if key not in memo:
            rule = self.by_code[code]
            memo[key] = any(_match_spans(_compile(rule, self.unless[code], re.I), ctx.text, ss, key[2], rule.builtin))
        return memo[key]

    def _to_findings(self, ctx: Context, raw: list[tuple[Rule, Hit]]) -> list[Finding]:
        email = ctx.email
        parts = ctx.parts
        per_code: dict[str, list[tuple[int, int]]] = {}
        excused: dict[tuple[str, int, int], bool] = {}
        findings = []
        raw.sort(key=lambda rh: (rh[0].code, rh[1].start, -rh[1].end))
        for rule, hit in raw:
            if hit.start < 0:  # a reader's finding, already in source offsets
                s, e = -1 - hit.start, -1 - hit.end
                line, col = email.line_col(s)
                end_line, end_col = email.line_col(max(s, e))
            else:
                if not parts.contains(rule.scope, hit.start):
                    continue
                if rule.code in self.unless and self._excused(ctx, rule.code, hit, excused):
                    continue
                s, e, line, col, end_line, end_col = email.position(hit.start, hit.end)
            taken = per_code.setdefault(rule.code, [])
            if len(taken) >= rule.max_per_email or any(s < te and ts < e or s == ts for ts, te in taken):
                continue
            taken.append((s, e))
            snippet = email.source[s:e] if hit.start < 0 else email.excerpt(hit.start, hit.end, s, e)
            if len(snippet) > MAX_TEXT_CHARS:
                snippet = snippet[: MAX_TEXT_CHARS - 1] + "…"
            findings.append(
                Finding(
                    code=rule.code,
                    family=rule.family,
                    severity=rule.severity,
                    message=hit.message or rule.message,
                    line=line,
                    column=col,
                    end_line=end_line,
                    end_column=end_col,
                    text=" ".join(snippet.split()),
                    suggestion=rule.instead,
                    src_start=s,
                    src_end=e,
                )
            )
        findings.sort(key=lambda f: f.sort_key)
        return findings


def out_of_time(email: Email, rule: Rule) -> Finding:
    """The one finding of a rule that ran past its time budget on this email."""
    return first_line_finding(
        email, rule, Severity.ERROR,
        f"Not checked: this rule ran out of time on this email (the limit is {limits.RULE_SECONDS:g} s a rule)",
        "split the email into shorter ones, or give the rule a simpler pattern in its pack",
        out_of_time=True,
    )


def first_line_finding(email: Email, rule: Rule, severity: Severity, message: str, suggestion: str,
                       out_of_time: bool = False) -> Finding:
    """A finding about the email as a whole, over its first line (a sequence row's own line)."""
    start, _end = email.extent()
    line, col = email.line_col(start)
    text = email.source_line(line)
    line_start = start - col + 1
    return Finding(
        code=rule.code,
        family=rule.family,
        severity=severity,
        message=message,
        line=line,
        column=1,
        end_line=line,
        end_column=len(text) + 1,
        text=text,
        suggestion=suggestion,
        src_start=line_start,
        src_end=line_start + len(text),
        out_of_time=out_of_time,
    )


def regex_mode(rule: Rule) -> tuple[int, bool]:
    """(flags to compile the rule's regex with, whether it runs on the lower-cased text).

    Case-insensitive matching is two to three times slower in ``re``; a pattern with no
    upper-case letters of its own (escapes aside) matches lower-cased text the same way
    without the flag, so the engine lower-cases each email once and runs it there.
    """
    if rule.case_sensitive:
        return re.M, False
    if not folds_to_lower(rule.regex):
        return re.I | re.M, False
    return re.M, True


class _RegexRule:
    """A regex rule as the engine runs it: compiled the first time an email could match."""

    __slots__ = ("rule", "flags", "lowered", "needles", "needle_ids", "pattern")

    def __init__(self, rule: Rule):
        self.rule = rule
        self.flags, self.lowered = regex_mode(rule)
        self.needles = rule.needles if self.lowered else None  # lower-case words: for lowered text only
        self.needle_ids: frozenset[int] | None = None  # the needles' numbers in the engine's automaton
        self.pattern: re.Pattern | None = None

    def compile(self) -> re.Pattern:
        self.pattern = _compile(self.rule, self.rule.regex, self.flags)
        return self.pattern


def _compile(rule: Rule, pattern: str, flags: int):
    """A rule's pattern: Python's ``re`` for the built-in packs, RE2 for team packs."""
    if rule.builtin:
        return re.compile(pattern, flags)
    from .team_regex import compile_team

    return compile_team(pattern, flags)


def _check_hits(ctx: Context, rule: Rule) -> Iterator[Hit]:
    """A check's hits, the check called only when the first is asked for (so under the
    budget's clock, also for a check that returns a list).  A negative hit is a reader's
    finding, in source offsets."""
    yield from CHECKS[rule.check](ctx, rule)


def _match_spans(pattern, text: str, start: int, end: int, builtin: bool) -> Iterator[tuple[int, int]]:
    """Match spans in ``text[start:end]``; RE2 (team packs) gets the slice, as it would
    encode the whole text again on every call."""
    if builtin:
        return ((m.start(), m.end()) for m in pattern.finditer(text, start, end))
    return ((m.start() + start, m.end() + start) for m in pattern.finditer(text[start:end]))


def _team_token_patterns(patterns: list) -> list:
    from .team_regex import team_token_patterns

    return team_token_patterns(patterns)
