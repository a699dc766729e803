"""Turn files into `Email` objects.

``read_path`` picks a reader by extension; every reader takes the decoded source
text (or raw bytes for formats that declare their own charset) and returns one or
more `Email`.  A file that cannot be read raises :class:`InputError` with a one-line
reason; the CLI reports it and goes on with the other files.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..email import Email
from ..merge_tags import may_hold_tags
from . import plain

#: Larger inputs are refused: no outreach email is this long, and the rules are linear.
MAX_BYTES = 2_000_000


class InputError(Exception):
    """An input that could not be read; the message is one line for the user."""


Reader = Callable[[str, str], list[Email] | Email]

# extension -> (reader taking (path, text), takes_bytes)
_TEXT_READERS: dict[str, Callable[[str, str], Email | list[Email]]] = {
    ".txt": plain.read_text,
    ".text": plain.read_text,
    ".md": plain.read_markdown,
    ".markdown": plain.read_markdown,
}
_BYTES_READERS: dict[str, Callable[[str, bytes], Email | list[Email]]] = {}


def register_text(exts: tuple[str, ...], reader) -> None:
    for ext in exts:
        _TEXT_READERS[ext] = reader


def register_bytes(exts: tuple[str, ...], reader) -> None:
    for ext in exts:
        _BYTES_READERS[ext] = reader


#: The richer formats' readers and the extensions they take: each module is imported
#: (and registers itself) the first time a file needs it, so a plain-text run never
#: pays for jinja2 or the HTML parser.
_OPTIONAL_READERS = {
    "template": (".j2", ".jinja", ".jinja2", ".liquid", ".hbs", ".handlebars", ".mustache", ".tmpl", ".tpl"),
    "html": (".html", ".htm", ".xhtml"),
    "eml": (".eml",),
    "sequence": (".csv", ".jsonl", ".ndjson"),
}
_MODULE_OF = {ext: module for module, exts in _OPTIONAL_READERS.items() for ext in exts}


def _load(module: str) -> None:
    import importlib

    importlib.import_module(f"{__name__}.{module}")


def known_extensions() -> set[str]:
    return set(_TEXT_READERS) | set(_BYTES_READERS) | set(_MODULE_OF)


def reject_binary(data: bytes) -> None:
    """InputError for data that is clearly not text (NUL bytes near the start)."""
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not an email")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) text, or InputError naming the reason."""
    reject_binary(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (undecodable byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


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
        from . import template

        if template.has_merge_tags(text):
            return template.read_template
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
