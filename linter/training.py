"""Training and evaluating the classifier (scikit-learn; imported only by ``stoplint train``/``eval``).

Per label (``stop``, ``templated``, ``seller_centric``, ``generic``), one logistic
regression over

    TF-IDF of slot-normalised word n-grams               ┐
    whole-email features, scaled, each on its rubric side ┘

Each whole-email feature has a direction in RUBRIC.md (``features.SIGNS``: a rule hit
or an ask for time can only raise the score, proof or a hypothesis only lower it); a
weight that comes out on the wrong side is dropped and the model refitted, so the
model and its explanations never contradict the rubric.

The choices are made by grouped cross-validation *inside* the training data
(:func:`select`): C, whether the whole-email features are used, and how much the rows
of the files after the first (our own writing) weigh; the rows of the first file (the
real distribution) are the only ones scored.  The chosen model's out-of-fold logits
then calibrate its probabilities (a logistic fit of the labels on the logit, folded
into the stop weights) and set ``warning_at``, the P(stop) from which the model's
finding is a warning: the lowest at which at most ``good_warned`` of the first file's
good emails would get it.  ``benchmarks/detection.py`` runs all of this inside each
outer fold, so its figures are never scored on the folds that made a choice.

Training is reproducible: rows are read in file order, every set is sorted, splits are
seeded, the solver is deterministic (lbfgs), and the model file is JSON with sorted
keys, no timestamps and floats rounded to 12 significant digits, so training twice on
the same files gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from . import features
from .model import FORMAT, LABELS, Model
from .pipeline import row_source

#: The feature sets to choose from: n-grams plus the whole-email features whose names
#: start with these (``rules``: hits per family and the rules-only score).
FEATURE_SETS = {"words": (), "rules": ("rules:",), "rubric": ("rules:", "code:", "text:", "metric:", "slots:")}
DEFAULT_SETTINGS = {
    "features": "rules",
    "C": 2.0,
    #: factor on the whole-email features after scaling them to unit spread
    "dense_weight": 0.1,
    #: sample weight of the rows of every file after the first (our own writing)
    "extra_weight": 0.3,
    "class_weight": "balanced",
    "tol": 1e-4,
    "min_df": 2,
    "max_vocab": 3000,
    "ngram_range": [1, 2],
    "threshold": 0.5,
    "warning_at": 0.85,
}
#: What :func:`select` chooses, one setting at a time in this order (the others as
#: chosen so far), by grouped CV inside the training data.
SEARCH = (
    ("extra_weight", [0.0, 0.3, 1.0]),
    ("features", ["words", "rules", "rubric"]),
    ("C", [0.5, 2.0, 8.0]),
    ("dense_weight", [0.05, 0.1, 0.2]),
)
#: Inner cross-validation: repeats of a seeded grouped split, its folds, and the share
#: of good emails the model's finding may warn.
SELECTION = {"repeats": 1, "folds": 5, "seed": 0, "good_warned": 0.03}
GOOD_QUALITY = 3.67


class DataError(Exception):
    """Training data that cannot be used; the message names file and line."""


@dataclass
class Sample:
    id: str
    file: str
    group: str
    feats: features.EmailFeatures
    labels: dict[str, int]
    quality: float | None
    pair_id: str | None
    weight: float
    #: 0 for the rows of the first file (the one scored when choosing), 1 for the next …
    source: int = 0
    #: what a default ``stoplint check`` shows of the email (the model's finding aside)
    findings: list = field(default_factory=list, repr=False)
    #: a piece of an email (no sentence of its own): ``check`` gives it no score
    fragment: bool = False


# -- data ----------------------------------------------------------------------------
def read_jsonl(path: str | Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("body"), str):
                raise DataError(f"{path}:{n}: each line needs at least a 'body' string")
            row["__line__"] = n
            rows.append(row)
    return rows


def read_row(row: dict, path: str | Path):
    """The row read exactly as ``stoplint check`` reads it saved as a ``.txt`` file."""
    from .readers import InputError, read_bytes

    name = f"{Path(path).name}#{row.get('id', row['__line__'])}.txt"
    try:
        return read_bytes(name, row_source(row).encode("utf-8"))[0]
    except InputError as exc:
        raise DataError(f"{path}:{row['__line__']}: {exc}") from None


def data_label(path: str | Path) -> str:
    """A data file's name for the model file: its folder and name, never a full path."""
    p = Path(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _labels(row: dict) -> dict[str, int]:
    return {label: int(row[label]) if row.get(label) in (0, 1, True, False) else -1 for label in LABELS}


def load_samples(paths: Sequence[str], weights: Sequence[float] | None = None) -> list[Sample]:
    """Read, analyse and featurise the rows of the given files as ``stoplint check``
    does with its default options (see linter.pipeline)."""
    from . import pipeline
    from .api import Linter, Options

    linter = Linter(Options(use_model=False))
    samples: list[Sample] = []
    for i, path in enumerate(paths):
        weight = float(weights[i]) if weights is not None and i < len(weights) else 1.0
        rows = read_jsonl(path)
        emails = [read_row(r, path) for r in rows]
        for row, (analysis, shown, feats) in zip(rows, pipeline.score_rows(linter, emails)):
            q = row.get("quality")
            samples.append(Sample(
                id=str(row.get("id", row["__line__"])), file=str(path),
                group=f"{path}:{row.get('group') or row.get('id') or row['__line__']}",
                feats=feats, labels=_labels(row), quality=float(q) if isinstance(q, (int, float)) else None,
                pair_id=row.get("pair_id") or None, weight=weight, source=i, findings=shown,
                fragment=analysis.email.fragment))
    return samples


# -- the scikit-learn pipeline -----------------------------------------------------------
def _fit_signed(X, y, w, signs: np.ndarray, settings: dict) -> tuple[np.ndarray, float]:
    """A logistic regression whose weights keep the side ``signs`` gives them (+1 not
    below 0, -1 not above, 0 free): features that come out on the wrong side are
    dropped and the rest refitted until none does."""
    active = np.ones(X.shape[1], bool)
    coef = np.zeros(X.shape[1])
    while True:
        lr = LogisticRegression(C=settings["C"], solver="lbfgs", max_iter=5000, tol=settings["tol"],
                                class_weight=settings["class_weight"])
        lr.fit(X[:, np.flatnonzero(active)], y, sample_weight=w)
        coef[:] = 0.0
        coef[active] = lr.coef_[0]
        wrong = signs * coef < 0
        if not wrong.any():
            return coef, float(lr.intercept_[0])
        active &= ~wrong


class Pipeline:
    """TF-IDF + scaled whole-email features + one sign-constrained logistic regression per label."""

    def __init__(self, settings: dict | None = None):
        self.settings = {**DEFAULT_SETTINGS, **(settings or {})}
        self.vectorizer: TfidfVectorizer | None = None
        self.dense_names: list[str] = []
        self.scale = np.zeros(0)
        self.coef: dict[str, np.ndarray] = {}
        self.intercept: dict[str, float] = {}

    def weight(self, s: Sample) -> float:
        return s.weight * (self.settings["extra_weight"] if s.source else 1.0)

    def _raw(self, samples: list[Sample]) -> np.ndarray:
        return np.array([[s.feats.dense.get(n, 0.0) for n in self.dense_names] for s in samples],
                        dtype=np.float64).reshape(len(samples), len(self.dense_names))

    def _matrix(self, samples: list[Sample], fit: bool = False):
        docs = [s.feats.words for s in samples]
        text = self.vectorizer.fit_transform(docs) if fit else self.vectorizer.transform(docs)
        raw = self._raw(samples)
        if fit:
            spread = raw.std(axis=0)
            self.scale = np.where(spread > 0, spread, 1.0) / self.settings["dense_weight"]
        return sp.hstack([text, sp.csr_matrix(raw / self.scale)], format="csc")

    def fit(self, samples: list[Sample], labels: Sequence[str] = LABELS) -> "Pipeline":
        s = self.settings
        train = [x for x in samples if self.weight(x) > 0]
        lo, hi = s["ngram_range"]
        self.vectorizer = TfidfVectorizer(analyzer=partial(features.ngrams, n_min=lo, n_max=hi), min_df=s["min_df"],
                                          max_features=s["max_vocab"], sublinear_tf=True, norm="l2", smooth_idf=True,
                                          dtype=np.float64)
        prefixes = FEATURE_SETS[s["features"]]
        self.dense_names = sorted({k for x in train for k in x.feats.dense if features.sign(k) and k.startswith(prefixes)})
        X = self._matrix(train, fit=True)
        n_text = X.shape[1] - len(self.dense_names)
        signs = np.array([0] * n_text + [features.sign(n) for n in self.dense_names])
        for label in labels:
            keep = [i for i, x in enumerate(train) if x.labels[label] >= 0]
            y = np.array([train[i].labels[label] for i in keep])
            if len(set(y.tolist())) < 2:
                raise DataError(f"label {label!r} has only one value in the training data")
            w = np.array([self.weight(train[i]) for i in keep])
            self.coef[label], self.intercept[label] = _fit_signed(X[keep], y, w, signs, s)
        return self

    def logits(self, samples: list[Sample]) -> np.ndarray:
        """(n, fitted labels) logits, in LABELS order."""
        X = self._matrix(samples).tocsr()
        return np.column_stack([X @ self.coef[l] + self.intercept[l] for l in LABELS if l in self.coef])

    def predict_proba(self, samples: list[Sample]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(samples)))

    def calibrate(self, a: float, b: float) -> None:
        """Make the stop logit ``a × logit + b`` (a linear map, folded into the weights)."""
        self.coef["stop"] = a * self.coef["stop"]
        self.intercept["stop"] = a * self.intercept["stop"] + b

    def export(self, meta: dict) -> dict:
        vocab = [str(t) for t in self.vectorizer.get_feature_names_out()]
        n_text = len(vocab)
        return {
            "format": FORMAT,
            "labels": list(LABELS),
            "analyzer": {**features.DEFAULT_ANALYZER, "ngram_range": list(self.settings["ngram_range"])},
            "vocabulary": vocab,
            "idf": _r(self.vectorizer.idf_),
            "dense": {"names": self.dense_names, "mean": [0.0] * len(self.dense_names), "scale": _r(self.scale)},
            "weights": {l: {"text": _r(self.coef[l][:n_text]), "dense": _r(self.coef[l][n_text:])} for l in LABELS},
            "intercepts": {l: _f(self.intercept[l]) for l in LABELS},
            "threshold": self.settings["threshold"],
            "warning_at": self.settings["warning_at"],
            "settings": self.settings,
            **meta,
        }


