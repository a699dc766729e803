"""The template reader: dialects, stand-ins, positions in the template's own lines, malformed syntax, safety."""

import json

import jinja2
import pytest

from conftest import codes_of, run_cli
from linter import Linter, Options
from linter.readers import read_bytes
from linter.readers.template import has_merge_tags, normalise_name


def read(source: str, path: str = "t.j2"):
    return read_bytes(path, source.encode("utf-8"))[0]


def lint(source: str, select: list[str], path: str = "t.j2"):
    return Linter(Options(use_model=False, select=select)).lint_text(source, path=path)[0]


def spots(result):
    return [(f.code, f.line, f.column, f.end_line, f.end_column) for f in result.findings]


@pytest.mark.parametrize(
    "tag,name,dialect,fallback",
    [
        ("{{ first_name }}", "first_name", "jinja", False),
        ('{{ first_name | default("there") }}', "first_name", "jinja", True),
        ('{{ first_name or "there" }}', "first_name", "jinja", True),
        ("{FirstName}", "first_name", "single_brace", False),
        ("[First Name]", "first_name", "bracket", False),
        ("%FIRSTNAME%", "first_name", "percent", False),
        ("*|FNAME|*", "first_name", "mailchimp", False),
        ("{{contact.firstname}}", "first_name", "hubspot", False),
        ('{{ first_name | default: "there" }}', "first_name", "liquid", True),
        ("{!Contact.FirstName}", "first_name", "salesforce", False),
        ("{{firstName}}", "first_name", "handlebars", False),
        ("{{First Name}}", "first_name", "mustache", False),
    ],
)
def test_each_dialect_is_a_first_name_field(tag, name, dialect, fallback):
    email = read(f"Hi {tag}, how are returns at the depot?\n")
    assert email.is_template
    assert email.text == "Hi Jordan, how are returns at the depot?\n"
    [f] = email.fields
    assert (f.name, f.slot, f.dialect, f.fallback) == (name, "name", dialect, fallback)
    assert (f.src_start, f.src_end) == (3, 3 + len(tag))
    assert (f.text_start, f.text_end) == (3, 9)
    assert f.raw == tag


@pytest.mark.parametrize(
    "tag,slot,text",
    [
        ("{{ company }}", "company", "Northwind"),
        ("{{ company.name }}", "company", "Northwind"),
        ("{{ job_title }}", "title", "operations lead"),
        ("{{ recent_post }}", "research", "this topic"),
        ("{{ last_name }}", "name", "Reyes"),
        ("{{ your_company }}", "company", "Brightline"),
        ("{{ city }}", "other", "Denver"),
    ],
)
def test_slots_and_stand_ins(tag, slot, text):
    email = read(f"About {tag} today.\n")
    [f] = email.fields
    assert f.slot == slot
    assert email.text == f"About {text} today.\n"


def test_name_normalisation():
    assert normalise_name("Contact.FirstName") == "first_name"
    assert normalise_name("FNAME") == "first_name"
    assert normalise_name("Company Name") == "company"
    assert normalise_name("company.name") == "company"


def test_spintax_reads_as_first_option_with_exact_positions():
    email = read("{Hi|Hello|Hey} Dana, is the depot open?\n")
    assert email.text == "Hi Dana, is the depot open?\n"
    [f] = email.fields
    assert f.dialect == "spintax"
    res = lint("{Hi|Hello|Hey} Dana, is the depot open?\n", ["M105"])
    assert spots(res) == [("M105", 1, 2, 1, 4)]  # the first option, inside the braces


def test_control_tags_and_comments_leave_no_text_and_branches_are_text():
    src = "{# note #}\nHi {{ first_name }},\n{% if x %}\nA.\n{% else %}\nB.\n{% endif %}\nInline {% if y %}one{% else %}two{% endif %}.\n"
    email = read(src)
    assert email.text == "Hi Jordan,\nA.\nB.\nInline one two.\n"
    assert email.reader_findings == []


SAMPLE = (
    "Subject: A question about {{ company }}\n"
    "\n"
    "{# Reviewer note: keep this under 120 words.\n"
    "   Approved by the team in March. #}\n"
    "Hi {{ first_name }},\n"
    "{% if recent_post %}\n"
    "I read {{ recent_post }} last week.\n"
    "{% else %}\n"
    "I hope this email finds you well.\n"
    "{% endif %}\n"
    "Is {{ company }} still planning {{ title }} routes by hand, {{ first_name }}? The pilot starts on TBD.\n"
)


