"""The rule schema: the fields a rule has, and the validation that builds a ``Rule``.

Each rule names exactly one matcher:

- ``phrases``: a list of phrases, matched case-insensitively on whole tokens;
- ``patterns``: spaCy ``Matcher`` token patterns (a list of lists of dicts);
- ``regex``: a Python regular expression (case-insensitive unless ``case: sensitive``);
- ``check``: the name of a computed check in ``linter.checks`` (with optional ``params``);
- ``model``: a classifier label (``stop``); the model makes the finding, the engine ignores the rule.

A built-in regex rule may list ``needles``: lower-case words one of which every match
contains, so the engine can skip the regex on an email that holds none of them
(``python -m linter.rulepack.devtool needles`` proposes them; a test proves them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.matcher import Matcher

from ..checks import CHECKS
from ..email import SCOPES
from ..nlp import get_nlp
from ..taxonomy import MODEL_LABELS, Family, Severity, family_named

SEVERITIES = tuple(Severity)
FAMILY_LETTERS = "".join(f.letter for f in Family)
MATCHER_KEYS = ("phrases", "patterns", "regex", "check", "model")
REQUIRED = ("code", "severity", "message", "why", "instead")
OPTIONAL = (
    "name",
    "family",
    "scope",
    "examples",
    "params",
    "case",
    "default",
    "max_per_email",
    "unless",
    "needles",
    "fix",
) + MATCHER_KEYS
FIX_KINDS = ("safe", "unsafe")
CODE_RE = re.compile(rf"^[{FAMILY_LETTERS}]\d{{3}}$")


class RuleError(Exception):
    """A rule pack that cannot be used; the message names file, rule and line."""


@dataclass
class Rule:
    code: str
    family: Family
    severity: Severity
    message: str
    why: str
    instead: str
    name: str = ""
    scope: str = "all"
    phrases: list[str] | None = None
    patterns: list[list[dict[str, Any]]] | None = None
    regex: str | None = None
    check: str | None = None
    model: str | None = None  # a classifier label: the model makes this rule's finding
    params: dict[str, Any] = field(default_factory=dict)
    case_sensitive: bool = False
    default: bool = True  # selected unless the user selects otherwise
    max_per_email: int = 3
    unless: str | None = None  # a regex: no finding when the sentence matches it
    fix: str | None = None  # "safe" or "unsafe": `stoplint check --fix` repairs it (see linter.fixes)
    examples: dict[str, list[str]] = field(default_factory=dict)
    origin: str = ""  # "file:line", for messages
    builtin: bool = True
    #: a regex rule's needles: every match contains one of them (None: not known)
    needles: frozenset[str] | None = None

    @property
    def kind(self) -> str:
        for key in MATCHER_KEYS:
            if getattr(self, key) is not None:
                return key
        return "none"


def strip_lines(value: Any) -> Any:
    """A parsed YAML value without the ``__line__`` keys the loader adds."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def build_rule(raw: dict[str, Any], builtin: bool = True) -> Rule:
    """Validate one raw rule dict and build the Rule; RuleError names file, rule and line."""
    label = rule_label(raw)
    check_types(raw, label)
    _check_fields(raw, label, builtin)
    rule = Rule(
        code=raw["code"],
        family=_family(raw, label),
        severity=_severity(raw["severity"], label),
        message=str(raw["message"]).strip(),
        why=str(raw["why"]).strip(),
        instead=str(raw["instead"]).strip(),
        name=str(raw.get("name", "")),
        scope=_scope(raw.get("scope", "all"), label),
        params=strip_lines(raw.get("params") or {}),
        case_sensitive=raw.get("case") == "sensitive",
        default=bool(raw.get("default", True)),
        max_per_email=int(raw.get("max_per_email", 3)),
        unless=raw.get("unless"),
        fix=_fix_kind(raw.get("fix"), raw["code"], label),
        examples=_examples(strip_lines(raw.get("examples") or {}), label),
        origin=raw.get("__origin__", "?"),
        builtin=builtin,
    )
    _set_matcher(rule, raw, label)
    if rule.unless is not None and not builtin:
        _check_team_regex(rule.unless, label + " (unless)")
    if rule.check is not None:
        _check_params(rule.params, label)
    if "needles" in raw:
        rule.needles = _needles(rule, strip_lines(raw["needles"]), label)
    return rule


