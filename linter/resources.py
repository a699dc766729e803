"""Where the rule packs and the model live.

Installed, they are the package data ``linter.rules`` and ``linter.models`` (mapped
from the top-level ``rules/`` and ``models/``); run from a source checkout without
installing, the same folders beside ``linter/`` are used.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def data_dir(name: str) -> Traversable:
    try:
        return resources.files(f"linter.{name}")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / name
