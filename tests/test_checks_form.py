"""The QUIT form checks (linter/checks/form.py): exact code, line and column of each finding."""

import pytest

from conftest import EXAMPLES, rule_linter


def findings(code: str, text: str):
    results = rule_linter(code).lint_text(text, path="email.txt")
    return [(f.code, f.line, f.column, f.end_line, f.end_column) for r in results for f in r.findings]


def messages(code: str, text: str) -> list[str]:
    return [f.message for r in rule_linter(code).lint_text(text, path="email.txt") for f in r.findings]


# -- exclamation marks ---------------------------------------------------------------


def test_exclamations_in_body_flag_every_mark_once_over_the_limit():
    text = "Hi Omar!\n\nBig news! The pilot starts Monday! Want in?\n"
    assert findings("Q101", text) == [("Q101", 3, 9, 3, 10), ("Q101", 3, 34, 3, 35)]
    assert messages("Q101", text) == ["2 exclamation marks in one email"] * 2


def test_one_exclamation_and_the_greeting_mark_pass():
    assert findings("Q101", "Hey Sam!\n\nCongrats on the launch! How did returns change?\n") == []


def test_doubled_exclamation_is_flagged_alone():
    text = "Hi Lena,\n\nYour pilot starts Monday!! Want in?\n"
    assert findings("Q101", text) == [("Q101", 3, 25, 3, 27)]
    assert messages("Q101", text) == ["Doubled exclamation marks"]


def test_long_email_may_carry_one_more_exclamation():
    sentence = "The Leeds store takes back forty parcels every single day at the front desk. "
    body = sentence * 16  # 224 words
    text = f"Hi Omar,\n\nGreat news! {body}Exciting!\n"
    assert findings("Q101", text) == []


def test_exclamation_in_subject():
    text = "Subject: Big news!\n\nHi Omar,\n\nYour returns rose.\n"
    assert findings("Q102", text) == [("Q102", 1, 18, 1, 19)]
    assert findings("Q102", "Subject: your returns\n\nHi Omar!\n\nGreat quarter!\n") == []


# -- capitals -----------------------------------------------------------------------


def test_shouting_words_are_flagged_and_neighbours_merged():
    text = "Hi Omar,\n\nThis is FREE and you will NEVER EVER pay.\n"
    assert findings("Q103", text) == [("Q103", 3, 9, 3, 13), ("Q103", 3, 27, 3, 37)]


def test_acronyms_names_and_placeholders_are_not_shouting():
    text = (
        "Hi [FIRST NAME],\n\nYour CRM and ERP disagree on ROI for Q3; our SaaS is HIPAA-ready in NYC.\n"
        "SWIFT fees came up twice. Our SWIFT report covers 40 banks. XXXXXX\n"
    )
    assert findings("Q103", text) == []


def test_hype_word_in_capitals_is_shouting():
    assert findings("Q103", "Hi Omar,\n\nThis is ABSOLUTELY the moment.\n") == [("Q103", 3, 9, 3, 19)]
    assert findings("Q103", "Hi Omar,\n\nA REVOLUTIONARY way to ship.\n") == [("Q103", 3, 3, 3, 16)]


def test_long_unknown_word_in_capitals_is_an_acronym_not_shouting():
    text = "Hi Omar,\n\nYour NAVSEA bid and the AFWERX pilot need the same welding records.\n"
    assert findings("Q103", text) == []


def test_caps_subject():
    assert findings("Q104", "Subject: LAST CHANCE to join\n\nHi Omar,\n\nA note.\n") == [("Q104", 1, 10, 1, 29)]
    assert findings("Q104", "Subject: HIPAA and SOC audit for NYC\n\nHi Omar,\n\nA note.\n") == []


# -- length ------------------------------------------------------------------------

SENTENCE = "The Leeds store takes back forty parcels every single day at the front desk."  # 14 words


def test_long_email_points_at_the_sentence_passing_the_limit():
    lines = "\n".join([SENTENCE] * 15)  # 210 words, one sentence per line
    text = f"Hi Omar,\n\n{lines}\n"
    # "Hi Omar" is 2 words, so word 201 is in the 15th sentence (words 199-212): line 17
    assert findings("Q105", text) == [("Q105", 17, 1, 17, 77)]
    assert messages("Q105", text) == ["212 words; the buyer decides in the first few lines (limit 200)"]
    assert findings("Q106", text) == []


def test_very_long_email():
    lines = "\n".join([SENTENCE] * 26)  # 364 words, one sentence per line
    text = f"Hi Omar,\n\n{lines}\n"
    # word 351 falls in the 25th sentence, on line 27
    assert findings("Q106", text) == [("Q106", 27, 1, 27, 77)]