def _fix_kind(value: Any, code: str, label: str) -> str | None:
    """A rule's ``fix``: ``safe`` or ``unsafe``, and only for a code stoplint has a fixer for."""
    if value is None:
        return None
    if value not in FIX_KINDS:
        raise RuleError(f"{label}: 'fix' must be one of {', '.join(FIX_KINDS)}")
    from ..fixes import FIXERS

    if code not in FIXERS:
        raise RuleError(f"{label}: 'fix' is only for rules stoplint can repair ({', '.join(sorted(FIXERS))})")
    return value


def _check_fields(raw: dict[str, Any], label: str, builtin: bool) -> None:
    """Known fields, the required ones present, a code of a family letter and three digits."""
    unknown = sorted(k for k in raw if k not in REQUIRED + OPTIONAL and not k.startswith("__"))
    if not builtin and "needles" in raw:
        unknown.insert(0, "needles")  # built-in packs only: a wrong list hides findings
    if unknown:
        raise RuleError(f"{label}: unknown field {unknown[0]!r}")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise RuleError(f"{label}: missing field {missing[0]!r}")
    if not isinstance(raw["code"], str) or not CODE_RE.match(raw["code"]):
        raise RuleError(f"{label}: code must be a family letter ({', '.join(FAMILY_LETTERS)}) and three digits")
    present = [k for k in MATCHER_KEYS if k in raw]
    if len(present) != 1:
        raise RuleError(f"{label}: give exactly one of {', '.join(MATCHER_KEYS)}")


def _family(raw: dict[str, Any], label: str) -> Family:
    """The rule's family (its own, else its pack's, else its code letter's), matching its code."""
    code = raw["code"]
    named = raw.get("family") or raw.get("__pack_family__")
    family = family_named(named) if isinstance(named, str) else Family.by_letter(code[0]) if named is None else None
    if family is None:
        raise RuleError(f"{label}: unknown family {named!r} (one of {', '.join(Family)})")
    if family.letter != code[0]:
        raise RuleError(f"{label}: code {code} does not belong to family {family.value!r}")
    return family


def _severity(value: Any, label: str) -> Severity:
    if value not in SEVERITIES:
        raise RuleError(f"{label}: severity must be one of {', '.join(SEVERITIES)}")
    return Severity(value)


def _scope(value: Any, label: str) -> str:
    if value not in SCOPES:
        raise RuleError(f"{label}: unknown scope {value!r} (one of {', '.join(SCOPES)})")
    return value


def _examples(examples: Any, label: str) -> dict[str, list[str]]:
    if examples and (
        not isinstance(examples, dict)
        or set(examples) - {"flag", "pass"}
        or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in examples.values())
    ):
        raise RuleError(f"{label}: 'examples' must map 'flag' and 'pass' to lists of strings")
    return examples


def _set_matcher(rule: Rule, raw: dict[str, Any], label: str) -> None:
    """Check the rule's one matcher and set it on the rule."""
    kind = next(k for k in MATCHER_KEYS if k in raw)
    value = strip_lines(raw[kind])
    if kind == "phrases":
        if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
            raise RuleError(f"{label}: 'phrases' must be a non-empty list of strings")
    elif kind == "patterns":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in value)
        ):
            raise RuleError(f"{label}: 'patterns' must be a list of token patterns (lists of mappings)")
        if not rule.builtin:  # the built-in packs' patterns are checked by the test suite
            _check_patterns(value, label)
    elif kind == "regex":
        if not isinstance(value, str):
            raise RuleError(f"{label}: 'regex' must be a string")
        if not rule.builtin:  # the built-in packs are checked by the test suite, not at every start
            _check_team_regex(value, label)
    elif kind == "model":
        if value not in MODEL_LABELS:
            raise RuleError(f"{label}: 'model' must name a classifier label ({', '.join(MODEL_LABELS)})")
    elif value not in CHECKS:
        raise RuleError(f"{label}: no computed check named {value!r}")
    setattr(rule, kind, value)


def _needles(rule: Rule, value: Any, label: str) -> frozenset[str]:
    if rule.regex is None:
        raise RuleError(f"{label}: 'needles' go with a 'regex'")
    if not isinstance(value, list) or not value or not all(isinstance(n, str) and n and n == n.lower() for n in value):
        raise RuleError(f"{label}: 'needles' must be a non-empty list of lower-case strings")
    return frozenset(value)


def rule_label(raw: dict[str, Any]) -> str:
    """"file:line: rule CODE", for messages."""
    code = raw.get("code")
    return f"{raw.get('__origin__', '?')}: rule {code if isinstance(code, str) and code else '(no code)'}"