def _f(x: float) -> float:
    return float(f"{float(x):.12g}")


def _r(values) -> list[float]:
    return [_f(v) for v in np.asarray(values).ravel()]


# -- choosing the settings inside the training data ------------------------------------------
def splits(samples: list[Sample], repeats: int, folds: int, seed: int) -> list[list[np.ndarray]]:
    """Per repeat, the folds (sample indices) of the first file's labelled rows, whole
    sources per fold, stratified on ``stop``, shuffled by ``seed + repeat``."""
    idx = np.array([i for i, s in enumerate(samples) if s.source == 0 and s.labels["stop"] >= 0])
    groups = [samples[i].group for i in idx]
    y = [samples[i].labels["stop"] for i in idx]
    k = min(folds, len(set(groups)))
    if k < 2:
        return []
    return [[idx[te] for _, te in StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed + r).split(idx, y, groups)]
            for r in range(repeats)]


def out_of_fold(samples: list[Sample], settings: dict, folds: list[np.ndarray]) -> np.ndarray:
    """Stop logits of the rows in ``folds``, each from a model fitted without its fold."""
    out = np.full(len(samples), np.nan)
    for test in folds:
        held = set(test.tolist())
        pipe = Pipeline(settings).fit([s for i, s in enumerate(samples) if i not in held], labels=("stop",))
        out[test] = pipe.logits([samples[i] for i in test])[:, 0]
    return out


