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


def test_the_wheel_lists_every_package_and_data_folder():
    """setup.cfg names each package by hand: a new one must be added there, or
    `pip install .` leaves it out."""
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    listed = set(cfg["options"]["packages"].split())
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "linter").rglob("__init__.py")}
    assert on_disk | {"linter.rules", "linter.models"} == listed
    data = cfg["options.package_data"]
    assert "*.yml" in data["linter.rules"] and "*.json" in data["linter.models"]