def test_positions_after_comments_if_blocks_and_several_fields():
    res = lint(SAMPLE, ["M101", "M102", "T101"])
    assert spots(res) == [
        ("M102", 1, 27, 1, 40),  # {{ company }} in the subject
        ("M102", 5, 4, 5, 20),  # {{ first_name }} after a two-line comment
        ("T101", 9, 1, 9, 33),  # inside the else branch of a multi-line if
        ("M101", 11, 99, 11, 102),  # TBD after three merge fields on one line
    ]
    assert res.findings[1].message == '"{{ first_name }}" has no fallback: an empty value renders "Hi ,"'
    assert res.findings[3].text == "TBD"


def test_guarded_field_counts_as_fallback():
    res = lint("{% if first_name %}Hi {{ first_name }},{% else %}Hi there,{% endif %}\n\nHow is the depot?\n", ["M102"])
    assert res.findings == []


@pytest.mark.parametrize(
    "source,line,col,end_col,message_part",
    [
        ("Hi there,\n\nHi {{ first_name,\nhow is the depot?\n", 3, 4, 6, "Unclosed merge field tag"),
        ("Hi there,\n{% if first_name %}\nHi {{ first_name }},\n", 2, 1, 20, "never closed (no '{% endif %}')"),
        ("Hi there,\nHow is the depot?\n  {% endif %}\n", 3, 3, 14, "closes a block that was never opened"),
        ("Hi there,\n{# left open\nHow is the depot?\n", 2, 1, 3, "Unclosed comment tag"),
        ("Hi there,\n{% for x in y %}{% endif %}{% endfor %}\n", 2, 17, 28, "does not close the open"),
        ("Hi {{ first_name | default('there' }},\nHow is it?\n", 1, 4, 38, "Template syntax error in"),
    ],
)
def test_malformed_syntax_is_a_finding_with_position(source, line, col, end_col, message_part):
    res = lint(source, ["M104"])
    assert res.error is None
    f = res.findings[0]
    assert (f.code, f.line, f.column, f.end_column) == ("M104", line, col, end_col)
    assert message_part in f.message


def test_malformed_template_still_lints_the_rest():
    res = lint("Hi {{ first_name,\n\nI hope this email finds you well.\n", ["M104", "T101"])
    assert spots(res) == [("M104", 1, 4, 1, 6), ("T101", 3, 1, 3, 33)]


