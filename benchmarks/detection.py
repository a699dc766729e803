"""Detection figures that cannot flatter: repeated, nested, grouped cross-validation.

    python benchmarks/detection.py [--public PATH] [--repeats 5] [--folds 5] [--json]

On the public corpus (../shared/corpus/train.jsonl): REPEATS different seeded splits
of its sources into FOLDS folds (a source is never in both the training and the
scored fold).  In every outer fold, on the same rows:

- the plain baseline: TF-IDF word 1-2-grams + LogisticRegression(C=1, balanced),
  trained on the public training rows and nothing else;
- the rules alone (``--no-model``);
- the model as ``stoplint train`` makes it (benchmarks/train_shipped.py's files and
  weights), every choice (C, feature set, our data's weight, calibration, Q900's
  warning level) made by the inner grouped CV of linter.training on the training
  rows only, scored in memory;
- that same model exported to JSON and run by ``stoplint check``'s code on each
  scored email saved as the ``.txt`` file a user would save.

Per split: stop ROC AUC, Spearman(score, 5 - quality) and the share of good emails
(quality >= 3.67) with a warning or error, M codes aside, over all its out-of-fold
scores; printed as mean ± sd over the splits.  Reading and analysing every email is
cached on disk (keyed by the code, rules and data), so a rerun only refits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from train_shipped import OWN, PUBLIC, WEIGHTS  # noqa: E402

OUTER_SEED = 1000  # the inner splits of training use seeds from 0; the outer ones differ
SCORERS = (
    ("baseline", "plain TF-IDF 1-2-grams + LR (C=1, balanced)"),
    ("rules", "rules alone (--no-model)"),
    ("model", "model as trained, in memory"),
    ("check", "model through `stoplint check` on .txt"),
)


# -- reading, cached -----------------------------------------------------------------------
def fingerprint(paths: list[Path]) -> str:
    """A hash of everything a sample depends on: the package's code, the rule packs, the data."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "linter").rglob("*.py")) + sorted((ROOT / "rules").glob("*.yml")) + paths:
        h.update(str(p.relative_to(p.anchor)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:20]


def _to_json(s) -> dict:
    d = {k: getattr(s, k) for k in ("id", "file", "group", "labels", "quality", "pair_id", "weight", "source", "fragment")}
    d["tokens"] = [list(t) for t in s.feats.tokens]
    d["dense"] = s.feats.dense
    d["findings"] = [[f.code, f.family, f.severity] for f in s.findings]
    return d


def _from_json(d: dict):
    from linter import features
    from linter.training import Sample

    feats = features.EmailFeatures(tokens=[features.Token(*t) for t in d.pop("tokens")], dense=d.pop("dense"))
    findings = [SimpleNamespace(code=c, family=k, severity=v) for c, k, v in d.pop("findings")]
    return Sample(feats=feats, findings=findings, **d)


def load(paths: list[Path], weights: list[float], cache_dir: Path) -> list:
    from linter import training

    cache = cache_dir / f"stoplint-detection-{fingerprint(paths)}.json"
    if cache.is_file():
        return [_from_json(d) for d in json.loads(cache.read_text(encoding="utf-8"))]
    samples = training.load_samples([str(p) for p in paths], weights)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([_to_json(s) for s in samples]), encoding="utf-8")
    return samples


# -- one outer fold --------------------------------------------------------------------------
def baseline(rows: dict[str, dict], train: list, test: list) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from linter.pipeline import row_source

    vec = TfidfVectorizer(ngram_range=(1, 2))
    X = vec.fit_transform([row_source(rows[s.id]) for s in train])
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(X, [s.labels["stop"] for s in train])
    return lr.predict_proba(vec.transform([row_source(rows[s.id]) for s in test]))[:, 1]


def through_check(linter, model_data: dict, rows: dict[str, dict], test: list) -> tuple[np.ndarray, list[bool]]:
    """Scores (0-1) and whether each email gets a warning or error (M codes aside), as
    ``stoplint check --format json`` reports them for the email saved as a .txt file."""
    from linter.model import Model
    from linter.pipeline import row_source
    from linter.training import dumps

    linter.model = Model(json.loads(dumps(model_data)))
    scores, warned = [], []
    for s in test:
        res = linter.lint_text(row_source(rows[s.id]), path=f"{s.id}.txt")[0]
        scores.append(np.nan if res.score is None else res.score / 100)  # a fragment has no score
        warned.append(any(f.severity in ("warning", "error") and not f.code.startswith("M") for f in res.findings))
    return np.array(scores), warned


