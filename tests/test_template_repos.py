"""A template repository as a team keeps it: includes, extends, partials and renders
are followed from the repository, the assembled email is scored, and what cannot be
assembled is an M106 finding at the tag."""

import json

import pytest

from conftest import run_cli
from linter import Linter, Options

FILES = {
    "snippets/greeting.j2": "{% if first_name %}Hi {{ first_name }},{% else %}Hi there,{% endif %}\n",
    "snippets/pitch.j2": "We are the leading provider of route planning for depots like yours.\n",
    "emails/intro.j2": (
        "Subject: Missed pickups at the Tulsa depot\n\n"
        '{% include "snippets/greeting.j2" %}\n\n'
        '{% include "snippets/pitch.j2" %}\n'
        "Is dispatch still planned in a shared sheet?\n"
        '{% include "snippets/signature.j2" %}\n'
    ),
    "emails/child.j2": '{% extends "layouts/base.j2" %}\n{% block body %}Is dispatch planned by hand?{% endblock %}\n',
    "emails/a.j2": 'Hi Dana,\n{% include "emails/b.j2" %}\nIs dispatch still planned by hand?\n',
    "emails/b.j2": 'Your Tulsa depot opened in May.\n{% include "emails/a.j2" %}\n',
    "partials/hello.hbs": "Hi {{firstName}}{{^firstName}}there{{/firstName}},\n",
    "emails/note.hbs": "{{> hello}}\n\nYour Tulsa depot opened in May. Is dispatch still planned by hand?\n{{> sig}}\n",
    "shop/snippets/greeting.liquid": 'Hi {{ first_name | default: "there" }},\n',
    "shop/note.liquid": (
        "{% render 'greeting' %}\nYour Tulsa depot opened in May. Is dispatch still planned by hand?\n"
        "{% include 'missing-proof' %}\n"
    ),
}


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()  # the repository's root: lookups stop here
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def findings(repo, name, select=("M", "S106")):
    (res,) = Linter(Options(use_model=False, select=list(select))).lint_file(str(repo / name))
    return res, [(f.code, f.line, f.column, f.end_column, f.message) for f in res.findings]


def test_jinja_includes_are_assembled_and_their_findings_stay_in_the_partial(repo):
    res, found = findings(repo, "emails/intro.j2")
    assert "Hi Jordan, Hi there,\n\nWe are the leading provider of route planning" in res.email.text
    assert found == [("M106", 7, 1, 38, "Included template 'snippets/signature.j2' not found from this folder up to the repository's root")]
    assert res.categories["seller_centric"] > 0  # the assembled email is scored: the partial's S106 counts
    pitch, found = findings(repo, "snippets/pitch.j2")
    assert found == [("S106", 1, 1, 19, "Calls the seller a leader instead of showing proof")]
    assert pitch.score is None  # a partial is a fragment


def test_missing_layout_and_include_cycle_are_findings_not_crashes(repo):
    _, found = findings(repo, "emails/child.j2", ["M106"])
    assert found == [("M106", 1, 1, 32, "Included template 'layouts/base.j2' not found from this folder up to the repository's root")]
    _, found = findings(repo, "emails/a.j2", ["M106"])
    assert found == [("M106", 2, 1, 28, "Include cycle: a.j2 → b.j2 → a.j2")]


def test_handlebars_partials_and_liquid_renders_follow_their_lookup_rules(repo):
    res, found = findings(repo, "emails/note.hbs")
    assert res.email.text.startswith("Hi Jordan there,\n\nYour Tulsa depot")  # {{> hello}} from partials/
    assert found == [("M106", 4, 1, 10, "Included template 'sig' not found from this folder up to the repository's root")]
    res, found = findings(repo, "shop/note.liquid")
    assert res.email.text.startswith("Hi Jordan,\nYour Tulsa depot")  # render 'greeting' from snippets/
    assert found == [("M106", 3, 1, 30, "Included template 'missing-proof' not found from this folder up to the repository's root")]


def test_cli_checks_the_repository_each_finding_once(repo):
    proc = run_cli("check", "--no-model", "--select", "M106,S106", "--format", "json", ".", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    got = {f["path"].removeprefix("./"): [(x["code"], x["line"], x["column"]) for x in f["findings"]] for f in json.loads(proc.stdout)["files"]}
    assert [k for k, v in got.items() if ("S106", 1, 1) in v] == ["snippets/pitch.j2"]
    assert got["emails/intro.j2"] == [("M106", 7, 1)]
    assert got["emails/a.j2"] == [("M106", 2, 1)] and got["emails/b.j2"] == [("M106", 2, 1)]


@pytest.mark.parametrize(
    "name,source",
    [
        ("hubspot.html", '<html><body>{% module "hero" path="@hubspot/rich_text" %}<p>Hi {{ contact.firstname|default("there") }},</p>'
                         "<p>Your Leeds depot opened in May. Is returns volume up?</p>"
                         '{% dnd_area "main" %}{% end_dnd_area %}</body></html>\n'),
        ("each.hbs", "{{!-- warm leads --}}\nHi {{#if firstName}}{{firstName}}{{else}}there{{/if}},\n\n"
                     "{{#each depots}}- {{this.name}} ({{@index}})\n{{/each}}\n{{{signatureHtml}}}\nIs returns volume up?\n"),
        ("assign.liquid", '{%- assign first = customer.first_name | default: "there" -%}\n'
                          "{% capture greet %}Hi {{ first }},{% endcapture %}{{ greet }}\n"
                          "{% case customer.tier %}{% when 'gold' %}Thanks for staying.{% else %}Thanks.{% endcase %}\n"
                          "{% liquid\n  if customer.vip\n    echo 'VIP'\n  endif\n%}\nIs returns volume up?\n"),
        ("i18n.j2", '{%- set greeting = "Hi" -%}\n{{ greeting }} {{ first_name|default("there")|e }},\n'
                    "{% trans %}Your depot opened in May.{% endtrans %}\n{% for d in depots %}{{ d.name }}{% if loop.last %}{% break %}{% endif %}{% endfor %}\n"
                    '{{ _("Is returns volume up?") }}\n'),
    ],
)
def test_real_dialect_features_are_not_defects(tmp_path, name, source):
    (tmp_path / name).write_text(source)
    _, found = findings(tmp_path, name, ["M102", "M104", "M106"])
    assert found == []


def test_a_typo_in_an_end_tag_is_still_malformed(tmp_path):
    (tmp_path / "typo.j2").write_text('{% module "x" %}\n{% if first_name %}Hi {{ first_name }},{% endfi %}\nIs it up?\n')
    _, found = findings(tmp_path, "typo.j2", ["M104"])
    assert found == [("M104", 2, 1, 20, "'{% if first_name %}' is never closed (no '{% endif %}')")]
