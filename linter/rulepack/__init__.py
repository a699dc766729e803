"""Rule packs: the schema and validation (``schema``), loading the YAML packs
(``loading``) and selecting rules (``selection``).  The rule author's tools are in
``devtool``, which linting never imports."""

from .loading import load_rules, pack_files
from .schema import SEVERITIES, Rule, RuleError
from .selection import matches_selector, select_rules, valid_selector

__all__ = ["SEVERITIES", "Rule", "RuleError", "load_rules", "matches_selector", "pack_files", "select_rules", "valid_selector"]
