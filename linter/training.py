"""Training and evaluating the classifier (scikit-learn; imported only by ``stoplint train``/``eval``).

The pipeline, per label (``stop``, ``templated``, ``seller_centric``, ``generic``):

    TF-IDF of slot-normalised word n-grams  ┐
    rule hits per family and rule (scaled)  ├─ one logistic regression per label
    metrics (standardised)                  ┘

and the ``stop`` logit is then a logistic regression over the four label models'
logits (stacking, fitted on inner grouped folds), folded back into one weight
vector, so the model file and the numpy scorer stay one linear model per label.

Training is reproducible: rows are read in file order, every set is sorted, the
solver is deterministic (lbfgs), and the model file is JSON with sorted keys, no
timestamps and floats rounded to 12 significant digits, so training twice on the
same files gives the same bytes.  Cross-validation is grouped by source (``group``),
so a repository or site never sits in both the training and the validation fold.
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
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from . import features
from .model import FORMAT, LABELS, Model

#: Hyper-parameters (chosen by grouped cross-validation on the public file; see MODEL_CARD.md).
DEFAULT_SETTINGS = {
    "C": 4.0,
    #: C per label where it differs from C: the stop label is the noisiest (the readers
    #: judge the whole email), the templated one the most regular (stock phrases)
    "label_C": {"stop": 0.5, "templated": 16.0},
    "dense_weight": 0.2,
    #: factor on dense_weight per feature group: the 0/1 rule-code features are rare, so
    #: standardising blows them up (a code in 1 % of emails reaches z = 10); half weight
    "dense_group_weights": {"code": 0.5},
    "class_weight": "balanced",
    #: the stop model's logit is a logistic regression over the four label models' logits,
    #: fitted on inner grouped cross-validation (stacking), then folded into its weights
    "stack": True,
    "stack_C": 1.0,
    "min_df": 2,
    "max_vocab": 1500,
    "ngram_range": [1, 2],
    "threshold": 0.5,
    "warning_at": 0.85,
    "cv_folds": 5,
}
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
    findings: list = field(default_factory=list, repr=False)  # built-in rules' findings


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


def email_source(row: dict) -> str:
    subject = row.get("subject")
    head = f"Subject: {subject.strip()}\n\n" if isinstance(subject, str) and subject.strip() else ""
    return head + row["body"]


def read_row(row: dict, path: str):
    """The row as stoplint reads it (a template reader, when present, sniffs merge tags)."""
    from .readers import read_bytes

    name = f"{Path(path).name}#{row.get('id', row['__line__'])}"
    return read_bytes(name, email_source(row).encode("utf-8"), ext="")[0]


def data_label(path: str | Path) -> str:
    """A data file's name for the model file: its folder and name, never a full path."""
    p = Path(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_samples(paths: Sequence[str], weights: Sequence[float] | None = None) -> list[Sample]:
    """Read, analyse (every built-in rule) and featurise the rows of the given files."""
    from .model import feature_engine

    engine = feature_engine()
    samples: list[Sample] = []
    for i, path in enumerate(paths):
        weight = float(weights[i]) if weights is not None and i < len(weights) else 1.0
        rows = read_jsonl(path)
        emails = [read_row(r, path) for r in rows]
        for row, analysis in zip(rows, engine.analyze_many(emails)):
            labels = {}
            for label in LABELS:
                value = row.get(label)
                labels[label] = int(value) if value in (0, 1, True, False) else -1
            q = row.get("quality")
            samples.append(
                Sample(
                    id=str(row.get("id", row["__line__"])),
                    file=str(path),
                    group=f"{path}:{row.get('group') or row.get('id') or row['__line__']}",
                    feats=features.extract(analysis),
                    labels=labels,
                    quality=float(q) if isinstance(q, (int, float)) else None,
                    pair_id=row.get("pair_id") or None,
                    weight=weight,
                    findings=analysis.findings,
                )
            )
    return samples


# -- the scikit-learn pipeline -----------------------------------------------------------
class Pipeline:
    """TF-IDF + scaled dense features + one logistic regression per label."""

    def __init__(self, settings: dict | None = None):
        self.settings = {**DEFAULT_SETTINGS, **(settings or {})}
        self.vectorizer: TfidfVectorizer | None = None
        self.scaler: StandardScaler | None = None
        self.dense_names: list[str] = []
        self.models: dict[str, LogisticRegression] = {}
        #: stacking: (coefficient per label in LABELS order, intercept) of the stop logit
        self.stack: tuple[np.ndarray, float] | None = None

    def _vectorizer(self, vocabulary=None) -> TfidfVectorizer:
        lo, hi = self.settings["ngram_range"]
        return TfidfVectorizer(
            analyzer=partial(features.ngrams, n_min=lo, n_max=hi),
            min_df=self.settings["min_df"] if vocabulary is None else 1,
            vocabulary=vocabulary,
            sublinear_tf=True,
            norm="l2",
            smooth_idf=True,
            dtype=np.float64,
        )

    def _dense(self, samples: list[Sample]) -> np.ndarray:
        return np.array([[s.feats.dense.get(n, 0.0) for n in self.dense_names] for s in samples], dtype=np.float64).reshape(
            len(samples), len(self.dense_names)
        )

    def _dense_weights(self) -> np.ndarray:
        """Each dense feature's weight after standardising: ``dense_weight``, times its
        group's factor in ``dense_group_weights`` (by the name's prefix, e.g. ``code``)."""
        groups = self.settings.get("dense_group_weights") or {}
        return np.array([self.settings["dense_weight"] * groups.get(n.partition(":")[0], 1.0)
                         for n in self.dense_names])

    def _matrix(self, samples: list[Sample], fit: bool = False):
        docs = [s.feats.words for s in samples]
        text = self.vectorizer.fit_transform(docs) if fit else self.vectorizer.transform(docs)
        dense = self._dense(samples)
        if fit:
            self.scaler = StandardScaler().fit(dense)
        scaled = self.scaler.transform(dense) * self._dense_weights()
        return sp.hstack([text, sp.csr_matrix(scaled)], format="csr")

    def _fit_models(self, X, samples: list[Sample]) -> None:
        self.models = {}
        for label in LABELS:
            keep = [i for i, s in enumerate(samples) if s.labels[label] >= 0]
            y = np.array([samples[i].labels[label] for i in keep])
            w = np.array([samples[i].weight for i in keep])
            C = (self.settings.get("label_C") or {}).get(label, self.settings["C"])
            lr = LogisticRegression(C=C, solver="lbfgs", max_iter=10000, tol=1e-10,
                                    class_weight=self.settings.get("class_weight"))
            if len(set(y.tolist())) < 2:
                raise DataError(f"label {label!r} has only one value in the training data")
            lr.fit(X[keep], y, sample_weight=w)
            self.models[label] = lr

    def fit(self, samples: list[Sample]) -> "Pipeline":
        self.dense_names = sorted({k for s in samples for k in s.feats.dense})
        # 1. every n-gram seen in min_df emails, to find the ones that matter
        self.vectorizer = self._vectorizer()
        X = self._matrix(samples, fit=True)
        self._fit_models(X, samples)
        vocab = self.vectorizer.get_feature_names_out()
        n_text = len(vocab)
        importance = np.max(np.abs(np.vstack([self.models[l].coef_[0][:n_text] for l in LABELS])), axis=0)
        order = sorted(range(n_text), key=lambda i: (-round(float(importance[i]), 12), vocab[i]))
        kept = sorted(vocab[i] for i in order[: self.settings["max_vocab"]])
        # 2. the pruned vocabulary, refitted
        self.vectorizer = self._vectorizer(vocabulary=kept)
        X = self._matrix(samples, fit=True)
        self._fit_models(X, samples)
        # 3. the stop logit from every label model's logit (stacking)
        self.stack = self._fit_stack(samples) if self.settings.get("stack") else None
        return self

    def _fit_stack(self, samples: list[Sample]) -> tuple[np.ndarray, float] | None:
        """A logistic regression of ``stop`` on the four label models' logits, each logit
        out-of-fold (inner folds grouped by source, like the outer ones).  A linear
        function of linear models is linear, so it is folded into the exported stop
        weights: the model file and the numpy scorer do not change.  None when the
        data are too small for inner folds."""
        groups = [s.group for s in samples]
        k = min(self.settings["cv_folds"], len(set(groups)))
        if k < 2:
            return None
        inner = {**self.settings, "stack": False}
        Z = np.zeros((len(samples), len(LABELS)))
        for tr, te in GroupKFold(n_splits=k).split(samples, groups=groups):
            try:
                pipe = _BasePipeline(inner).fit([samples[i] for i in tr])
            except DataError:  # a label with one value in an inner fold
                return None
            Z[te] = pipe.logits(pipe._matrix([samples[i] for i in te]), stacked=False)
        keep = [i for i, s in enumerate(samples) if s.labels["stop"] >= 0]
        y = np.array([samples[i].labels["stop"] for i in keep])
        w = np.array([samples[i].weight for i in keep])
        lr = LogisticRegression(C=self.settings["stack_C"], solver="lbfgs", max_iter=10000, tol=1e-10)
        lr.fit(Z[keep], y, sample_weight=w)
        return lr.coef_[0].copy(), float(lr.intercept_[0])

    def _stop_weights(self) -> tuple[np.ndarray, float]:
        """The stop model's (coefficients, intercept), with the stacking folded in."""
        if self.stack is None:
            return self.models["stop"].coef_[0], float(self.models["stop"].intercept_[0])
        a, b = self.stack
        coef = sum(a[j] * self.models[l].coef_[0] for j, l in enumerate(LABELS))
        return coef, float(b + sum(a[j] * self.models[l].intercept_[0] for j, l in enumerate(LABELS)))

    def logits(self, X, stacked: bool = True) -> np.ndarray:
        out = np.column_stack([self.models[l].decision_function(X) for l in LABELS])
        if stacked and self.stack is not None:
            coef, intercept = self._stop_weights()
            out[:, 0] = X @ coef + intercept
        return out

    def predict_proba(self, samples: list[Sample]) -> np.ndarray:
        """(n, len(LABELS)) probabilities, in LABELS order."""
        z = self.logits(self._matrix(samples))
        return 1.0 / (1.0 + np.exp(-z))

    def export(self, meta: dict) -> dict:
        vocab = [str(t) for t in self.vectorizer.get_feature_names_out()]
        n_text = len(vocab)
        dw = self._dense_weights()
        coef = {l: self.models[l].coef_[0] for l in LABELS}
        intercept = {l: self.models[l].intercept_[0] for l in LABELS}
        coef["stop"], intercept["stop"] = self._stop_weights()
        stacking = None
        if self.stack is not None:
            stacking = {"coefficients": dict(zip(LABELS, _r(self.stack[0]))), "intercept": _f(self.stack[1])}
        return {
            "format": FORMAT,
            "labels": list(LABELS),
            "analyzer": {**features.DEFAULT_ANALYZER, "ngram_range": list(self.settings["ngram_range"])},
            "vocabulary": vocab,
            "idf": _r(self.vectorizer.idf_),
            "dense": {
                "names": self.dense_names,
                "mean": _r(self.scaler.mean_),
                "scale": _r(self.scaler.scale_ / dw),
            },
            "weights": {l: {"text": _r(coef[l][:n_text]), "dense": _r(coef[l][n_text:])} for l in LABELS},
            "intercepts": {l: _f(intercept[l]) for l in LABELS},
            "stacking": stacking,
            "threshold": self.settings["threshold"],
            "warning_at": self.settings["warning_at"],
            "settings": self.settings,
            **meta,
        }


#: inner fits of the stacking use the plain class, whatever subclass the caller uses
_BasePipeline = Pipeline


def _f(x: float) -> float:
    return float(f"{float(x):.12g}")


def _r(values) -> list[float]:
    return [_f(v) for v in np.asarray(values).ravel()]


# -- evaluation ---------------------------------------------------------------------------
def cross_val_probs(samples: list[Sample], settings: dict | None = None, folds: int | None = None,
                    eval_mask: Sequence[bool] | None = None, train_mask: Sequence[bool] | None = None) -> np.ndarray:
    """Out-of-fold probabilities, folds grouped by source.

    Only samples in ``eval_mask`` are split into folds and predicted; samples outside
    it (another file) join every training fold, unless ``train_mask`` leaves them out.
    """
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    n = len(samples)
    eval_mask = np.ones(n, bool) if eval_mask is None else np.asarray(eval_mask, bool)
    train_mask = np.ones(n, bool) if train_mask is None else np.asarray(train_mask, bool)
    idx = np.flatnonzero(eval_mask)
    groups = [samples[i].group for i in idx]
    k = min(folds or settings["cv_folds"], len(set(groups)))
    probs = np.full((n, len(LABELS)), np.nan)
    for tr, te in GroupKFold(n_splits=k).split(idx, groups=groups):
        held = set(idx[te].tolist())
        train = [s for i, s in enumerate(samples) if i not in held and train_mask[i]]
        pipe = Pipeline(settings).fit(train)
        probs[idx[te]] = pipe.predict_proba([samples[i] for i in idx[te]])
    return probs


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
        by_rules = any(f.severity in ("warning", "error") and not f.code.startswith("M") for f in samples[i].findings)
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
    """The rules-only score (``--no-model``) as 0-1 figures in LABELS order."""
    from .scoring import combine

    out = np.zeros((len(samples), len(LABELS)))
    for i, s in enumerate(samples):
        out[i, 0] = combine(s.findings) / 100
        for j, label in enumerate(LABELS[1:], 1):
            out[i, j] = combine(f for f in s.findings if f.family == label) / 100
    return out


# -- training --------------------------------------------------------------------------------
def train(paths: Sequence[str], weights: Sequence[float] | None = None, settings: dict | None = None,
          cv: bool = True, log=None) -> dict:
    """Train on the files and return the model file's content (a dict)."""
    from .versions import rules_version

    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    samples = load_samples(paths, weights)
    if not samples:
        raise DataError("no training rows")
    pipe = Pipeline(settings).fit(samples)
    metrics: dict = {}
    if cv:
        probs = cross_val_probs(samples, settings)
        metrics["cross_validation"] = {"folds": "grouped by source", "all": evaluate(samples, probs, settings["threshold"])}
        for path in paths:
            mask = [s.file == str(path) for s in samples]
            sub = [s for s, m in zip(samples, mask) if m]
            metrics["cross_validation"][data_label(path)] = evaluate(sub, probs[np.array(mask)], settings["threshold"])
        if log:
            log(format_metrics(metrics["cross_validation"]["all"], "grouped cross-validation, all rows"))
    data_files = [
        {"name": data_label(p), "sha256": file_sha256(p), "rows": sum(1 for s in samples if s.file == str(p)),
         "weight": float(weights[i]) if weights is not None and i < len(weights) else 1.0}
        for i, p in enumerate(paths)
    ]
    digest = hashlib.sha256("".join(d["sha256"] for d in data_files).encode()).hexdigest()
    meta = {
        "training_data": {"files": data_files, "sha256": digest},
        "sklearn_version": sklearn.__version__,
        "rules_version": rules_version(),
        "metrics": metrics,
    }
    return pipe.export(meta)


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
    metrics = evaluate(samples, scores, threshold)
    good = good_flag_share(samples, None if model is None else scores[:, 0], threshold=model.warning_at if model else 1.0)
    flagged = good["flagged_with_model"] if model is not None else good["flagged_rules_only"]
    return {
        "scorer": scorer,
        "files": [str(p) for p in paths],
        "metrics": metrics,
        "good_emails": {"good": good["good"], "flagged": flagged or 0.0},
    }
