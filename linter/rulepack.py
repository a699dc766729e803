"""Rule packs: YAML files of rules, loaded, validated and selected.

A pack is a mapping with an optional ``family`` (the default for its rules) and a
``rules`` list.  Each rule names exactly one matcher:

- ``phrases``: a list of phrases, matched case-insensitively on whole tokens;
- ``patterns``: spaCy ``Matcher`` token patterns (a list of lists of dicts);
- ``regex``: a Python regular expression (case-insensitive unless ``case: sensitive``);
- ``check``: the name of a computed check in ``linter.checks`` (with optional ``params``).

See ``docs``/README and ``stoplint explain CODE`` for the fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .email import SCOPES
from .resources import data_dir

FAMILIES = {
    "T": "templated",
    "S": "seller_centric",
    "G": "generic",
    "Q": "quit",
    "M": "template",
}
FAMILY_LETTER = {v: k for k, v in FAMILIES.items()}
SEVERITIES = ("error", "warning", "suggestion")
SEVERITY_RANK = {"suggestion": 1, "warning": 2, "error": 3}
MATCHER_KEYS = ("phrases", "patterns", "regex", "check")
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
) + MATCHER_KEYS
CODE_RE = re.compile(r"^[TSGQM]\d{3}$")


class RuleError(Exception):
    """A rule pack that cannot be used; the message names file, rule and line."""


@dataclass
class Rule:
    code: str
    family: str
    severity: str
    message: str
    why: str
    instead: str
    name: str = ""
    scope: str = "all"
    phrases: list[str] | None = None
    patterns: list[list[dict[str, Any]]] | None = None
    regex: str | None = None
    check: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    case_sensitive: bool = False
    default: bool = True  # selected unless the user selects otherwise
    max_per_email: int = 3
    unless: str | None = None  # a regex: no finding when the sentence matches it
    examples: dict[str, list[str]] = field(default_factory=dict)
    origin: str = ""  # "file:line", for messages
    builtin: bool = True

    @property
    def kind(self) -> str:
        for key in MATCHER_KEYS:
            if getattr(self, key) is not None:
                return key
        return "none"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers each mapping's line (as ``__line__``)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def parse_pack(text: str, origin: str, builtin: bool = True) -> list[dict[str, Any]]:
    """Parse one pack's YAML into raw rule dicts (with ``__line__``); RuleError if malformed."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise RuleError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{origin}: a rule pack is a mapping with a 'rules' list")
    family = data.get("family")
    raws = []
    for raw in data["rules"]:
        if not isinstance(raw, dict):
            raise RuleError(f"{origin}: each entry of 'rules' must be a mapping")
        raw = dict(raw)
        if family and "family" not in raw:
            raw["family"] = family
        raw["__origin__"] = f"{origin}:{raw.get('__line__', '?')}"
        raws.append(raw)
    return raws


def build_rule(raw: dict[str, Any], builtin: bool = True) -> Rule:
    """Validate one raw rule dict and build the Rule; RuleError names file, rule and line."""
    origin = raw.get("__origin__", "?")
    code = raw.get("code")
    label = f"{origin}: rule {code or '(no code)'}"
    unknown = sorted(k for k in raw if k not in REQUIRED + OPTIONAL and not k.startswith("__"))
    if unknown:
        raise RuleError(f"{label}: unknown field {unknown[0]!r}")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if missing:
        raise RuleError(f"{label}: missing field {missing[0]!r}")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise RuleError(f"{label}: code must be a family letter (T, S, G, Q, M) and three digits")
    family = raw.get("family") or FAMILIES[code[0]]
    if family not in FAMILY_LETTER:
        raise RuleError(f"{label}: unknown family {family!r} (one of {', '.join(FAMILY_LETTER)})")
    if FAMILY_LETTER[family] != code[0]:
        raise RuleError(f"{label}: code {code} does not belong to family {family!r}")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{label}: severity must be one of {', '.join(SEVERITIES)}")
    scope = raw.get("scope", "all")
    if scope not in SCOPES:
        raise RuleError(f"{label}: unknown scope {scope!r} (one of {', '.join(SCOPES)})")
    present = [k for k in MATCHER_KEYS if k in raw]
    if len(present) != 1:
        raise RuleError(f"{label}: give exactly one of {', '.join(MATCHER_KEYS)}")
    rule = Rule(
        code=code,
        family=family,
        severity=raw["severity"],
        message=str(raw["message"]).strip(),
        why=str(raw["why"]).strip(),
        instead=str(raw["instead"]).strip(),
        name=str(raw.get("name", "")),
        scope=scope,
        params=_strip_lines(raw.get("params") or {}),
        case_sensitive=raw.get("case") == "sensitive",
        default=bool(raw.get("default", True)),
        max_per_email=int(raw.get("max_per_email", 3)),
        unless=raw.get("unless"),
        examples=_strip_lines(raw.get("examples") or {}),
        origin=origin,
        builtin=builtin,
    )
    kind = present[0]
    value = _strip_lines(raw[kind])
    if kind == "phrases":
        if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
            raise RuleError(f"{label}: 'phrases' must be a non-empty list of strings")
        rule.phrases = value
    elif kind == "patterns":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in value)
        ):
            raise RuleError(f"{label}: 'patterns' must be a list of token patterns (lists of mappings)")
        rule.patterns = value
    elif kind == "regex":
        if not isinstance(value, str):
            raise RuleError(f"{label}: 'regex' must be a string")
        _check_regex(value, label)
        rule.regex = value
    else:
        from .checks import CHECKS

        if value not in CHECKS:
            raise RuleError(f"{label}: no computed check named {value!r}")
        rule.check = value
    if rule.unless is not None:
        _check_regex(rule.unless, label + " (unless)")
    examples = rule.examples
    if examples and (
        not isinstance(examples, dict)
        or set(examples) - {"flag", "pass"}
        or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in examples.values())
    ):
        raise RuleError(f"{label}: 'examples' must map 'flag' and 'pass' to lists of strings")
    return rule


