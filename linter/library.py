"""Library-wide checks: what no single template shows, found across a checked folder.

Each email is judged alone by the engine; when a folder is checked, stoplint also
reads the library as a whole (rules ``T301``–``T304``):

- ``T301``: the same opener, call to action or proof sentence in more than N
  templates (``max-templates-per-sentence`` in the config, 3 by default);
- ``T302``: templates that are near-duplicates: most of their 5-word shingles are
  shared (Jaccard similarity of the shingle sets, computed for all pairs at once as
  a sparse matrix product);
- ``T303``: a template nearly all of which every recipient receives word for word,
  with no research slot;
- ``T304``: a sequence step that adds almost no word the step before it did not
  have ("just bumping this up").

The work is split so that worker processes can do the per-email part:
:func:`features` reads one analysed email into plain data (sentences with their
positions, shingle hashes, word counts), and :func:`check` compares those across
the results in the parent.  Every finding names the other files involved.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass

from .engine import Finding

SHINGLE = 5  # words per shingle
MIN_SENTENCE_WORDS = 3  # "Thanks," is not a shared sentence worth a finding
MAX_NAMED = 3  # other files named in a message; the rest are counted
RESEARCH_SLOT_WORDS = 12  # a research slot stands for about one written sentence
PROOF_RE = re.compile(r"\d|\b(?:helped|customers?|clients?|teams? like|case study|results?)\b", re.I)
_KEY_RE = re.compile(r"[^\w\s]")


# -- per email (in the worker) ---------------------------------------------------------------
def features(analysis) -> dict:
    """The plain data the library checks need from one analysed email."""
    ctx = analysis.context
    email = analysis.email
    parts = ctx.parts
    text = email.text
    picked = [("opener", r) for r in parts.get("opener")[:1]] + [("cta", r) for r in parts.get("cta")[:1]]
    taken = {r[0] for _, r in picked}
    picked += [("proof", r) for r in parts.body_sentences if r[0] not in taken and PROOF_RE.search(text, *r)]
    sentences = [_sentence(email, kind, s, e) for kind, (s, e) in picked]
    words = _word_columns(ctx)  # merge fields read as the same stand-in in every template
    in_fields = sum(len(text[f.text_start : f.text_end].split()) for f in email.fields if f.text_start >= 0)
    research = sum(1 for f in email.fields if f.slot == "research")
    anchor = parts.body_sentences[0] if parts.body_sentences else (parts.sentences[0] if parts.sentences else (0, 0))
    return {
        "sentences": [x for x in sentences if x is not None],
        "shingles": shingles(words[:, 0].tolist()),
        "content": sorted(_content_words(ctx.doc.vocab.strings, words) - _stand_ins(email)),
        "fixed_words": max(0, len(words) - in_fields),
        "research_slots": research,
        "template": email.is_template,
        "anchor": [*_where(email, *anchor), " ".join(text[anchor[0] : anchor[1]].split())[:120]],
    }


def _word_columns(ctx):
    """The message's words as rows of (lower-case string id, is alpha, is stop, length),
    read in one call rather than a spaCy Token object per word."""
    from spacy.attrs import IS_ALPHA, IS_STOP, LENGTH, LOWER

    return ctx.doc.to_array([LOWER, IS_ALPHA, IS_STOP, LENGTH])[ctx.words.ids]


def _content_words(strings, words) -> set[str]:
    """The distinct lower-case words of over two letters that are not stop words."""
    keep = (words[:, 1] == 1) & (words[:, 2] == 0) & (words[:, 3] > 2)
    return {strings[int(i)] for i in set(words[keep, 0].tolist())}


def shingles(word_ids: list[int]) -> list[int]:
    """Hashes of every run of ``SHINGLE`` words (spaCy's lower-case string ids, the same
    in every process), combined in numpy: one polynomial hash per position."""
    import numpy as np

    ids = np.asarray(word_ids, dtype=np.uint64)
    n = len(ids) - SHINGLE + 1
    if n <= 0:
        return []
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h = h * np.uint64(1_000_003) + ids[k : k + n]
    return np.unique(h).tolist()


def _stand_ins(email) -> set[str]:
    return {w.lower() for f in email.fields if f.text_start >= 0 for w in email.text[f.text_start : f.text_end].split()}


def _where(email, s: int, e: int) -> tuple:
    src_s, src_e, line, col, end_line, end_col = email.position(s, e)
    return line, col, end_line, end_col, src_s, src_e


def _sentence(email, kind: str, s: int, e: int) -> list | None:
    text = email.text[s:e].strip()
    key = " ".join(_KEY_RE.sub(" ", text.lower()).split())
    if len(key.split()) < MIN_SENTENCE_WORDS:
        return None
    return [kind, key, " ".join(text.split()), *_where(email, s, e)]


# -- across the library (in the parent) ------------------------------------------------------
@dataclass
class Place:
    """Where a library finding goes: one result, a line range and a text."""

    res: object
    line: int
    column: int
    end_line: int
    end_column: int
    src_start: int
    src_end: int
    text: str


def selected(linter) -> bool:
    """Whether any library-wide rule is selected (else there is nothing to read)."""
    return any(r.check in FINDERS for r in linter.rules)


def check(results: list, linter, max_shared: int) -> None:
    """Add the selected library rules' findings to ``results`` and re-judge each file;
    ``max_shared``: how many templates a sentence may be in (``max-templates-per-sentence``)."""
    usable = [r for r in results if r.error is None and r.library]
    if len(usable) < 2:
        return
    added: dict[int, list[Finding]] = defaultdict(list)
    for rule in linter.rules:
        finder = FINDERS.get(rule.check or "")
        if finder is None:
            continue
        params = {"max_shared": max_shared, **rule.params}
        for place, message in finder(usable, params):
            added[id(place.res)].append(_finding(rule, place, message))
    for res in usable:
        new = linter.per_file_filter(res.path, added.get(id(res), []))
        if new:
            res.findings = sorted(res.findings + new, key=lambda f: f.sort_key)
            res.failed = linter.fails(res)


def _finding(rule, place: Place, message: str) -> Finding:
    return Finding(
        code=rule.code, family=rule.family, severity=rule.severity, message=message,
        line=place.line, column=place.column, end_line=place.end_line, end_column=place.end_column,
        text=place.text, suggestion=rule.instead, src_start=place.src_start, src_end=place.src_end,
    )


def _name(res) -> str:
    return res.display_path


def _others(names: list[str], total: int | None = None) -> str:
    """'a.j2, b.j2 and 4 more' (``total``: how many there are, when ``names`` holds only the first)."""
    shown = names[:MAX_NAMED]
    rest = (len(names) if total is None else total) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} more"
    return " and ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else shown[0]


def _anchor(res) -> Place:
    """The first sentence of the message: where a whole-template finding is shown."""
    line, col, end_line, end_col, s, e, text = res.library["anchor"]
    return Place(res, line, col, end_line, end_col, s, e, text)


def _shared(results: list, params: dict) -> list[tuple[Place, str]]:
    """T301: one opener, call to action or proof sentence in more than N templates."""
    limit = int(params["max_shared"])
    by_key: dict[tuple[str, str], list[tuple[object, list]]] = defaultdict(list)
    for res in results:
        seen = set()
        for sent in res.library["sentences"]:
            key = (sent[0], sent[1])
            if key not in seen:
                seen.add(key)
                by_key[key].append((res, sent))
    label = {"opener": "opener", "cta": "call to action", "proof": "proof sentence"}
    out = []
    for (kind, _key), holders in sorted(by_key.items()):
        if len(holders) <= limit:
            continue
        first = [_name(r) for r, _ in holders[: MAX_NAMED + 1]]
        for res, sent in holders:
            own = _name(res)
            others = [n for n in first if n != own][:MAX_NAMED]
            line, col, end_line, end_col, s, e = sent[3:]
            place = Place(res, line, col, end_line, end_col, s, e, sent[2][:120])
            message = f"The same {label[kind]} is in {len(holders)} templates: also in {_others(others, len(holders) - 1)}"
            out.append((place, message))
    return out


def _duplicates(results: list, params: dict) -> list[tuple[Place, str]]:
    """T302: pairs of templates whose 5-word shingle sets overlap by Jaccard >= threshold."""
    import numpy as np
    from scipy.sparse import csr_matrix

    threshold = float(params["similarity"])
    rows = [r for r in results if len(r.library["shingles"]) >= int(params["min_shingles"])]
    if len(rows) < 2:
        return []
    sizes = np.array([len(r.library["shingles"]) for r in rows])
    _, columns = np.unique(np.fromiter((h for r in rows for h in r.library["shingles"]), dtype=np.uint64), return_inverse=True)
    indptr = np.concatenate(([0], np.cumsum(sizes)))
    m = csr_matrix((np.ones(len(columns), dtype=np.int32), columns, indptr), shape=(len(rows), int(columns.max()) + 1))
    inter = (m @ m.T).tocoo()
    upper = inter.row < inter.col  # each pair once
    i_s, j_s, n = inter.row[upper], inter.col[upper], inter.data[upper]
    sim = n / (sizes[i_s] + sizes[j_s] - n)
    keep = sim >= threshold
    pairs: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i, j, x in zip(i_s[keep].tolist(), j_s[keep].tolist(), sim[keep].tolist()):
        pairs[i].append((x, j))
        pairs[j].append((x, i))
    out = []
    for i, near in sorted(pairs.items()):
        top = heapq.nsmallest(MAX_NAMED, near, key=lambda x: (-x[0], _name(rows[x[1]])))
        named = [f"{_name(rows[j])} ({round(100 * x)}% the same wording)" for x, j in top]
        out.append((_anchor(rows[i]), f"Near-duplicate of {_others(named, len(near))}"))
    return out


def _fixed_share(results: list, params: dict) -> list[tuple[Place, str]]:
    """T303: a template every recipient receives almost entirely word for word."""
    limit = float(params["max_fixed_share"])
    templates = [r for r in results if r.library["template"]]
    shares = {id(r): _share(r.library) for r in templates}
    researched = sorted((shares[id(r)], _name(r)) for r in templates if r.library["research_slots"])
    out = []
    for res in templates:
        share = shares[id(res)]
        if share < limit or res.library["fixed_words"] < int(params["min_words"]):
            continue
        if researched:
            tail = f"templates with research slots: {_others([n for _, n in researched])}"
        else:
            tail = "no template in this folder has a research slot"
        out.append((_anchor(res), f"{round(100 * share)}% of this template reaches every recipient word for word; {tail}"))
    return out


def _share(lib: dict) -> float:
    fixed = lib["fixed_words"]
    total = fixed + RESEARCH_SLOT_WORDS * lib["research_slots"]
    return fixed / total if total else 1.0


def _empty_steps(results: list, params: dict) -> list[tuple[Place, str]]:
    """T304: a sequence step that adds fewer than N content words the step before lacked."""
    min_new = int(params["min_new_words"])
    steps: dict[str, list] = defaultdict(list)
    for res in results:
        if res.row is not None:
            steps[res.path].append(res)
    out = []
    for rows in steps.values():
        rows.sort(key=lambda r: r.row)
        for before, step in zip(rows, rows[1:]):
            new = sorted(set(step.library["content"]) - set(before.library["content"]))
            if len(new) < min_new:
                said = f"its only new words: {', '.join(new)}" if new else "it has no word the step before lacked"
                out.append((_anchor(step), f"Adds nothing new to step {_name(before)} ({said})"))
    return out


FINDERS = {
    "library_shared_sentence": _shared,
    "library_near_duplicate": _duplicates,
    "library_fixed_share": _fixed_share,
    "library_empty_step": _empty_steps,
}
