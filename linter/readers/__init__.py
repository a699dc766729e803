"""Turn files into `Email` objects.

``read_path`` picks a reader by extension; every reader takes the decoded source
text (or raw bytes for formats that declare their own charset) and returns one or
more `Email`.  A file that cannot be read raises :class:`InputError` with a one-line
reason; the CLI reports it and goes on with the other files.
"""

from __future__ import annotations

import importlib
import os
import re
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


#: A repository's own documents, kept beside its emails but not emails: README.md,
#: CHANGELOG.md, LICENSE.txt... (the name before its first dot, case-insensitive).
PROJECT_DOCUMENTS = (
    "readme", "changelog", "changes", "history", "license", "licence", "copying", "notice",
    "authors", "contributors", "contributing", "code_of_conduct",
)


def is_project_document(path: str) -> bool:
    """Skipped when a folder is walked and by the pre-commit hook; named on its own, still checked."""
    stem = os.path.basename(path).split(".", 1)[0].lower().replace("-", "_")
    return stem in PROJECT_DOCUMENTS


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
        return _marked(path, _as_list(_BYTES_READERS[ext](path, data)))
    text = decode(data)
    reader = _TEXT_READERS.get(ext)
    if reader is None or ext in _PROSE_EXTS:
        reader = sniff(text, markdown=ext in (".md", ".markdown"))
    return _marked(path, _as_list(reader(path, text)))


def _marked(path: str, emails: list[Email]) -> list[Email]:
    for email in emails:
        email.fragment = email.row is None and email.subject_range is None and is_fragment(path, email.text)
    return emails


#: Folders that hold pieces of emails, not emails (as ``_name`` files are partials in Jekyll or Sass).
PARTIAL_FOLDERS = frozenset(("partials", "partial", "snippets", "snippet", "includes", "_includes", "components", "fragments"))
#: A sentence ends with . ? ! or … after a word (closing quotes, brackets and Markdown
#: emphasis may follow); "Hi {{ first_name }}," has none.
_SENTENCE_END = re.compile(r"\w[\"')\]’”*_]*[.?!…][\"')\]’”*_]*(?:\s|$)")
#: A text this long is an email even with no sentence mark; a snippet is a line or two.
SNIPPET_MAX_WORDS = 20


def is_fragment(path: str, text: str) -> bool:
    """A piece of an email rather than an email: nothing to read, a partial by its place
    (``_name.j2``, a ``partials/``, ``snippets/`` or ``includes/`` folder), or a short
    snippet with no sentence of its own.  (A text with a ``Subject:`` line is an email:
    the caller asks only about texts without one.)"""
    if not text.strip():
        return True
    parts = _repository_parts(path)
    if parts[-1].startswith("_") or any(p in PARTIAL_FOLDERS for p in parts[:-1]):
        return True
    return _SENTENCE_END.search(text) is None and len(text.split()) < SNIPPET_MAX_WORDS


def _repository_parts(path: str) -> list[str]:
    """The path's parts below the working directory (only its own folder if it lies elsewhere):
    a checkout under /builds/includes/ does not make every file a partial."""
    rel = os.path.relpath(os.path.abspath(path))
    if rel.startswith(os.pardir):
        rel = os.path.join(os.path.basename(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
    return rel.replace(os.sep, "/").lower().split("/")


#: Extensions whose files are read as templates when their content holds merge tags:
#: content decides, in every extension (HTML and .eml bodies decide the same way).
_PROSE_EXTS = frozenset((".txt", ".text", ".md", ".markdown"))


def sniff(text: str, markdown: bool = False):
    """The reader for prose: a template if the text holds merge tags, else plain text or Markdown."""
    if may_hold_tags(text):
        from . import template, template_file

        if template.has_merge_tags(text):
            return template_file.read_markdown_template if markdown else template_file.read_template
    return plain.read_markdown if markdown else plain.read_text


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
