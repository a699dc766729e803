"""Turn files into `Email` objects.

``read_path`` picks a reader by extension; every reader takes the decoded source
text (or raw bytes for formats that declare their own charset) and returns one or
more `Email`.  A file that cannot be read raises :class:`InputError` with a one-line
reason; the CLI reports it and goes on with the other files.
"""

from __future__ import annotations

import importlib
import os

from ..email import Email
from ..merge_tags import may_hold_tags
from . import plain
from .registry import _BYTES_READERS, _OPTIONAL_READERS, _TEXT_READERS, MAX_BYTES, InputError, decode

__all__ = ["InputError", "known_extensions", "read_bytes", "read_path"]

_MODULE_OF = {ext: module for module, exts in _OPTIONAL_READERS.items() for ext in exts}


def _load(module: str) -> None:
    importlib.import_module(f"{__name__}.{module}")


def known_extensions() -> set[str]:
    return set(_TEXT_READERS) | set(_BYTES_READERS) | set(_MODULE_OF)


def _as_list(result: Email | list[Email]) -> list[Email]:
    return result if isinstance(result, list) else [result]


def read_bytes(path: str, data: bytes, ext: str | None = None) -> list[Email]:
    """Read an input's bytes with the reader its extension (or content) calls for."""
    if len(data) > MAX_BYTES:
        raise InputError(f"too large to be an email ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    ext = (ext if ext is not None else os.path.splitext(path)[1]).lower()
    if ext in _MODULE_OF and ext not in _TEXT_READERS and ext not in _BYTES_READERS:
        _load(_MODULE_OF[ext])
    if ext in _BYTES_READERS:
        return _as_list(_BYTES_READERS[ext](path, data))
    text = decode(data)
    reader = _TEXT_READERS.get(ext)
    if reader is None:
        reader = sniff(text)
    return _as_list(reader(path, text))


def sniff(text: str):
    """The reader for a file of no known extension (or standard input)."""
    if may_hold_tags(text):
        from . import template, template_file

        if template.has_merge_tags(text):
            return template_file.read_template
    return plain.read_text


def read_path(path: str) -> list[Email]:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise InputError(f"too large to be an email ({size:,} bytes; the limit is {MAX_BYTES:,})")
            data = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    return read_bytes(path, data)