#: The type of each field a rule may give (matchers are checked by kind in _set_matcher).
FIELD_TYPES: dict[str, type] = {
    "code": str, "family": str, "severity": str, "message": str, "why": str, "instead": str, "name": str,
    "scope": str, "case": str, "default": bool, "enabled": bool, "max_per_email": int, "unless": str,
    "params": dict, "examples": dict,
}
_TYPE_WORDS = {str: "a string", bool: "true or false", int: "a whole number", float: "a number", dict: "a mapping", list: "a list of words"}


def check_types(raw: dict[str, Any], label: str) -> None:
    """RuleError for a field of the wrong YAML type (a list where a word goes, a word for a number)."""
    odd = next((k for k in raw if not isinstance(k, str)), None)
    if odd is not None:
        raise RuleError(f"{label}: field names must be words, not {odd!r}")
    for key, want in FIELD_TYPES.items():
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise RuleError(f"{label}: {key!r} must be {_TYPE_WORDS[want]}, not {type(value).__name__}")
    if raw.get("max_per_email") is not None and raw["max_per_email"] < 1:
        raise RuleError(f"{label}: 'max_per_email' must be 1 or more")


#: What each computed check's ``params`` take (see the checks' docstrings).
PARAM_TYPES: dict[str, type] = {
    "min_words": int, "max_words": int, "max_chars": int, "max": int, "per_words": int, "min_specifics": int,
    "max_specifics": int, "min_self": int, "min_kinds": int, "min_items": int, "share": float, "min_share": float,
    "part": str, "parts": list, "strength": str,
    "similarity": float, "min_shingles": int, "max_fixed_share": float, "min_new_words": int,  # library-wide checks
}
PARTS = ("subject", "greeting", "body", "ps", "signoff", "message")


def _check_params(params: Any, label: str) -> None:
    """RuleError for params a check would trip on at run time."""
    if not isinstance(params, dict):
        raise RuleError(f"{label}: 'params' must be a mapping")
    for key, value in params.items():
        want = PARAM_TYPES.get(key)
        if want is None:
            raise RuleError(f"{label}: unknown param {key!r} (known: {', '.join(PARAM_TYPES)})")
        number = want in (int, float) and isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = number and (want is float or isinstance(value, int)) or (want is str and isinstance(value, str))
        if want is list:
            ok = isinstance(value, list) and all(isinstance(v, str) and v in PARTS for v in value)
        if want is str and key == "part":
            ok = ok and value in PARTS
        if not ok:
            raise RuleError(f"{label}: param {key!r} must be {_TYPE_WORDS[want]}, not {value!r}"[:300])


def _check_team_regex(value: str, label: str) -> None:
    from ..team_regex import team_regex_error

    _check_regex(value, label)
    reason = team_regex_error(value)
    if reason:
        raise RuleError(f"{label}: regex {value[:80]!r} cannot run: {reason}")


def _check_patterns(patterns: list, label: str) -> None:
    """Token patterns spaCy's Matcher accepts (validated against its schema); their REGEX
    predicates run on RE2 (see linter.team_regex), so RE2 must accept them."""
    from ..team_regex import TOKEN_TEXT, team_regex_error, team_token_patterns, token_regexes

    for attr, regex in token_regexes(patterns):
        if attr.upper() not in TOKEN_TEXT:
            raise RuleError(f"{label}: REGEX can test {', '.join(TOKEN_TEXT)}, not {attr!r}")
        reason = team_regex_error(regex)
        if reason:
            raise RuleError(f"{label}: token pattern REGEX {str(regex)[:80]!r} cannot run: {reason}")
    matcher = Matcher(get_nlp().vocab, validate=True)
    try:
        matcher.add("probe", team_token_patterns(patterns))
    except (ValueError, KeyError, TypeError) as exc:
        lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
        detail = next((x for x in lines if not x.startswith("[")), lines[0] if lines else "bad token pattern")
        for x in lines:
            if "->" in x or "field required" in x.lower() or "extra fields" in x.lower():
                detail = x
                break
        raise RuleError(f"{label}: wrong pattern shape ({detail[:160]})") from None


def _check_regex(value: str, label: str) -> None:
    """A team regex must compile; it then runs on RE2, which cannot backtrack, so a
    nested repeat such as ``(a+)+`` costs linear time and needs no separate check."""
    try:
        re.compile(value)
    except re.error as exc:
        raise RuleError(f"{label}: regex does not compile ({exc})") from None


