"""Template files (``.j2``, ``.liquid``, ``.hbs`` …): an HTML template goes through the
HTML reader with merge tags handled, any other through the template reader."""

from __future__ import annotations

import re

from ..email import Email
from .html import read_html_source
from .registry import _OPTIONAL_READERS, register_text
from .template import build_template

HTML_START_RE = re.compile(r"\s*(?:\{[{%#][^\n]*\n\s*)*<(?:!doctype|html|head|body|table|div|p|span)\b", re.I)


def read_template(path: str, source: str) -> Email:
    if HTML_START_RE.match(source):
        return read_html_source(path, source, template=True)
    return build_template(path, source)


register_text(_OPTIONAL_READERS["template_file"], read_template)
