"""A progress bar on stderr for long runs at a terminal, and nothing anywhere else.

It shows only when stderr is a terminal, more than ``MIN_FILES`` files are checked,
``--quiet`` is off and no ``CI`` variable is set: a pipe, a log file or a CI job
gets no bar, not even the label.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

import click

MIN_FILES = 200


def wanted(n_files: int, quiet: bool) -> bool:
    return n_files > MIN_FILES and not quiet and not os.environ.get("CI") and sys.stderr is not None and sys.stderr.isatty()


@contextlib.contextmanager
def progress(n_files: int, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """An ``advance(n)`` callback drawing the bar, or None when no bar is wanted."""
    if not wanted(n_files, quiet):
        yield None
        return
    with click.progressbar(length=n_files, label="Checking", file=sys.stderr, show_pos=True, show_eta=True) as bar:
        yield bar.update
