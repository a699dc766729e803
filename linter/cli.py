"""The ``stoplint`` command line (click).  All logic a library user needs lives in
``linter.api``; this module parses options, walks paths and sets the exit status."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}


def _csv(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _versions() -> str:
    from .versions import version_line

    return version_line()


EXIT_INTERRUPTED = 130


class _Interrupted(Exception):
    """Ctrl-C: the workers are already ended; say so in one line."""


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None

    def main(self, *args, **kwargs):  # one-line errors, never a traceback, exit 2
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except _Interrupted:
            click.echo("stoplint: interrupted", err=True)
            sys.stdout.flush()
            os._exit(EXIT_INTERRUPTED)  # the workers are gone; tearing down the model would only delay
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_ERROR)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_ERROR)
        except Exception as exc:  # a bug of ours: one line, exit 2, traceback only on request
            if os.environ.get("STOPLINT_DEBUG"):
                raise
            click.echo(f"stoplint: internal error: {type(exc).__name__}: {exc} (set STOPLINT_DEBUG=1 for details)", err=True)
            sys.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="%(version)s", callback=None)
def main() -> None:
    """Lint outreach emails for the STOP signals that make buyers quit reading."""


# click's version_option prints only the package version; show rules and model too.
def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_versions())
        ctx.exit(0)


main.params = [p for p in main.params if p.name != "version"]
main.params.append(
    click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
                 help="Show the versions of stoplint, its rule packs and its model.")
)


def collect_paths(paths: tuple[str, ...], exclude: list[str], base: str | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """Expand folders into files of known extensions; (files, [(path, error)]).

    ``exclude`` globs are relative to ``base`` (the folder of the config file that
    declares them); project documents (README, CHANGELOG...) are skipped in folders.
    Special files met in a folder (FIFOs, devices, sockets) are skipped with a note
    on standard error; an unreadable folder is that folder's error.
    """
    from .api import glob_match
    from .readers import known_extensions

    exts = known_extensions()
    files: list[str] = []
    errors: list[tuple[str, str]] = []
    for raw in paths:
        if raw != "-" and any(glob_match(raw, pat, base) for pat in exclude):
            continue
        if raw == "-" or os.path.isfile(raw):
            files.append(raw)
        elif os.path.isdir(raw):
            found = _folder_files(raw, exts, exclude, base, errors)
            if found:
                files.extend(found)
            elif not any(p == raw for p, _ in errors):
                errors.append((raw, f"no email files found (looked for {', '.join(sorted(exts))})"))
        elif os.path.exists(raw):
            errors.append((raw, "not a regular file"))
        else:
            errors.append((raw, "no such file or directory"))
    return files, errors


def _folder_files(folder: str, exts: set[str], exclude: list[str], base: str | None, errors: list) -> list[str]:
    """The email files under ``folder``: known extensions, not excluded, not project documents."""
    from .api import glob_match
    from .readers import is_project_document
    from .report import printable

    found = []
    for f, kind in _walk(folder, errors):
        if os.path.splitext(f)[1].lower() not in exts or is_project_document(f) or any(glob_match(f, p, base) for p in exclude):
            continue
        if kind is None:
            found.append(f)
        else:
            click.echo(f"{printable(f)}: skipped: {kind}, not a regular file", err=True)
    return found


def _walk(top: str, errors: list[tuple[str, str]]):
    """(path, None) for the files under ``top`` and (path, kind) for special files, sorted,
    depth first, without recursion (any depth) and without following links to folders;
    unreadable folders go to ``errors``."""
    from .readers import special_kind

    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append((folder, f"cannot read this folder ({exc.strerror or exc})"))
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                        subdirs.append(entry.path)
                elif entry.is_file() or not os.path.exists(entry.path):  # a broken link: reading it says so
                    yield entry.path, None
                elif (kind := special_kind(entry.stat().st_mode)) is not None:
                    yield entry.path, kind
            except OSError as exc:
                errors.append((entry.path, exc.strerror or str(exc)))
        stack.extend(reversed(subdirs))


def _load_config(config_path: str | None, isolated: bool = False):
    """The config (none with ``--isolated``); a bad one is a one-line usage error."""
    from .config import Config, ConfigError, load_config

    if isolated:
        return Config()
    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _check_options(config, select: str | None, ignore: str | None, extend_select: str | None):
    """Options from the config with the command line layered on top, as ruff does:
    ``--ignore`` and ``--extend-select`` add to the config's lists; ``--select`` starts
    a new selection, which the config's ``ignore`` no longer narrows."""
    from .api import Options

    cv = config.values
    cli_select = _csv(select)
    return Options(
        select=cli_select if cli_select is not None else cv.get("select"),
        ignore=([] if cli_select is not None else list(cv.get("ignore", []))) + (_csv(ignore) or []),
        extend_select=list(cv.get("extend-select", [])) + (_csv(extend_select) or []),
        fail_on=cv.get("fail-on", "warning"),
        max_score=cv.get("max-score"),
        rule_folders=_rule_folders(config),
        per_file_ignores=dict(cv.get("per-file-ignores", {})),
        exclude=list(cv.get("exclude", [])),
        glob_base=str(config.base),
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", default="text", show_default=True, help="text, json, sarif, github, junit or html.")
@click.option("--select", help="Rule codes, prefixes or families to check instead of the defaults (comma separated).")
@click.option("--ignore", help="Rule codes, prefixes or families to skip.")
@click.option("--extend-select", help="Rule codes, prefixes or families to add to the selection.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "suggestion", "never"]), help="Lowest severity that fails the run [default: warning].")
@click.option("--max-score", type=click.IntRange(0, 100), help="Also fail when a file's STOP score is above N.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (else found upward from here).")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--no-model", is_flag=True, help="Rules only: no classifier.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), help="Lint files in N worker processes.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on a pass.")
@click.option("--explain", is_flag=True, help="Show what moved each file's score.")
@click.option("--statistics", is_flag=True, help="Print only the count of findings per rule code.")
@click.option("--report-unused-suppressions", is_flag=True, help="Report suppression comments that suppress nothing.")
@click.option("--stdin-filename", help="Name (and so the format) of text read from standard input.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), help="Fail only on findings not recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record today's findings and scores in this file, and exit.")
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply the fixes that cannot change meaning, then report what is left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes that change the text a reader sees.")
def check(paths, fmt, select, ignore, extend_select, fail_on, max_score, config_path, isolated, no_model, jobs, quiet,
          explain, statistics, report_unused_suppressions, stdin_filename, output, baseline_path, write_baseline,
          apply_fixes, show_diff, unsafe_fixes) -> None:
    """Lint emails, templates and folders of them (`-` or piped input reads standard input)."""
    from .config import DEFAULTS, resolve_folder

    _check_arguments(fmt, select, ignore, extend_select)
    config = _load_config(config_path, isolated)
    options = _check_options(config, select, ignore, extend_select)
    options.fail_on = fail_on or options.fail_on
    options.max_score = max_score if max_score is not None else options.max_score
    options.use_model = not no_model
    options.report_unused_suppressions = report_unused_suppressions
    options.explain = explain
    paths = paths or _stdin_or_usage_error()
    cv = config.values
    shared_limit = cv.get("max-templates-per-sentence", DEFAULTS["max-templates-per-sentence"])
    results, linter = _lint(paths, options, jobs, stdin_filename, quiet, shared_limit, (apply_fixes, show_diff, unsafe_fixes))
    if baseline_path is None and "baseline" in cv:
        baseline_path = resolve_folder(config, cv["baseline"])
    if write_baseline:
        _write_baseline(write_baseline, results)
    if baseline_path:
        _apply_baseline(baseline_path, results, linter)
    _print_report(results, linter, fmt, statistics, output, quiet, explain)
    if any(r.error is not None for r in results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FAIL if any(r.failed for r in results) else EXIT_OK)


def _check_arguments(fmt: str, select, ignore, extend_select) -> None:
    """Usage errors in --format and the rule selectors, before any work; a note for a
    deprecated family name."""
    from .report import FORMATTERS
    from .rulepack import valid_selector
    from .taxonomy import deprecation_note

    if fmt not in FORMATTERS:
        raise click.BadParameter(f"{fmt!r} is not one of {', '.join(sorted(FORMATTERS))}", param_hint="--format")
    for name, value in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select)):
        bad = [v for v in _csv(value) or [] if not valid_selector(v)]
        if bad:
            raise click.BadParameter(f"{bad[0]!r} is not a rule code, prefix or family", param_hint=name)
        for note in filter(None, map(deprecation_note, _csv(value) or [])):
            click.echo(f"{name}: {note}", err=True)


