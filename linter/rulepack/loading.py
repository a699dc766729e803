"""Loading rule packs: the built-in YAML packs, then a team's packs with their overrides.

A pack is a mapping with an optional ``family`` (the default for its rules) and a
``rules`` list.  A team pack adds rules, or changes a built-in rule's ``severity`` or
``default``/``enabled`` by giving its code with only those fields.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

import yaml

from ..resources import builtin_pack_files
from ..taxonomy import Severity
from .schema import SEVERITIES, Rule, RuleError, build_rule, check_types, rule_label


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader (libyaml's when PyYAML has it: ten times faster) that
    remembers each mapping's line as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_pack(text: str, origin: str) -> list[dict[str, Any]]:
    """Parse one pack's YAML into raw rule dicts (with ``__line__``); RuleError if malformed."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        raise RuleError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except RecursionError:
        raise RuleError(f"{origin}: not valid YAML (nested too deep)") from None
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


def refuse_aliases(text: str, origin: str) -> None:
    """RuleError at a team pack's first alias (``*name``): a few hundred bytes of aliases
    to aliases can stand for billions of values (a "billion laughs"), and no rule needs one."""
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, yaml.AliasEvent):
                raise RuleError(
                    f"{origin}:{event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not allowed in a rule pack; write the value out"
                )
    except yaml.YAMLError:
        return  # parse_pack reports it, with its line


def _entry_line(text: str, index: int) -> str:
    """The line of the ``index``-th entry of a pack's ``rules`` list (for messages)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        for key, value in root.value:
            if key.value == "rules":
                return str(value.value[index].start_mark.line + 1)
    except Exception:  # noqa: BLE001 - only for a message
        pass
    return "?"


@functools.cache
def _builtin_rules() -> tuple[Rule, ...]:
    """The built-in packs, read once per process."""
    rules: dict[str, Rule] = {}
    for origin, text in builtin_pack_files():
        for raw in parse_pack(text, origin):
            _add(rules, build_rule(raw))
    return tuple(rules.values())


def _add(rules: dict[str, Rule], rule: Rule) -> None:
    if rule.code in rules:
        raise RuleError(f"{rule.origin}: rule {rule.code}: duplicate code (first in {rules[rule.code].origin})")
    rules[rule.code] = rule


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
    rules = {rule.code: dataclasses.replace(rule) for rule in _builtin_rules()}  # overrides change copies
    for folder in extra_folders:
        seen: dict[str, str] = {}
        for origin, text in pack_files(folder):
            refuse_aliases(text, origin)
            for raw in parse_pack(text, origin):
                check_types(raw, rule_label(raw))  # before the code is used as a key
                code = raw.get("code")
                where = raw["__origin__"]
                if code in seen:
                    raise RuleError(f"{where}: rule {code}: duplicate code (first in {seen[code]})")
                seen[code] = where
                if code in rules and rules[code].builtin and _is_override(raw):
                    _apply_override(rules[code], raw)
                else:
                    _add(rules, build_rule(raw, builtin=False))
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
