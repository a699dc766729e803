"""Rule packs: YAML files of rules, loaded, validated and selected.

A pack is a mapping with an optional ``family`` (the default for its rules) and a
``rules`` list.  Each rule names exactly one matcher:

- ``phrases``: a list of phrases, matched case-insensitively on whole tokens;
- ``patterns``: spaCy ``Matcher`` token patterns (a list of lists of dicts);
- ``regex``: a Python regular expression (case-insensitive unless ``case: sensitive``);
- ``check``: the name of a computed check in ``linter.checks`` (with optional ``params``);
- ``model``: a classifier label (``stop``); the model makes the finding, the engine ignores the rule.

See ``docs``/README and ``stoplint explain CODE`` for the fields.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .email import SCOPES
from .resources import data_dir
from .taxonomy import Family, Severity, family_named

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
) + MATCHER_KEYS
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
    examples: dict[str, list[str]] = field(default_factory=dict)
    origin: str = ""  # "file:line", for messages
    builtin: bool = True
    #: a regex rule's needles: every match contains one of them (None: none known)
    needles: frozenset[str] | None = None
    needles_known: bool = False  # set from the rule index, or by the engine during a run

    @property
    def kind(self) -> str:
        for key in MATCHER_KEYS:
            if getattr(self, key) is not None:
                return key
        return "none"


@functools.cache
def _line_loader() -> type:
    """A safe YAML loader that remembers each mapping's line (as ``__line__``).

    Built on first use: a run on the built-in packs alone reads their JSON index and
    never imports yaml. libyaml's parser is used when PyYAML has it (ten times faster).
    """
    import yaml

    class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict:
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def parse_pack(text: str, origin: str, builtin: bool = True) -> list[dict[str, Any]]:
    """Parse one pack's YAML into raw rule dicts (with ``__line__``); RuleError if malformed."""
    import yaml

    try:
        data = yaml.load(text, Loader=_line_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise RuleError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{origin}:1: a rule pack is a mapping with a 'rules' list")
    family = data.get("family")
    raws = []
    for i, raw in enumerate(data["rules"]):
        if not isinstance(raw, dict):
            raise RuleError(f"{origin}:{_entry_line(text, i)}: rule #{i + 1}: each entry of 'rules' must be a mapping")
        raw = dict(raw)
        if family and "family" not in raw:
            raw["__pack_family__"] = family  # a default: an override of a built-in need not restate it
        raw["__origin__"] = f"{origin}:{raw.get('__line__', '?')}"
        raws.append(raw)
    return raws


def _entry_line(text: str, index: int) -> str:
    """The line of the ``index``-th entry of a pack's ``rules`` list (for messages)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        for key, value in root.value:
            if key.value == "rules":
                return str(value.value[index].start_mark.line + 1)
    except Exception:  # noqa: BLE001 - only for a message
        pass
    return "?"


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
        raise RuleError(f"{label}: code must be a family letter ({', '.join(FAMILY_LETTERS)}) and three digits")
    named = raw.get("family") or raw.get("__pack_family__")
    family = family_named(named) if isinstance(named, str) else Family.by_letter(code[0]) if named is None else None
    if family is None:
        raise RuleError(f"{label}: unknown family {named!r} (one of {', '.join(Family)})")
    if family.letter != code[0]:
        raise RuleError(f"{label}: code {code} does not belong to family {family.value!r}")
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
        severity=Severity(raw["severity"]),
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
        if not builtin:  # the built-in packs' patterns are checked by the test suite
            _check_patterns(value, label)
        rule.patterns = value
    elif kind == "regex":
        if not isinstance(value, str):
            raise RuleError(f"{label}: 'regex' must be a string")
        if not builtin:  # the built-in packs are checked by the test suite, not at every start
            _check_regex(value, label)
        rule.regex = value
    elif kind == "model":
        if value not in ("stop", "templated", "seller_centric", "generic"):
            raise RuleError(f"{label}: 'model' must name a classifier label (stop, templated, seller_centric, generic)")
        rule.model = value
    else:
        from .checks import CHECKS

        if value not in CHECKS:
            raise RuleError(f"{label}: no computed check named {value!r}")
        rule.check = value
    if rule.unless is not None and not builtin:
        _check_regex(rule.unless, label + " (unless)")
    examples = rule.examples
    if examples and (
        not isinstance(examples, dict)
        or set(examples) - {"flag", "pass"}
        or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in examples.values())
    ):
        raise RuleError(f"{label}: 'examples' must map 'flag' and 'pass' to lists of strings")
    return rule


def _check_patterns(patterns: list, label: str) -> None:
    """Token patterns spaCy's Matcher accepts (validated against its schema)."""
    from spacy.matcher import Matcher

    from .nlp import get_nlp

    matcher = Matcher(get_nlp().vocab, validate=True)
    try:
        matcher.add("probe", patterns)
    except (ValueError, KeyError, TypeError) as exc:
        lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
        detail = next((x for x in lines if not x.startswith("[")), lines[0] if lines else "bad token pattern")
        for x in lines:
            if "->" in x or "field required" in x.lower() or "extra fields" in x.lower():
                detail = x
                break
        raise RuleError(f"{label}: wrong pattern shape ({detail[:160]})") from None


def _check_regex(value: str, label: str) -> None:
    try:
        parsed = re.compile(value)
    except re.error as exc:
        raise RuleError(f"{label}: regex does not compile ({exc})") from None
    nested = _nested_quantifier(parsed.pattern)
    if nested:
        raise RuleError(
            f"{label}: regex '{nested}' nests a repeat in a repeat without bound, which can backtrack "
            "catastrophically (bound the inner one, e.g. {1,20}, or make it atomic)"
        )


def _nested_quantifier(pattern: str) -> str | None:
    """The first group that repeats without bound around a repeat without bound, or None.

    ``(a+)+``, ``(\\w*\\s?)*`` and ``(?:x+y?){2,}`` try exponentially many ways to
    split a non-matching input; ``(?:\\w+\\s+){0,2}`` (a bounded outer repeat) does not.
    """
    try:
        from re import _parser as sre  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as sre  # type: ignore[no-redef]
    try:
        tree = sre.parse(pattern)
    except Exception:  # noqa: BLE001 - compiled fine above; be lenient here
        return None
    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT) + ((sre.POSSESSIVE_REPEAT,) if hasattr(sre, "POSSESSIVE_REPEAT") else ())
    unbounded = sre.MAXREPEAT

    safe = (getattr(sre, "ATOMIC_GROUP", None), getattr(sre, "POSSESSIVE_REPEAT", None))

    def has_unbounded(items) -> bool:
        for op, av in items:
            if op in safe:
                continue  # atomic: never backtracked into
            if op in repeats:
                if av[1] == unbounded or has_unbounded(av[2]):
                    return True
            for sub in _children(op, av, sre):
                if has_unbounded(sub):
                    return True
        return False

    def walk(items) -> bool:
        for op, av in items:
            if op in repeats and op is not getattr(sre, "POSSESSIVE_REPEAT", None):
                lo, hi, body = av
                if hi == unbounded and has_unbounded(body):
                    return True
                if walk(body):
                    return True
                continue
            for sub in _children(op, av, sre):
                if walk(sub):
                    return True
        return False

    if not walk(tree):
        return None
    # Name the offending stretch for the message: the shortest group with a repeat inside.
    m = re.search(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})", pattern)
    return m.group(0) if m else pattern


