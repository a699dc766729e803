"""Merge tags: their dialects, the slot each field fills, and the kinds of slot.

The one place that knows what a merge tag looks like (``{{ first_name }}``,
``{FirstName}``, ``[First Name]``, ``%FIRSTNAME%``, ``*|FNAME|*``, ``{!Contact.FirstName}``,
spintax ``{Hi|Hello}``) and what a field's name asks for: the template reader, the
merge-field checks and the model's features all read it from here.

A slot is of one of ``SLOT_KINDS``: the recipient's ``name``, ``company`` or
``title``, ``research`` (a line the sender writes per recipient: ``{{ icebreaker }}``,
``[specific metric]``) or ``other``.
"""

from __future__ import annotations

import re


SLOT_KINDS = ("name", "company", "title", "research", "other")
#: Slots filled with facts about the recipient, which break the sentence when empty.
RECIPIENT_SLOTS = ("name", "company", "title")

#: Each dialect's delimiters: two kinds of delimiters in one file means one will not be filled.
DIALECT_SYNTAX = {
    "jinja": "{{ }}",
    "hubspot": "{{ }}",
    "handlebars": "{{ }}",
    "mustache": "{{ }}",
    "liquid": "{{ }}",
    "single_brace": "{ }",
    "bracket": "[ ]",
    "percent": "% %",
    "mailchimp": "*| |*",
    "salesforce": "{! }",
}


# -- finding tags -------------------------------------------------------------------------
#: What every merge-tag shape starts with ({{ {% {# {! {x} [x] *| %X): text without
#: any of these holds no tag, and need not load the template reader to find out.
TAG_START = re.compile(r"[{\[]|\*\||%[A-Za-z]")


def may_hold_tags(text: str) -> bool:
    return TAG_START.search(text) is not None


_BRACKET_BODY = r"(?:[A-Z][\w'’&.-]*|X{1,3}|insert\b[^\]\n]{0,40})(?:[ _/-][A-Za-z][\w'’&.-]*){0,4}"
MASTER_RE = re.compile(
    r"""
    (?P<open>\{\#|\{%|\{\{)
  | (?P<mc>\*\|(?P<mcbody>[A-Za-z0-9_:\- ]{1,60})\|\*)
  | (?P<sf>\{!(?P<sfbody>[^{}\n]{1,120})\})
  | (?<![\w%])(?P<pct>%(?P<pctbody>[A-Za-z][A-Za-z0-9_]{1,40})%)(?![\w%])
  | (?P<spin>\{(?P<spinbody>[^{}\n|]{1,80}(?:\|[^{}\n|]{0,80})+)\})
  | (?P<single>\{(?P<singlebody>[A-Za-z][\w.\-]{0,40}(?:[ ][A-Za-z][\w.\-]{0,20}){0,3})\})
  | (?P<bracket>\[(?P<brbody>"""
    + _BRACKET_BODY
    + r""")\](?![(\[]))
    """,
    re.X,
)
#: Bracketed words that are not placeholders: gateway tags, editorial marks.
BRACKET_EXEMPT = frozenset(
    "external ext spam suspicious caution warning redacted removed edited pdf image video attachment "
    "draft update updated new urgent fyi info action required".split()
)


#: Merge tags as they look in text no template reader parsed (a template reader's
#: ``Email.fields`` win).  Order matters: longest forms first.
TEXT_TAG_RES = (
    re.compile(r"\{\{\{?\s*([^{}\n]{1,80}?)\s*\}?\}\}"),  # {{ first_name }}, {{{x}}}
    re.compile(r"\*\|([A-Z0-9_:]{1,40})\|\*"),  # *|FNAME|*
    re.compile(r"%%?([A-Za-z][\w.]{0,40})%%?"),  # %FIRSTNAME%
    re.compile(r"\{([^{}\n]{1,80})\}"),  # {FirstName}, {Hi|Hello}
    re.compile(r"\[([^\[\]\n]{2,120})\](?!\()"),  # [First Name], [specific metric...]; not [a](b)
    re.compile(r"<<\s*([^<>\n]{1,60}?)\s*>>"),  # <<Company>>
)
def looks_like_slot(inner: str) -> bool:
    """Square brackets are also prose ("[sic]", "[1]"); a slot is a placeholder."""
    inner = inner.strip()
    if not inner or inner.isdigit() or inner.lower() in {"sic", "x", "edit", "link"}:
        return inner.lower() == "link"
    return inner[0].isupper() or inner.isupper() or "_" in inner or len(inner.split()) >= 2


