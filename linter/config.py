"""Configuration: ``--config FILE``, else the first of ``[tool.stoplint]`` in
pyproject.toml, ``[stoplint]`` in setup.cfg, or ``.stoplint.toml`` found searching
upward from the working directory.  Unknown keys and bad values are errors that
name the file and the key."""

from __future__ import annotations

import configparser
import difflib
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .limits import MAX_BYTES
from .rulepack import SEVERITIES, valid_selector
from .taxonomy import Family, deprecation_note

FAIL_ON = SEVERITIES + ("never",)
LIST_KEYS = ("select", "ignore", "extend-select", "rules", "exclude")
KEYS = LIST_KEYS + ("fail-on", "max-score", "per-file-ignores", "baseline", "max-templates-per-sentence")
#: What a key means when no config file sets it (None: not set; for select, the rules on by default).
DEFAULTS: dict[str, Any] = {
    "select": None, "ignore": [], "extend-select": [], "rules": [], "exclude": [], "fail-on": "warning",
    "max-score": None, "per-file-ignores": {}, "baseline": None, "max-templates-per-sentence": 3,
}


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass
class Config:
    path: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> Path:
        return Path(self.path).resolve().parent if self.path else Path.cwd()


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _pyproject_has_section(pyproject):
            return pyproject
        setup_cfg = folder / "setup.cfg"
        if setup_cfg.is_file() and _setup_cfg_has_section(setup_cfg):
            return setup_cfg
        dot = folder / ".stoplint.toml"
        if dot.is_file():
            return dot
    return None


def _pyproject_has_section(path: Path) -> bool:
    if not _mentions_stoplint(path):
        return False
    try:
        tool = _read_toml(path).get("tool", {})
    except ConfigError:
        return True  # ours but broken: report it rather than skip it
    return not isinstance(tool, dict) or "stoplint" in tool


def _setup_cfg_has_section(path: Path) -> bool:
    if not _mentions_stoplint(path):
        return False
    try:
        return _ini_parser(path).has_section("stoplint")
    except ConfigError:
        return True


def _mentions_stoplint(path: Path) -> bool:
    """A file found upward that never says "stoplint" is not ours, whatever else is in it."""
    try:
        with open(path, "rb") as fh:
            return b"stoplint" in fh.read(MAX_BYTES)
    except OSError:
        return False