def test_wall_of_text_points_at_the_paragraph_start():
    para = " ".join([SENTENCE] * 7)  # 98 words in one paragraph
    text = f"Hi Omar,\n\nOne short line.\n\n{para}\n\nWorth a look?\n"
    assert findings("Q107", text) == [("Q107", 5, 1, 5, 77)]
    assert messages("Q107", text) == ["A 98-word paragraph; blocks this size get skimmed or skipped"]
    split = "\n\n".join(" ".join([SENTENCE] * 3) for _ in range(3))
    assert findings("Q107", f"Hi Omar,\n\n{split}\n") == []


# -- links -------------------------------------------------------------------------


def test_third_link_is_flagged():
    text = (
        "Hi Omar,\n\nDeck: https://example.com/deck\nVideo: https://example.com/v\n"
        "Book a time: [Calendly link]\n"
    )
    assert findings("Q108", text) == [("Q108", 5, 14, 5, 29)]
    assert messages("Q108", text) == ["3 links in one email"]


def test_two_links_pass():
    text = "Hi Omar,\n\nCase study: https://example.com/a and page two: https://example.com/b\n"
    assert findings("Q108", text) == []


# -- calls to action ------------------------------------------------------------------


def test_two_kinds_of_ask_flag_the_second():
    text = "Hi Omar,\n\nCould we set up a quick call this week?\nAlso, click here to see our pricing.\n"
    assert findings("Q109", text) == [("Q109", 4, 1, 4, 37)]
    assert messages("Q109", text) == ["Asks for a meeting and a click; give the buyer one thing to do"]


def test_an_alternative_is_not_a_second_ask():
    text = "Hi Omar,\n\nCould we compare notes on a short call? Or just reply with your biggest headache.\n"
    assert findings("Q109", text) == []


def test_one_interest_question_passes():
    assert findings("Q109", "Hi Omar,\n\nWe cut returns 18% at Brightcart. Worth a look?\n") == []


# -- subject line ----------------------------------------------------------------------


def test_fake_reply_subject():
    text = "Subject: Re: your pricing\n\nHi Omar,\n\nWe help retailers with returns.\n"
    assert findings("Q110", text) == [("Q110", 1, 10, 1, 13)]


@pytest.mark.parametrize(
    "text",
    [
        "Subject: Re: your pricing\n\nHi Omar,\n\nQuick update since my last note: we crossed 500 stores.\n",
        "Subject: Fwd: notes\n\nHi Omar,\n\nAs discussed on Tuesday, here are the notes.\n",
        "Subject: Regarding your pricing\n\nHi Omar,\n\nA note.\n",
    ],
)
def test_real_reply_or_no_prefix_passes(text):
    assert findings("Q110", text) == []


def test_long_subject():
    text = "Subject: An exciting new opportunity to help your team grow revenue and save time now\n\nHi Omar,\n"
    assert findings("Q112", text) == [("Q112", 1, 10, 1, 86)]
    assert messages("Q112", text) == ["The subject runs to 14 words; inboxes cut it off"]
    assert findings("Q112", "Subject: 12 sales leaders, Bristol, March 6\n\nHi Omar,\n") == []


# -- opener scope: the first sentence may share its line with the greeting ------------


def test_opener_after_a_greeting_on_the_same_line():
    text = "Wayne, I'm reaching out because your team doubled.\n\nWorth a look?\n"
    assert findings("T102", text) == [("T102", 1, 8, 1, 24)]
    assert findings("T102", "Wayne, your team doubled. I'm reaching out with one idea.\n") == []


def test_capital_words_are_the_all_caps_words_of_the_word_scan():
    """The quick scan for words in capitals finds exactly the all-capitals words the
    full word scan finds, on the examples and on random strings of the tricky characters."""
    import random

    from linter.checks.form import CAPS_WORD_RE, _capital_words

    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*.txt"))]
    texts.append("ROI's ACT NOW' DON'T iPHONE HELLOworld ABC'd o'NEIL O'NEIL'S FREE/ROI @NASA #WIN .COM WE’RE")
    rnd = random.Random(7)
    texts += ["".join(rnd.choice("ABCab '’-@/&.#\n,") for _ in range(40)) for _ in range(5000)]
    for text in texts:
        want = [m.span() for m in CAPS_WORD_RE.finditer(text) if m.group().isupper()]
        assert [m.span() for m in _capital_words(text)] == want, text
