"""Training: reproducible bytes, grouped folds, the metrics, and the train/eval commands."""

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, run_cli

OWN = ROOT / "models" / "data" / "train.jsonl"
DATA = [OWN] if OWN.is_file() else sorted((ROOT / "models" / "data").glob("part_*.jsonl"))

ROWS = [
    {"id": "a1", "subject": "Quick question", "body": "Hi {{first_name}},\n\nWe are the leading platform. Do you have 15 minutes for a call?\n\nBest,\nAl",
     "group": "g1", "templated": 1, "seller_centric": 1, "generic": 1, "stop": 1, "quality": 1.3, "pair_id": "p1"},
    {"id": "a2", "subject": "your March outage note", "body": "Hi Bea,\n\nYour March outage note says a config push took checkout down for 40 minutes. Worth a look at how Fernway gates pushes?\n\nAl",
     "group": "g1", "templated": 0, "seller_centric": 0, "generic": 0, "stop": 0, "quality": 4.3, "pair_id": "p1"},
    {"id": "a3", "subject": None, "body": "Hello [First Name], I wanted to reach out about our innovative solution. When can we meet?",
     "group": "g2", "templated": 1, "seller_centric": 1, "generic": 1, "stop": 1, "quality": 1.0, "pair_id": None},
    {"id": "a4", "subject": "returns at the Leeds site", "body": "Hi Cal,\n\nYour job board lists four picker roles in Leeds since May. Is the returns queue behind?\n\nDee",
     "group": "g2", "templated": 0, "seller_centric": 0, "generic": 0, "stop": 0, "quality": 4.0, "pair_id": None},
    {"id": "a5", "subject": "Following up", "body": "Hi there, just following up on my last email. Our award-winning team can help you grow. Let me know!",
     "group": "g3", "templated": 1, "seller_centric": 1, "generic": 1, "stop": 1, "quality": 1.7, "pair_id": None},
    {"id": "a6", "subject": "the audit deadline", "body": "Hi Eve,\n\nThe state audit is due on 30 June and your team posted two open accountant roles. Should I send the checklist Halden used?\n\nFay",
     "group": "g3", "templated": 0, "seller_centric": 0, "generic": 0, "stop": 0, "quality": 4.7, "pair_id": None},
]


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def test_training_twice_gives_the_same_bytes(tiny, tmp_path):
    outs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        proc = run_cli("train", str(tiny), "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    model = json.loads(outs[0])
    assert {row["features"] for row in model["metrics"]["selection"]} == {"words", "rules", "rubric"}
    assert str(tmp_path) not in outs[0].decode() and str(ROOT) not in outs[0].decode()


def test_inner_folds_never_split_a_group_and_score_only_the_first_file(monkeypatch):
    from linter import training

    seen = []

    class Spy(training.Pipeline):
        def fit(self, samples, labels=training.LABELS):
            seen.append({s.group for s in samples})
            return super().fit(samples, labels)

    samples = training.load_samples([str(DATA[0])])
    cut = training.splits(samples, repeats=2, folds=5, seed=0)
    assert len(cut) == 2 and cut[0][0].tolist() != cut[1][0].tolist()
    monkeypatch.setattr(training, "Pipeline", Spy)
    logits = training.out_of_fold(samples, training.DEFAULT_SETTINGS, cut[0])
    assert not np.isnan(logits).any()
    for trained_on, test in zip(seen, cut[0]):
        assert not trained_on & {samples[i].group for i in test}
    for s in samples[:20]:  # as if they came from a second file: trained on, never scored
        s.source = 1
    scored = np.concatenate(training.splits(samples, 1, 5, 0)[0])
    assert len(scored) == len(samples) - 20 and scored.min() >= 20


def test_metrics_on_known_scores(tiny):
    from linter import training

    samples = training.load_samples([str(tiny)])
    scores = np.array([[0.9, 0.8, 0.7, 0.6], [0.2, 0.1, 0.3, 0.4], [0.8, 0.9, 0.9, 0.9],
                       [0.6, 0.2, 0.1, 0.1], [0.7, 0.7, 0.7, 0.7], [0.1, 0.2, 0.2, 0.2]])
    m = training.evaluate(samples, scores)
    assert m["labels"]["stop"]["roc_auc"] == 1.0
    assert m["labels"]["stop"]["accuracy"] == round(5 / 6, 4)  # a4 at 0.6 is a false positive
    assert m["labels"]["stop"]["f1"] == round(2 * 3 / (2 * 3 + 1), 4)
    assert m["pairs"] == {"pairs": 1, "accuracy": 1.0}
    assert m["spearman_badness"] == pytest.approx(1 - 6 * 2 / (6 * 35), abs=1e-4)  # ranks differ by one at a1 and a3
    flipped = scores.copy()
    flipped[[0, 1], 0] = [0.2, 0.9]
    assert training.evaluate(samples, flipped)["pairs"] == {"pairs": 1, "accuracy": 0.0}


def test_templates_become_slot_tokens():
    from linter.features import tokenize
    from linter.merge_tags import slot_of_text
    from linter.readers import read_bytes

    email = read_bytes("t", b"Hi {{ first_name }}, I read [specific detail from their last post] about {{company}}.", ext="")[0]
    words = [t.text for t in tokenize(email)]
    assert words == ["hi", "<name>", "i", "read", "<research>", "about", "<company>"]
    assert [slot_of_text(x) for x in ("FNAME", "job_title", "Company Name", "recent funding round", "city")] == [
        "name", "title", "company", "research", "other"]


def test_train_and_eval_commands(tiny, tmp_path):
    out = tmp_path / "m.json"
    proc = run_cli("train", str(tiny), "-o", str(out), "--no-cv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {out}: ")
    model = json.loads(out.read_text())
    assert model["metrics"] == {} and model["training_data"]["files"][0]["rows"] == 6
    proc = run_cli("eval", str(tiny), "--model", str(out), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result["metrics"]["labels"]) == {"stop", "templated", "seller_centric", "generic"}
    assert result["metrics"]["labels"]["stop"]["roc_auc"] == 1.0  # its own training data
    assert result["metrics"]["pairs"]["pairs"] == 1
    text = run_cli("eval", str(tiny), "--model", str(out)).stdout
    assert "ROC AUC" in text and "Spearman(score, 5 - quality)" in text and "pairwise accuracy: 1.000 over 1" in text
    rules = json.loads(run_cli("eval", str(tiny), "--no-model", "--format", "json").stdout)
    assert rules["scorer"] == "the rules alone"


def test_bad_training_data_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"body": "hi", "stop": 1}\nnot json\n', encoding="utf-8")
    proc = run_cli("train", str(bad), "-o", str(tmp_path / "m.json"))
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith(f"{bad}:2: not JSON (Expecting value)")
    assert not (tmp_path / "m.json").exists()