def _children(op, av, sre) -> list:
    """Sub-pattern lists under one parsed node (groups, branches, lookarounds)."""
    if op is sre.SUBPATTERN:
        return [av[-1]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def builtin_pack_files() -> list[tuple[str, str]]:
    """(name, text) of every built-in pack, in code order."""
    root = data_dir("rules")
    out = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yml", ".yaml")):
            out.append((f"rules/{entry.name}", entry.read_text(encoding="utf-8")))
    return out


def packs_digest(files: list[tuple[str, str]]) -> str:
    """SHA-256 of the packs' names and texts: what the rule index was built from."""
    digest = hashlib.sha256()
    for name, text in files:
        digest.update(name.encode())
        digest.update(text.encode())
    return digest.hexdigest()


# -- the rule index ------------------------------------------------------------
#: ``rules/index.json`` holds the built-in packs already parsed, with each regex
#: rule's needles (see ``engine.required_literals``), under the SHA-256 of the YAML
#: it was built from. Reading it instead of the YAML saves the yaml import and parse,
#: and the needles let the engine compile a regex only once an email could match it:
#: together about a tenth of a second off every start. It is only a cache: when the
#: YAML has changed since it was built, the YAML is read (``python -m linter.rulepack``
#: rebuilds it, and a test fails until someone does).
INDEX_NAME = "index.json"


def needle_share(texts: list[str]):
    """A ``rank`` for ``engine.required_literals``: the share of ``texts`` (lower-cased)
    that contain at least one needle of a set."""
    lowered = [t.lower() for t in texts]
    seen: dict[str, int] = {}

    def containing(needle: str) -> int:  # a bit per text that contains the needle
        if needle not in seen:
            seen[needle] = sum(1 << i for i, t in enumerate(lowered) if needle in t)
        return seen[needle]

    def share(needles: frozenset[str]) -> float:
        bits = 0
        for n in needles:
            bits |= containing(n)
        return bin(bits).count("1") / max(1, len(lowered))

    return share


def reference_emails(root: Path) -> list[str]:
    """The project's own emails (examples/ and models/data/train.jsonl of the source
    checkout at ``root``): how often a needle occurs in them ranks the index's needles."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "examples").rglob("*")) if p.suffix in (".txt", ".md")]
    data = root / "models" / "data" / "train.jsonl"
    if data.is_file():
        for line in data.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(f"{row.get('subject') or ''}\n{row.get('body') or ''}")
    return texts


def build_index(root: Path, files: list[tuple[str, str]] | None = None) -> str:
    """The text of ``rules/index.json`` for the built-in packs as they are now, with
    needles ranked on the emails of the source checkout at ``root``."""
    from .engine import regex_needles

    files = builtin_pack_files() if files is None else files
    raws = [raw for origin, text in files for raw in parse_pack(text, origin)]
    rank = needle_share(reference_emails(root))
    needles = {}
    for raw in raws:
        rule = build_rule(raw)
        if rule.regex is not None:
            found = regex_needles(rule, rank)
            needles[rule.code] = sorted(found) if found else None
    data = {
        "about": "The built-in rule packs, parsed; generated by `python -m linter.rulepack` from rules/*.yml. "
        "Do not edit: stoplint reads the YAML whenever this is out of date.",
        "packs_sha256": packs_digest(files),
        "rules": raws,
        "needles": needles,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


@functools.cache
def _builtin_raws() -> tuple[list[dict[str, Any]], dict[str, frozenset[str] | None]]:
    """The built-in packs' raw rules and regex needles: from the index if it is current."""
    files = builtin_pack_files()
    try:
        index = json.loads(data_dir("rules").joinpath(INDEX_NAME).read_text(encoding="utf-8"))
        if index.get("packs_sha256") == packs_digest(files):
            needles = {code: frozenset(n) if n else None for code, n in index["needles"].items()}
            return index["rules"], needles
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no usable index: read the YAML
    return [raw for origin, text in files for raw in parse_pack(text, origin)], {}


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
    raws, needles = _builtin_raws()
    for raw in raws:
        rule = build_rule(raw)
        if rule.code in rules:
            raise RuleError(f"{rule.origin}: rule {rule.code}: duplicate code (first in {rules[rule.code].origin})")
        if rule.code in needles:
            rule.needles, rule.needles_known = needles[rule.code], True
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
        rule.severity = Severity(raw["severity"])
    for key in ("default", "enabled"):
        if key in raw:
            if not isinstance(raw[key], bool):
                raise RuleError(f"{where}: {key!r} must be true or false")
            rule.default = raw[key]
    rule.origin = f"{rule.origin} (changed in {raw['__origin__']})"


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


@dataclass
class ExampleFailure:
    rule: Rule
    kind: str  # flag | pass
    index: int  # 1-based
    text: str

    def __str__(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        if len(first) > 70:
            first = first[:69] + "…"
        what = "should be flagged but is not" if self.kind == "flag" else "should pass but is flagged"
        return f"{self.rule.origin}: rule {self.rule.code}: {self.kind} example {self.index} {what}: {first!r}"


def pack_rules(folder: str, extra_folders: list[str] | tuple[str, ...] = ()) -> tuple[list[Rule], list[Rule]]:
    """Validate the pack in ``folder`` (after the built-ins and ``extra_folders``):
    (the rules it defines, the built-in rules it changes).  RuleError if invalid."""
    rules = load_rules([*extra_folders, folder])
    files = {origin for origin, _ in pack_files(folder)}
    own = [r for r in rules if not r.builtin and r.origin.rsplit(":", 1)[0] in files]
    changed = [r for r in rules if r.builtin and any(f"(changed in {f}:" in r.origin for f in files)]
    return own, changed


def run_pack_examples(rules: list[Rule], folders: list[str]) -> list[ExampleFailure]:
    """Lint each rule's own examples with the rule alone: flag ones must fire, pass ones must not."""
    from .api import Linter, Options

    if not rules:
        return []
    linter = Linter(Options(select=[r.code for r in rules], use_model=False, rule_folders=list(folders)))
    failures = []
    for rule in rules:
        ext = ".j2" if rule.family is Family.MERGE_FIELD else ".txt"
        for kind in ("flag", "pass"):
            for i, text in enumerate(rule.examples.get(kind, []), start=1):
                found = any(f.code == rule.code for r in linter.lint_text(text, path="example" + ext) for f in r.findings)
                if found != (kind == "flag"):
                    failures.append(ExampleFailure(rule, kind, i, text))
    return failures


if __name__ == "__main__":  # python -m linter.rulepack: rebuild rules/index.json
    checkout = Path(__file__).resolve().parent.parent  # run from a source checkout
    target = checkout / "rules" / INDEX_NAME
    target.write_text(build_index(checkout), encoding="utf-8")
    print(f"wrote {target}")