def _stdin_or_usage_error() -> tuple[str]:
    """No paths: standard input when something is piped in, else a usage error."""
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError("no input: give files or folders to check, or pipe an email to standard input")
    return ("-",)


def _lint(paths, options, jobs, stdin_filename, quiet, shared_limit, fixes) -> tuple[list, object]:
    """Every file's result, fixed if asked, with the library-wide findings; the paths
    that could not be walked last, as errors. Returns them and the Linter.

    ``fixes`` is (--fix, --diff, --unsafe-fixes)."""
    from . import library
    from .api import FileResult, Linter
    from .progress import progress
    from .rulepack import RuleError
    from .run import run_files

    files, errors = collect_paths(paths, options.exclude, options.glob_base)
    try:
        linter = Linter(options)  # once: a bad rule pack fails here with its message
    except RuleError as exc:
        raise click.ClickException(str(exc)) from None
    linter.options.library = any(os.path.isdir(p) for p in paths) and library.selected(linter)
    with progress(len(files), quiet) as advance:
        results = run_files(files, linter, jobs, stdin_filename, advance)
    apply_fixes, show_diff, unsafe = fixes
    if apply_fixes or show_diff:
        results = _fix(results, linter, unsafe, write=not show_diff)
    library.check(results, linter, shared_limit)
    results.extend(FileResult(path=p, error=e, failed=True) for p, e in errors)
    return results, linter


