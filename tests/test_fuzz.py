"""Fuzz: structured hostile input for the readers, the config loader, team packs and the
command line (Hypothesis).  Derandomized, with no example database and a fixed number
of examples per test, so every run tries the same cases and the file stays within
about 20 s.

Invariants: nothing raises but the input's own one-line error; JSON output parses;
every finding lies inside its file; a second run equals the first; --jobs 1 equals
--jobs 2.
"""

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.cli import main
from linter.config import ConfigError, load_config
from linter.readers import InputError, read_bytes
from linter.rulepack import RuleError, load_rules

FUZZ = settings(
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Pieces of the syntax each reader cares about, and of the prose the rules look for.
PIECES = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{{{", "{% if first_name %}", "{% endif %}", "{% else %}",
    "{% raw %}", "{% for x in y %}", "{{#if firstName}}", "{{/if}}", "{{ first_name | default('there') }}",
    "[First Name]", "*|FNAME|*", "*|IF:FNAME|*", "*|END:IF|*", "%FIRSTNAME%", "{!Contact.FirstName}",
    "{Hi|Hello|Hey}", "{FirstName}", "(", ")", "[", "]", "{", "}", '"', '""', ",", ";", "\t", "|",
    "\n", "\r\n", "\r", "\n\n", "> ", "-- \n", "On Mon, Dana wrote:\n", "Subject: ", "subject:",
    "stoplint: disable-next-line=T101\n", "stoplint: disable=S\n", "stoplint: enable\n",
    "<p>", "</p>", "<br>", "<!-- stoplint: disable=T -->", "<style>", "</style>", "<a href='https://x.example'>",
    "&amp;", "&#x0;", "&#1114112;", "https://example.org/a?b=c", "www.example.org", "\x00", "\ufeff", "\u2028",
    "é", "\U0001f600", "=?utf-8?q?caf=C3=A9?=", "=?punycode?q?x?=", "Content-Type: multipart/mixed; boundary=b\n",
    "--b\n", "--b--\n", "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
    "=C3=A9=\n", "---\n", "```\n", "# ", "**", "_", "\\u00e9", "\\ud800", "\\", "I hope this email finds you well.",
    "Do you have 15 minutes for a quick call?", "We help companies like yours streamline operations.",
    "URGENT", "GUARANTEED!!!", "Hi Dana,", "Best,\nSam", ":::", "!!!", "$$$", "   ",
]

text_piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=12))
hostile_text = st.lists(text_piece, max_size=40).map("".join)
EXTS = [".txt", ".md", ".html", ".eml", ".j2", ".hbs", ".liquid", ".csv", ".jsonl", ""]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@st.composite
def csv_files(draw) -> str:
    header = draw(st.sampled_from(["subject,body", "step;subject;body", "body", "Subject\tBody", "name,notes"]))
    rows = draw(st.lists(st.lists(hostile_text, min_size=1, max_size=3), max_size=6))
    quote = draw(st.booleans())
    cells = [",".join('"' + c.replace('"', '""') + '"' if quote else c for c in row) for row in rows]
    return "\n".join([header, *cells])


@st.composite
def jsonl_files(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        obj = draw(st.dictionaries(st.sampled_from(["subject", "body", "Body", "step", "x"]), st.one_of(hostile_text, st.integers(), st.none()), max_size=4))
        line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
        lines.append(draw(st.sampled_from([line, line[: len(line) // 2], "[" * 50 + line])))
    return "\n".join(lines)


@st.composite
def eml_files(draw) -> str:
    charset = draw(st.sampled_from(["utf-8", "latin-1", "punycode", "unicode_escape", "nope", "base64"]))
    cte = draw(st.sampled_from(["7bit", "quoted-printable", "base64", "8bit"]))
    ctype = draw(st.sampled_from(["text/plain", "text/html", "multipart/alternative; boundary=b", "application/pdf"]))
    return (
        f"From: a@example.org\nSubject: {draw(hostile_text)}\nContent-Type: {ctype}; charset={charset}\n"
        f"Content-Transfer-Encoding: {cte}\n\n{draw(hostile_text)}"
    )


def files() -> st.SearchStrategy[tuple[str, bytes]]:
    plain = st.tuples(st.sampled_from(EXTS), hostile_text.map(_encode))
    raw = st.tuples(st.sampled_from(EXTS), st.binary(max_size=200))
    special = st.one_of(
        st.tuples(st.just(".csv"), csv_files().map(_encode)),
        st.tuples(st.just(".jsonl"), jsonl_files().map(_encode)),
        st.tuples(st.just(".eml"), eml_files().map(_encode)),
    )
    return st.one_of(plain, raw, special)


def assert_inside(email, result) -> None:
    lines = email.source.split("\n")
    for f in result.findings:
        assert 1 <= f.line <= f.end_line <= len(lines), (f, len(lines))
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, f
        assert 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1, f
        assert 0 <= f.src_start <= f.src_end <= len(email.source), f


@FUZZ
@given(files())
def test_readers_and_rules_take_hostile_files(rules_linter, file):
    ext, data = file
    try:
        emails = read_bytes(f"fuzz{ext}", data)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for email in emails:
        for seg in email.segments:
            assert 0 <= seg.src_start <= seg.src_end <= len(email.source), seg
    for email, result in zip(emails, rules_linter.lint_emails(emails)):
        assert_inside(email, result)


@pytest.fixture(scope="module")
def rules_linter():
    from linter import Linter, Options

    return Linter(Options(use_model=False))


# -- config ---------------------------------------------------------------------------------------
toml_value = st.recursive(
    st.one_of(st.integers().map(str), st.sampled_from(["true", "'%'", "1e400", "inf", "{}", "{a = 1}"]), hostile_text.map(json.dumps)),
    lambda inner: st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    max_leaves=8,
)
config_key = st.sampled_from(["select", "ignore", "extend-select", "fail-on", "max-score", "rules", "exclude", "per-file-ignores", "tool", "x"])


@st.composite
def config_files(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["pyproject.toml", "setup.cfg", ".stoplint.toml"]))
    pairs = draw(st.lists(st.tuples(config_key, toml_value), max_size=5))
    if kind == "setup.cfg":
        body = "[stoplint]\n" + "".join(f"{k} = {v}\n" for k, v in pairs)
    else:
        head = draw(st.sampled_from(["[tool.stoplint]\n", "", "tool = 5\n", "[tool]\nstoplint = 1\n"]))
        body = head + "".join(f"{k} = {v}\n" for k, v in pairs)
    data = _encode(body) + draw(st.sampled_from([b"", b"\xff", b"\n[stoplint]\n", b"\nselect = 1\n"]))
    return kind, data


@FUZZ
@given(config_files())
def test_the_config_loader_takes_hostile_files(config):
    name, data = config
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            load_config(str(path))
        except ConfigError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)


# -- team packs -----------------------------------------------------------------------------------
yaml_scalar = st.one_of(
    st.integers(-3, 5), st.booleans(), st.none(), hostile_text.map(json.dumps),
    st.sampled_from(["'(a|a?)+b'", "'(('", "[]", "{}", "&a x", "*a", "!!python/object:os.system x", "'[A-Z'", "'\\\\bquick\\\\b'"]),
)
rule_key = st.sampled_from([
    "code", "family", "severity", "message", "why", "instead", "phrases", "patterns", "regex", "check",
    "params", "max_per_email", "unless", "scope", "examples", "case", "default", "name",
])


@st.composite
def packs(draw) -> str:
    rules = []
    for _ in range(draw(st.integers(1, 3))):
        fields = {
            "code": "'G9%02d'" % draw(st.integers(0, 99)), "family": "generic", "severity": "warning",
            "message": "'Says synergy'", "why": "'Nobody can picture it.'", "instead": "'Name the two things.'",
            "phrases": "[synergy]",
        }
        for key, value in draw(st.lists(st.tuples(rule_key, yaml_scalar), max_size=4)):
            fields[key] = value
        if draw(st.booleans()):
            fields["patterns"] = draw(st.sampled_from(["[[{LOWER: quick}]]", "[[{TEXT: {REGEX: '(('}}]]", "[[{TEXT: {REGEX: '(a+)+b'}}]]", "[{}]", "5"]))
            fields.pop("phrases", None)
        rules.append("  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()))
    return "rules:\n" + "\n".join(rules) + "\n"


@settings(FUZZ, max_examples=25)
@given(packs())
def test_team_packs_are_validated_or_refused(pack):
    from linter.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "team.yml").write_text(pack, encoding="utf-8", errors="surrogatepass")
        try:
            rules = load_rules([tmp])
        except RuleError as exc:
            assert "team.yml" in str(exc) and "\n" not in str(exc).strip()
            return
        team = [r for r in rules if not r.builtin]
        emails = read_bytes("draft.txt", b"Subject: Synergy\n\nOur synergy is quick: (a) synergy aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n")
        Engine(team).analyze(emails[0])


# -- the command line -----------------------------------------------------------------------------
def run_json(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["check", "--no-model", "--format", "json", *args])
    assert "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    return result.exit_code, json.loads(result.stdout), result.stderr


@settings(FUZZ, max_examples=15)
@given(st.lists(files(), min_size=1, max_size=3))
def test_the_cli_reports_hostile_folders_in_valid_json_and_twice_the_same(batch):
    with tempfile.TemporaryDirectory() as tmp:
        for i, (ext, data) in enumerate(batch):
            Path(tmp, f"f{i}{ext or '.txt'}").write_bytes(data)
        first = run_json(tmp)
        assert first == run_json(tmp)
        paths = [f["path"] for f in first[1]["files"]]
        assert all(p.startswith(tmp) for p in paths)


def test_one_job_and_two_jobs_give_the_same_report(tmp_path):
    """A small fixed set of hostile files (this one spawns worker processes)."""
    corpus = [
        (".j2", "Hi {{ first_name }},\n{% if x %}I hope this email finds you well.{% endif %}\n{{ ((a)) }} {#"),
        (".csv", 'subject,body\nQuick question,"Hi [First Name],\nDo you have 15 minutes?"\nx,"unclosed\n'),
        (".jsonl", '{"subject": "Hi \\ud800", "body": "I hope this email finds you well."}\n[[[\n'),
        (".eml", "From: a@example.org\nSubject: =?utf-8?q?Quick_question?=\nContent-Type: text/plain; charset=punycode\n\nHi\n"),
        (".html", "<p>Hi *|FNAME|*,</p><p>GUARANTEED results!!! https://x.example https://y.example https://z.example</p>"),
        (".md", "---\nsubject: Quick question\n---\n# Hi\n\nstoplint: disable-next-line=T101\nI hope this email finds you well.\n"),
        (".txt", "Subject: Quick question\n\n" + ":[!$" * 200 + "\n"),
        (".txt", "\x00binary"),
        (".hbs", "{{#if firstName}}Hi {{firstName}}{{else}}Hi there{{/if}}, we help companies like yours.\n"),
    ]
    for i, (ext, text) in enumerate(corpus):
        (tmp_path / f"f{i}{ext}").write_bytes(_encode(text))
    assert run_json("--jobs", "1", str(tmp_path)) == run_json("--jobs", "2", str(tmp_path))
