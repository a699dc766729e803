"""The rule author's tools: run a pack's examples, and propose and prove regex needles.

    python -m linter.rulepack.devtool needles     # propose `needles:` for the built-in regex rules
    python -m linter.rulepack.devtool docs        # write docs/rules.md from the packs

Never imported when linting: ``stoplint rules --check`` runs examples through it, and
the tests prove the built-in packs' needles with it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..api import Linter, Options
from ..engine import regex_mode
from ..resources import data_dir
from ..suppress import META_RULES
from ..taxonomy import Family
from .loading import load_rules, pack_files
from .schema import Rule

#: A needle set that lets more than this share of emails through is not worth testing.
MAX_NEEDLE_SHARE = 0.9
CHECKOUT = Path(__file__).resolve().parents[2]


@dataclass
class ExampleFailure:
    rule: Rule
    kind: str  # flag | pass
    index: int  # 1-based
    text: str

    def __str__(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        if len(first) > 70:
            first = first[:69] + "…"
        what = "should be flagged but is not" if self.kind == "flag" else "should pass but is flagged"
        where = example_origins(self.rule, self.kind)[self.index - 1]
        return f"{where}: rule {self.rule.code}: {self.kind} example {self.index} {what}: {first!r}"


def example_origins(rule: Rule, kind: str) -> list[str]:
    """``file:line`` of each of the rule's ``kind`` (flag, pass) examples in its pack (the
    rule's own line for one that cannot be found there)."""
    path, _, line = rule.origin.split(" (changed in ")[0].rpartition(":")
    try:
        source = _pack_text(path) if line.isdigit() else ""
    except OSError:
        source = ""
    rule_start = sum(len(x) + 1 for x in source.split("\n")[: int(line or 1) - 1])
    key = re.compile(rf"^\s*{kind}:", re.M).search(source, rule_start)
    pos = key.start() if key else -1
    out = []
    for text in rule.examples.get(kind, []):
        found = _find_example(source, pos, text) if pos >= 0 else -1
        out.append(f"{path}:{source.count(chr(10), 0, found) + 1}" if found >= 0 else rule.origin)
        pos = found + 1 if found >= 0 else pos
    return out


def _find_example(source: str, start: int, text: str) -> int:
    """Where the example is written from ``start`` on (quoted, or its first line), or -1."""
    quoted = json.dumps(text, ensure_ascii=False)[:61]  # with its opening quote
    first = text.strip().splitlines()[0][:40] if text.strip() else ""
    for needle in (quoted, quoted[1:], first):
        found = source.find(needle, start) if needle else -1
        if found >= 0:
            return found
    return -1


def _pack_text(path: str) -> str:
    if path.startswith("rules/"):  # a built-in pack: beside the package
        return (data_dir("rules") / path.removeprefix("rules/")).read_text(encoding="utf-8")
    return Path(path).read_text(encoding="utf-8")


def pack_rules(folder: str, extra_folders: list[str] | tuple[str, ...] = ()) -> tuple[list[Rule], list[Rule]]:
    """Validate the pack in ``folder`` (after the built-ins and ``extra_folders``):
    (the rules it defines, the built-in rules it changes).  RuleError if invalid."""
    rules = load_rules([*extra_folders, folder])
    files = {origin for origin, _ in pack_files(folder)}
    own = [r for r in rules if not r.builtin and r.origin.rsplit(":", 1)[0] in files]
    changed = [r for r in rules if r.builtin and any(f"(changed in {f}:" in r.origin for f in files)]
    return own, changed


def run_pack_examples(rules: list[Rule], folders: list[str]) -> list[ExampleFailure]:
    """Lint each rule's own examples with the rule alone: flag ones must fire, pass ones must not."""
    if not rules:
        return []
    linter = Linter(Options(select=[r.code for r in rules], use_model=False, rule_folders=list(folders)))
    failures = []
    for rule in rules:
        ext = ".j2" if rule.family is Family.MERGE_FIELD else ".txt"
        for kind in ("flag", "pass"):
            for i, text in enumerate(rule.examples.get(kind, []), start=1):
                found = any(f.code == rule.code for r in linter.lint_text(text, path="example" + ext) for f in r.findings)
                if found != (kind == "flag"):
                    failures.append(ExampleFailure(rule, kind, i, text))
    return failures


