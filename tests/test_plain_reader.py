"""Plain text and Markdown reading: what is linted, and positions in the file as written."""

from linter.email import Email
from linter.nlp import get_nlp
from linter.parts import find_parts
from linter.readers import InputError, read_bytes

import pytest


def read(text: str, name: str = "draft.txt") -> Email:
    (email,) = read_bytes(name, text.encode("utf-8"))
    return email


def parts_of(email: Email) -> dict[str, list[str]]:
    parts = find_parts(email, get_nlp()(email.text))
    return {k: [email.text[s:e] for s, e in v] for k, v in parts.ranges.items()}


def test_subject_line_is_the_subject_and_positions_map_back():
    email = read("Subject: Idea for the Leeds depot\n\nHi Dana,\n\nYour returns rate doubled.\n")
    assert email.subject == "Idea for the Leeds depot"
    start = email.text.index("returns")
    _, _, line, col, end_line, end_col = email.position(start, start + len("returns"))
    assert (line, col, end_line, end_col) == (5, 6, 5, 13)


def test_quoted_reply_and_signature_are_not_linted():
    email = read(
        "Thanks Priya, the pilot numbers are below.\n\n"
        "> I hope this email finds you well\n"
        "-- \nSam Reyes\nAcme | we are the leading provider\n"
    )
    assert "hope this email" not in email.text
    assert "leading provider" not in email.text
    assert "pilot numbers" in email.text


def test_on_wrote_header_ends_the_prose():
    email = read("Short answer: yes.\n\nOn Tue, 3 Mar 2026 at 09:12, Lee Park <lee@example.com> wrote:\nquoted text here\n")
    assert "quoted text" not in email.text
    assert "Short answer" in email.text


def test_crlf_files_keep_their_line_numbers():
    email = read("Subject: Hello\r\n\r\nHi Ana,\r\n\r\nSecond line here.\r\n")
    start = email.text.index("Second")
    assert email.position(start, start + 6)[2:4] == (5, 1)


def test_markdown_front_matter_code_and_links():
    email = read(
        "---\nsubject: Your Q3 freight audit\nowner: sales\n---\n\n"
        "# Hello\n\nSee [the audit](https://example.com/a) and https://example.com/b.\n\n"
        "```\nwe are the leading provider\n```\n",
        name="draft.md",
    )
    assert email.subject == "Your Q3 freight audit"
    assert "owner" not in email.text and "leading provider" not in email.text
    assert "the audit" in email.text and "https://example.com/a" not in email.text
    assert email.link_count == 2
    start = email.text.index("the audit")
    assert email.position(start, start + 9)[2:4] == (8, 6)


def test_parts_greeting_opener_cta_signoff_ps():
    email = read(
        "Subject: Returns at Fenwick\n\nHi Dana,\n\nYour returns page lists a 60-day window. "
        "That usually doubles support tickets in January.\n\nWorth comparing notes?\n\nBest,\nSam\nP.S. No deck attached.\n"
    )
    parts = parts_of(email)
    assert parts["subject"] == ["Returns at Fenwick"]
    assert parts["greeting"] == ["Hi Dana,"]
    assert parts["opener"] == ["Your returns page lists a 60-day window."]
    assert parts["cta"] == ["Worth comparing notes?"]
    assert parts["signoff"] == ["Best,\nSam"]
    assert parts["ps"] == ["P.S. No deck attached."]


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"\x00\x01\x02binary", "binary file"),
        ("caf\u00e9 na\u00efve".encode("latin-1"), "not UTF-8 text (undecodable byte 0xe9 at offset 3)"),
        (b"x" * 2_000_001, "too large to be an email"),
    ],
)
def test_unreadable_input_raises_one_line_reason(data, reason):
    with pytest.raises(InputError) as info:
        read_bytes("bad.txt", data)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_opener_on_the_greeting_line():
    email = read("Hello Tom, allow me to introduce our company. We sell boxes.\n\nBest,\nKim\n")
    parts = parts_of(email)
    assert parts["greeting"] == ["Hello Tom,"]
    assert parts["opener"] == ["allow me to introduce our company."]


def test_markdown_emphasis_is_markup_not_prose():
    email = read("I'm **Liam**, founder of _Stackwise_; see snake_case and\n\n* a bullet\n", name="draft.md")
    assert "I'm Liam, founder of Stackwise; see snake_case and" in email.text
    assert "* a bullet" in email.text
    start = email.text.index("Stackwise")
    assert email.position(start, start + 9)[2:6] == (1, 27, 1, 36)  # "_" sits at column 26
