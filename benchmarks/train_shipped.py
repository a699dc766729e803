"""Retrain the shipped model (models/stoplint-model.json) from its two data files.

    python benchmarks/train_shipped.py            # write the model file
    python benchmarks/train_shipped.py --check    # exit 1 unless retraining gives the same bytes

The public corpus is looked for at ../shared/corpus/train.jsonl beside the checkout
(or give --public PATH); our own writing is models/data/train.jsonl.  The public file
weighs more: it is real outreach, ours adds coverage (see models/MODEL_CARD.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PUBLIC = ROOT.parent / "shared" / "corpus" / "train.jsonl"
OWN = ROOT / "models" / "data" / "train.jsonl"
MODEL = ROOT / "models" / "stoplint-model.json"
#: Sample weight per file; training's own choice (``extra_weight``) scales our rows.
WEIGHTS = {"public": 1.0, "own": 1.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--public", type=Path, default=PUBLIC)
    ap.add_argument("--output", type=Path, default=MODEL)
    ap.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    args = ap.parse_args(argv)
    if not args.public.is_file():
        print(f"public corpus not found at {args.public}", file=sys.stderr)
        return 2
    from linter.training import dumps, train

    model = train([str(args.public), str(OWN)], [WEIGHTS["public"], WEIGHTS["own"]],
                  log=lambda s: print(s, file=sys.stderr))
    # The file records names and hashes of its data, never where they sat on this machine.
    text = dumps(model)
    if args.check:
        old = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        same = old == text
        print("shipped model reproduced byte for byte" if same else f"{args.output} differs from a fresh training run")
        if not same and old:
            import json

            before = json.loads(old)
            for key, why in (("rules_version", "the rule packs changed"), ("training_data", "the training data changed"),
                             ("sklearn_version", "scikit-learn's version changed")):
                if before.get(key) != model.get(key):
                    print(f"  {why} since it was trained: retrain with `python benchmarks/train_shipped.py`")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
