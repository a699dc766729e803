"""Lint a list of files, in this process or in worker processes."""

from __future__ import annotations

import sys

from .api import FileResult, Linter, Options


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    return data


def run_files(files: list[str], options: Options, jobs: int | None = None, stdin_filename: str | None = None) -> list[FileResult]:
    linter = Linter(options)
    results: list[FileResult] = []
    for path in files:
        if path == "-":
            results.extend(_lint_stdin(linter, stdin_filename))
        else:
            results.extend(linter.lint_file(path))
    return results


def _lint_stdin(linter: Linter, stdin_filename: str | None) -> list[FileResult]:
    from .readers import InputError, read_bytes

    name = stdin_filename or "<stdin>"
    try:
        emails = read_bytes(name, _read_stdin(), ext=None if stdin_filename else "")
    except InputError as exc:
        return [FileResult(path=name, error=str(exc), failed=True)]
    return linter.lint_emails(emails)
