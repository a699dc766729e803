"""What stoplint reads at most, in one place (the README lists them).

No outreach email comes near these; a file past one is that file's error (exit 2),
found before the work that could blow up on it, and the other files are still
checked.
"""

from __future__ import annotations

#: Bytes in one file, or in standard input (read in chunks, never past this).
MAX_BYTES = 2_000_000
#: Rows in one sequence export (.csv, .jsonl).
MAX_ROWS = 10_000
#: Nesting: template blocks and brackets in a tag, MIME parts in an .eml, JSON values
#: on a JSONL line, arrays and tables in a config file.
MAX_DEPTH = 40
#: Bytes in one parsed header of an .eml (Subject, Content-Type...), folded lines included.
MAX_HEADER = 8_192
#: Template tags and merge fields in one file.
MAX_TAGS = 20_000
#: Bytes of standard input read at a time.
STDIN_CHUNK = 1 << 16
#: Seconds one rule may run on one email (the slowest built-in rule takes about 1 s on
#: a 2 MB email).  Past it the rule stops and reports one error-level finding on that
#: email instead of its hits: a slow team pattern is a finding, never a hang.  The
#: clock is read between matches and, in team token patterns, at every token (see
#: linter/budget.py).
RULE_SECONDS = 10.0

