"""The readers by extension, the errors they raise and the decoding they share.

Each reader module registers itself here when imported; ``linter.readers`` imports
the optional ones the first time a file needs them.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from ..email import Email
from ..limits import MAX_BYTES
from . import plain


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


#: Codecs Python decodes with that are not charsets of text: a file declaring one is refused.
NOT_CHARSETS = frozenset({"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined"})


def charset_codec(charset: str) -> str | None:
    """Python's codec for a declared charset (None if unknown); InputError if it is no charset."""
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        return None
    if codec in NOT_CHARSETS:
        raise InputError(f"charset {charset!r} is not a text charset")
    return codec


def decode_charset(data: bytes, charset: str) -> str:
    """``data`` in its declared charset, or InputError naming the charset and the reason."""
    codec = charset_codec(charset)
    if codec is None:
        raise InputError(f"unknown charset {charset!r}")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid {charset} (undecodable byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    except (LookupError, UnicodeError) as exc:  # bytes-to-bytes codecs (base64, zlib, ...)
        raise InputError(f"charset {charset!r} is not a text charset ({exc})") from None


def too_large(size: int) -> InputError:
    return InputError(f"too large to be an email ({size:,} bytes; the limit is {MAX_BYTES:,})")
