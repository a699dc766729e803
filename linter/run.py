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

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import astuple
from typing import Any

from .api import FileResult, Linter, Options
from .email import Email, MergeField, Segment
from .engine import Finding

#: Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 8
#: Chunks per worker: enough to even out slow files, few enough to keep overhead low.
CHUNKS_PER_JOB = 4


def _read_stdin() -> bytes:
    from .readers import read_stream

    return read_stream(sys.stdin.buffer)


def internal_error(path: str, exc: BaseException) -> FileResult:
    """A bug of ours met on one file: that file's error, never the run's."""
    if os.environ.get("STOPLINT_DEBUG"):
        raise exc
    return FileResult(path=path, error=f"internal error ({type(exc).__name__}: {exc}); set STOPLINT_DEBUG=1 for details", failed=True)


def lint_path(linter: Linter, path: str) -> list[FileResult]:
    """One file's results, or its one error: a failure here never stops the other files."""
    try:
        return linter.lint_file(path)
    except Exception as exc:
        return [internal_error(path, exc)]


def default_jobs(n_files: int) -> int:
    """The number of CPUs for more than a handful of files, else one."""
    if n_files <= PARALLEL_THRESHOLD:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, n_files))


def run_files(files: list[str], linter: Linter, jobs: int | None = None, stdin_filename: str | None = None,
              advance: Callable[[int], None] | None = None) -> list[FileResult]:
    """Lint the files with ``linter`` (built once by the caller, whose rules a report
    may also need), in ``jobs`` processes; ``advance(n)`` is told of each n files done."""
    if jobs is None:
        jobs = default_jobs(len(files))
    disk = [p for p in files if p != "-"]
    if jobs > 1 and len(disk) > 1:
        return _run_parallel(files, linter, min(jobs, len(disk)), stdin_filename, advance)
    results: list[FileResult] = []
    for path in files:
        if path == "-":
            results.extend(_lint_stdin(linter, stdin_filename))
        else:
            results.extend(lint_path(linter, path))
        if advance is not None:
            advance(1)
    return results


def _lint_stdin(linter: Linter, stdin_filename: str | None) -> list[FileResult]:
    from .readers import InputError, read_bytes

    name = stdin_filename or "<stdin>"
    try:
        emails = read_bytes(name, _read_stdin(), ext=None if stdin_filename else "")
        return linter.lint_emails(emails)
    except InputError as exc:
        return [FileResult(path=name, error=str(exc), failed=True)]
    except Exception as exc:
        return [internal_error(name, exc)]


# -- worker processes --------------------------------------------------------------
_WORKER: Linter | None = None


def _init_worker(options: Options | None) -> None:
    """Ctrl-C is the parent's to handle: a worker ignores it and is ended by the parent."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if options is not None:
        _WORKER = Linter(options)


def _lint_chunk(paths: list[str]) -> list[list[dict[str, Any]]]:
    assert _WORKER is not None
    return [_file_to_wire(lint_path(_WORKER, p)) for p in paths]


def _file_to_wire(results: list[FileResult]) -> list[dict[str, Any]]:
    """A file's results as plain data; the rows of one file send its source once."""
    out = []
    for i, res in enumerate(results):
        data = to_wire(res)
        if i and results[0].email is not None and res.email is not None and res.email.source is results[0].email.source:
            data["source"] = SAME_SOURCE
        out.append(data)
    return out


def _file_from_wire(data: list[dict[str, Any]]) -> list[FileResult]:
    results: list[FileResult] = []
    for d in data:
        if d["source"] == SAME_SOURCE:
            d["source"] = results[0].email.source
        results.append(from_wire(d))
    return results


#: Stands for "the source of this file's first row" on the wire.
SAME_SOURCE = 0


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
        "library": res.library,
    }
    if res.email is not None and (res.email.markup or res.row is not None):
        data["view"] = _view_to_wire(res.email)
    return data


def _view_to_wire(email: Email) -> dict[str, Any]:
    """What the HTML report shows of an HTML email or a sequence row besides the source:
    the text, the way back to the file, and the merge fields it names by their tags."""
    return {
        "text": email.text,
        "segments": [astuple(s) for s in email.segments],
        "fields": [astuple(f) for f in email.fields],
    }