def ranking(samples: list[Sample], scores: np.ndarray) -> tuple[float, float]:
    """(stop ROC AUC, Spearman with 5 − quality) of the rows with a score."""
    rows = [i for i in range(len(samples)) if not math.isnan(scores[i])]
    y = [samples[i].labels["stop"] for i in rows]
    auc = roc_auc_score(y, scores[rows]) if len(set(y)) == 2 else float("nan")
    rated = [i for i in rows if samples[i].quality is not None]
    rho = spearmanr(scores[rated], [5 - samples[i].quality for i in rated]).statistic if len(rated) > 2 else float("nan")
    return float(auc), float(rho)


def select(samples: list[Sample], settings: dict | None = None, log=None) -> dict:
    """Choose the settings by repeated grouped CV inside ``samples`` (:data:`SEARCH`,
    on the sum of stop ROC AUC and Spearman with 5 − quality); calibrate and set
    ``warning_at`` from the chosen settings' out-of-fold logits.  Returns the settings,
    the calibration and what the choice saw (``table``); the given settings alone when
    the data are too small to split."""
    chosen = {**DEFAULT_SETTINGS, **(settings or {})}
    cut = splits(samples, SELECTION["repeats"], SELECTION["folds"], SELECTION["seed"])
    if not cut:
        return {"settings": chosen, "calibration": (1.0, 0.0), "table": []}
    seen: dict[tuple, tuple[float, list[np.ndarray]]] = {}
    table = []

    def trial(settings: dict) -> tuple[float, list[np.ndarray]]:
        key = tuple(settings[k] for k, _ in SEARCH)
        if key not in seen:
            oof = [out_of_fold(samples, settings, folds) for folds in cut]
            auc, rho = np.array([ranking(samples, o) for o in oof]).mean(axis=0)
            seen[key] = (auc + rho, oof)
            table.append({**{k: settings[k] for k, _ in SEARCH}, "stop_auc": _f(auc), "spearman": _f(rho)})
            if log:
                log(f"  {table[-1]}")
        return seen[key]

    for knob, values in SEARCH:
        if knob == "dense_weight" and chosen["features"] == "words":
            continue
        best = max(values, key=lambda v: (trial({**chosen, knob: v})[0], -values.index(v)))
        chosen = {**chosen, knob: best}
    a, b, warning_at = _calibration(samples, trial(chosen)[1])
    return {"settings": {**chosen, "warning_at": warning_at}, "calibration": (a, b), "table": table}