def test_hostile_payloads_are_never_rendered(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a template was compiled or rendered")

    monkeypatch.setattr(jinja2.Template, "render", refuse)
    monkeypatch.setattr(jinja2.Template, "generate", refuse)
    monkeypatch.setattr(jinja2.Environment, "from_string", refuse)
    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    monkeypatch.setattr(jinja2.Environment, "get_template", refuse)
    src = (
        "Hi {{ ''.__class__.__mro__[1].__subclasses__() }},\n"
        "{% import os %}\n"
        "{{ cycler.__init__.__globals__.os.popen('touch /tmp/stoplint-pwned').read() }}\n"
        "I hope this email finds you well.\n"
    )
    res = Linter(Options(use_model=False, select=["M104", "T101"])).lint_text(src, path="evil.j2")[0]
    assert res.error is None
    assert spots(res) == [("M104", 2, 1, 2, 16), ("T101", 4, 1, 4, 33)]
    assert "expected token 'as'" in res.findings[0].message
    email = res.email
    assert email.text.startswith("Hi this detail,\n")


def test_sniffing_unknown_extension_and_stdin():
    assert has_merge_tags("Hi {{ first_name }}")
    assert has_merge_tags("Hi [First Name],")
    assert has_merge_tags("Hello *|FNAME|*")
    assert not has_merge_tags("Hi Dana,\n\n[EXTERNAL] tags are added by the gateway; 20% of mail, 30% of spam.")
    assert read("Hi {{ first_name }},\n", path="note").is_template
    assert not read("Hi Dana,\n", path="note").is_template
    assert read("Hi {{ first_name }},\n", path="<stdin>").is_template


def test_placeholder_in_plain_text_is_an_error():
    res = lint("Hi [First Name],\n\nHow does {{company}} plan routes? We saved XX hours a week.\n", ["M101"], path="e.txt")
    assert spots(res) == [("M101", 1, 4, 1, 16), ("M101", 3, 44, 3, 46)]  # {{company}} is a merge field
    assert {f.severity for f in res.findings} == {"error"}
    # no sending tool fills [First Name]: it is a placeholder in a template too
    assert spots(lint("Hi [First Name],\n\nHow does {{company}} plan routes?\n", ["M101"])) == [("M101", 1, 4, 1, 16)]


@pytest.mark.parametrize("path", ["draft.txt", "draft.text", "draft.md", "draft.j2", "draft", "<stdin>"])
def test_content_decides_what_is_a_template_in_every_extension(path):
    src = "Hi {{ first_name }},\n\nYour Leeds depot opened in May. Is returns volume up since then?\n"
    res = lint(src, ["M101", "M102"], path=path)
    assert spots(res) == [("M102", 1, 4, 1, 20)]
    assert res.email.is_template


@pytest.mark.parametrize("path", ["draft.html", "draft.htm", "draft.txt", "draft.md", "draft.hbs"])
def test_bracket_placeholder_is_flagged_in_every_extension(path):
    src = "Hi [First Name],\n\nYour Leeds depot opened in May. Is returns volume up since then?\n"
    if path.endswith(("html", "htm")):
        src = "<p>" + src.replace("\n\n", "</p>\n<p>") + "</p>"
    res = lint(src, ["M101"], path=path)
    col = 7 if path.endswith(("html", "htm")) else 4
    assert spots(res) == [("M101", 1, col, 1, col + 12)]
    assert res.findings[0].message == 'Unfilled placeholder "[First Name]" left in the text'


def test_mixed_dialects_names_both_tags():
    res = lint("Hi {{ first_name }},\n\nHow does [Company] plan routes?\n", ["M103"])
    assert spots(res) == [("M103", 3, 10, 3, 19)]
    assert '"[Company]" here and "{{ first_name }}" on line 1' in res.findings[0].message


def test_html_template_goes_through_the_html_reader():
    src = "<html><body><p>Hi {{ first_name }},</p><p>I hope this email finds you well.</p></body></html>\n"
    res = lint(src, ["T101", "M102"], path="welcome.html.j2")
    assert spots(res) == [("M102", 1, 19, 1, 35), ("T101", 1, 43, 1, 75)]


def test_cli_two_files_one_broken(tmp_path):
    good = tmp_path / "good.j2"
    good.write_text("Hi {{ first_name | default('there') }},\n\nI hope this email finds you well.\n")
    broken = tmp_path / "broken.j2"
    broken.write_text("Hi {{ first_name,\n\nHow is the depot?\n")
    proc = run_cli("check", "--no-model", "--select", "M104,T101", "--format", "json", str(broken), str(good))
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    by_path = {f["path"]: f for f in data["files"]}
    assert [(x["code"], x["line"], x["column"]) for x in by_path[str(broken)]["findings"]] == [("M104", 1, 4)]
    assert [(x["code"], x["line"], x["column"]) for x in by_path[str(good)]["findings"]] == [("T101", 3, 1)]


def test_cli_undecodable_template_is_exit_2_and_others_still_checked(tmp_path):
    bad = tmp_path / "latin.j2"
    bad.write_bytes("Hi {{ first_name }}, caf\xe9\n".encode("latin-1"))
    good = tmp_path / "good.j2"
    good.write_text("Hi {{ first_name | default('there') }},\n\nI hope this email finds you well.\n")
    proc = run_cli("check", "--no-model", "--select", "T101", "--format", "json", str(bad), str(good))
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    by_path = {f["path"]: f for f in data["files"]}
    assert "not UTF-8" in by_path[str(bad)]["error"]
    assert [x["code"] for x in by_path[str(good)]["findings"]] == ["T101"]


def test_rule_selection_codes():
    res = Linter(Options(use_model=False, select=["M"])).lint_text("Hi {{ first_name }},\n\nHow is {Tulsa|the depot}?\n", path="x.j2")[0]
    assert sorted(set(codes_of([res]))) == ["M102", "M105"]


EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples" / "templates"


@pytest.mark.parametrize(
    "name,code",
    [
        ("bad/find-and-replace.j2", "T201"),
        ("bad/mixed-dialects.j2", "M103"),
        ("bad/spintax-opener.j2", "M105"),
        ("bad/broken-if.j2", "M104"),
        ("bad/congrats-pitch.mailchimp.html", "T202"),
        ("bad/salesforce-intro.tmpl", "T202"),
        ("bad/percent-tags.j2", "M102"),
        ("bad/unfilled-placeholders.txt", "M101"),
        ("repo/emails/follow-up-bad.j2", "M102"),
    ],
)
def test_bad_template_examples_show_their_defect(name, code):
    res = Linter(Options(use_model=False, select=["M", "T2"])).lint_file(str(EXAMPLES / name))
    assert code in codes_of(res)


def test_good_template_examples_are_clean_of_template_findings():
    lin = Linter(Options(use_model=False, select=["M", "T2"]))
    paths = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix != ".md" and ("good" in p.parts or "snippets" in p.parts))
    assert len(paths) >= 6
    for p in paths + [EXAMPLES / "repo/emails/intro-3pl.j2"]:
        for res in lin.lint_file(str(p)):
            assert res.error is None and res.findings == [], (p, [(f.code, f.line) for f in res.findings])
    [first, *_rest] = lin.lint_file(str(EXAMPLES / "repo/sequences/3pl-outreach.csv"))
    assert first.row == 1 and first.findings == []


