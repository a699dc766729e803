"""Output formats: each a pure function ``(Report) -> str`` registered by name."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..api import FileResult
from ..engine import Finding


_UNPRINTABLE_RE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with what no output can carry escaped: a file name's undecodable bytes
    (``bad\\xff.txt``) and lone surrogates (``\\ud800``)."""
    if not _UNPRINTABLE_RE.search(text):
        return text
    return _UNPRINTABLE_RE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    code = ord(m.group(0))
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


@dataclass
class Report:
    results: list[FileResult]
    rules: dict = field(default_factory=dict)  # code -> Rule, for formats that describe rules
    color: bool = False
    quiet: bool = False
    explain: bool = False
    version: str = ""

    def __post_init__(self) -> None:
        for res in self.results:  # every format shows paths and errors as printable text
            res.path = printable(res.path)
            res.error = printable(res.error) if res.error is not None else None

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
FORMAT_NAMES = ("text", "json", "sarif", "github", "junit", "html")
_REGISTRY: dict[str, Formatter] = {}


def formatter(name: str) -> Callable[[Formatter], Formatter]:
    def register(fn: Formatter) -> Formatter:
        _REGISTRY[name] = fn
        return fn

    return register


class _Formatters(Mapping):
    """Formatters by name, each module imported when first asked for (the HTML one
    brings in Jinja2, which a plain text run should not pay for at start-up)."""

    def __getitem__(self, name: str) -> Formatter:
        if name not in FORMAT_NAMES:
            raise KeyError(name)
        if name not in _REGISTRY:
            importlib.import_module(f"{__name__}.{name}_format")
        return _REGISTRY[name]

    def __iter__(self):
        return iter(FORMAT_NAMES)

    def __len__(self) -> int:
        return len(FORMAT_NAMES)


FORMATTERS: Mapping[str, Formatter] = _Formatters()
