"""The JSON model scored with numpy: parity with scikit-learn, no sklearn at lint time,
the model's finding (Q900), contributions, and the fallbacks."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

OWN = ROOT / "models" / "data" / "train.jsonl"
PARTS = sorted((ROOT / "models" / "data").glob("part_*.jsonl"))
DATA = [OWN] if OWN.is_file() else PARTS
MODEL_FILE = ROOT / "models" / "stoplint-model.json"

BAD = """Subject: Quick question

Hi {{ first_name }},

I hope this email finds you well. My name is Rob and I am the account executive at Acme Cloud. We are the leading provider of innovative solutions that help companies like {{ company }} drive growth and streamline operations.

Our award-winning platform offers best-in-class features. Do you have 15 minutes next week for a quick call?

Best,
Rob
"""
SIGNED_OFF = """Subject: your returns page

Hi Priya,

Your refunds page now promises money back within two days. Is the warehouse keeping up?

Best regards and cheers,
Tom
"""
GOOD = """Subject: refunds page vs. warehouse staffing

Hi Priya,

Your refunds page now promises money back within two days, and your Leeds job board lists four open picker roles. When we worked with Harbor Outfitters on the same promise, returns backed up until they moved inspection to the receiving dock.

Would a one-page sketch of how they did it be useful?

