"""The readers by extension, the errors they raise and the decoding they share.

Each reader module registers itself here when imported; ``linter.readers`` imports
the optional ones the first time a file needs them.
"""

from __future__ import annotations

from collections.abc import Callable

from ..email import Email
from . import plain

#: Larger inputs are refused: no outreach email is this long, and the rules are linear.
MAX_BYTES = 2_000_000


class InputError(Exception):
    """An input that could not be read; the message is one line for the user."""


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
    "template_file": (".j2", ".jinja", ".jinja2", ".liquid", ".hbs", ".handlebars", ".mustache", ".tmpl", ".tpl"),
    "html": (".html", ".htm", ".xhtml"),
    "eml": (".eml",),
    "sequence": (".csv", ".jsonl", ".ndjson"),
}


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
