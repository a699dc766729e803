"""Where the rule packs and the model live.

Installed, they are the package data ``linter.rules`` and ``linter.models`` (mapped
from the top-level ``rules/`` and ``models/``); run from a source checkout without
installing, the same folders beside ``linter/`` are used.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def builtin_pack_files() -> list[tuple[str, str]]:
    """(name, text) of every built-in rule pack, in code order."""
    root = data_dir("rules")
    out = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yml", ".yaml")):
            out.append((f"rules/{entry.name}", entry.read_text(encoding="utf-8")))
    return out


def data_dir(name: str) -> Traversable:
    try:
        return resources.files(f"linter.{name}")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / name