def outer_fold(samples: list, rows: dict, held: np.ndarray, linter) -> dict:
    from linter import training as T

    test = [samples[i] for i in held]
    keep = set(held.tolist())
    train = [s for i, s in enumerate(samples) if i not in keep]
    pipe = T.fit_model(train)
    p_model = pipe.predict_proba(test)[:, 0]
    warning_at = pipe.settings["warning_at"]
    rule_warned = [any(f.severity in ("warning", "error") and not f.code.startswith("M") for f in s.findings) for s in test]
    p_check, check_warned = through_check(linter, pipe.export({}), rows, test)
    return {
        "scores": {
            "baseline": baseline(rows, [s for s in train if s.source == 0], test),
            "rules": T.rules_scores(test)[:, 0],
            "model": p_model,
            "check": p_check,
        },
        "warned": {
            "rules": rule_warned,
            "model": [r or p >= warning_at for r, p in zip(rule_warned, p_model)],
            "check": check_warned,
        },
        "choice": ", ".join(f"{k}={pipe.settings[k]}" for k in (*dict(T.SEARCH), "warning_at")),
    }


# -- the whole run ---------------------------------------------------------------------------
def split_figures(samples: list, idx: np.ndarray, scores: np.ndarray, warned: list | None) -> dict:
    from linter import training as T

    sub = [samples[i] for i in idx]
    auc, rho = T.ranking(sub, scores)
    out = {"stop_auc": auc, "spearman": rho}
    if warned is not None:
        good = [j for j, s in enumerate(sub) if s.quality is not None and s.quality >= T.GOOD_QUALITY]
        out["good_warned"] = sum(warned[j] for j in good) / len(good)
    return out


def run(samples: list, rows: dict, repeats: int, folds: int, log) -> dict:
    from linter import Linter, Options
    from linter import training as T

    linter = Linter(Options())
    per_split: dict[str, list[dict]] = {k: [] for k, _ in SCORERS}
    choices: Counter = Counter()
    for r, cut in enumerate(T.splits(samples, repeats, folds, OUTER_SEED)):
        idx = np.concatenate(cut)
        scores = {k: [] for k, _ in SCORERS}
        warned: dict[str, list] = {k: [] for k, _ in SCORERS if k != "baseline"}
        for k, held in enumerate(cut):
            t0 = time.perf_counter()
            fold = outer_fold(samples, rows, held, linter)
            for key in scores:
                scores[key].append(fold["scores"][key])
            for key in warned:
                warned[key].extend(fold["warned"][key])
            choices[fold["choice"]] += 1
            log(f"split {r + 1} fold {k + 1}: {fold['choice']} ({time.perf_counter() - t0:.0f} s)")
        for key, _ in SCORERS:
            per_split[key].append(split_figures(samples, idx, np.concatenate(scores[key]), warned.get(key)))
    return {"splits": per_split, "choices": dict(choices.most_common())}


def mean_sd(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def table(result: dict, repeats: int, folds: int, public: str) -> str:
    lines = [f"{public}: {repeats} grouped splits × {folds} folds, nested (every choice inside the training folds);",
             "mean ± sd over the splits",
             "",
             "| scorer | stop ROC AUC | Spearman(score, 5 − quality) | good emails warned (M aside) |",
             "|---|---|---|---|"]
    for key, title in SCORERS:
        figs = result["splits"][key]
        good = mean_sd([100 * f["good_warned"] for f in figs]).replace(" ±", " % ±") + " %" if "good_warned" in figs[0] else "—"
        lines.append(f"| {title} | {mean_sd([f['stop_auc'] for f in figs])} | {mean_sd([f['spearman'] for f in figs])} | {good} |")
    gain = [m["stop_auc"] - b["stop_auc"] for m, b in zip(result["splits"]["check"], result["splits"]["baseline"])]
    rho_gain = [m["spearman"] - b["spearman"] for m, b in zip(result["splits"]["check"], result["splits"]["baseline"])]
    lines += ["", f"check − baseline, per split: stop AUC {mean_sd(gain)}, Spearman {mean_sd(rho_gain)}",
              "settings chosen inside the training folds (C, dense weight, our data's weight, Q900 warning from):"]
    lines += [f"  {n:>3} × {choice}" for choice, n in result["choices"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--public", type=Path, default=PUBLIC)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache-dir", type=Path, default=Path(os.environ.get("TMPDIR", tempfile.gettempdir())))
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not args.public.is_file():
        print(f"public corpus not found at {args.public}", file=sys.stderr)
        return 2
    from linter.training import read_jsonl

    t0 = time.perf_counter()
    samples = load([args.public, OWN], [WEIGHTS["public"], WEIGHTS["own"]], args.cache_dir)
    rows = {str(r.get("id", r["__line__"])): r for r in read_jsonl(args.public)}
    result = run(samples, rows, args.repeats, args.folds, lambda s: print(s, file=sys.stderr, flush=True))
    result["seconds"] = round(time.perf_counter() - t0)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        print(table(result, args.repeats, args.folds, args.public.name))
        print(f"({result['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