def _calibration(samples: list[Sample], oof: list[np.ndarray]) -> tuple[float, float, float]:
    """Platt scaling of the pooled out-of-fold logits, and the lowest P(stop) (in steps
    of 0.05) that at most ``good_warned`` of the good emails reach."""
    rows = [(o[i], samples[i]) for o in oof for i in range(len(samples)) if not math.isnan(o[i])]
    z = np.array([[r[0]] for r in rows])
    y = np.array([r[1].labels["stop"] for r in rows])
    lr = LogisticRegression(C=1e4, solver="lbfgs", max_iter=5000, tol=1e-10).fit(z, y)
    a, b = float(lr.coef_[0][0]), float(lr.intercept_[0])
    good = np.array([a * r[0] + b for r in rows if r[1].quality is not None and r[1].quality >= GOOD_QUALITY])
    p = 1.0 / (1.0 + np.exp(-good))
    for t in np.arange(0.5, 0.995, 0.05):
        if not len(p) or (p >= t).mean() <= SELECTION["good_warned"]:
            return a, b, round(float(t), 2)
    return a, b, 0.99


# -- evaluation ---------------------------------------------------------------------------
def evaluate(samples: list[Sample], scores: np.ndarray, threshold: float = 0.5) -> dict:
    """Metrics of probabilities (n, len(LABELS)) against the samples' labels."""
    out: dict = {"n": len(samples), "labels": {}}
    for j, label in enumerate(LABELS):
        keep = [i for i, s in enumerate(samples) if s.labels[label] >= 0 and not math.isnan(scores[i, j])]
        y = np.array([samples[i].labels[label] for i in keep])
        p = scores[keep, j]
        entry: dict = {"n": len(keep), "positives": int(y.sum()) if len(y) else 0}
        if len(set(y.tolist())) == 2:
            entry["roc_auc"] = round(float(roc_auc_score(y, p)), 4)
        pred = (p >= threshold).astype(int)
        if len(y):
            entry["accuracy"] = round(float((pred == y).mean()), 4)
            entry["f1"] = round(float(f1_score(y, pred, zero_division=0)), 4)
        out["labels"][label] = entry
    stop = scores[:, 0]
    q = [(stop[i], 5 - s.quality) for i, s in enumerate(samples) if s.quality is not None and not math.isnan(stop[i])]
    if len(q) >= 3:
        rho = spearmanr([a for a, _ in q], [b for _, b in q]).statistic
        out["spearman_badness"] = round(float(rho), 4) if not math.isnan(rho) else None
    out["pairs"] = pairwise(samples, stop)
    return out