Tom
"""


@pytest.fixture(scope="module")
def trained():
    """A pipeline trained on our own data, and the same model through its JSON file."""
    if not DATA:
        pytest.skip("no models/data/*.jsonl")
    from linter import training
    from linter.model import Model

    samples = training.load_samples([str(p) for p in DATA])
    pipe = training.Pipeline().fit(samples)
    text = training.dumps(pipe.export({}))
    return samples, pipe, Model(json.loads(text))


def test_numpy_scorer_equals_sklearn_pipeline_on_every_email(trained):
    from linter.model import LABELS

    samples, pipe, model = trained
    expected = pipe.predict_proba(samples)
    assert len(samples) == sum(1 for p in DATA for line in p.read_text().splitlines() if line.strip())
    worst = 0.0
    for i, s in enumerate(samples):
        got = model.probabilities(s.feats)
        for j, label in enumerate(LABELS):
            worst = max(worst, abs(got[label] - expected[i, j]))
    assert worst < 1e-9


def test_lint_time_features_equal_training_features(trained):
    """The linter, reading the row saved as a .txt file, scores what training saw."""
    from linter import Linter, Options
    from linter.pipeline import row_source
    from linter.training import read_jsonl

    samples, _, model = trained
    linter = Linter(Options())
    linter.model = model
    rows = read_jsonl(DATA[0])[:40]
    for row, s in zip(rows, samples):
        res = linter.lint_text(row_source(row), path="row.txt")[0]
        assert res.model == {k: round(v, 4) for k, v in model.probabilities(s.feats).items()}, row.get("id")


def test_check_never_imports_sklearn(tmp_path):
    email = tmp_path / "one.txt"
    email.write_text(BAD, encoding="utf-8")
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['stoplint', 'check', {str(email)!r}]\n"
        "try:\n    runpy.run_module('linter', run_name='__main__')\n"
        "except SystemExit as exc:\n    status = exc.code\n"
        "print('STATUS', status, 'SKLEARN', any(m == 'sklearn' or m.startswith('sklearn.') for m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    last = proc.stdout.strip().splitlines()[-1]
    assert last == "STATUS 1 SKLEARN False", proc.stdout + proc.stderr
    assert "Q900" in proc.stdout


def test_shipped_model_file_is_plain_json_with_its_provenance():
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["format"] == "stoplint-model/1"
    assert data["labels"] == ["stop", "templated", "seller_centric", "generic"]
    n = len(data["vocabulary"])
    assert 0 < n <= 5000 and len(data["idf"]) == n
    assert data["vocabulary"] == sorted(data["vocabulary"])
    for label in data["labels"]:
        assert len(data["weights"][label]["text"]) == n
        assert len(data["weights"][label]["dense"]) == len(data["dense"]["names"])
    assert data["sklearn_version"].count(".") >= 1
    assert len(data["training_data"]["sha256"]) == 64
    names = [f["name"] for f in data["training_data"]["files"]]
    assert names == ["corpus/train.jsonl", "data/train.jsonl"]
    assert "/" not in json.dumps(data["training_data"]).replace("corpus/train", "").replace("data/train", "")
    assert {row["features"] for row in data["metrics"]["selection"]} == {"words", "rules", "rubric"}
    assert all(row["stop_auc"] > 0.5 for row in data["metrics"]["selection"])
    assert not any(name.startswith("code:M") for name in data["dense"]["names"])
    assert MODEL_FILE.stat().st_size < 400_000


def test_version_names_the_model_file():
    from linter.model import default_model_version

    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()[:12]
    assert default_model_version() == digest
    proc = run_cli("--version")
    assert f"model {digest}" in proc.stdout


def test_bad_email_gets_the_model_finding_and_score():
    proc = run_cli("check", "--format", "json", "-", input=BAD)
    assert proc.returncode == 1
    result = json.loads(proc.stdout)["files"][0]
    q900 = [f for f in result["findings"] if f["code"] == "Q900"]
    assert len(q900) == 1
    f = q900[0]
    assert (f["severity"], f["category"], f["line"], f["column"]) == ("warning", "quit", 1, 1)
    assert f["message"].startswith("Reads as a whole like an email a busy buyer quits: most from ")
    assert "P(stop)" not in f["message"] and "=" not in f["message"]
    assert result["score"] == round(100 * result["model"]["stop"]) and result["score"] >= 85
    assert set(result["model"]) == {"stop", "templated", "seller_centric", "generic"}
    assert result["categories"] == {k: round(100 * result["model"][k]) for k in ("templated", "seller_centric", "generic")}


def test_good_email_has_no_model_finding():
    proc = run_cli("check", "--format", "json", "-", input=GOOD)
    result = json.loads(proc.stdout)["files"][0]
    assert proc.returncode == 0, proc.stdout
    assert result["model"]["stop"] < 0.5
    assert [f["code"] for f in result["findings"] if f["code"] == "Q900"] == []


@pytest.mark.parametrize("flags", [("--ignore", "Q900"), ("--ignore", "Q9"), ("--no-model",)])
def test_deselecting_or_no_model_drops_the_finding(flags):
    proc = run_cli("check", "--format", "json", *flags, "-", input=BAD)
    result = json.loads(proc.stdout)["files"][0]
    assert "Q900" not in [f["code"] for f in result["findings"]]
    if flags == ("--no-model",):
        assert result["model"] is None and result["contributions"] == []
    else:
        assert result["model"]["stop"] >= 0.5


def test_select_only_model_rule_still_uses_every_rule_as_features():
    from linter import Linter, Options

    full = Linter(Options()).lint_text(BAD, path="a.txt")[0]
    only = Linter(Options(select=["Q900"])).lint_text(BAD, path="a.txt")[0]
    assert only.model == full.model
    assert [f.code for f in only.findings] == ["Q900"]


def test_contributions_name_ngrams_with_their_lines():
    from linter import Linter, Options

    res = Linter(Options()).lint_text(BAD, path="a.txt")[0]
    grams = [c for c in res.contributions if c["kind"] == "ngram"]
    assert grams and all(c["weight"] != 0 for c in res.contributions)
    weights = [c["weight"] for c in res.contributions]
    assert weights == sorted(weights, reverse=True)
    lines = BAD.splitlines()
    for c in grams:
        for span in c["spans"]:
            assert span["text"] in BAD
            if span["end_line"] == span["line"]:
                line = lines[span["line"] - 1]
                assert line[span["column"] - 1 : span["end_column"] - 1] == span["text"]

def test_contributions_keep_their_rubric_side():
    """A rule hit never lowers the score and a good sign never raises it; nothing from
    the sign-off is named."""
    from linter import Linter, Options, features

    for text, signoff_line in ((BAD, 9), (GOOD, 9), (SIGNED_OFF, 7)):
        assert text.splitlines()[signoff_line - 1].startswith(("Best", "Tom"))
        res = Linter(Options()).lint_text(text, path="a.txt")[0]
        assert res.contributions
        for c in res.contributions:
            assert features.sign(c["name"]) * c["weight"] >= 0, c
            assert all(span["line"] < signoff_line for span in c.get("spans", [])), c


def test_explanation_is_in_the_writers_words():
    from linter import Linter, Options

    res = Linter(Options()).lint_text(BAD, path="a.txt")[0]
    assert [c for c in res.contributions if c["weight"] > 0]
    for c in res.contributions:
        assert not any(raw in c["feature"] for raw in ("=", "P(stop)", "_", "text:", "metric:", "rules:")), c
    rules = [c for c in res.contributions if c["kind"] in ("code", "rules")]
    assert rules and all(c["weight"] > 0 and c["feature"][0].isdigit() and "(line" in c["feature"] for c in rules)
    grams = [c["feature"] for c in res.contributions if c["kind"] == "ngram"]
    assert grams and not any("<num>" in g or "<name>" in g for g in grams)  # the words as written


def test_explain_prints_the_breakdown():
    proc = run_cli("check", "--explain", "-", input=BAD)
    assert "what raised the score:" in proc.stdout
    assert "lines about you rather than the reader (line" in proc.stdout


def test_middling_probability_is_only_a_suggestion():
    from linter import Linter, Options
    from linter.model import Model

    linter = Linter(Options(select=["Q900"]))
    data = dict(linter.model.data)
    data["warning_at"] = 1.01  # nothing reaches it
    linter.model = Model(data)
    res = linter.lint_text(BAD, path="a.txt")[0]
    assert [(f.code, f.severity) for f in res.findings] == [("Q900", "suggestion")]
    assert res.failed is False


def test_no_model_file_falls_back_to_rules(monkeypatch, tmp_path):
    from linter import Linter, Options, model

    monkeypatch.setattr(model, "_model_path", lambda: tmp_path / "missing.json")
    assert model.load_default_model() is None
    assert model.default_model_version() == "none"
    res = Linter(Options()).lint_text(BAD, path="a.txt")[0]
    assert res.model is None and res.score is not None
    assert "Q900" not in [f.code for f in res.findings]


def test_empty_email_gets_no_model_finding():
    proc = run_cli("check", "--format", "json", "-", input="\n")
    result = json.loads(proc.stdout)["files"][0]
    # empty input is a fragment: nothing for the model to read, so no score and no Q900
    assert (result["findings"], result["model"], result["score"]) == ([], None, None)


def test_wrong_format_is_refused():
    from linter.model import Model, ModelError

    with pytest.raises(ModelError, match="not a stoplint model file"):
        Model({"format": "pickle"})


FILLED = """Subject: your refunds page