LIQUID = (
    "{% comment %}Plain tone, no jargon.{% endcomment %}\n"
    'Hi {{ first_name | default: "there" }},\n'
    "{% # the depot list comes from ops %}\n"
    "Your two busiest depots last week:\n"
    "{% for depot in depots limit:2 %}- {{ depot.name }}\n{% endfor %}\n"
    "Is returns volume up since the May opening?\n"
)


@pytest.mark.parametrize("path", ["intro.liquid", "intro.txt", "intro.html", "intro"])
def test_valid_liquid_is_not_malformed(path):
    res = lint(LIQUID, ["M"], path=path)
    assert spots(res) == []
    assert " ".join(res.email.text.split()).startswith("Hi Jordan, Your two busiest depots last week:")


@pytest.mark.parametrize(
    "source,line,col,end_col,message",
    [
        ("Hi {{ first_name }},\n{% for x in %}{{ x }}{% endfor %}\nIs it up?\n", 2, 1, 15,
         "Template syntax error: expected a primitive expression, found end of expression"),
        ("Hi {{ first_name }},\n{% assign = 3 %}\nIs it up?\n", 2, 1, 17,
         "Template syntax error: expected a primitive expression, found assign"),
        ("{% comment %}note\nHi {{ first_name }},\n", 1, 1, 14, "'{% comment %}' is never closed (no '{% endcomment %}')"),
    ],
)
def test_malformed_liquid_is_found_by_liquids_parser(source, line, col, end_col, message):
    res = lint(source, ["M104"], path="t.liquid")
    assert spots(res) == [("M104", line, col, line, end_col)]
    assert res.findings[0].message == message


@pytest.mark.parametrize(
    "source",
    [
        "Hi {{first_name}}{{^first_name}}there{{/first_name}},\n\nIs returns volume up since May?\n",
        "Hi {{#unless first_name}}there{{/unless}}{{first_name}},\n\nIs returns volume up since May?\n",
        "Hi {{#if firstName}}{{firstName}}{{else}}there{{/if}},\n\nIs returns volume up since May?\n",
        "Hi{{#first_name}} {{first_name}}{{/first_name}},\n\nIs returns volume up since May?\n",
    ],
)
def test_mustache_and_handlebars_fallbacks_count(source):
    res = lint(source, ["M102", "M104"], path="t.hbs")
    assert spots(res) == []
    assert all(f.fallback for f in res.email.fields)


def test_a_field_without_any_fallback_is_still_reported_in_handlebars():
    res = lint("Hi {{first_name}},\n\n{{^company}}Your team{{/company}} runs two sites. Is it up?\n", ["M102"], path="t.hbs")
    assert spots(res) == [("M102", 1, 4, 1, 18)]