def needle_share(texts: list[str]):
    """A ``rank`` for ``required_literals``: the share of ``texts`` (lower-cased)
    that contain at least one needle of a set."""
    lowered = [t.lower() for t in texts]
    seen: dict[str, int] = {}

    def containing(needle: str) -> int:  # a bit per text that contains the needle
        if needle not in seen:
            seen[needle] = sum(1 << i for i, t in enumerate(lowered) if needle in t)
        return seen[needle]

    def share(needles: frozenset[str]) -> float:
        bits = 0
        for n in needles:
            bits |= containing(n)
        return bin(bits).count("1") / max(1, len(lowered))

    return share


def required_literals(regex: str, rank: Callable[[frozenset[str]], float] | None = None) -> frozenset[str] | None:
    """Strings one of which every match of ``regex`` contains, or None if no useful set
    can be read off the pattern.

    Most rules match nothing in most emails; a substring test for these needles (fast,
    in C) lets the engine skip a regex scan that cannot succeed. The analysis is
    conservative: a sequence needs what any one of its items needs, an alternation
    one of what its branches need, a repeat of at least one what its item needs, and
    a run of literal characters needs that exact text; anything else needs nothing
    it can name.

    Where a sequence offers several sets, ``rank`` picks one: it gives the share of
    emails a set would let through (the share of the project's own emails containing
    a needle, so a rare ``#`` beats a common ``your``). Without it the set whose
    shortest needle is longest wins, and a set with a needle shorter than three
    characters is not used.
    """
    try:
        found = _Literals(rank).sequence(_parse(regex))
    except Exception:  # noqa: BLE001 - no needles is always safe
        return None
    if not found:
        return None
    if rank is not None:
        return found if rank(found) <= MAX_NEEDLE_SHARE else None
    if min(map(len, found)) < 3:
        return None  # too short to rule much out
    return found


def _parse(regex: str):
    """``re``'s own parse tree of ``regex``.

    Private API: the regex parser is the only way to read a pattern's literals. Only
    rule authors and the tests run this module (needles); linting and `rules --check`
    never import it (tests/test_imports.py holds that)."""
    from re import _parser  # noqa: PLC2701

    return _parser.parse(regex)


class _Literals:
    """The walk behind ``required_literals`` over a parse tree."""

    def __init__(self, rank: Callable[[frozenset[str]], float] | None) -> None:
        from re import _constants  # noqa: PLC2701 - see _parse

        self.C = _constants
        self.rank = rank

    def score(self, c: frozenset[str]) -> tuple:
        if self.rank is not None:
            return (-self.rank(c), min(map(len, c)))
        return (min(map(len, c)), -len(c))

    def sequence(self, items) -> frozenset[str] | None:
        candidates: list[frozenset[str]] = []
        run: list[str] = []
        for op, av in list(items) + [(None, None)]:
            if op is self.C.LITERAL:
                run.append(chr(av))
                continue
            if run:
                candidates.append(frozenset(["".join(run)]))
            run = []
            if op is not None:
                found = self.item(op, av)
                if found:
                    candidates.append(found)
        return max(candidates, key=self.score, default=None)

    def item(self, op, av) -> frozenset[str] | None:
        C = self.C
        if op is C.SUBPATTERN:
            return self.sequence(av[-1])
        if op is C.BRANCH:
            branches = [self.sequence(b) for b in av[1]]
            if any(b is None for b in branches):
                return None
            return frozenset().union(*branches)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            return self.sequence(av[2])
        return None