def pairwise(samples: list[Sample], stop: np.ndarray) -> dict:
    """Share of rewrite pairs where the worse email (lower quality) scores higher."""
    by_pair: dict[str, list[int]] = {}
    for i, s in enumerate(samples):
        if s.pair_id and s.quality is not None and not math.isnan(stop[i]):
            by_pair.setdefault(f"{s.file}:{s.pair_id}", []).append(i)
    right = total = 0.0
    for members in by_pair.values():
        for a in members:
            for b in members:
                qa, qb = samples[a].quality, samples[b].quality
                if qa < qb:  # a is the worse email
                    total += 1
                    right += 1.0 if stop[a] > stop[b] else 0.5 if stop[a] == stop[b] else 0.0
    return {"pairs": int(total), "accuracy": round(right / total, 4) if total else None}


def good_flag_share(samples: list[Sample], stop: np.ndarray | None, threshold: float = 0.5,
                    model_severity: str = "warning") -> dict:
    """Share of good emails (quality >= 3.67) that get a warning or error (M codes aside)."""
    good = [i for i, s in enumerate(samples) if s.quality is not None and s.quality >= GOOD_QUALITY]
    flagged_rules = flagged_all = 0
    for i in good:
        by_rules = any(f.severity in ("warning", "error") and features.is_evidence(f) for f in samples[i].findings)
        by_model = stop is not None and model_severity in ("warning", "error") and stop[i] >= threshold
        flagged_rules += by_rules
        flagged_all += by_rules or by_model
    n = len(good)
    return {
        "good": n,
        "flagged_rules_only": round(flagged_rules / n, 4) if n else None,
        "flagged_with_model": round(flagged_all / n, 4) if n else None,
    }


def rules_scores(samples: list[Sample]) -> np.ndarray:
    """The rules-only scores (``--no-model``) as 0-1 figures in LABELS order."""
    from .scoring import rules_score

    out = np.zeros((len(samples), len(LABELS)))
    for i, s in enumerate(samples):
        score, families = rules_score([f for f in s.findings if features.is_evidence(f)])
        out[i] = [score / 100] + [families[label] / 100 for label in LABELS[1:]]
    return out


# -- training --------------------------------------------------------------------------------
def train(paths: Sequence[str], weights: Sequence[float] | None = None, settings: dict | None = None,
          cv: bool = True, log=None) -> dict:
    """Train on the files and return the model file's content (a dict).  With ``cv``
    the settings are chosen by grouped CV inside the data (see :func:`select`)."""
    from .versions import rules_version

    samples = load_samples(paths, weights)
    if not samples:
        raise DataError("no training rows")
    pipe = fit_model(samples, settings, cv, log)
    meta = _meta(paths, weights, samples, sklearn.__version__, rules_version())
    # what the choice saw: mean inner-CV figures per setting (they flatter the chosen one;
    # the nested figures are benchmarks/detection.py's)
    meta["metrics"] = {"selection": pipe.selection} if pipe.selection else {}
    return pipe.export(meta)