def _print_report(results, linter, fmt, statistics, output, quiet, explain) -> None:
    """The report in its format, to the terminal or ``output``; then each file's error on stderr."""
    from .report import FORMATTERS, Report, printable

    report = Report(
        results=results,
        rules={r.code: r for r in linter.all_rules} if fmt in ("sarif", "html") or statistics else {},
        color=output is None and _use_color(),
        quiet=quiet,
        explain=explain,
        version=__version__,
    )
    if statistics:
        from .report.statistics import render

        text = render(report, fmt)
    else:
        text = FORMATTERS[fmt](report)
    # the last guard of "output never breaks": text no encoder can carry is escaped, not fatal
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if output:
        _write_report(output, text)
    elif text:
        click.echo(text, nl=False, color=report.color)
    for res in results:  # whatever the format and wherever the report goes
        if res.error is not None:
            click.echo(f"{printable(res.display_path)}: error: {printable(res.error)}", err=True)


def _write_report(output: str, text: str) -> None:
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        from .report import printable

        raise click.ClickException(f"{printable(output)}: cannot write the report ({exc.strerror or exc})") from None


def _fix(results: list, linter, unsafe: bool, write: bool) -> list:
    """`--fix` writes the fixes and returns the files' results after them; `--diff`
    prints them and exits (1 if there is anything to fix)."""
    from . import fixes

    kinds = {"safe", "unsafe"} if unsafe else {"safe"}
    by_path: dict[str, list] = {}
    for res in results:
        by_path.setdefault(res.path, []).append(res)
    out, diffs, count, files = [], [], 0, 0
    for path, group in by_path.items():
        fix = fixes.fix_file(path, group, linter, kinds)
        if fix is None:
            out.extend(group)
            continue
        count, files = count + fix.count, files + 1
        if write:
            try:
                fixes.write(fix)
            except OSError as exc:
                click.echo(f"{path}: error: cannot write the fixes ({exc.strerror})", err=True)
                out.extend(group)
                continue
        out.extend(fix.results)
        diffs.append(fix.diff())
    if not write:
        click.echo("".join(diffs), nl=False)
        click.echo(f"stoplint: {count} fix{'es' if count != 1 else ''} in {files} file{'s' if files != 1 else ''} (nothing written)", err=True)
        sys.exit(EXIT_ERROR if any(r.error is not None for r in results) else EXIT_FAIL if count else EXIT_OK)
    click.echo(f"stoplint: fixed {count} finding{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}", err=True)
    return out


def _write_baseline(path: str, results: list) -> None:
    """`--write-baseline FILE`: record the findings (keeping other files' entries) and exit."""
    from . import baseline

    previous = None
    if os.path.exists(path):
        try:
            previous = baseline.load(path)
        except baseline.BaselineError:
            previous = None  # a damaged baseline is replaced, not merged
    try:
        n = baseline.write(path, results, previous)
    except baseline.BaselineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"stoplint: wrote {n} finding{'s' if n != 1 else ''} to {path}", err=True)
    for res in results:
        if res.error is not None:
            click.echo(f"{res.display_path}: error: {res.error}", err=True)
    sys.exit(EXIT_ERROR if any(r.error is not None for r in results) else EXIT_OK)


