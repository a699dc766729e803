"""The classifier at lint time: a JSON model scored with numpy, never scikit-learn.

``models/stoplint-model.json`` (written by ``stoplint train``) holds, for each label
(``stop``, ``templated``, ``seller_centric``, ``generic``), the weights of a logistic
regression over the features of :mod:`linter.features`: a pruned n-gram vocabulary
with its idf, and named dense features (rule hits per family, metrics) with their
scaling.  Scoring one email is a TF-IDF vector, two dot products and a sigmoid.

Every prediction is explained: ``contributions`` lists what moved the ``stop`` logit
most (n-grams with their lines, rule families, metrics), and when P(stop) reaches the
model's threshold the prediction carries one document-level finding (rule ``Q900`` in
``rules/model.yml``) naming the n-grams and rule families that pushed it up.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from . import features
from .engine import MAX_TEXT_CHARS, Engine, Finding
from .resources import data_dir
from .rulepack import load_rules
from .taxonomy import MODEL_LABELS as LABELS  # the label order of model files (training reads it here)

FORMAT = "stoplint-model/1"
MODEL_FILE = "stoplint-model.json"
#: How many contributions a prediction lists (strongest first): pushing up, pulling down.
TOP_UP, TOP_DOWN = 8, 4


@dataclass
class Prediction:
    probabilities: dict[str, float]
    contributions: list[dict[str, Any]] = field(default_factory=list)
    finding: Any = None  # a linter.engine.Finding, or None


class ModelError(Exception):
    """A model file that cannot be used."""


def _model_path():
    return data_dir("models") / MODEL_FILE


def load_default_model() -> "Model | None":
    """The shipped model, or None when no model file is installed."""
    path = _model_path()
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _parse(raw)


@functools.lru_cache(maxsize=4)
def _parse(raw: bytes) -> "Model":
    return Model(json.loads(raw))


def default_model_version() -> str:
    """The first 12 hex digits of the shipped model file's SHA-256, or "none"."""
    try:
        raw = _model_path().read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return "none"
    return hashlib.sha256(raw).hexdigest()[:12]


@functools.cache
def feature_engine():
    """An engine over every built-in rule: the rule-hit features do not depend on the
    user's selection."""
    return Engine([r for r in load_rules() if r.kind != "model"])