Hi {name},

Your refunds page now promises money back within two days, and your Leeds job board lists four open picker roles. Would a one-page sketch of how Harbor handled it be useful?

Tom
"""


def test_a_merge_field_defect_is_shown_but_never_stop_evidence(tmp_path):
    """`[First Name]` left in a .txt file is an M101 error the writer sees; the STOP
    score does not count it, with or without the model."""
    from linter import Linter, Options

    left, filled = tmp_path / "left.txt", tmp_path / "filled.txt"
    left.write_text(FILLED.format(name="[First Name]"), encoding="utf-8")
    filled.write_text(FILLED.format(name="Priya"), encoding="utf-8")
    proc = run_cli("check", "--no-model", "--format", "json", str(left), str(filled))
    files = {Path(f["path"]).name: f for f in json.loads(proc.stdout)["files"]}
    assert [(f["code"], f["severity"]) for f in files["left.txt"]["findings"]] == [("M101", "error")]
    assert files["left.txt"]["score"] == files["filled.txt"]["score"] == 0
    linter = Linter(Options())
    res = linter.lint_file(str(left))[0]
    assert "M101" in [f.code for f in res.findings]
    assert not any(n.startswith("code:M") for n in linter.model.dense_names)
    assert not any(c["name"].startswith("code:M") for c in res.contributions)
    assert res.score < 50