def _apply_baseline(path: str, results: list, linter) -> None:
    """`--baseline FILE`: hide recorded findings, say how many, and name the stale entries."""
    from . import baseline

    try:
        base = baseline.load(path)
    except baseline.BaselineError as exc:
        raise click.ClickException(str(exc)) from None
    outcome = baseline.apply(base, results, linter)
    for key in outcome.stale:
        click.echo(baseline.stale_line(path, key), err=True)
    if outcome.hidden:
        click.echo(f"stoplint: {outcome.hidden} finding{'s' if outcome.hidden != 1 else ''} hidden by the baseline {path}", err=True)


def _use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file naming extra rule packs.")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--check", "check_folder", type=click.Path(), metavar="FOLDER",
              help="Validate the rule pack in FOLDER and run its rules' own examples.")
@click.option("--stats", "stats_data", type=click.Path(dir_okay=False), metavar="DATA.jsonl",
              help="Each rule's hits on stop, not-stop and good emails of labelled JSONL, with precision.")
def rules_cmd(fmt: str, config_path: str | None, isolated: bool, check_folder: str | None, stats_data: str | None) -> None:
    """List every rule: code, category, severity, one-line summary."""
    import json

    from .rulepack import RuleError

    if check_folder is not None:
        folders = _rule_folders(_load_config(config_path, isolated))
        try:
            _check_pack(check_folder, [f for f in folders if os.path.abspath(f) != os.path.abspath(check_folder)])
        except RuleError as exc:
            raise click.ClickException(str(exc)) from None
        return
    rules = _configured_rules(config_path, isolated)
    if stats_data is not None:
        _print_stats(stats_data, rules, _rule_folders(_load_config(config_path, isolated)), fmt)
        return
    if fmt == "json":
        data = [
            {"code": r.code, "name": r.name, "category": r.family, "severity": r.severity, "summary": r.message,
             "scope": r.scope, "default": r.default, "fix": r.fix}
            for r in rules
        ]
        click.echo(json.dumps(data, indent=2))
        return
    for r in rules:
        off = "" if r.default else "  (off by default)"
        fix = {"safe": "  [fix]", "unsafe": "  [unsafe fix]"}.get(r.fix or "", "")
        click.echo(f"{r.code}  {r.family:<15} {r.severity:<10} {r.message}{fix}{off}")
    click.echo(f"{len(rules)} rules")


def _rule_folders(config) -> list[str]:
    from .config import resolve_folder

    return [resolve_folder(config, f) for f in config.values.get("rules", [])]


def _configured_rules(config_path: str | None, isolated: bool) -> list:
    """The built-in rules and the team packs the config names, as `check` loads them."""
    from .rulepack import RuleError, load_rules

    try:
        return load_rules(_rule_folders(_load_config(config_path, isolated)))
    except RuleError as exc:
        raise click.ClickException(str(exc)) from None


def _print_stats(data: str, rules, folders: list[str], fmt: str) -> None:
    """`stoplint rules --stats DATA.jsonl`."""
    import json

    from .rulestats import StatsError, format_text, rule_stats

    try:
        stats = rule_stats(data, rules, folders)
    except StatsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(stats.to_dict(), indent=2) if fmt == "json" else format_text(stats), nl=fmt == "json")


def _check_pack(folder: str, others: list[str]) -> None:
    """`stoplint rules --check FOLDER`: exit 2 if the pack is invalid, 1 if an example fails."""
    from .rulepack.devtool import pack_rules, run_pack_examples

    own, changed = pack_rules(folder, others)
    failures = run_pack_examples(own, [*others, folder])
    failed_codes = {f.rule.code for f in failures}
    for rule in own:
        n_flag, n_pass = len(rule.examples.get("flag", [])), len(rule.examples.get("pass", []))
        if rule.code in failed_codes:
            status = "FAILED"
        elif n_flag + n_pass == 0:
            status = "no examples (add some: `flag` ones must fire, `pass` ones must not)"
        else:
            status = "ok"
        click.echo(f"{rule.origin}: {rule.code} {rule.name or rule.message}: {n_flag} flag, {n_pass} pass: {status}")
    for rule in changed:
        change = "disabled by default" if not rule.default else f"severity {rule.severity}"
        click.echo(f"{rule.origin.split(' (changed in ')[1].rstrip(')')}: {rule.code} (built-in) {change}")
    for failure in failures:
        click.echo(str(failure), err=True)
    examples = sum(len(r.examples.get(k, [])) for r in own for k in ("flag", "pass"))
    click.echo(
        f"{folder}: {len(own)} rule{'s' if len(own) != 1 else ''}, {len(changed)} built-in change"
        f"{'s' if len(changed) != 1 else ''}, {examples} example{'s' if examples != 1 else ''}: "
        + (f"{len(failures)} failed" if failures else "all pass")
    )
    if failures:
        sys.exit(EXIT_FAIL)


