"""Versions of the package, the rule packs and the model, for ``--version`` and reports."""

from __future__ import annotations

import hashlib

from . import __version__
from .resources import builtin_pack_files


def rules_version() -> str:
    """The first 12 hex digits of the SHA-256 of the built-in packs' names and texts."""
    digest = hashlib.sha256()
    for name, text in builtin_pack_files():
        digest.update(name.encode())
        digest.update(text.encode())
    return digest.hexdigest()[:12]


def model_version() -> str:
    # Imported here: --version should not pay for numpy and the model module.
    from .model import default_model_version

    return default_model_version()


def version_line() -> str:
    return f"stoplint {__version__} (rules {rules_version()}, model {model_version()})"
