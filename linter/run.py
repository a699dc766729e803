"""Lint a list of files, in this process or in worker processes.

With ``jobs > 1`` the files are cut into chunks and linted by a pool of worker
processes, each with one :class:`~linter.api.Linter`: built once in the parent and
inherited where processes fork (Linux), built by the pool's initializer elsewhere.
Workers send back plain data (dicts and strings), never live objects; the parent
rebuilds the results, with an :class:`~linter.email.Email` carrying the source the
formatters quote.  Results come back in the order of ``files``, so the output is
byte for byte the same as with one job.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .api import FileResult, Linter, Options
from .email import Email
from .engine import Finding

#: Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 8
#: Chunks per worker: enough to even out slow files, few enough to keep overhead low.
CHUNKS_PER_JOB = 4


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read()


def default_jobs(n_files: int) -> int:
    """The number of CPUs for more than a handful of files, else one."""
    if n_files <= PARALLEL_THRESHOLD:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, n_files))


def run_files(files: list[str], linter: Linter, jobs: int | None = None, stdin_filename: str | None = None) -> list[FileResult]:
    """Lint the files with ``linter`` (built once by the caller, whose rules a report
    may also need), in ``jobs`` processes."""
    if jobs is None:
        jobs = default_jobs(len(files))
    disk = [p for p in files if p != "-"]
    if jobs > 1 and len(disk) > 1:
        return _run_parallel(files, linter, min(jobs, len(disk)), stdin_filename)
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


# -- worker processes --------------------------------------------------------------
_WORKER: Linter | None = None


def _init_worker(options: Options) -> None:
    global _WORKER
    _WORKER = Linter(options)


def _lint_chunk(paths: list[str]) -> list[list[dict[str, Any]]]:
    assert _WORKER is not None
    return [[to_wire(r) for r in _WORKER.lint_file(p)] for p in paths]


def to_wire(res: FileResult) -> dict[str, Any]:
    """A FileResult as plain data (what crosses the process boundary)."""
    data = {
        "path": res.path,
        "row": res.row,
        "label": res.label,
        "score": res.score,
        "categories": res.categories,
        "model": res.model,
        "findings": [f.__dict__.copy() for f in res.findings],
        "error": res.error,
        "contributions": res.contributions,
        "failed": res.failed,
        "source": res.email.source if res.email is not None else None,
        "fmt": res.email.fmt if res.email is not None else None,
    }
    return data


def from_wire(data: dict[str, Any]) -> FileResult:
    """Rebuild a FileResult; its Email carries the source (no text: formatters quote the file)."""
    email = None
    if data["source"] is not None:
        email = Email(path=data["path"], source=data["source"], text="", segments=[], fmt=data["fmt"] or "text", row=data["row"])
    return FileResult(
        path=data["path"],
        row=data["row"],
        label=data["label"],
        score=data["score"],
        categories=data["categories"],
        model=data["model"],
        findings=[Finding(**f) for f in data["findings"]],
        error=data["error"],
        contributions=data["contributions"],
        failed=data["failed"],
        email=email,
    )


def _chunks(items: list[str], jobs: int) -> list[list[str]]:
    size = max(1, -(-len(items) // (jobs * CHUNKS_PER_JOB)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _run_parallel(files: list[str], parent: Linter, jobs: int, stdin_filename: str | None) -> list[FileResult]:
    import multiprocessing

    global _WORKER
    disk = [p for p in files if p != "-"]
    options = parent.options
    # Forked workers inherit the parent's compiled rules and model instead of rebuilding them.
    if "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        _WORKER = parent
        init: dict[str, Any] = {}
    else:  # spawn: each worker builds its own
        ctx = multiprocessing.get_context()
        init = {"initializer": _init_worker, "initargs": (options,)}
    by_index: dict[int, list[FileResult]] = {}
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, **init) as pool:
            i = 0
            for chunk_results in pool.map(_lint_chunk, _chunks(disk, jobs)):
                for per_file in chunk_results:
                    by_index[i] = [from_wire(d) for d in per_file]
                    i += 1
    finally:
        _WORKER = None
    results: list[FileResult] = []
    k = 0
    for path in files:
        if path == "-":
            results.extend(_lint_stdin(parent, stdin_filename))
        else:
            results.extend(by_index[k])
            k += 1
    return results
