"""The library-wide rules' checks (T301-T304): nothing to find in one email alone.

A rule names one of these with ``check:`` so that it is selected, listed and
documented like any other; its findings are made across a checked folder by
:func:`linter.library.check`, from what :func:`linter.library.features` read of
each email.
"""

from __future__ import annotations

from . import check


def _across_the_library(ctx, rule):
    return ()


for _name in ("library_shared_sentence", "library_near_duplicate", "library_fixed_share", "library_empty_step"):
    check(_name)(_across_the_library)