class Model:
    def __init__(self, data: dict[str, Any]):
        if data.get("format") != FORMAT:
            raise ModelError(f"not a stoplint model file (format {data.get('format')!r}, expected {FORMAT!r})")
        self.data = data
        self.labels = tuple(data["labels"])
        analyzer = data["analyzer"]
        self.ngram_range = tuple(analyzer["ngram_range"])
        self.vocabulary = data["vocabulary"]
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = np.asarray(data["idf"], dtype=np.float64)
        dense = data["dense"]
        self.dense_names = list(dense["names"])
        self._name_rank = np.argsort(np.argsort(self.dense_names, kind="stable"), kind="stable")
        self.mean = np.asarray(dense["mean"], dtype=np.float64)
        self.scale = np.asarray(dense["scale"], dtype=np.float64)
        self.w_text = np.array([data["weights"][l]["text"] for l in self.labels], dtype=np.float64)
        self.w_dense = np.array([data["weights"][l]["dense"] for l in self.labels], dtype=np.float64).reshape(
            len(self.labels), len(self.dense_names)
        )
        self.intercepts = np.array([data["intercepts"][l] for l in self.labels], dtype=np.float64)
        self.threshold = float(data.get("threshold", 0.5))
        #: Below this P(stop) the finding is only a suggestion, whatever the rule's severity.
        self.warning_at = float(data.get("warning_at", self.threshold))
        self._engines: dict[tuple, Any] = {}
        #: per linter engine: the engine whose findings are the rule-hit features
        self._feature_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._rules: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    # -- features -----------------------------------------------------------------------
    def builtin_findings(self, analysis, linter=None) -> list:
        """The findings every built-in rule makes on the email (reusing the analysis when
        the linter ran exactly those rules)."""
        if linter is None:
            engine = feature_engine()
        else:
            engine = self._feature_engines.get(linter.engine)
            if engine is None:
                engine = self._feature_engines[linter.engine] = self._feature_engine_for(linter)
            if engine is linter.engine:
                return analysis.findings
        return engine.analyze(analysis.email, analysis.context.doc).findings

    def _rule_for(self, linter):
        """The selected rule the model's finding belongs to (None when deselected),
        looked up once per linter."""
        if linter is None:
            return _model_rule(None)
        if linter.engine not in self._rules:
            self._rules[linter.engine] = _model_rule(linter)
        return self._rules[linter.engine]

    def _feature_engine_for(self, linter):
        """The linter's own engine when it runs exactly the built-in rules, else one that does."""
        builtin = [r for r in linter.all_rules if r.builtin and r.kind != "model"]
        ran = [r for r in linter.engine.rules if r.kind != "model"]
        if all(r.builtin for r in ran) and {r.code for r in ran} == {r.code for r in builtin}:
            return linter.engine
        key = tuple(r.code for r in builtin)
        engine = self._engines.get(key)
        if engine is None:

            engine = self._engines[key] = Engine(builtin)
        return engine

    def vectors(self, feats: features.EmailFeatures) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(vocabulary indices, TF-IDF values, scaled dense values) of one email."""
        lo, hi = self.ngram_range
        index = self.index
        counts = Counter(i for i in map(index.get, features.ngrams(feats.words, lo, hi)) if i is not None)
        idx = np.array(sorted(counts), dtype=np.int64)
        if len(idx):
            tf = np.array([counts[i] for i in idx.tolist()], dtype=np.float64)
            val = (np.log(tf) + 1.0) * self.idf[idx]
            norm = math.sqrt(float(np.dot(val, val)))
            if norm > 0:
                val = val / norm
        else:
            val = np.zeros(0)
        raw = np.array([feats.dense.get(n, 0.0) for n in self.dense_names], dtype=np.float64)  # absent = 0, as in training
        z = (raw - self.mean) / self.scale
        return idx, val, z

    def probabilities(self, feats: features.EmailFeatures) -> dict[str, float]:
        idx, val, z = self.vectors(feats)
        logits = self.w_text[:, idx] @ val + self.w_dense @ z + self.intercepts
        return {label: _sigmoid(float(x)) for label, x in zip(self.labels, logits)}

    # -- prediction ----------------------------------------------------------------------
    def predict(self, analysis, linter=None) -> Prediction:
        findings = self.builtin_findings(analysis, linter)
        feats = features.extract(analysis, findings)
        idx, val, z = self.vectors(feats)
        logits = self.w_text[:, idx] @ val + self.w_dense @ z + self.intercepts
        probs = {label: _sigmoid(float(x)) for label, x in zip(self.labels, logits)}
        items = self._contributions(analysis, feats, findings, idx, val, z)
        up = [c for c in items if c["weight"] > 0]
        shown = up[:TOP_UP]
        shown += [c for c in up[TOP_UP:] if c["kind"] == "ngram"][: max(0, 3 - sum(c["kind"] == "ngram" for c in shown))]
        shown = sorted(shown, key=lambda c: (-c["weight"], c["name"])) + [c for c in items if c["weight"] < 0][-TOP_DOWN:]
        for c in shown:
            self._locate(analysis.email, c)
        contributions = [{**c, "weight": round(c["weight"], 4)} for c in shown]
        prediction = Prediction(probabilities={k: round(v, 4) for k, v in probs.items()}, contributions=contributions)
        rule = self._rule_for(linter)
        if rule is not None and probs["stop"] >= self.threshold and feats.tokens:  # nothing to judge in an empty email
            prediction.finding = self._finding(analysis, feats.tokens, rule, probs["stop"], items)
        return prediction

    def _contributions(self, analysis, feats, findings, idx, val, z) -> list[dict[str, Any]]:
        email = analysis.email
        stop = self.labels.index("stop")
        items: list[dict[str, Any]] = []
        if len(idx):
            for i, v in zip(idx.tolist(), val.tolist()):
                weight = v * float(self.w_text[stop, i])
                if weight == 0.0:
                    continue
                gram = self.vocabulary[i]
                items.append({"name": f"ngram:{gram}", "kind": "ngram", "weight": weight, "_spans": feats.tokens})
        counts = features.family_counts(findings)
        strong = features.family_counts(findings, strong=True)
        metrics = analysis.context.metrics
        weights = z * self.w_dense[stop]
        # Only the dense items a prediction can show are labelled: the strongest up and
        # down (TOP_UP, TOP_DOWN) and the rule families the finding may name.
        order = np.lexsort((self._name_rank, -weights))  # strongest first, ties by name
        ups = order[weights[order] > 0].tolist()
        downs = order[weights[order] < 0].tolist()
        wanted = set(ups[:TOP_UP]) | set(downs[-TOP_DOWN:]) | {j for j in ups if self.dense_names[j].startswith("rules:")}
        for j in sorted(wanted):
            name = self.dense_names[j]
            weight = float(weights[j])
            kind, _, key = name.partition(":")
            if kind == "rules" and key == "score":
                value = round(100 * feats.dense.get(name, 0.0))
                label = f"rules-only score ({value})"
            elif kind == "rules":
                value = counts.get(key, 0)
                label = f"{_family_label(key)} rule hits ({value})"
            elif kind == "strong":
                value = strong.get(key, 0)
                label = f"{_family_label(key)} warnings and errors ({value})"
            elif kind == "metric":
                value = metrics.get(key)
                shown = f"{value:.2f}" if isinstance(value, float) and not float(value).is_integer() else f"{value:g}" if value is not None else "?"
                label = f"{key.replace('_', ' ')} = {shown}"
            elif kind == "slots":
                value = round(math.expm1(feats.dense.get(name, 0.0)))
                label = f"{key} merge slots ({value})"
            elif kind == "code":
                value = int(feats.dense.get(name, 0.0))
                label = f"rule {key} {'fired' if value else 'did not fire'}"
            elif kind == "distinct":
                value = round(math.expm1(feats.dense.get(name, 0.0)))
                label = f"different {_family_label(key)} rules that fired ({value})"
            else:
                value = round(feats.dense.get(name, 0.0), 4)
                label = f"{key.replace('_', ' ')} = {value:g}"
            items.append({"feature": label, "name": name, "kind": kind,
                          "weight": weight, "value": value})
        items.sort(key=lambda c: (-c["weight"], c["name"]))
        return items

    @staticmethod
    def _locate(email, item: dict[str, Any]) -> dict[str, Any]:
        """Give an n-gram item its label and spans (lines and columns), done only for the
        few items a prediction shows: most emails have hundreds of weighted n-grams."""
        if "_spans" not in item:
            return item
        gram = item["name"][len("ngram:"):]
        where = [email.position(s, e) for s, e in features.gram_spans(item.pop("_spans"), gram)]
        lines = sorted({w[2] for w in where})
        item["feature"] = f'"{gram}"' + (f" (line {', '.join(map(str, lines[:3]))})" if lines else "")
        item["spans"] = [{"line": w[2], "column": w[3], "end_line": w[4], "end_column": w[5],
                          "text": email.source[w[0]:w[1]]} for w in where[:5]]
        return item

    def _finding(self, analysis, tokens, rule, p_stop: float, contributions: list[dict[str, Any]]):

        email = analysis.email
        grams = list(itertools.islice(
            (c for c in contributions if c["kind"] == "ngram" and c["weight"] > 0 and _telling(analysis, tokens, c)), 3))
        for c in grams:
            self._locate(email, c)
        fams = [c for c in contributions if c["kind"] == "rules" and c["weight"] > 0][:2]
        named = [c["feature"] for c in grams] + [c["feature"] for c in fams]
        detail = f"P(stop) {p_stop:.2f}"
        if named:
            detail += "; most from " + (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0])
        start, end = email.extent()  # the whole file, or a sequence row's own lines
        (line, col), (end_line, end_col) = email.line_col(start), email.line_col(end)
        first = email.source_line(line)[col - 1 :]
        snippet = " ".join(first.split())
        if len(snippet) > MAX_TEXT_CHARS:
            snippet = snippet[: MAX_TEXT_CHARS - 1] + "…"
        return Finding(
            code=rule.code,
            family=rule.family,
            severity=rule.severity if p_stop >= self.warning_at else "suggestion",
            message=f"{rule.message} ({detail})",
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            text=snippet,
            suggestion=rule.instead,
            src_start=start,
            src_end=end,
        )


def _family_label(key: str) -> str:
    """How the writer reads a family named in a feature (``rules:template`` …)."""
    family = features.RULE_FAMILIES.get(key)
    return family.label if family is not None else key


def _telling(analysis, tokens, item: dict[str, Any]) -> bool:
    """Is this n-gram worth naming to the writer? It must hold a content word (not only
    "the", "we", punctuation or a slot) and occur in the subject or the message itself,
    not only in the greeting or sign-off ("best", "thanks" move the score but explain
    nothing)."""
    gram = item["name"][len("ngram:"):]
    if not any(w.isalpha() and w not in STOP_WORDS for w in gram.split(" ")):
        return False
    parts = analysis.context.parts
    ranges = parts.get("subject") + parts.get("body") + parts.get("ps")
    return any(any(a <= s < b for a, b in ranges) for s, _e in features.gram_spans(tokens, gram))


def _model_rule(linter):
    """The selected rule the model's finding belongs to (None when deselected)."""
    if linter is not None:
        rules = [r for r in linter.engine.rules if r.kind == "model"]
    else:
        rules = [r for r in _builtin_model_rules() if r.default]
    return rules[0] if rules else None


@functools.cache
def _builtin_model_rules() -> tuple:

    return tuple(r for r in load_rules() if r.kind == "model")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
