"""Template files (``.j2``, ``.liquid``, ``.hbs`` …): an HTML template goes through the
HTML reader with merge tags handled, any other through the template reader.  The
templates a file includes are read here too (see ``linter.readers.partials``)."""

from __future__ import annotations

import os
import re

from ..email import Email
from ..limits import MAX_BYTES
from . import partials
from .html import read_html_source
from .registry import _OPTIONAL_READERS, InputError, decode, register_text
from .template import Scan, build_template, checked_scan, is_liquid

HTML_START_RE = re.compile(r"\s*(?:\{[{%#][^\n]*\n\s*)*<(?:!doctype|html|head|body|table|div|p|span)\b", re.I)


def read_template(path: str, source: str, stack: tuple[str, ...] = ()) -> Email:
    """``stack``: the templates being assembled that include this one (empty for a file checked itself)."""
    sc = checked_scan(path, source)
    _follow_includes(path, source, sc, stack or (os.path.realpath(path),))
    if HTML_START_RE.match(source):
        return read_html_source(path, source, template=True, sc=sc)
    return build_template(path, source, sc=sc)


def read_markdown_template(path: str, source: str) -> Email:
    """A Markdown file with merge tags: Markdown's structure, the template's tags and includes."""
    sc = checked_scan(path, source)
    _follow_includes(path, source, sc, (os.path.realpath(path),))
    return build_template(path, source, sc=sc, markdown=True)


def _follow_includes(path: str, source: str, sc: Scan, stack: tuple[str, ...]) -> None:
    """Give each include or partial tag the prose of the template it names (see
    ``linter.readers.partials``); an M106 finding where it cannot be found or read."""
    liquid = None
    for t in sc.tags:
        if t.kind != "control" or not source.startswith(("{%", "{{>"), t.start):
            continue
        liquid = is_liquid(source, path) if liquid is None else liquid
        ref = partials.references(source, t.start, t.end, liquid)
        if ref is None:
            continue
        kind, name, dialect = ref
        target = partials.resolve(name, dialect, path)
        if target is None:
            sc.findings.append((partials.UNRESOLVED, t.start, t.end, f"Included template '{name}' not found from this folder up to the repository's root"))
            continue
        try:
            text = _partial_text(target, stack)
        except partials.IncludeCycle as cycle:
            if len(stack) > 1:
                raise  # reported at the tag of the template the cycle starts from
            sc.findings.append((partials.UNRESOLVED, t.start, t.end, f"Include cycle: {cycle}"))
            continue
        except InputError as exc:
            sc.findings.append((partials.UNRESOLVED, t.start, t.end, f"Included template '{name}' cannot be read: {exc}"))
            continue
        if kind == "include" and text:
            t.kind, t.text = "include", text


def _partial_text(target: str, stack: tuple[str, ...]) -> str:
    """The prose of an included template, its own includes followed."""
    real = os.path.realpath(target)
    if real in stack or len(stack) >= partials.MAX_DEPTH:
        raise partials.IncludeCycle(partials.chain(stack, real))
    try:
        with open(target, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"too large ({len(data):,} bytes or more)")
    return read_template(target, decode(data), (*stack, real)).text.strip("\n")


register_text(_OPTIONAL_READERS["template_file"], read_template)