def needles_hold(regex: str, needles: frozenset[str]) -> bool:
    """Whether every match of ``regex`` (on lower-cased text) contains one of ``needles``:
    the proof the tests ask of each built-in rule's ``needles``."""
    from re import _constants as C  # noqa: PLC2701 - see _parse

    def sequence(items) -> bool:
        run: list[str] = []
        for op, av in list(items) + [(None, None)]:
            if op is C.LITERAL:
                run.append(chr(av))
                continue
            if run and any(n in "".join(run) for n in needles):
                return True
            run = []
            if op is not None and item(op, av):
                return True
        return False

    def item(op, av) -> bool:
        if op is C.SUBPATTERN:
            return sequence(av[-1])
        if op is C.BRANCH:
            return all(sequence(b) for b in av[1])
        return op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1 and sequence(av[2])

    return sequence(_parse(regex))


def reference_emails(root: Path = CHECKOUT) -> list[str]:
    """The project's own emails (examples/ and models/data/train.jsonl of the checkout):
    how often a needle occurs in them ranks the proposed needles."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "examples").rglob("*")) if p.suffix in (".txt", ".md")]
    data = root / "models" / "data" / "train.jsonl"
    if data.is_file():
        for line in data.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(f"{row.get('subject') or ''}\n{row.get('body') or ''}")
    return texts


def proposed_needles(rule: Rule, rank=None) -> frozenset[str] | None:
    """The needles to give a regex rule (None: it runs on every email)."""
    if rule.regex is None or not regex_mode(rule)[1]:
        return None  # case-sensitive rules run on the text as written: no lower-case needles
    return required_literals(rule.regex, rank)


RULES_DOC = CHECKOUT / "docs" / "rules.md"
DOCS_COMMAND = "python -m linter.rulepack.devtool docs"


def documented_rules() -> list[Rule]:
    """The built-in rules and the findings stoplint makes about suppressions (M901)."""
    return sorted([*load_rules(), *META_RULES.values()], key=lambda r: r.code)


def rules_markdown(rules: list[Rule]) -> str:
    """docs/rules.md: every built-in rule, by family, with its why, instead and examples."""
    out = [
        "# Rules",
        "",
        f"<!-- Generated from rules/*.yml by `{DOCS_COMMAND}`; edit the packs, not this file. -->",
        "",
        f"{len(rules)} rules. `stoplint explain CODE` prints one of them; see CONTRIBUTING.md to add one.",
    ]
    for family in Family:
        out += ["", f"## {family.heading} (`{family.letter}`, `{family.value}`)", ""]
        out += ["| code | severity | what it flags |", "|---|---|---|"]
        own = [r for r in rules if r.family is family]
        out += [f"| [`{r.code}`](#{r.code.lower()}) | {r.severity} | {_cell(r.message)} |" for r in own]
        for rule in own:
            out += _rule_section(rule)
    return "\n".join(out) + "\n"


def _rule_section(rule: Rule) -> list[str]:
    off = "" if rule.default else " Off by default: turn it on with `--extend-select`."
    fix = {"safe": " Fixable: `--fix`.", "unsafe": " Fixable with `--fix --unsafe-fixes` (changes the text)."}.get(rule.fix or "", "")
    out = ["", f"### {rule.code}", "", f"**{rule.message}** ({rule.name}, {rule.severity}).{off}{fix}", ""]
    out += [f"Why: {rule.why}", "", f"Instead: {rule.instead}"]
    for kind, label in (("flag", "Flagged"), ("pass", "Not flagged")):
        examples = rule.examples.get(kind, [])
        if examples:
            out += ["", f"{label}:", ""] + [f"- {_cell(text)}" for text in examples]
    return out


def _cell(text: str) -> str:
    """One line of Markdown: line breaks shown as ⏎, pipes and tags escaped."""
    one = " ⏎ ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return one.replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*").replace("_", "\\_")


def main(argv: list[str]) -> int:
    if argv == ["needles"]:
        rank = needle_share(reference_emails())
        for rule in load_rules():
            found = proposed_needles(rule, rank)
            if found is not None and found != rule.needles:
                print(f"{rule.origin}: {rule.code}\n    needles: {json.dumps(sorted(found))}")
        return 0
    if argv == ["docs"]:
        RULES_DOC.write_text(rules_markdown(documented_rules()), encoding="utf-8")
        print(f"wrote {RULES_DOC}")
        return 0
    print("\n".join(line.strip() for line in __doc__.strip().splitlines()[2:4]), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
