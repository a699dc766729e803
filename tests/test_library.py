"""Library-wide checks on a folder of 40 templates, as a team's repository holds them."""

import json

import pytest

from linter.rulepack import load_rules

STOCK_OPENER = "I came across your profile and was impressed by your growth."
PLACES = ["Leeds", "Tulsa", "Porto", "Lyon", "Graz", "Cork", "Turin", "Malmo", "Brno", "Gdansk"]
GOODS = ["bikes", "tiles", "lamps", "shoes", "paint", "desks", "rugs", "tents", "kettles", "boots"]
ASKS = [
    "Is the January peak on your list yet?",
    "Who plans the returns desk rota?",
    "Would a one-page cost sheet help?",
    "Is restocking done by hand today?",
]


def _template(i: int) -> str:
    place, goods = PLACES[i % 10], GOODS[(i * 3) % 10]
    opener = STOCK_OPENER if i < 6 else f"Your {place} depot started shipping {goods} in week {i + 2}."
    return (
        f"Subject: {goods} returns in {place}\n\nHi {{{{ first_name | default('there') }}}},\n\n{opener}\n\n"
        f"Returns of {goods} at a {place} depot peak {i % 4 + 2} weeks after a sale; "
        f"sorting {i + 11} pallets by hand costs a shift a day. {ASKS[i % 4]}\n"
    )


NEAR_A = (
    "Hi {{ first_name | default('there') }},\n\nOur routing desk plans every van the night before, so drivers leave at six "
    "with the stops in order and nobody rewrites the plan at the gate. Depots that switched cut late drops by a third "
    "within a month. Could we plan one of your routes next week?\n"
)
NEAR_B = NEAR_A.replace("by a third", "by a quarter").replace("next week", "this month")
SEQUENCE = (
    "step,subject,body\n"
    '1,Returns in Leeds,"Hi Dana,\n\nYour returns page lists a 60-day window; is the January peak on your list?"\n'
    '2,Returns in Leeds,"Hi Dana,\n\nJust bumping this up: is the January peak on your list?"\n'
    '3,Returns in Leeds,"Hi Dana,\n\nSince I wrote, your Cork store started same-day delivery, which brings returns back sooner."\n'
)


@pytest.fixture
def library(tmp_path):
    lib = tmp_path / "templates"
    (lib / "cold").mkdir(parents=True)
    for i in range(36):
        (lib / "cold" / f"t{i:02d}.j2").write_text(_template(i))
    (lib / "routing-a.j2").write_text(NEAR_A)
    (lib / "routing-b.j2").write_text(NEAR_B)
    (lib / "plain-pitch.j2").write_text(
        "Hi {{ first_name | default('there') }},\n\nMost depots lose a week each January to returns nobody has time to open. "
        "We open, grade and restock them within a day, which keeps refund complaints down and shelves full. Worth a look?\n"
    )
    (lib / "researched.j2").write_text(
        "Hi {{ first_name | default('there') }},\n\n{{ depot_news }}\n\nThat usually brings the January returns peak forward; "
        "we open and restock returns within a day. Worth a look?\n"
    )
    (lib / "sequence.csv").write_text(SEQUENCE)
    return tmp_path


CODES = "T301,T302,T303,T304"


def _findings(out: str) -> dict[str, list[dict]]:
    return {f["path"] + (f":{f['row']}" if "row" in f else ""): f["findings"] for f in json.loads(out)["files"]}


