"""The vocabulary of findings: rule families and severities, each named once.

A family's value is its name in JSON (a finding's ``category``), in configs and on the
command line; ``letter`` starts its rule codes, ``label`` is how the writer reads it in
a sentence, ``heading`` titles it in the HTML report.  Both enums are ``str`` enums, so
a member compares equal to its name and prints as it.
"""

from __future__ import annotations

import enum


class Family(enum.StrEnum):
    letter: str
    label: str
    heading: str

    def __new__(cls, value: str, letter: str, label: str, heading: str) -> "Family":
        member = str.__new__(cls, value)
        member._value_ = value
        member.letter, member.label, member.heading = letter, label, heading
        return member

    TEMPLATED = ("templated", "T", "templated", "Templated")
    SELLER_CENTRIC = ("seller_centric", "S", "seller-centric", "Seller-centric")
    GENERIC = ("generic", "G", "generic", "Generic")
    QUIT = ("quit", "Q", "QUIT-trigger", "QUIT triggers")
    MERGE_FIELD = ("merge_field", "M", "merge-field", "Merge-field defects")

    @classmethod
    def by_letter(cls, letter: str) -> "Family":
        return next(f for f in cls if f.letter == letter.upper())


#: Family names that used to mean another family; still accepted as selectors.
DEPRECATED_NAMES = {"template": Family.MERGE_FIELD}
#: The families with a sub-score (the model's labels); QUIT and merge-field count in the total.
SCORED_FAMILIES = (Family.TEMPLATED, Family.SELLER_CENTRIC, Family.GENERIC)
#: What the classifier predicts: the whole STOP signal and the scored families.
MODEL_LABELS = ("stop", *(f.value for f in SCORED_FAMILIES))


def family_named(name: str) -> Family | None:
    """The family a selector names ("seller-centric", "QUIT", the old "template"), or None."""
    norm = name.strip().lower().replace("-", "_")
    if norm in DEPRECATED_NAMES:
        return DEPRECATED_NAMES[norm]
    try:
        return Family(norm)
    except ValueError:
        return None


def deprecation_note(selector: str) -> str | None:
    """A one-line note when ``selector`` is a family's old name, else None."""
    old = selector.strip().lower().replace("-", "_")
    if old not in DEPRECATED_NAMES:
        return None
    return f"family '{old}' is now called '{DEPRECATED_NAMES[old]}'; please rename it (the old name still works for now)"


class Severity(enum.StrEnum):
    rank: int

    def __new__(cls, value: str, rank: int) -> "Severity":
        member = str.__new__(cls, value)
        member._value_ = value
        member.rank = rank
        return member

    ERROR = ("error", 3)
    WARNING = ("warning", 2)
    SUGGESTION = ("suggestion", 1)

