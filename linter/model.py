"""The classifier at lint time: a JSON model scored with numpy, never scikit-learn.

``models/stoplint-model.json`` (written by ``stoplint train``) holds, for each label
(``stop``, ``templated``, ``seller_centric``, ``generic``), the weights of a logistic
regression over the features of :mod:`linter.features`: an n-gram vocabulary with its
idf, and named whole-email features with their scales.  Scoring one email is a TF-IDF
vector, two dot products and a sigmoid.

The model is a pure function: features in, probabilities and the ``stop`` logit's
contributions out.  It builds no findings and runs no rules; :mod:`linter.pipeline`
decides what to do with its answer and :mod:`linter.explain` puts it in words.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import features
from .resources import data_dir
from .taxonomy import MODEL_LABELS as LABELS  # the label order of model files (training reads it here)

FORMAT = "stoplint-model/1"
MODEL_FILE = "stoplint-model.json"


@dataclass
class Prediction:
    probabilities: dict[str, float]
    #: (feature name, contribution to the stop logit), largest first; n-grams as ``ngram:…``
    contributions: list[tuple[str, float]]


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


class Model:
    def __init__(self, data: dict[str, Any]):
        if data.get("format") != FORMAT:
            raise ModelError(f"not a stoplint model file (format {data.get('format')!r}, expected {FORMAT!r})")
        self.data = data
        self.labels = tuple(data["labels"])
        self.ngram_range = tuple(data["analyzer"]["ngram_range"])
        self.vocabulary = data["vocabulary"]
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = np.asarray(data["idf"], dtype=np.float64)
        dense = data["dense"]
        self.dense_names = list(dense["names"])
        self.mean = np.asarray(dense["mean"], dtype=np.float64)
        self.scale = np.asarray(dense["scale"], dtype=np.float64)
        self.w_text = np.array([data["weights"][l]["text"] for l in self.labels], dtype=np.float64)
        self.w_dense = np.array([data["weights"][l]["dense"] for l in self.labels], dtype=np.float64).reshape(
            len(self.labels), len(self.dense_names)
        )
        self.intercepts = np.array([data["intercepts"][l] for l in self.labels], dtype=np.float64)
        #: From this P(stop) the model's finding is made (a suggestion) …
        self.threshold = float(data.get("threshold", 0.5))
        #: … and from this one it takes its rule's severity (chosen in training, see the card).
        self.warning_at = float(data.get("warning_at", self.threshold))

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
        return idx, val, (raw - self.mean) / self.scale

    def _logits(self, idx, val, z) -> np.ndarray:
        return self.w_text[:, idx] @ val + self.w_dense @ z + self.intercepts

    def probabilities(self, feats: features.EmailFeatures) -> dict[str, float]:
        logits = self._logits(*self.vectors(feats))
        return {label: _sigmoid(float(x)) for label, x in zip(self.labels, logits)}

    def predict(self, feats: features.EmailFeatures) -> Prediction:
        """Probabilities per label and every non-zero contribution to the stop logit."""
        idx, val, z = self.vectors(feats)
        logits = self._logits(idx, val, z)
        stop = self.labels.index("stop")
        items = [(f"ngram:{self.vocabulary[i]}", v * float(self.w_text[stop, i])) for i, v in zip(idx.tolist(), val.tolist())]
        items += [(name, float(w)) for name, w in zip(self.dense_names, (z * self.w_dense[stop]).tolist())]
        items = sorted((c for c in items if c[1] != 0.0), key=lambda c: (-c[1], c[0]))
        return Prediction({label: _sigmoid(float(x)) for label, x in zip(self.labels, logits)}, items)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
