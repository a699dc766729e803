"""Detection figures: how well stoplint tells STOP emails from good ones.

    python benchmarks/detection.py [--public PATH] [--json]

On the public corpus (../shared/corpus/train.jsonl), with folds grouped by source:
the rules alone (no training involved), the model trained as shipped (public folds +
all of our own writing), the model trained on the public folds only, and the model
trained on our own writing only; then the share of the public file's good emails
(quality >= 3.67) that get a warning or error (M codes aside).  On our own file
(models/data/train.jsonl): the shipped model (it was trained on these rows, so these
figures flatter it) and grouped cross-validation with the public file in every fold.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from train_shipped import OWN, PUBLIC, WEIGHTS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--public", type=Path, default=PUBLIC)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not args.public.is_file():
        print(f"public corpus not found at {args.public}", file=sys.stderr)
        return 2
    from linter import training as T
    from linter.model import load_default_model

    t0 = time.perf_counter()
    settings = dict(T.DEFAULT_SETTINGS)
    samples = T.load_samples([str(args.public), str(OWN)], [WEIGHTS["public"], WEIGHTS["own"]])
    pub = np.array([s.file == str(args.public) for s in samples])
    own = ~pub
    P = [s for s, k in zip(samples, pub) if k]
    O = [s for s, k in zip(samples, own) if k]
    out: dict = {"public": {}, "own": {}}
    rules = T.rules_scores(samples)
    out["public"]["rules_only"] = T.evaluate(P, rules[pub])
    cv = T.cross_val_probs(samples, settings, eval_mask=pub)
    out["public"]["model_cv"] = T.evaluate(P, cv[pub])
    cv_pub = T.cross_val_probs(samples, settings, eval_mask=pub, train_mask=pub)
    out["public"]["model_cv_public_only"] = T.evaluate(P, cv_pub[pub])
    own_only = T.Pipeline(settings).fit(O).predict_proba(P)
    out["public"]["model_trained_on_own_only"] = T.evaluate(P, own_only)
    sweep = {}
    for w in (0.1, 1.0):
        for s in O:
            s.weight = w
        sweep[str(w)] = T.evaluate(P, T.cross_val_probs(samples, settings, eval_mask=pub)[pub])
    for s in O:
        s.weight = WEIGHTS["own"]
    out["public"]["own_weight_sweep"] = {k: {"stop_auc": v["labels"]["stop"].get("roc_auc"),
                                             "spearman": v.get("spearman_badness")} for k, v in sweep.items()}
    good = {}
    for name, thr in (("at_warning_at", settings["warning_at"]), ("at_0.5", settings["threshold"])):
        good[name] = T.good_flag_share(P, cv[pub][:, 0], threshold=thr)
    out["public"]["good_emails_flagged"] = good
    shipped = load_default_model()
    if shipped is not None:
        s_scores = np.array([[shipped.probabilities(s.feats)[l] for l in T.LABELS] for s in O])
        out["own"]["shipped_model_in_sample"] = T.evaluate(O, s_scores)
        pub_scores = np.array([[shipped.probabilities(s.feats)[l] for l in T.LABELS] for s in P])
        out["public"]["shipped_model_in_sample_good_flagged"] = T.good_flag_share(P, pub_scores[:, 0], shipped.warning_at)
    out["own"]["rules_only"] = T.evaluate(O, rules[own])
    cv_own = T.cross_val_probs(samples, settings, eval_mask=own)
    out["own"]["model_cv"] = T.evaluate(O, cv_own[own])
    out["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True, default=float))
        return 0
    titles = {
        "rules_only": "rules only (--no-model)",
        "model_cv": "model, grouped CV (public folds + our data in training)",
        "model_cv_public_only": "model, grouped CV, trained on public folds only",
        "model_trained_on_own_only": "model trained on our own writing only",
        "shipped_model_in_sample": "shipped model (trained on these rows)",
    }
    for part, label in (("public", f"public corpus {args.public.name}"), ("own", f"our data {OWN.name}")):
        print(f"==== {label}")
        for key, title in titles.items():
            if key in out[part]:
                print(T.format_metrics(out[part][key], title))
    print("==== effect of our data's weight (public grouped CV)")
    for w, v in out["public"]["own_weight_sweep"].items():
        print(f"  weight {w}: stop ROC AUC {v['stop_auc']}, Spearman {v['spearman']}")
    print(f"  weight {WEIGHTS['own']} (shipped): stop ROC AUC {out['public']['model_cv']['labels']['stop'].get('roc_auc')}, "
          f"Spearman {out['public']['model_cv'].get('spearman_badness')}")
    print(f"  weight 0 (public only): stop ROC AUC {out['public']['model_cv_public_only']['labels']['stop'].get('roc_auc')}")
    print("==== good public emails (quality >= 3.67) with a warning or error (M codes aside)")
    for name, g in out["public"]["good_emails_flagged"].items():
        print(f"  CV, Q900 warning {name}: rules only {g['flagged_rules_only']:.1%}, with the model {g['flagged_with_model']:.1%} of {g['good']}")
    if "shipped_model_in_sample_good_flagged" in out["public"]:
        g = out["public"]["shipped_model_in_sample_good_flagged"]
        print(f"  shipped model (in sample): with the model {g['flagged_with_model']:.1%}")
    print(f"({out['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