# -- field names and their slots -------------------------------------------------------
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ALIASES = {
    "fname": "first_name",
    "firstname": "first_name",
    "first": "first_name",
    "lname": "last_name",
    "lastname": "last_name",
    "last": "last_name",
    "fullname": "full_name",
    "companyname": "company",
    "company_name": "company",
    "accountname": "company",
    "account_name": "company",
    "organization": "company",
    "organisation": "company",
    "jobtitle": "title",
    "job_title": "title",
}
_PERSON_PREFIXES = {"contact", "lead", "recipient", "prospect", "person", "user", "customer", "subscriber", "merge", "custom"}
_COMPANY_PREFIXES = {"company", "account", "organization", "organisation", "org"}
_SENDER_RE = re.compile(r"(?:^|_)(?:your|my|sender|signature|sig|rep|owner|from|me|our|sdr|bdr|ae|calendar|calendly|booking|bookme)(?:_|$)")
_COMPANY_RE = re.compile(r"company|business|brand|organi[sz]ation|(?:^|_)org(?:_|$)|account|employer|agency|firm|startup|store|shop|practice|clinic|restaurant|school|team|publication|outlet")
_TITLE_RE = re.compile(r"title|role|position|job|designation|department|seniority")
_RESEARCH_RE = re.compile(
    r"topic|post(?!al|code)|article|blog|podcast|episode|news|achievement|award|trigger|observ|compliment|icebreaker|"
    r"personali[sz]|custom|line|snippet|recent|event|hobby|interest|university|college|alma|pain|challenge|initiative|"
    r"project|launch|funding|hiring|insight|note|mention|talk|book|quote|reason|hook|intro|opener|detail|fact|highlight|"
    r"(?:^|_)(?:specific|insert|research|reference|relevant|metric|result|problem|goal|announcement|hire|stats?|outcome|"
    r"case|example|point|something)(?:_|$|s_|s$)"
)
_NAME_RE = re.compile(r"name|first|last|contact|recipient|prospect|person|nickname|salutation")


def normalise_name(raw: str) -> str:
    """``Contact.FirstName`` / ``FNAME`` / ``First Name`` -> ``first_name``; ``company.name`` -> ``company``."""
    parts = [p for p in re.split(r"\.", raw.strip()) if p]
    if not parts:
        return "field"
    if len(parts) > 1:
        head = parts[0].lower()
        if head in _COMPANY_PREFIXES and parts[-1].lower() in ("name", "title", "companyname"):
            return "company"
        parts = [parts[-1]] if head in _PERSON_PREFIXES or head in _COMPANY_PREFIXES else parts
    name = "_".join(parts)
    if not name.isupper():
        name = _CAMEL_RE.sub("_", name)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "field"
    return _ALIASES.get(name, _ALIASES.get(name.replace("_", ""), name))


def is_sender_field(name: str) -> bool:
    """A slot the sender fills for themselves (``your_name``, ``sender_company``, ``signature``)."""
    return bool(_SENDER_RE.search(name))


def slot_of(name: str) -> str:
    """The kind of slot (``SLOT_KINDS``) a normalised field name asks for."""
    if _COMPANY_RE.search(name):
        return "company"
    if _TITLE_RE.search(name) and "name" not in name:
        return "title"
    if _RESEARCH_RE.search(name):
        return "research"
    if _NAME_RE.search(name):
        return "name"
    return "other"


#: Words that make bracketed text an instruction to the writer ("[something specific
#: about their launch]") rather than a field name.
_INSTRUCTION_RE = re.compile(
    r"\b(?:specific|insert|personali[sz]|observ|recent|research|mention|detail|reference|custom|relevant|something|"
    r"why|how|what|which)", re.I
)


def slot_of_text(inner: str) -> str:
    """The slot the inside of a tag no template reader parsed asks for: a field name
    (``First Name``, ``FNAME``, ``job_title``), an instruction to the writer
    (``specific metric from their report``: research) or spintax (``Hi|Hello``: other).
    Field names are read as the template reader reads them (``slot_of``)."""
    raw = inner.strip()
    if "|" in raw and not raw.lower().startswith(("default", "fallback")):
        # spintax {Hi|Hello} or a filter {{ name | default("there") }}
        head = raw.split("|", 1)[0].strip()
        if re.fullmatch(r"[\w. ]{1,40}", head) and ("(" in raw or ":" in raw):
            raw = head
        else:
            return "other"
    name = normalise_name(raw)
    n_words = len(_CAMEL_RE.sub(" ", raw).replace("_", " ").replace(".", " ").split())
    if n_words >= 4 or (n_words >= 2 and (_INSTRUCTION_RE.search(raw) or _RESEARCH_RE.search(name))):
        return "research"
    return slot_of(name)