# Nested quantifiers such as (a+)+ or (\w*)* backtrack catastrophically.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]")


def _check_regex(value: str, label: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise RuleError(f"{label}: regex does not compile ({exc})") from None
    if _NESTED_QUANTIFIER.search(value):
        raise RuleError(f"{label}: regex has a nested quantifier, which can backtrack catastrophically")


def builtin_pack_files() -> list[tuple[str, str]]:
    """(name, text) of every built-in pack, in code order."""
    root = data_dir("rules")
    out = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yml", ".yaml")):
            out.append((f"rules/{entry.name}", entry.read_text(encoding="utf-8")))
    return out


def pack_files(folder: str | Path) -> list[tuple[str, str]]:
    path = Path(folder)
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    else:
        raise RuleError(f"{folder}: rule pack folder not found")
    out = []
    for p in files:
        try:
            out.append((str(p), p.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(f"{p}: cannot read rule pack ({exc})") from None
    return out


def load_rules(extra_folders: list[str] | tuple[str, ...] = ()) -> list[Rule]:
    """The built-in rules, then each extra pack: new rules are added; a rule with a
    built-in's code and only ``severity``/``default``/``enabled`` changes that rule."""
    rules: dict[str, Rule] = {}
    for origin, text in builtin_pack_files():
        for raw in parse_pack(text, origin):
            rule = build_rule(raw)
            if rule.code in rules:
                raise RuleError(f"{rule.origin}: rule {rule.code}: duplicate code (first in {rules[rule.code].origin})")
            rules[rule.code] = rule
    for folder in extra_folders:
        seen: dict[str, str] = {}
        for origin, text in pack_files(folder):
            for raw in parse_pack(text, origin, builtin=False):
                code = raw.get("code")
                where = raw["__origin__"]
                if code in seen:
                    raise RuleError(f"{where}: rule {code}: duplicate code (first in {seen[code]})")
                seen[code] = where
                if code in rules and rules[code].builtin and _is_override(raw):
                    _apply_override(rules[code], raw)
                    continue
                if code in rules:
                    raise RuleError(f"{where}: rule {code}: duplicate code (first in {rules[code].origin})")
                rules[code] = build_rule(raw, builtin=False)
    return sorted(rules.values(), key=lambda r: r.code)


_OVERRIDE_KEYS = {"code", "severity", "default", "enabled"}


def _is_override(raw: dict[str, Any]) -> bool:
    return {k for k in raw if not k.startswith("__")} <= _OVERRIDE_KEYS


def _apply_override(rule: Rule, raw: dict[str, Any]) -> None:
    where = f"{raw['__origin__']}: rule {rule.code}"
    if "severity" in raw:
        if raw["severity"] not in SEVERITIES:
            raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        rule.severity = raw["severity"]
    for key in ("default", "enabled"):
        if key in raw:
            if not isinstance(raw[key], bool):
                raise RuleError(f"{where}: {key!r} must be true or false")
            rule.default = raw[key]
    rule.origin = f"{rule.origin} (changed in {raw['__origin__']})"


def matches_selector(rule: Rule, selector: str) -> bool:
    """A selector is a code (T101), a code prefix (T1, T) or a family name (templated)."""
    sel = selector.strip()
    if not sel:
        return False
    if sel.lower() in FAMILY_LETTER or sel.lower().replace("-", "_") in FAMILY_LETTER:
        return rule.family == sel.lower().replace("-", "_")
    if sel.upper() == "ALL":
        return True
    return rule.code.startswith(sel.upper())


def valid_selector(selector: str) -> bool:
    sel = selector.strip()
    return bool(
        sel.lower().replace("-", "_") in FAMILY_LETTER
        or sel.upper() == "ALL"
        or re.fullmatch(r"[TSGQMtsgqm]\d{0,3}", sel)
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
        lengths = [_specificity(s) for s in selectors if matches_selector(rule, s)]
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
    if sel.lower().replace("-", "_") in FAMILY_LETTER:
        return 1
    return len(sel)
