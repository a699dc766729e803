"""Includes, extends, imports, partials and renders: found in a template's tags and
resolved from the repository, so the email a buyer receives is the one scored.

Each dialect's lookup rules, from the including template's folder up to the
repository's root (the nearest folder holding ``.git``), first match wins:

- Jinja2 ``{% include/extends/import/from "name" %}``: ``name`` as a loader path,
  from each of those folders (a loader's search path is usually one of them);
- Liquid ``{% render 'name' %}`` / ``{% include 'name' %}``: ``name``, ``name.liquid``,
  ``snippets/name.liquid`` and ``_includes/name`` (Shopify and Jekyll layouts);
- Handlebars/Mustache ``{{> name}}``: ``name`` with ``.hbs``, ``.handlebars`` or
  ``.mustache``, also in a ``partials/`` folder.

An include or partial is replaced by the prose of the template it names (read the
same way, its own includes followed), as text standing for the tag: the assembled
email is scored, while findings inside that text are left to the partial's own
file (reported once, at its own line).  ``extends`` and ``import`` bring layout
and macros, not prose: they are only checked to exist.  A name that cannot be
found, cannot be read, or leads back to a template already being assembled is an
``M106`` finding at the tag.  Templates are parsed here, never rendered.
"""

from __future__ import annotations

import os
import re

from jinja2 import TemplateSyntaxError, meta, nodes
from liquid.exceptions import LiquidError

from .template import JINJA_ENV, liquid_env

UNRESOLVED = "M106"
#: Deeper chains are not followed (and are reported): no real template nests this far.
MAX_DEPTH = 8
#: Folders searched above the including template: enough for any repository layout.
MAX_LEVELS = 8

_PARTIAL_RE = re.compile(r"\{\{>\s*([\"']?)([\w./-]+)\1[^}]*\}\}")
_INCLUDE_WORD_RE = re.compile(r"\{%-?\s*(include|extends|import|from|render)\b")


def references(source: str, start: int, end: int, liquid: bool) -> tuple[str, str, str] | None:
    """(kind, name, dialect) of the include-like tag ``source[start:end]``, or None.

    ``kind`` is ``include`` (its prose is part of the email) or ``layout`` (extends,
    import: checked to exist only).  Dynamic names (``{% include name %}``) are not followed.
    """
    tag = source[start:end]
    m = _PARTIAL_RE.fullmatch(tag)
    if m:  # Handlebars/Mustache partial: no maintained Python parser reads these, the syntax is one tag
        return "include", m.group(2), "handlebars"
    if not _INCLUDE_WORD_RE.match(tag):
        return None
    return _liquid_reference(tag) if liquid else _jinja_reference(tag)


def _jinja_reference(tag: str) -> tuple[str, str, str] | None:
    try:
        tree = JINJA_ENV.parse(tag)  # parse only: nothing is loaded, compiled or rendered
    except TemplateSyntaxError:
        return None
    names = [n for n in meta.find_referenced_templates(tree) if n]
    include = tree.find(nodes.Include)
    if not names or (include is not None and include.ignore_missing):  # Jinja's own optional include
        return None
    return ("include" if include is not None else "layout"), names[0], "jinja"


def _liquid_reference(tag: str) -> tuple[str, str, str] | None:
    try:
        node = liquid_env().parse(tag).nodes[0]
    except (LiquidError, IndexError):
        return None
    value = getattr(getattr(node, "name", None), "value", None)
    return ("include", value, "liquid") if isinstance(value, str) and value else None


def candidates(name: str, dialect: str) -> list[str]:
    """Relative paths a name may stand for in one folder, in the dialect's order."""
    if dialect == "liquid":
        base = name if os.path.splitext(name)[1] else name + ".liquid"
        return [name, base, os.path.join("snippets", base), os.path.join("_includes", name)]
    if dialect == "handlebars":
        names = [name] + [name + ext for ext in (".hbs", ".handlebars", ".mustache")]
        return names + [os.path.join("partials", n) for n in names]
    return [name]


def search_folders(path: str) -> list[str]:
    """The including template's folder and its parents up to the repository's root."""
    folder = os.path.dirname(os.path.abspath(path))
    out = []
    for _ in range(MAX_LEVELS):
        out.append(folder)
        parent = os.path.dirname(folder)
        if os.path.isdir(os.path.join(folder, ".git")) or parent == folder:
            break
        folder = parent
    return out


def resolve(name: str, dialect: str, path: str) -> str | None:
    """The file ``name`` stands for, seen from the template at ``path``; None if none exists."""
    if os.path.isabs(name) or ".." in re.split(r"[\\/]", name):
        return None  # a loader never leaves its search path
    for folder in search_folders(path):
        for rel in candidates(name, dialect):
            full = os.path.join(folder, rel)
            if os.path.isfile(full):
                return full
    return None


class IncludeCycle(Exception):
    """A template that includes itself, directly or through others; the message is the chain."""


def chain(stack: tuple[str, ...], target: str) -> str:
    names = [os.path.basename(p) for p in (*stack, target)]
    return " → ".join(names)