def from_wire(data: dict[str, Any]) -> FileResult:
    """Rebuild a FileResult; its Email carries the source the formatters quote (and an
    HTML email's or a sequence row's text, which the HTML report shows)."""
    email = None
    if data["source"] is not None:
        view = data.get("view") or {"text": "", "segments": [], "fields": []}
        email = Email(path=data["path"], source=data["source"], text=view["text"],
                      segments=[Segment(*s) for s in view["segments"]], fmt=data["fmt"] or "text", row=data["row"],
                      fields=[MergeField(*f) for f in view["fields"]])
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
        library=data["library"],
    )


def _chunks(items: list[str], jobs: int) -> list[list[str]]:
    size = max(1, -(-len(items) // (jobs * CHUNKS_PER_JOB)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _run_parallel(files: list[str], parent: Linter, jobs: int, stdin_filename: str | None,
                  advance: Callable[[int], None] | None) -> list[FileResult]:
    global _WORKER
    disk = [p for p in files if p != "-"]
    ctx, init_options = _pool_context(parent)
    try:
        by_path = _lint_in_pool(_chunks(disk, jobs), jobs, ctx, init_options, advance)
    finally:
        _WORKER = None
    results: list[FileResult] = []
    on_disk = iter(by_path)
    for path in files:
        results.extend(_lint_stdin(parent, stdin_filename) if path == "-" else next(on_disk))
    return results


def _pool_context(parent: Linter):
    """Forked workers inherit the parent's compiled rules and model; spawned ones build their own."""
    import multiprocessing

    global _WORKER
    if "fork" in multiprocessing.get_all_start_methods():
        _WORKER = parent
        return multiprocessing.get_context("fork"), None
    return multiprocessing.get_context(), parent.options


def _lint_in_pool(chunks: list[list[str]], jobs: int, ctx, init_options,
                  advance: Callable[[int], None] | None = None) -> list[list[FileResult]]:
    """Each file's results, in order.  A worker that dies breaks the pool, and every file
    not finished then is checked again, one at a time (``_retry_one_by_one``): only the
    file that killed a worker gets an error.  Ctrl-C ends the workers at once."""
    out: dict[str, list[FileResult]] = {}
    unfinished: list[str] = []
    with _pool(jobs, ctx, init_options) as pool:
        futures = [pool.submit(_lint_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                out.update(zip(chunk, map(_file_from_wire, future.result())))
            except BrokenProcessPool:
                unfinished.extend(chunk)
                continue
            if advance is not None:
                advance(len(chunk))
    out.update(_retry_one_by_one(unfinished, ctx, init_options, advance))
    return [out[p] for chunk in chunks for p in chunk]


def _retry_one_by_one(paths: list[str], ctx, init_options,
                      advance: Callable[[int], None] | None) -> Iterator[tuple[str, list[FileResult]]]:
    """Check ``paths`` one file at a time in a one-worker pool, in order: when the worker
    dies, the file it was on is the one that killed it (an error), and the files after
    it go to a fresh pool."""
    while paths:
        with _pool(1, ctx, init_options) as pool:
            futures = [pool.submit(_lint_chunk, [p]) for p in paths]
            done = 0
            for path, future in zip(paths, futures):
                try:
                    yield path, _file_from_wire(future.result()[0])
                except BrokenProcessPool:
                    yield path, [FileResult(path=path, error=WORKER_DIED, failed=True)]
                    break
                finally:
                    done += 1
                    if advance is not None:
                        advance(1)
        paths = paths[done:]


@contextlib.contextmanager
def _pool(jobs: int, ctx, init_options) -> Iterator[ProcessPoolExecutor]:
    """A pool of worker processes, shut down after use; on Ctrl-C (or any error) its
    workers are ended at once, so none outlives the run."""
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(init_options,))
    try:
        yield pool
    except BaseException:
        _end_workers()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


WORKER_DIED = "internal error: the worker process checking it stopped (a crash or out of memory)"


def _end_workers() -> None:
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=0.5)