@main.command("config")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (else found upward from here).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def config_cmd(config_path: str | None, fmt: str) -> None:
    """Print the configuration `check` would use, and where each value came from."""
    import json

    from .config import ConfigError, load_config, resolved

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    rows = resolved(config)
    if fmt == "json":
        data = {"config_file": config.path, "values": {k: {"value": v, "source": src} for k, v, src in rows}}
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"# config file: {config.path or 'none found (all defaults)'}")
    for key, value, source in rows:
        shown = "(not set)" if value is None else json.dumps(value)
        if key == "select" and value is None:
            shown = "(the rules on by default)"
        click.echo(f"{key} = {shown}  # {source}")


@main.command()
@click.argument("code")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file naming extra rule packs.")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
def explain(code: str, config_path: str | None, isolated: bool) -> None:
    """Show a rule's rationale, what to write instead, and its examples."""
    from .gate import META_RULES

    rules = {**META_RULES, **{r.code: r for r in _configured_rules(config_path, isolated)}}
    rule = rules.get(code.upper())
    if rule is None:
        raise click.ClickException(f"{code}: no such rule (see `stoplint rules`)")
    click.echo(f"{rule.code} ({rule.name}) — {rule.message}")
    click.echo(f"family: {rule.family}; severity: {rule.severity}; applies to: {rule.scope}")
    if rule.fix == "safe":
        click.echo("fixable: `stoplint check --fix` repairs it without changing what the reader sees")
    elif rule.fix == "unsafe":
        click.echo("fixable with `stoplint check --fix --unsafe-fixes`: the repair changes the text, so read the diff first")
    click.echo("")
    click.echo(f"Why it costs the reply: {rule.why}")
    click.echo("")
    click.echo(f"Instead: {rule.instead}")
    for key, title in (("flag", "Flagged"), ("pass", "Not flagged")):
        examples = rule.examples.get(key, [])
        if examples:
            click.echo("")
            click.echo(f"{title}:")
            for ex in examples:
                lines = ex.strip().splitlines()
                click.echo(f"  - {lines[0]}")
                for line in lines[1:]:
                    click.echo(f"    {line}")


@main.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, writable=True), help="Model file to write (JSON).")
@click.option("--weight", "-w", "weights", multiple=True, type=click.FloatRange(min=0.0, min_open=True),
              help="Sample weight of each DATA file, in order (default 1.0 each).")
@click.option("--no-cv", is_flag=True, help="Skip the grouped cross-validation (faster; no metrics in the file).")
def train(data, output, weights, no_cv) -> None:
    """Train the classifier from labelled JSONL files and write the model file."""
    from .training import DataError, train as run_training, write_model

    if len(weights) > len(data):
        raise click.BadParameter(f"{len(weights)} weights for {len(data)} files", param_hint="--weight")
    try:
        model = run_training(list(data), list(weights), cv=not no_cv, log=lambda s: click.echo(s, err=True))
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    write_model(model, output)
    click.echo(f"wrote {output}: {len(model['vocabulary'])} n-grams, {len(model['dense']['names'])} dense features")


@main.command("eval")
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False), help="Model file (default: the shipped one).")
@click.option("--no-model", is_flag=True, help="Score with the rules alone.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def eval_cmd(data, model_path, no_model, fmt) -> None:
    """Score labelled JSONL and print ROC AUC per label, accuracy, F1, Spearman and pairwise accuracy."""
    import json

    from .training import DataError, evaluate_files, format_metrics

    try:
        result = evaluate_files(list(data), model_path=model_path, use_model=not no_model)
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, sort_keys=True))
        return
    click.echo(format_metrics(result["metrics"], f"{', '.join(data)} scored by {result['scorer']}"))
    g = result["good_emails"]
    if g["good"]:
        click.echo(f"  good emails (quality >= 3.67) with a warning or error: {g['flagged']:.1%} of {g['good']} (M codes aside)")
