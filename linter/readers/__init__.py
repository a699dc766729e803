"""Turn files into `Email` objects.

``read_path`` picks a reader by extension; every reader takes the decoded source
text (or raw bytes for formats that declare their own charset) and returns one or
more `Email`.  A file that cannot be read raises :class:`InputError` with a one-line
reason; the CLI reports it and goes on with the other files.
"""

from __future__ import annotations

import importlib
import os
import stat

from ..email import Email
from ..limits import MAX_BYTES, STDIN_CHUNK
from ..merge_tags import may_hold_tags
from . import plain
from .registry import _BYTES_READERS, _OPTIONAL_READERS, _TEXT_READERS, InputError, decode, too_large

__all__ = ["InputError", "known_extensions", "read_bytes", "read_path", "read_stream", "special_kind"]

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
        raise too_large(len(data))
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


def read_stream(stream) -> bytes:
    """Read a binary stream in chunks, never holding more than the size limit."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(STDIN_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BYTES:
            raise too_large(size)
        chunks.append(chunk)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file or folder is ("a FIFO", "a device"...)."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def read_path(path: str) -> list[Email]:
    return read_bytes(path, read_file_bytes(path))


def read_file_bytes(path: str) -> bytes:
    """A regular file's bytes, at most the size limit; opening never blocks on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    with open(fd, "rb", closefd=True) as fh:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"not a regular file ({special_kind(info.st_mode) or 'a special file'})")
        if info.st_size > MAX_BYTES:
            raise too_large(info.st_size)
        try:
            data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise too_large(len(data))
    return data