def test_whole_email_weights_keep_their_rubric_side():
    """A feature that may only raise the score never gets a negative weight, even when
    the data pull it that way, and the numpy scorer still equals the pipeline."""
    from linter import features, training
    from linter.model import LABELS, Model

    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]] * 5)
    y = np.array([0, 0, 1, 1] * 5)  # the first column goes with *good* emails
    coef, _ = training._fit_signed(X, y, None, np.array([1, 0]), training.DEFAULT_SETTINGS)
    assert coef[0] == 0.0
    free, _ = training._fit_signed(X, y, None, np.array([0, 0]), training.DEFAULT_SETTINGS)
    assert free[0] < 0

    samples = training.load_samples([str(DATA[0])])
    pipe = training.Pipeline({"features": "rubric"}).fit(samples)
    n_text = len(pipe.vectorizer.vocabulary_)
    for label in LABELS:
        for name, w in zip(pipe.dense_names, pipe.coef[label][n_text:]):
            assert features.sign(name) * w >= 0, (label, name, w)
    model = Model(json.loads(training.dumps(pipe.export({}))))
    expected = pipe.predict_proba(samples)
    for i, s in enumerate(samples):
        got = model.probabilities(s.feats)
        assert max(abs(got[label] - expected[i, j]) for j, label in enumerate(LABELS)) < 1e-9


PUBLIC = ROOT.parent / "shared" / "corpus" / "train.jsonl"


@pytest.mark.skipif(not PUBLIC.is_file(), reason="no ../shared/corpus/train.jsonl")
def test_check_on_txt_files_and_eval_give_every_public_row_the_same_score(tmp_path):
    """One reading path: each row saved as the .txt file a user would save scores under
    `stoplint check` exactly what `stoplint eval` gives the row (files stay in tmp_path:
    the corpus texts never enter the project)."""
    from linter.pipeline import row_source
    from linter.training import read_jsonl

    rows = read_jsonl(PUBLIC)
    folder = tmp_path / "emails"
    folder.mkdir()
    for n, row in enumerate(rows):
        (folder / f"{n:04d}.txt").write_text(row_source(row), encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--fail-on", "never", str(folder))
    assert proc.returncode == 0, proc.stderr
    checked = {Path(f["path"]).stem: f["score"] for f in json.loads(proc.stdout)["files"]}
    proc = run_cli("eval", str(PUBLIC), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    evaluated = [r["score"] for r in json.loads(proc.stdout)["rows"]]
    assert len(evaluated) == len(rows) == len(checked)
    assert [checked[f"{n:04d}"] for n in range(len(rows))] == evaluated
