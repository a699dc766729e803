"""Versions of the package, the rule packs and the model, for ``--version`` and reports."""

from __future__ import annotations

from . import __version__


def rules_version() -> str:
    from .rulepack import builtin_pack_files, packs_digest

    return packs_digest(builtin_pack_files())[:12]


def model_version() -> str:
    try:
        from .model import default_model_version
    except ModuleNotFoundError:
        return "none"
    return default_model_version()


def version_line() -> str:
    return f"stoplint {__version__} (rules {rules_version()}, model {model_version()})"
