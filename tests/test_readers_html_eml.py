"""HTML emails and saved .eml messages: visible text, decoding, positions in the file."""

import base64
import json
import quopri

from conftest import run_cli
from linter import Linter, Options
from linter.readers import InputError, read_bytes

import pytest


def lint_bytes(data: bytes, path: str, select=("T101",)):
    lin = Linter(Options(use_model=False, select=list(select)))
    try:
        emails = read_bytes(path, data)
    except InputError as exc:  # pragma: no cover - the tests below expect readable input
        raise AssertionError(str(exc))
    return lin.lint_emails(emails)[0]


def spots(res):
    return [(f.code, f.line, f.column, f.end_line, f.end_column) for f in res.findings]


HTML = """<!DOCTYPE html>
<html><head><title>Routes at Halden</title>
<style>.x { color: red; } p {margin:0}</style></head>
<body>
<div style="display:none;max-height:0">I hope this email finds you well (preheader)</div>
<span class="preheader">I hope this email finds you well</span>
<p>Hi Dana,</p>
<p>Caf&eacute; &amp; depot moved in May&nbsp;&mdash; I hope this email finds you well.
   See <a href="https://example.com/r">the report</a> or <a href="https://example.com/s">the summary</a>.</p>
<img src="https://t.example.com/px.gif" width="1" height="1" alt="I hope this email finds you well">
<script>var a = "I hope this email finds you well";</script>
<blockquote>On Monday Sam wrote: I hope this email finds you well</blockquote>
</body></html>
"""


def test_html_visible_text_only_with_positions_in_the_source():
    res = lint_bytes(HTML.encode(), "a.html")
    assert spots(res) == [("T101", 8, 54, 8, 86)]
    email = res.email
    assert email.subject == "Routes at Halden"
    assert email.text == (
        "Routes at Halden\n\nHi Dana,\n\nCafé & depot moved in May — I hope this email finds you well. "
        "See the report or the summary.\n\n"
    )
    assert email.link_count == 2
    assert email.fmt == "html"


def test_html_entity_maps_to_its_source_span():
    src = "<p>Dear team &mdash; I hope this email finds you well</p>\n"
    res = lint_bytes(src.encode(), "b.htm")
    assert spots(res) == [("T101", 1, 22, 1, 54)]
    e = res.email
    i = e.text.index("—")
    assert e.position(i, i + 1)[:2] == (13, 20)  # the whole "&mdash;"


def test_html_declared_charset_and_undecodable_html():
    src = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 — no. I hope this email finds you well.</p></body></html>'
    res = lint_bytes(src.replace("—", "-").encode("latin-1"), "c.html")
    assert res.email.text.startswith("Café - no.")
    assert spots(res) == [("T101", 1, 67, 1, 99)]
    with pytest.raises(InputError, match="not UTF-8 and no charset declared"):
        read_bytes("d.html", b"<p>Caf\xe9</p>")


PLAIN_EML = (
    "From: Sam Ortega <sam@example.com>\n"
    "To: Dana <dana@example.org>\n"
    "Subject: I hope this email finds you well\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hi Dana,\n"
    "\n"
    "Your depot moved in May. I hope this email finds you well.\n"
    "\n"
    "On Mon, Sam wrote:\n"
    "> I hope this email finds you well\n"
)


def test_eml_single_part_maps_to_the_files_own_lines_and_skips_quotes():
    res = lint_bytes(PLAIN_EML.encode(), "m.eml")
    assert res.email.subject == "I hope this email finds you well"
    assert spots(res) == [("T101", 8, 26, 8, 58)]  # T101 is scoped to the message, not the subject
    assert "wrote" not in res.email.text


def _multipart(plain_cte: str, plain_body: bytes, charset: str = "utf-8") -> bytes:
    return (
        b"From: sam@example.com\r\n"
        b"Subject: =?utf-8?q?Depot_question_=E2=80=94_Tulsa?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="BOUND"\r\n'
        b"\r\n"
        b"--BOUND\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: " + plain_cte.encode() + b"\r\n"
        b"\r\n" + plain_body + b"\r\n"
        b"--BOUND\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        b"\r\n"
        b"<p>HTML twin: nothing to see</p>\r\n"
        b"--BOUND--\r\n"
    )


BODY = "Hi Dana,\n\nCafé owners in Tulsa told us returns doubled. I hope this email finds you well.\n"


def test_eml_multipart_alternative_prefers_plain_and_maps_verbatim():
    data = _multipart("8bit", BODY.replace("\n", "\r\n").encode("utf-8"))
    res = lint_bytes(data, "alt.eml")
    assert res.email.subject == "Depot question — Tulsa"
    assert "HTML twin" not in res.email.text
    assert spots(res) == [("T101", 12, 47, 12, 79)]