def test_forty_templates_get_the_library_findings(cli, library):
    proc = cli("check", "--no-model", "--select", CODES, "--format", "json", "templates", cwd=library)
    assert proc.returncode == 1, proc.stderr
    found = _findings(proc.stdout)
    assert len(found) == 43

    shared = [(p, f) for p, fs in found.items() for f in fs if f["code"] == "T301" and "opener" in f["message"]]
    assert sorted(p for p, _ in shared) == [f"templates/cold/t{i:02d}.j2" for i in range(6)]
    path, first = shared[0]
    assert (first["line"], first["column"], first["text"]) == (5, 1, STOCK_OPENER)
    assert first["message"] == (
        "The same opener is in 6 templates: also in templates/cold/t01.j2, templates/cold/t02.j2, "
        "templates/cold/t03.j2 and 2 more"
    )

    dup = {p: f["message"] for p, fs in found.items() for f in fs if f["code"] == "T302"}
    assert dup == {
        "templates/routing-a.j2": "Near-duplicate of templates/routing-b.j2 (74% the same wording)",
        "templates/routing-b.j2": "Near-duplicate of templates/routing-a.j2 (74% the same wording)",
    }

    fixed = {p: f["message"] for p, fs in found.items() for f in fs if f["code"] == "T303"}
    assert fixed["templates/plain-pitch.j2"].endswith("templates with research slots: templates/researched.j2")
    assert "templates/researched.j2" not in fixed

    steps = [(p, f) for p, fs in found.items() for f in fs if f["code"] == "T304"]
    assert [(p, f["line"]) for p, f in steps] == [("templates/sequence.csv:2", 7)]
    assert steps[0][1]["message"] == "Adds nothing new to step templates/sequence.csv (step 1) (its only new words: bumping)"
    asks = {p for p, fs in found.items() for f in fs if f["code"] == "T301" and "call to action" in f["message"]}
    assert len(asks) == 36  # each of the four asks is in nine templates


def test_the_shared_sentence_limit_comes_from_the_config(cli, library):
    (library / "pyproject.toml").write_text("[tool.stoplint]\nmax-templates-per-sentence = 9\n")
    proc = cli("check", "--no-model", "--select", "T301", "--format", "json", "templates", cwd=library)
    assert proc.returncode == 0, proc.stdout[:2000] + proc.stderr
    (library / "pyproject.toml").write_text("[tool.stoplint]\nmax-templates-per-sentence = 5\n")
    assert cli("check", "--no-model", "--select", "T301", "templates", cwd=library).returncode == 1
    (library / "pyproject.toml").write_text(
        '[tool.stoplint]\nmax-templates-per-sentence = 5\nper-file-ignores = {"templates/cold/*" = ["T301"]}\n'
    )
    assert cli("check", "--no-model", "--select", "T301", "templates", cwd=library).returncode == 0


def test_single_files_get_no_library_findings(cli, library):
    files = [str(library / "templates" / "cold" / f"t{i:02d}.j2") for i in range(6)]
    proc = cli("check", "--no-model", "--select", CODES, *files)
    assert proc.returncode == 0, proc.stdout


def test_library_findings_cross_worker_processes(cli, library):
    one = cli("check", "--no-model", "--select", CODES, "--format", "json", "--jobs", "1", "templates", cwd=library)
    two = cli("check", "--no-model", "--select", CODES, "--format", "json", "--jobs", "2", "templates", cwd=library)
    assert one.stdout == two.stdout


LIBRARY_RULES = [r for r in load_rules() if r.check and r.check.startswith("library_")]


@pytest.mark.parametrize("rule", LIBRARY_RULES, ids=[r.code for r in LIBRARY_RULES])
def test_library_rule_examples(rule, tmp_path):
    """A library rule's `flag` examples, together, trip it; its `pass` examples do not."""
    from linter import Linter, Options
    from linter.config import DEFAULTS
    from linter.library import check

    linter = Linter(Options(select=[rule.code], use_model=False, library=True))
    for kind in ("flag", "pass"):
        results = [r for i, text in enumerate(rule.examples[kind]) for r in linter.lint_text(text, path=f"t{i}.j2")]
        if rule.check == "library_empty_step":
            for i, r in enumerate(results, start=1):
                r.path, r.row = "sequence.csv", i
        check(results, linter, DEFAULTS["max-templates-per-sentence"])
        found = [f for r in results for f in r.findings if f.code == rule.code]
        assert bool(found) == (kind == "flag"), (kind, [f.message for f in found])
