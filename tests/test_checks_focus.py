"""The computed checks of the seller-centric (S) and generic (G) families: where they
report and what they say, on small emails written for these tests."""

from conftest import rule_linter


def findings(code, text, path="email.txt"):
    return [f for r in rule_linter(code).lint_text(text, path=path) for f in r.findings if f.code == code]


def where(f):
    return (f.line, f.column, f.end_line, f.end_column)


# -- S103 self_focus ------------------------------------------------------------------

SELF_HEAVY = (
    "Hi Lena,\n"
    "\n"
    "Quick note about the new release.\n"
    "We launched our new tool last month and we are proud of it.\n"
    "Our team spent a year on it and I think our customers love it.\n"
    "Do you want to see it?\n"
)


def test_self_focus_reports_first_sentence_about_the_sender_with_counts():
    [f] = findings("S103", SELF_HEAVY)
    assert where(f) == (4, 1, 4, 60)
    assert f.severity == "suggestion"
    assert f.message == "Talks about the sender 6 times (I, we, our) and the reader once (you, your)"


def test_self_focus_quiet_when_the_reader_is_the_subject_too():
    text = (
        "Hi Lena,\n\nWe launched our tool in March and we fixed our export bug.\n"
        "Your team asked for it, so you and your analysts can try it; does your finance team need it too?\n"
    )
    assert findings("S103", text) == []


def test_self_focus_needs_enough_self_words():
    # 5 self words and no "you": under the minimum of 6
    text = "Hi Lena,\n\nWe met in March. I liked our chat and my notes are attached for us.\n"
    assert findings("S103", text) == []


# -- S101 / S102 self_intro_opener ----------------------------------------------------


def test_intro_opener_on_its_own_line():
    text = "Hi Priya,\n\nMy name is Colin and I run partnerships at Ledgerline.\nWorth a look?\n"
    [f] = findings("S101", text)
    assert where(f) == (3, 1, 3, 55)
    assert f.message == "Opens by introducing the sender instead of saying something about the reader"


def test_intro_opener_sharing_the_greeting_line():
    text = "Hello Tom, allow me to introduce myself: I lead growth at Northgate.\n"
    [f] = findings("S101", text)
    assert (f.line, f.column) == (1, 12)


def test_intro_after_a_stock_pleasantry():
    text = "Hi Ana,\n\nI hope this email finds you well. We are a leading agency in Lisbon.\n"
    [f] = findings("S101", text)
    assert where(f) == (3, 35, 3, 69)


def test_intro_not_flagged_later_in_the_email():
    text = "Hi Ana,\n\nYour Lisbon store reopened in May. My name is on the lease paperwork you signed.\n"
    assert findings("S101", text) == []


def test_mild_intro_is_a_suggestion():
    text = "Hi Jo,\n\nI'm Dana from Brightwell. We build rota tools for clinics.\n"
    [f] = findings("S102", text)
    assert where(f) == (3, 1, 3, 26)
    assert f.severity == "suggestion"
    assert findings("S101", text) == []


# -- S203 meeting_before_reason --------------------------------------------------------


def test_meeting_ask_without_a_reason_matches_the_interface_example():
    text = "Hi Jon,\n\nDo you have 15 minutes for a quick call next week?\n"
    [f] = findings("S203", text)
    assert where(f) == (3, 1, 3, 51)  # end column is exclusive
    assert f.message == "Asks for a meeting before giving a reason to meet"
    assert f.severity == "warning"
    assert f.text == "Do you have 15 minutes for a quick call next week?"


def test_meeting_ask_after_generic_body():
    text = (
        "Hi Jon,\n\nWe help teams like yours get better results with less effort.\n"
        "Would you be open to a short call on Thursday?\n"
    )
    [f] = findings("S203", text)
    assert where(f) == (4, 1, 4, 47)


def test_meeting_ask_after_specifics_passes():
    text = (
        "Hi Jon,\n\nFenwick opened its fourth site in Leeds in March.\n"
        "Halden cut rota time from 6 hours to 40 minutes after a similar move.\n"
        "Worth a 15-minute call?\n"
    )
    assert findings("S203", text) == []


def test_ask_about_interest_is_not_a_meeting_ask():
    text = "Hi Jon,\n\nWe help teams get better results.\nWorth a look?\n"
    assert findings("S203", text) == []


def test_merge_fields_are_not_a_reason_to_meet():
    text = "Hi {{ first_name }},\n\nI help {{ company }} and {{ industry }} teams grow.\nCan we book a call next week?\n"
    [f] = findings("S203", text, path="email.j2")
    assert (f.line, f.column) == (4, 1)


# -- G101 no_specifics --------------------------------------------------------------------

GENERIC_BODY = (
    "Hi Sam,\n"
    "\n"
    "We help growing teams get more done with less effort.\n"
    "Our approach is simple and our customers are happy with the results they see.\n"
    "Most teams find that it pays for itself quickly and the setup is painless.\n"
    "If this sounds interesting, let me know and I can share more.\n"
)


def test_no_specifics_reports_the_opener_with_the_word_count():
    [f] = findings("G101", GENERIC_BODY)
    assert where(f) == (3, 1, 3, 54)
    assert f.message == "50 words and not one number, name or date the reader could check"
    assert f.severity == "suggestion"


def test_one_number_is_a_specific():
    text = GENERIC_BODY.replace("pays for itself quickly", "pays for itself in 6 weeks")
    assert findings("G101", text) == []


def test_short_email_is_not_judged():
    assert findings("G101", "Hi Sam,\n\nWe help growing teams get more done.\nWorth a look?\n") == []


# -- S105 feature_dump -------------------------------------------------------------------


def test_feature_list_after_product_intro():
    text = (
        "Hi Mo,\n"
        "\n"
        "Our platform includes:\n"
        "- lead scoring\n"
        "- email sequences\n"
        "- call recording\n"
        "\n"
        "Worth a look?\n"
    )
    [f] = findings("S105", text)
    assert where(f) == (3, 1, 6, 17)
    assert f.message == "Lists 3 features of the sender's product"


def test_feature_list_in_one_sentence():
    text = "Hi Mo,\n\nOur tool offers scheduling, invoicing, payroll and reporting in one place.\n"
    [f] = findings("S105", text)
    assert (f.line, f.column) == (3, 1)
    assert f.message == "Lists 4 things the sender's product does"


def test_list_of_changes_the_reader_asked_for_passes():
    text = (
        "Hi Mo,\n\nYou asked what changed in the March release:\n"
        "- exports keep your filters\n- reports load in a second\n- mobile works\n"
    )
    assert findings("S105", text) == []


def test_sentence_that_goes_on_to_a_second_clause_is_no_list():
    text = "Hi Mo,\n\nWe deliver meals to 85 families on Mill Street, and our van, with 190,000 miles on it, failed in May.\n"
    assert findings("S105", text) == []


def test_describing_someone_elses_booking_step_is_no_ask():
    text = "Hi Mo,\n\nYour signup page asks new users to book a call before they can invite a teammate.\n\nHave you tested it without?\n"
    assert findings("S203", text) == []
    assert findings("S203", "Hi Mo,\n\nBook a call with me here.\n") != []


def test_a_call_the_reader_already_knows_is_no_ask():
    text = "Hi Mo,\n\nYour trial makes new users sit through an onboarding call. Have you tried it without the call?\n"
    assert findings("S203", text) == []


def test_two_bullets_are_not_a_dump():
    text = "Hi Mo,\n\nOur platform includes:\n- lead scoring\n- email sequences\n\nWorth a look?\n"
    assert findings("S105", text) == []