def test_eml_quoted_printable_maps_to_the_files_own_line_and_column():
    data = _multipart("quoted-printable", quopri.encodestring(BODY.encode("utf-8")).replace(b"\n", b"\r\n"))
    res = lint_bytes(data, "qp.eml")
    assert "Café owners in Tulsa" in res.email.text
    # line 12 is "Caf=C3=A9 owners in Tulsa told us returns doubled. I hope this email finds you well."
    assert spots(res) == [("T101", 12, 52, 13, 9)]  # quopri wrapped the line with a soft break
    assert res.findings[0].text == "I hope this email finds you well"


def _saved_message(cte: str) -> bytes:
    """A message as a mail client saves it, encoded by the stdlib's email package."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Sam Ortega <sam@example.com>"
    msg["To"] = "Dana Reyes <dana@example.org>"
    msg["Subject"] = "Returns at the Tulsa depot"
    msg.set_content(
        "Hi Dana,\n\nThe café team in Tulsa said returns doubled after the May move, and the evening shift "
        "now sorts them by hand before the carriers arrive at six. I hope this email finds you well.\n\n"
        "Is sorting still done by hand?\n\nSam\n",
        cte=cte,
    )
    return bytes(msg)


def test_saved_quoted_printable_message_with_soft_line_breaks_maps_exactly():
    data = _saved_message("quoted-printable")
    assert b"=C3=A9" in data and b"=\n" in data  # an escape and a soft line break, as clients write them
    res = lint_bytes(data, "saved-qp.eml")
    lines = data.decode().splitlines()
    (f,) = res.findings
    # the phrase runs over a soft line break: "... at six. I hop=" / "e this email finds you well."
    assert (f.code, f.line, f.column, f.end_line, f.end_column) == ("T101", 11, 73, 12, 28)
    assert lines[10][72:] == "I hop=" and lines[11][:27] == "e this email finds you well"
    assert f.text == "I hope this email finds you well"


def test_eml_base64_points_at_the_parts_first_line_and_quotes_the_decoded_text():
    data = _multipart("base64", base64.encodebytes(BODY.encode("utf-8")).replace(b"\n", b"\r\n"))
    res = lint_bytes(data, "b64.eml")
    assert "Café owners in Tulsa" in res.email.text
    assert [(f.code, f.line, f.column) for f in res.findings] == [("T101", 10, 1)]
    assert res.findings[0].text == "I hope this email finds you well"
    saved = lint_bytes(_saved_message("base64"), "saved-b64.eml")
    assert [(f.code, f.line, f.column, f.text) for f in saved.findings] == [("T101", 8, 1, "I hope this email finds you well")]


def test_eml_non_utf8_charset():
    data = _multipart("8bit", BODY.replace("\n", "\r\n").encode("iso-8859-1"), charset="iso-8859-1")
    res = lint_bytes(data, "latin.eml")
    assert "Café owners in Tulsa" in res.email.text
    assert spots(res) == [("T101", 12, 47, 12, 79)]


def test_eml_html_only_message():
    data = (
        "From: sam@example.com\n"
        "Subject: Tulsa depot\n"
        "Content-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: 7bit\n"
        "\n"
        "<html><body><p>Hi Dana,</p><p>I hope this email finds you well.</p>"
        '<div class="gmail_quote">I hope this email finds you well</div></body></html>\n'
    ).encode()
    res = lint_bytes(data, "h.eml")
    assert res.email.subject == "Tulsa depot"
    assert res.email.text == "Tulsa depot\n\nHi Dana,\n\nI hope this email finds you well.\n\n"
    assert [(f.code, f.line) for f in res.findings] == [("T101", 6)]


@pytest.mark.parametrize(
    "data,reason",
    [
        (_multipart("8bit", b"Hi Dana,")[:-40], "truncated message"),
        (b"Hi Dana,\n\nJust a note.\n", "not an email message"),
        (b"Subject: hi\nContent-Type: image/png\n\nxx\n", "no text/plain or text/html part"),
    ],
)
def test_eml_broken_input_is_a_one_line_error(data, reason):
    with pytest.raises(InputError, match=reason):
        read_bytes("x.eml", data)


def test_cli_broken_eml_exit_2_other_files_still_checked(tmp_path):
    (tmp_path / "broken.eml").write_bytes(_multipart("8bit", b"Hi Dana,")[:-40])
    (tmp_path / "ok.html").write_text("<p>I hope this email finds you well.</p>\n")
    proc = run_cli("check", "--no-model", "--select", "T101", "--format", "json", str(tmp_path / "broken.eml"), str(tmp_path / "ok.html"))
    assert proc.returncode == 2
    files = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    assert files[str(tmp_path / "broken.eml")]["error"] == "truncated message: the closing MIME boundary is missing"
    assert [(x["code"], x["line"], x["column"]) for x in files[str(tmp_path / "ok.html")]["findings"]] == [("T101", 1, 4)]