def _ini_parser(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)  # "100%" is a value, not a reference
    try:
        parser.read_string(_read_text(path), source=str(path))
    except configparser.Error as exc:
        raise ConfigError(f"{path}: not a valid INI file ({exc.message.splitlines()[0]})") from None
    return parser


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: too large for a config file (the limit is {MAX_BYTES:,} bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (undecodable byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def _read_toml(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deep)") from None


def load_config(explicit: str | None = None) -> Config:
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
    else:
        found = find_config()
        if found is None:
            return Config()
        path = found
    config = Config(str(path), validate(_raw_section(path), str(path)))
    for folder in config.values.get("rules", []):
        if not Path(resolve_folder(config, folder)).exists():
            raise ConfigError(f"{path}: key 'rules': rule pack folder {folder!r} not found (relative to {config.base})")
    return config


def _raw_section(path: Path) -> dict[str, Any]:
    if path.name == "setup.cfg" or path.suffix == ".cfg":
        parser = _ini_parser(path)
        if not parser.has_section("stoplint"):
            raise ConfigError(f"{path}: no [stoplint] section")
        return {key: _ini_value(key, value, str(path)) for key, value in parser.items("stoplint")}
    data = _read_toml(path)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table, not {type(tool).__name__}")
    if path.name == "pyproject.toml":
        section = tool.get("stoplint")
        if section is None:
            raise ConfigError(f"{path}: no [tool.stoplint] table")
        return section
    return tool.get("stoplint", data) if "tool" in data else data


def _ini_value(key: str, value: str, where: str = "setup.cfg") -> Any:
    norm = key.replace("_", "-")
    if norm in LIST_KEYS:
        return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
    if norm == "per-file-ignores":
        out = {}
        for line in value.splitlines():
            if not line.strip():
                continue
            if ":" not in line:
                raise ConfigError(f"{where}: key {key!r}: write each line as 'glob: CODE, CODE' (got {line.strip()!r})")
            pattern, codes = line.rsplit(":", 1)
            out[pattern.strip()] = [c.strip() for c in codes.split(",") if c.strip()]
        return out
    if norm in ("max-score", "max-templates-per-sentence"):
        try:
            return int(value)
        except ValueError:
            return value
    return value.strip()


def validate(section: dict[str, Any], where: str) -> dict[str, Any]:
    """The section's values by normalised key; every problem is reported at once, one
    line each, with a "did you mean" where a near name exists."""
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: the stoplint section must be a table")
    out: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in section.items():
        norm = key.replace("_", "-")
        try:
            if norm not in KEYS:
                raise ConfigError(f"{where}: unknown key {key!r}{did_you_mean(norm, KEYS)} (known: {', '.join(KEYS)})")
            if norm in out:
                raise ConfigError(f"{where}: key {key!r} is given twice")
            _check_value(norm, key, value, where)
        except ConfigError as exc:
            errors.append(str(exc))
            continue
        out[norm] = value
    if errors:
        raise ConfigError("\n".join(errors))
    return out


def did_you_mean(word: str, choices) -> str:
    """'; did you mean 'fail-on'?' for a near miss, else ''."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_value(norm: str, key: str, value: Any, where: str) -> None:
    if norm in LIST_KEYS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: key {key!r} must be a list of strings")
        if norm in ("select", "ignore", "extend-select"):
            bad = [v for v in value if not valid_selector(v)]
            if bad:
                hint = did_you_mean(bad[0].lower(), [f.value for f in Family])
                raise ConfigError(f"{where}: key {key!r}: {bad[0]!r} is not a rule code, prefix or family{hint}")
            _note_deprecated(value, f"{where}: key {key!r}")
    elif norm == "fail-on":
        if value not in FAIL_ON:
            raise ConfigError(f"{where}: key {key!r} must be one of {', '.join(FAIL_ON)}{did_you_mean(str(value), FAIL_ON)}")
    elif norm == "max-score":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ConfigError(f"{where}: key {key!r} must be a whole number from 0 to 100")
    elif norm == "per-file-ignores":
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()
        ):
            raise ConfigError(f"{where}: key {key!r} must map globs to lists of rule codes, prefixes or families")
        for pattern, codes in value.items():
            bad = [c for c in codes if not valid_selector(c)]
            if bad:
                raise ConfigError(f"{where}: key {key!r}: {bad[0]!r} (for {pattern!r}) is not a rule code, prefix or family")
            if not codes:
                raise ConfigError(f"{where}: key {key!r}: no codes given for {pattern!r}")
            _note_deprecated(codes, f"{where}: key {key!r}")
    elif norm == "max-templates-per-sentence":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}: key {key!r} must be a whole number of at least 1")
    elif norm == "baseline":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: key {key!r} must be the path of a baseline file")
    if norm in ("rules", "exclude") and any(not v.strip() for v in value):
        raise ConfigError(f"{where}: key {key!r} has an empty entry")


def _note_deprecated(selectors: list[str], where: str) -> None:
    """One line on stderr for each selector that uses a family's old name."""
    for selector in selectors:
        note = deprecation_note(selector)
        if note:
            print(f"{where}: {note}", file=sys.stderr)


def resolved(config: Config) -> list[tuple[str, Any, str]]:
    """(key, value in effect, where it came from) for every key: the config file's
    name, or "default".  Paths (rule folders, the baseline) are shown resolved."""
    out = []
    for key in KEYS:
        if key in config.values:
            value, source = config.values[key], str(config.path)
            if key == "rules":
                value = [resolve_folder(config, f) for f in value]
            elif key == "baseline":
                value = resolve_folder(config, value)
        else:
            value, source = DEFAULTS[key], "default"
        out.append((key, value, source))
    return out


def resolve_folder(config: Config, folder: str) -> str:
    """Paths in a config file (rule folders, the baseline) are relative to that file."""
    return folder if os.path.isabs(folder) else str(config.base / folder)