def fit_model(samples: list[Sample], settings: dict | None = None, cv: bool = True, log=None) -> Pipeline:
    """The model as ``train`` makes it: settings chosen and calibrated when ``cv``."""
    choice = select(samples, settings, log) if cv else {"settings": {**DEFAULT_SETTINGS, **(settings or {})},
                                                        "calibration": (1.0, 0.0), "table": []}
    pipe = Pipeline(choice["settings"]).fit(samples)
    pipe.calibrate(*choice["calibration"])
    pipe.selection = choice["table"]
    return pipe


def _meta(paths, weights, samples, sklearn_version: str, rules: str) -> dict:
    data_files = [
        {"name": data_label(p), "sha256": file_sha256(p), "rows": sum(1 for s in samples if s.file == str(p)),
         "weight": float(weights[i]) if weights and i < len(weights) else 1.0}
        for i, p in enumerate(paths)
    ]
    digest = hashlib.sha256("".join(d["sha256"] for d in data_files).encode()).hexdigest()
    return {"training_data": {"files": data_files, "sha256": digest}, "sklearn_version": sklearn_version,
            "rules_version": rules}


def dumps(model: dict) -> str:
    """The model file's bytes: sorted keys, compact but line-broken per key for diffs."""
    return json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":"), indent=0) + "\n"


def write_model(model: dict, path: str | Path) -> None:
    Path(path).write_text(dumps(model), encoding="utf-8")


def load_model_file(path: str | Path) -> Model:
    return Model(json.loads(Path(path).read_text(encoding="utf-8")))


# -- printing ------------------------------------------------------------------------------------
def format_metrics(m: dict, title: str) -> str:
    lines = [f"{title} ({m['n']} emails)"]
    lines.append(f"  {'label':<16}{'n':>5}{'pos':>6}{'ROC AUC':>9}{'acc@0.5':>9}{'F1@0.5':>8}")
    for label, e in m["labels"].items():
        auc = f"{e['roc_auc']:.3f}" if "roc_auc" in e else "  -  "
        lines.append(
            f"  {label:<16}{e['n']:>5}{e['positives']:>6}{auc:>9}{e.get('accuracy', float('nan')):>9.3f}{e.get('f1', float('nan')):>8.3f}"
        )
    rho = m.get("spearman_badness")
    lines.append(f"  Spearman(score, 5 - quality): {rho:.3f}" if rho is not None else "  Spearman: no quality labels")
    pairs = m.get("pairs", {})
    if pairs.get("pairs"):
        lines.append(f"  pairwise accuracy: {pairs['accuracy']:.3f} over {pairs['pairs']} ordered pairs")
    else:
        lines.append("  pairwise accuracy: no rewrite pairs")
    return "\n".join(lines)


def evaluate_files(paths: Sequence[str], model_path: str | None = None, use_model: bool = True) -> dict:
    """Score labelled files as ``stoplint check`` would (shipped or given model, or rules only)."""
    from .model import load_default_model

    samples = load_samples(paths)
    if not samples:
        raise DataError("no rows to evaluate")
    model = None
    if use_model:
        model = load_model_file(model_path) if model_path else load_default_model()
        if model is None:
            raise DataError("no model file installed (train one, or use --no-model)")
    if model is None:
        scores = rules_scores(samples)
        scorer = "the rules alone"
        threshold = 0.5
    else:
        scores = np.array([[model.probabilities(s.feats)[l] for l in LABELS] for s in samples])
        scorer = f"model {Path(model_path).name}" if model_path else "the shipped model"
        threshold = model.threshold
    scores[[s.fragment for s in samples]] = np.nan  # as check: a fragment has no score
    metrics = evaluate(samples, scores, threshold)
    good = good_flag_share(samples, None if model is None else scores[:, 0], threshold=model.warning_at if model else 1.0)
    flagged = good["flagged_with_model"] if model is not None else good["flagged_rules_only"]
    return {
        "scorer": scorer,
        "files": [str(p) for p in paths],
        "metrics": metrics,
        "good_emails": {"good": good["good"], "flagged": flagged or 0.0},
        "rows": [{"file": data_label(s.file), "id": s.id, "score": None if s.fragment else round(100 * float(p))}
                 for s, p in zip(samples, scores[:, 0])],
    }
