"""`--fix`, `--diff` and `--unsafe-fixes` as a user runs them on a folder of templates."""

import json

import pytest

from linter import Linter, Options
from linter.fixes import FIXERS, fix_file
from linter.rulepack import load_rules

ASK = "\n\nYour Tulsa depot moved to same-day returns in May. How is the January peak planned?\n"

#: (file name, template as written, the same after --fix): one per dialect.
DIALECTS = [
    ("intro.j2", "Hi {{ first_name }}," + ASK, 'Hi {{ first_name | default("there", true) }},' + ASK),
    ("intro.jinja", "Hi {{first_name}}," + ASK, 'Hi {{first_name | default("there", true)}},' + ASK),
    ("intro.liquid", "Hi {{ first_name }}," + ASK, 'Hi {{ first_name | default: "there" }},' + ASK),
    ("intro.hbs", "Hi {{firstName}}," + ASK, "Hi {{#if firstName}}{{firstName}}{{else}}there{{/if}}," + ASK),
    (
        "intro.mustache",
        "Hi {{first_name}}," + ASK,
        "Hi {{#first_name}}{{first_name}}{{/first_name}}{{^first_name}}there{{/first_name}}," + ASK,
    ),
    ("hubspot.j2", "Hi {{ contact.firstname }}," + ASK, 'Hi {{ contact.firstname | default("there", true) }},' + ASK),
    ("mailchimp.tmpl", "Hello *|FNAME|*," + ASK, "Hello *|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*," + ASK),
    ("salesforce.tmpl", "Dear {!Contact.FirstName}," + ASK, 'Dear {!BLANKVALUE(Contact.FirstName, "there")},' + ASK),
    (
        "company.j2",
        "Hi {{ first_name }},\n\nA question for {{ company }}." + ASK,
        'Hi {{ first_name | default("there", true) }},\n\nA question for {{ company | default("your team", true) }}.' + ASK,
    ),
]


@pytest.mark.parametrize("name,before,after", DIALECTS, ids=[d[0] for d in DIALECTS])
def test_fallback_in_each_dialect_and_a_second_fix_changes_nothing(cli, tmp_path, name, before, after):
    target = tmp_path / name
    target.write_text(before)
    first = cli("check", "--no-model", "--select", "M102", "--fix", name, cwd=tmp_path)
    assert target.read_text() == after
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stderr.startswith("stoplint: fixed ")
    second = cli("check", "--no-model", "--select", "M102", "--fix", name, cwd=tmp_path)
    assert target.read_text() == after
    assert "fixed 0 findings in 0 files" in second.stderr


def test_fixes_from_worker_processes(cli, tmp_path):
    for i in range(3):
        (tmp_path / f"t{i}.j2").write_text("Hi {{ first_name }}," + ASK)
    proc = cli("check", "--no-model", "--select", "M102", "--fix", "--jobs", "2", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {(tmp_path / f"t{i}.j2").read_text() for i in range(3)} == {'Hi {{ first_name | default("there", true) }},' + ASK}


def test_fake_reply_prefix_is_dropped_and_the_diff_writes_nothing(cli, tmp_path):
    draft = tmp_path / "first.txt"
    draft.write_text("Subject: Re: RE: returns at the Tulsa depot\n\nHi Omar,\n\nHow is the January peak planned?\n")
    diff = cli("check", "--no-model", "--select", "Q110", "--diff", "first.txt", cwd=tmp_path)
    assert diff.returncode == 1
    assert diff.stdout.splitlines()[:5] == [
        "--- a/first.txt",
        "+++ b/first.txt",
        "@@ -1,4 +1,4 @@",
        "-Subject: Re: RE: returns at the Tulsa depot",
        "+Subject: returns at the Tulsa depot",
    ]
    assert draft.read_text().startswith("Subject: Re: RE:")
    fixed = cli("check", "--no-model", "--select", "Q110", "--fix", "first.txt", cwd=tmp_path)
    assert fixed.returncode == 0
    assert draft.read_text().startswith("Subject: returns at the Tulsa depot\n")
    again = cli("check", "--no-model", "--select", "Q110", "--diff", "first.txt", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_stock_opener_line_goes_only_with_unsafe_fixes(cli, tmp_path):
    draft = tmp_path / "opener.txt"
    text = "Subject: Tulsa returns\n\nHi Omar,\n\nI hope this email finds you well!\n\nHow is the January peak planned?\n"
    draft.write_text(text)
    safe = cli("check", "--no-model", "--select", "T101", "--fix", "opener.txt", cwd=tmp_path)
    assert safe.returncode == 1 and draft.read_text() == text
    unsafe = cli("check", "--no-model", "--select", "T101", "--fix", "--unsafe-fixes", "opener.txt", cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout
    assert draft.read_text() == "Subject: Tulsa returns\n\nHi Omar,\n\nHow is the January peak planned?\n"


def test_opener_sharing_its_line_is_left_to_the_writer(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text("Hi Omar, I hope this email finds you well. How is the January peak planned?\n")
    linter = Linter(Options(select=["T101"], use_model=False))
    results = linter.lint_file(str(path))
    assert [f.code for r in results for f in r.findings] == ["T101"]
    assert fix_file(str(path), results, linter, {"safe", "unsafe"}) is None


def test_all_fixes_in_one_file_apply_from_the_end_and_keep_crlf(cli, tmp_path):
    path = tmp_path / "all.j2"
    path.write_bytes(
        b"Subject: Fwd: returns at {{ company }}\r\n\r\nHi {{ first_name }},\r\n\r\nI hope you are doing well.\r\n\r\n"
        b"Your Tulsa depot moved to same-day returns in May. How is the January peak planned?\r\n"
    )
    cli("check", "--no-model", "--select", "M102,Q110,T101", "--fix", "--unsafe-fixes", "all.j2", cwd=tmp_path)
    assert path.read_bytes() == (
        b'Subject: returns at {{ company | default("your team", true) }}\r\n\r\n'
        b'Hi {{ first_name | default("there", true) }},\r\n\r\n'
        b"Your Tulsa depot moved to same-day returns in May. How is the January peak planned?\r\n"
    )
    again = cli("check", "--no-model", "--select", "M102,Q110,T101", "--diff", "--unsafe-fixes", "all.j2", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_rules_and_explain_say_what_is_fixable(cli):
    listed = {r["code"]: r["fix"] for r in json.loads(cli("rules", "--format", "json").stdout)}
    assert {c: k for c, k in listed.items() if k} == {"M102": "safe", "Q110": "safe", "T101": "unsafe"}
    text = cli("rules").stdout
    assert any(line.startswith("Q110 ") and line.endswith("[fix]") for line in text.splitlines())
    assert "fixable with `stoplint check --fix --unsafe-fixes`" in cli("explain", "T101").stdout


def test_every_fixer_belongs_to_a_rule_that_says_fix():
    declared = {r.code for r in load_rules() if r.fix}
    assert declared == set(FIXERS)


def test_a_team_rule_cannot_claim_a_fix(tmp_path):
    from linter.rulepack import RuleError

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ours.yml").write_text(
        "rules:\n  - code: G901\n    severity: warning\n    message: Says synergy\n    why: Vague.\n"
        "    instead: Name it.\n    phrases: [synergy]\n    fix: safe\n"
    )
    with pytest.raises(RuleError, match=r"'fix' is only for rules stoplint can repair"):
        load_rules([str(pack)])
