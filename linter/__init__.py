"""stoplint: lint outreach emails for the STOP signals that make buyers quit reading.

The Python API is ``lint_text``, ``lint_file`` and ``Linter`` (see ``linter.api``);
they are imported lazily so that ``stoplint --version`` does not load spaCy.
"""

__version__ = "0.1.0"

__all__ = ["FileResult", "Linter", "Options", "lint_file", "lint_text", "__version__"]


def __getattr__(name: str):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'linter' has no attribute {name!r}")
