"""Output formats: each a pure function ``(Report) -> str`` registered by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..api import FileResult
from ..engine import Finding


@dataclass
class Report:
    results: list[FileResult]
    rules: dict = field(default_factory=dict)  # code -> Rule, for formats that describe rules
    color: bool = False
    quiet: bool = False
    explain: bool = False
    statistics: bool = False
    version: str = ""

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def summary(self) -> dict[str, int]:
        return {
            "files": len(self.results),
            "failed": sum(1 for r in self.results if r.failed),
            "findings": sum(len(r.findings) for r in self.results),
        }


Formatter = Callable[[Report], str]
FORMATTERS: dict[str, Formatter] = {}


def formatter(name: str) -> Callable[[Formatter], Formatter]:
    def register(fn: Formatter) -> Formatter:
        FORMATTERS[name] = fn
        return fn

    return register


FORMAT_NAMES = ("text", "json", "sarif", "github", "junit", "html")
for _name in FORMAT_NAMES:
    try:
        importlib.import_module(f"{__name__}.{_name}_format")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_name}_format":
            raise
