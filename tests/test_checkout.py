"""The tests run against this checkout: a new rule or module is seen without reinstalling."""

from pathlib import Path

import linter
from linter.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent


def test_linter_is_imported_from_the_checkout():
    assert Path(linter.__file__).resolve() == ROOT / "linter" / "__init__.py"


def test_rules_and_models_are_read_from_the_checkout():
    assert Path(str(data_dir("rules"))).resolve() == ROOT / "rules"
    assert Path(str(data_dir("models"))).resolve() == ROOT / "models"
