"""Templates run of the speed benchmark: template lint time vs plain text of the same length.

Run: python benchmarks/templates_speed.py  (prints figures; not a test)
The target is a ratio of at most 1.5: reading merge tags, control blocks and comments
must not make a template much slower to lint than the text it stands for.
"""

from __future__ import annotations

import time

from linter import Linter, Options

TEMPLATE = """Subject: Missed pickups at {{ company | default("your depots") }}

{# Segment: regional 3PLs with a second site. Reviewed in March. #}
Hi {{ first_name | default("there") }},

{% if recent_post %}
Your post on {{ recent_post }} mentioned that returns doubled after the second site opened.
{% else %}
Your second depot opened in May; returns there usually double in the first quarter.
{% endif %}
When Halden Freight moved dispatch off spreadsheets, missed pickups fell 18% in six
weeks. {{ company | default("Your team") }} runs a similar number of routes out of two sites.

Is dispatch still planned in a shared sheet, {{ first_name | default("there") }}?

Best,
{{ sender_name }}
"""


def plain_twin(template: str) -> str:
    """Plain text of the same length: the template's own text with every tag character made a letter."""
    out = []
    for ch in template:
        out.append("x" if ch in "{}%#|" else ch)
    return "".join(out)


def _forget_tags() -> None:
    """Empty the template reader's memo of tags it has lexed and parsed: each lint below
    then reads its template as one it has never seen (tags repeated inside the
    template still count once)."""
    from linter.readers import template

    template._lex.cache_clear()
    template._parses.cache_clear()


def _time(linter: Linter, text: str, path: str, repeat: int) -> float:
    linter.lint_text(text, path=path)  # warm up
    best = float("inf")
    for _ in range(3):
        elapsed = 0.0
        for _ in range(repeat):
            _forget_tags()
            start = time.perf_counter()
            linter.lint_text(text, path=path)
            elapsed += time.perf_counter() - start
        best = min(best, elapsed)
    return best / repeat


def templates_run(repeat: int = 100, copies: int = 4) -> dict[str, float]:
    """Lint the same-length template and plain text; return per-email seconds and the ratio."""
    linter = Linter(Options(use_model=False))
    template = "\n".join([TEMPLATE] * copies)
    plain = plain_twin(template)
    assert len(plain) == len(template)
    t_template = _time(linter, template, "bench.j2", repeat)
    t_plain = _time(linter, plain, "bench.txt", repeat)
    return {"template_ms": 1000 * t_template, "plain_ms": 1000 * t_plain, "ratio": t_template / t_plain, "chars": len(template)}


def main() -> None:
    r = templates_run()
    print(
        f"templates: {r['template_ms']:.2f} ms per template vs {r['plain_ms']:.2f} ms per plain email "
        f"of the same length ({r['chars']} chars): ratio {r['ratio']:.2f}x (target <= 1.5x)"
    )


if __name__ == "__main__":
    main()
